# tests/fuzz/fuzz.mk — libFuzzer harnesses for every parser of untrusted input.
# Included at the end of the Makefile (it uses BASE_CFLAGS, CFLAGS_ASAN, LIB_SRC,
# ASAN_OBJ and PKG_LIBS from there).  See tests/fuzz/README.md.
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS="form json"]
#       builds each harness with clang -fsanitize=fuzzer,address,undefined,
#       runs it for FUZZ_SECONDS on its corpus and dictionary and writes
#       executions per second and coverage to tests/fuzz/report.txt
#   make fuzz-replay
#       runs every corpus file once through its harness under the ASan + UBSan
#       build (no libFuzzer); ends with "N passed, N failed", one test a target
#   make fuzz-merge
#       adds the inputs `make fuzz` found that reach new coverage to the corpus
#       in the repository (minimized by libFuzzer's -merge=1)

FUZZ_TARGETS ?= form cookie path html json utf8 http
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
# libFuzzer objects and binaries, its working corpus and crash artifacts
FUZZ_O ?= $(O)/fuzz
# replay binaries, built from the ASan objects `make asan` builds anyway
FUZZ_R ?= $(OA)/fuzz
FUZZ_REPORT ?= tests/fuzz/report.txt

# The house warnings are enforced by the gcc builds (release, ASan, and the
# replay build of these harnesses).  clang warns where gcc does not (a vsnprintf
# with the format from a libmicrohttpd callback in http.c; positional struct
# initializers that leave trailing fields zero, as in policy.c's rule table),
# so here warnings never stop a fuzzing run and those two are not shown.
FUZZ_CFLAGS = $(BASE_CFLAGS) -Wno-error -Wno-format-nonliteral -Wno-missing-field-initializers \
	-O1 -g -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined
FUZZ_LDFLAGS = -fsanitize=fuzzer,address,undefined
FUZZ_LIB_OBJ := $(patsubst %.c,$(FUZZ_O)/obj/%.o,$(LIB_SRC)) $(FUZZ_O)/obj/gen/embedded.o

.PHONY: fuzz fuzz-replay fuzz-merge
# The harness objects are intermediate files of a chain of pattern rules: keep them.
.PRECIOUS: $(FUZZ_O)/obj/%.o $(FUZZ_R)/obj/%.o

$(FUZZ_O)/obj/%.o: %.c $(O)/.deps-ok
	@mkdir -p $(dir $@)
	@echo "  CC-FUZZ $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c -o $@ $<
$(FUZZ_O)/obj/gen/embedded.o: $(O)/gen/embedded.c
	@mkdir -p $(dir $@)
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<
$(FUZZ_O)/fuzz-%: $(FUZZ_O)/obj/tests/fuzz/fuzz-%.o $(FUZZ_LIB_OBJ)
	@echo "  LD-FUZZ $@"
	@$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $^ $(PKG_LIBS)

fuzz: $(addprefix $(FUZZ_O)/fuzz-,$(FUZZ_TARGETS)) locales
	@NADIYA_LOCALE_DIR=$(O)/locale tests/fuzz/run-fuzz "$(FUZZ_O)" "$(FUZZ_SECONDS)" "$(FUZZ_REPORT)" \
		$(FUZZ_TARGETS)

fuzz-merge: $(addprefix $(FUZZ_O)/fuzz-,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do \
		[ -d $(FUZZ_O)/corpus/$$t ] || continue; \
		$(FUZZ_O)/fuzz-$$t -merge=1 tests/fuzz/corpus/$$t $(FUZZ_O)/corpus/$$t 2>&1 \
			| grep -E '^MERGE-OUTER: [0-9]+ new files' | sed "s/^/$$t: /"; \
	done

# Replay: the harness and tests/fuzz/replay-main.c compiled like the ASan build.
$(FUZZ_R)/obj/%.o: tests/fuzz/%.c $(O)/.deps-ok
	@mkdir -p $(dir $@)
	@echo "  CC-ASAN $<"
	@$(CC) $(CFLAGS_ASAN) -MMD -MP -c -o $@ $<
$(FUZZ_R)/replay-%: $(FUZZ_R)/obj/fuzz-%.o $(FUZZ_R)/obj/replay-main.o $(ASAN_OBJ)
	@echo "  LD      $@"
	@$(CC) -fsanitize=address,undefined -o $@ $^ $(PKG_LIBS)

fuzz-replay: $(addprefix $(FUZZ_R)/replay-,$(FUZZ_TARGETS)) locales
	@pass=0; fail=0; \
	for t in $(FUZZ_TARGETS); do \
		log=$(FUZZ_R)/replay-$$t.log; \
		if NADIYA_LOCALE_DIR=$(O)/locale ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
			UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			$(FUZZ_R)/replay-$$t tests/fuzz/corpus/$$t >$$log 2>&1; then \
			echo "fuzz-replay $$t: $$(tail -n 1 $$log | sed 's/.*: //') ok"; pass=$$((pass + 1)); \
		else \
			echo "fuzz-replay $$t: FAILED"; sed 's/^/    /' $$log | tail -n 40; fail=$$((fail + 1)); \
		fi; \
	done; \
	echo "$$pass passed, $$fail failed"; [ $$fail -eq 0 ]

-include $(shell find $(FUZZ_O)/obj $(FUZZ_R)/obj -name '*.d' 2>/dev/null)
