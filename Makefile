# nadiya — plain Makefile; every library is found with pkg-config.
#   make            build build/nadiya (installing missing Debian packages first)
#   make run        build, create var/nadiya.db and var/nadiya.key if absent, serve on :8080
#   make test       build and run the whole suite; ends with "N passed, N failed"
#   make asan       build build-asan/nadiya with AddressSanitizer + UBSan
#   make bench      run the benchmarks under bench/ (never part of make test)

PKGS := libmicrohttpd sqlite3 libsodium jansson icu-uc icu-i18n liboath libqrencode
CC ?= cc
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
PO := $(wildcard po/*.po)
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))

.PHONY: all asan run test test-unit test-http test-browser bench clean deps locales pot fuzz
all: build/nadiya locales

build/.deps-ok: scripts/install-deps
	@pkg-config --exists $(PKGS) && command -v msgfmt >/dev/null && command -v tidy >/dev/null \
		|| scripts/install-deps
	@mkdir -p build && touch $@
deps: build/.deps-ok

build/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -O1 -o $@ $<

build/gen/embedded.c: build/tools/embed $(MIGRATIONS) $(ASSETS) Makefile
	@mkdir -p $(dir $@)
	build/tools/embed migrations $(MIGRATIONS) > $@.tmp
	build/tools/embed assets $(ASSETS) | sed '/^#include/d;/^\/\*/d' >> $@.tmp
	mv $@.tmp $@

# Release objects
build/obj/%.o: %.c build/.deps-ok
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_REL) -MMD -MP -c -o $@ $<
build/obj/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_REL) -c -o $@ $<

OBJ := $(patsubst %.c,build/obj/%.o,$(LIB_SRC)) build/obj/gen/embedded.o
build/nadiya: $(OBJ) build/obj/src/main.o
	@echo "  LD      $@"
	@$(CC) $(LDHARDEN) -o $@ $^ $(PKG_LIBS)

# AddressSanitizer + UBSan objects
build-asan/obj/%.o: %.c build/.deps-ok
	@mkdir -p $(dir $@)
	@echo "  CC-ASAN $<"
	@$(CC) $(CFLAGS_ASAN) -MMD -MP -c -o $@ $<
build-asan/obj/gen/embedded.o: build/gen/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ASAN) -c -o $@ $<
ASAN_OBJ := $(patsubst %.c,build-asan/obj/%.o,$(LIB_SRC)) build-asan/obj/gen/embedded.o
build-asan/nadiya: $(ASAN_OBJ) build-asan/obj/src/main.o
	@echo "  LD      $@"
	@$(CC) -fsanitize=address,undefined -o $@ $^ $(PKG_LIBS)
asan: build-asan/nadiya locales
	@mkdir -p build-asan && rm -rf build-asan/locale && cp -r build/locale build-asan/locale

# Translations: po/<lang>.po -> build/locale/<lang>/LC_MESSAGES/nadiya.mo
build/locale/%/LC_MESSAGES/nadiya.mo: po/%.po build/.deps-ok
	@mkdir -p $(dir $@)
	@msgfmt --check -o $@ $<
locales: $(patsubst po/%.po,build/locale/%/LC_MESSAGES/nadiya.mo,$(PO))
pot:
	xgettext --from-code=UTF-8 -k_ -kN_ -kngettext:1,2 -o po/nadiya.pot $(SRC)
	for f in $(PO); do msgmerge -q --update --backup=none $$f po/nadiya.pot; done

# Unit tests link every library source with the test files.
build/test-unit: $(OBJ) $(patsubst %.c,build/obj/%.o,$(UNIT_SRC))
	$(CC) $(LDHARDEN) -o $@ $^ $(PKG_LIBS)

run: all
	@scripts/run-demo

test: all asan build/test-unit
	@tests/run

test-unit: build/test-unit
	@build/test-unit

test-http: all
	@tests/run http

bench: all
	@bench/http.sh

clean:
	rm -rf build build-asan

-include $(shell find build/obj build-asan/obj -name '*.d' 2>/dev/null)
