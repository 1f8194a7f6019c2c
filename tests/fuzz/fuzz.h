/* fuzz.h — what every harness under tests/fuzz/ shares.
 *
 * Each fuzz-<target>.c defines LLVMFuzzerTestOneInput (and may define
 * LLVMFuzzerInitialize).  The same file links either with libFuzzer
 * (`make fuzz`, clang -fsanitize=fuzzer,address,undefined) or with
 * replay-main.c (`make fuzz-replay`, the ASan build), which runs every file of
 * the target's corpus once, so an input that ever crashed stays fixed.
 *
 * A harness does more than "does not crash": it checks what the parser
 * promises (escaped output has no raw markup, decoded values are valid UTF-8,
 * canonical values validate to themselves...).  A broken promise calls
 * fuzz_fail(), which aborts; libFuzzer saves the input as a crash and the
 * replay driver reports the file.
 */
#ifndef NADIYA_FUZZ_H
#define NADIYA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

__attribute__((noreturn)) static inline void fuzz_fail(const char *what, const char *file, int line)
{
	fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what);
	fflush(stderr);
	abort();
}

#define fuzz_check(cond) ((cond) ? (void)0 : fuzz_fail(#cond, __FILE__, __LINE__))

/*
 * A heap copy of the input, NUL-terminated, of exactly size + 1 bytes, so
 * AddressSanitizer sees a read past the end.  Caller frees.  Embedded NULs
 * stay: C-string parsers see the prefix before the first one.
 */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (s == NULL)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A heap copy of exactly size bytes (not terminated), for (pointer, length) parsers. */
static inline char *fuzz_bytes(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1);
	if (s == NULL)
		abort();
	if (size)
		memcpy(s, data, size);
	return s;
}

#endif
