# nadiya — plain Makefile; every library is found with pkg-config.
#   make            build build/nadiya (installing missing Debian packages first)
#   make run        build, create var/nadiya.db and var/nadiya.key if absent, serve on :8080
#   make test       build and run the whole suite; ends with "N passed, N failed"
#   make asan       build build-asan/nadiya with AddressSanitizer + UBSan
#   make bench      run the benchmarks under bench/ (never part of make test)
#   make soak       the crash test (SIGKILL during writes) for 1000 rounds instead of 50
#   make fuzz       libFuzzer on every parser, FUZZ_SECONDS (60) each; fuzz-replay, fuzz-merge
#   make test-browser  the Playwright journeys with axe (part of make test)

PKGS := libmicrohttpd sqlite3 libpq libsodium jansson icu-uc icu-i18n liboath libqrencode libcurl
CC ?= cc
# Output folders; helpers and CI may build elsewhere with make O=/tmp/x OA=/tmp/y
O ?= build
OA ?= build-asan
VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1-dev)

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wvla -Wnull-dereference -Werror
HARDEN := -D_FORTIFY_SOURCE=3 -fstack-protector-strong -fstack-clash-protection \
	-fcf-protection=full -fPIE
LDHARDEN := -pie -Wl,-z,relro,-z,now,-z,noexecstack
# Recursive (=) so pkg-config runs after the dependency check installed what was missing.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS)) -lpthread

BASE_CFLAGS = -std=c17 -D_GNU_SOURCE -DNADIYA_VERSION='"$(VERSION)"' -Isrc $(WARN) $(PKG_CFLAGS)
CFLAGS_REL = $(BASE_CFLAGS) -O2 -g $(HARDEN)
CFLAGS_ASAN = $(BASE_CFLAGS) -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=undefined

SRC := $(sort $(wildcard src/*.c src/*/*.c))
LIB_SRC := $(filter-out src/main.c,$(SRC))
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))
ASSETS := $(sort $(wildcard assets/*))
DATA := $(sort $(wildcard data/*))
PO := $(wildcard po/*.po)
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))

.PHONY: all asan run test test-unit test-http test-browser bench clean deps locales pot fuzz soak
all: $(O)/nadiya locales

$(O)/.deps-ok: scripts/install-deps
	@pkg-config --exists $(PKGS) && command -v msgfmt >/dev/null && command -v tidy >/dev/null \
		|| scripts/install-deps
	@mkdir -p $(O) && touch $@
deps: $(O)/.deps-ok

$(O)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -o $@ $<

# The list of embedded files is itself a prerequisite, so removing a file also regenerates.
EMBED_LIST := $(O)/gen/embedded.list
$(shell mkdir -p $(O)/gen && (echo '$(MIGRATIONS) $(ASSETS) $(DATA)' | cmp -s - $(EMBED_LIST) 2>/dev/null \
	|| echo '$(MIGRATIONS) $(ASSETS) $(DATA)' > $(EMBED_LIST)))
$(O)/gen/embedded.c: $(O)/tools/embed $(MIGRATIONS) $(ASSETS) $(DATA) $(EMBED_LIST) Makefile
	@mkdir -p $(dir $@)
	$(O)/tools/embed migrations $(MIGRATIONS) > $@.tmp
	$(O)/tools/embed assets $(ASSETS) | sed '/^#include/d;/^\/\*/d' >> $@.tmp
	$(O)/tools/embed data $(DATA) | sed '/^#include/d;/^\/\*/d' >> $@.tmp
	mv $@.tmp $@

# Release objects
$(O)/obj/%.o: %.c $(O)/.deps-ok
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_REL) -MMD -MP -c -o $@ $<
$(O)/obj/gen/embedded.o: $(O)/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_REL) -c -o $@ $<

OBJ := $(patsubst %.c,$(O)/obj/%.o,$(LIB_SRC)) $(O)/obj/gen/embedded.o
$(O)/nadiya: $(OBJ) $(O)/obj/src/main.o
	@echo "  LD      $@"
	@$(CC) $(LDHARDEN) -o $@ $^ $(PKG_LIBS)

# AddressSanitizer + UBSan objects
$(OA)/obj/%.o: %.c $(O)/.deps-ok
	@mkdir -p $(dir $@)
	@echo "  CC-ASAN $<"
	@$(CC) $(CFLAGS_ASAN) -MMD -MP -c -o $@ $<
$(OA)/obj/gen/embedded.o: $(O)/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ASAN) -c -o $@ $<
ASAN_OBJ := $(patsubst %.c,$(OA)/obj/%.o,$(LIB_SRC)) $(OA)/obj/gen/embedded.o
$(OA)/nadiya: $(ASAN_OBJ) $(OA)/obj/src/main.o
	@echo "  LD      $@"
	@$(CC) -fsanitize=address,undefined -o $@ $^ $(PKG_LIBS)
asan: $(OA)/nadiya locales
	@mkdir -p $(OA) && rm -rf $(OA)/locale && cp -r $(O)/locale $(OA)/locale

# Translations: po/<lang>.po -> $(O)/locale/<lang>/LC_MESSAGES/nadiya.mo
$(O)/locale/%/LC_MESSAGES/nadiya.mo: po/%.po $(O)/.deps-ok
	@mkdir -p $(dir $@)
	@msgfmt --check -o $@ $<
locales: $(patsubst po/%.po,$(O)/locale/%/LC_MESSAGES/nadiya.mo,$(PO))
pot:
	xgettext --from-code=UTF-8 -k_ -kN_ -kngettext:1,2 -o po/nadiya.pot $(SRC)
	for f in $(PO); do msgmerge -q --update --backup=none $$f po/nadiya.pot; done

# Unit tests link every library source with the test files.
$(O)/test-unit: $(OBJ) $(patsubst %.c,$(O)/obj/%.o,$(UNIT_SRC))
	$(CC) $(LDHARDEN) -o $@ $^ $(PKG_LIBS)

run: all
	@scripts/run-demo

export O OA
test: all asan $(O)/test-unit
	@tests/run

test-unit: $(O)/test-unit
	@$(O)/test-unit

test-http: all
	@tests/run http

# Journeys in Debian's Chromium with axe-core (installs chromium and the npm packages when missing).
test-browser: all
	@tests/browser/run

bench: all
	@bench/http.sh

# The crash test of `make test` with 1000 rounds per database (SQLite and PostgreSQL).
soak: all
	@CRASH_ROUNDS=1000 tests/run crash

clean:
	rm -rf $(O) $(OA)

-include $(shell find $(O)/obj $(OA)/obj -name '*.d' 2>/dev/null)
include tests/fuzz/fuzz.mk
