/* fuzz-utf8.c — src/base/str.c: the UTF-8 text check every parser ends with,
 * and the integer parser that reads untrusted numbers (page sizes, versions,
 * path ids).
 *
 * Differential: str_valid_utf8_text is compared with an independent decoder
 * written from the Unicode standard's table of well-formed byte sequences
 * (Table 3-7), which has no shift arithmetic in common with the code under
 * test; str_to_i64 with a digit-by-digit parser.
 */
#include "fuzz.h"
#include "base/str.h"

#include <stdbool.h>

/* Length of the well-formed sequence at p (1..4), or 0 when ill-formed (Unicode Table 3-7). */
static size_t table37_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	unsigned lo = 0x80, hi = 0xbf;
	size_t len;
	if (c <= 0x7f)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c == 0xe0) {
		len = 3;
		lo = 0xa0;
	} else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef)
		len = 3;
	else if (c == 0xed) {
		len = 3;
		hi = 0x9f; /* no surrogates */
	} else if (c == 0xf0) {
		len = 4;
		lo = 0x90;
	} else if (c >= 0xf1 && c <= 0xf3)
		len = 4;
	else if (c == 0xf4) {
		len = 4;
		hi = 0x8f; /* nothing above U+10FFFF */
	} else
		return 0;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

/* The contract of str_valid_utf8_text, from str.h; *cps_r counts code points. */
static bool oracle_text(const unsigned char *s, size_t n, bool newlines, size_t *cps_r)
{
	size_t cps = 0;
	for (size_t i = 0; i < n;) {
		unsigned c = s[i];
		if (c == 0 || c == 0x7f)
			return false;
		if (c < 0x20 && c != '\t' && !(newlines && (c == '\n' || c == '\r')))
			return false;
		size_t l = table37_seq(s + i, n - i);
		if (l == 0)
			return false;
		i += l;
		cps++;
	}
	*cps_r = cps;
	return true;
}

/* Optional '-', then 1..19 ASCII digits, nothing else; -1 when out of int64 or [min,max]. */
static int oracle_i64(const char *s, int64_t min, int64_t max, int64_t *out_r)
{
	bool neg = *s == '-';
	const char *p = s + neg;
	if (*p == '\0')
		return -1;
	/* Accumulate negatively so INT64_MIN fits. */
	int64_t v = 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		int d = *p - '0';
		if (v < (INT64_MIN + d) / 10)
			return -1;
		v = v * 10 - d;
	}
	if (!neg) {
		if (v == INT64_MIN)
			return -1;
		v = -v;
	}
	if (v < min || v > max)
		return -1;
	*out_r = v;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *b = fuzz_bytes(data, size);
	for (int nl = 0; nl <= 1; nl++) {
		size_t cps = 0;
		bool want = oracle_text(data, size, nl, &cps);
		bool got = str_valid_utf8_text(b, size, nl);
		fuzz_check(got == want);
		if (got) {
			char *c = fuzz_cstr(data, size);
			fuzz_check(str_utf8_len(c) == cps);
			free(c);
		}
	}
	/* Valid one-line text is valid multi-line text. */
	fuzz_check(!str_valid_utf8_text(b, size, false) || str_valid_utf8_text(b, size, true));
	free(b);

	/* Integers: the first byte picks a range, the rest is the text. */
	if (size > 0) {
		static const int64_t ranges[][2] = {
			{ INT64_MIN, INT64_MAX }, { 1, INT64_MAX }, { 1, 500 }, { 0, 0 }, { -100, 100 },
		};
		const int64_t *r = ranges[data[0] % (sizeof ranges / sizeof ranges[0])];
		char *s = fuzz_cstr(data + 1, size - 1);
		int64_t got = 0, want = 0;
		int rg = str_to_i64(s, r[0], r[1], &got);
		int rw = oracle_i64(s, r[0], r[1], &want);
		fuzz_check(rg == rw);
		fuzz_check(rg < 0 || got == want);
		free(s);
	}

	/* str_trim: no white space left at either end, and only white space removed. */
	char *t = fuzz_cstr(data, size);
	size_t before = strlen(t);
	char *tr = str_trim(t);
	size_t after = strlen(tr);
	fuzz_check(tr >= t && tr + after <= t + before);
	fuzz_check(memcmp(tr, data + (tr - t), after) == 0);
	if (after > 0) {
		fuzz_check(strchr(" \t\r\n", tr[0]) == NULL);
		fuzz_check(strchr(" \t\r\n", tr[after - 1]) == NULL);
	}
	for (const char *p = t; p < tr; p++)
		fuzz_check(strchr(" \t\r\n", *p) != NULL);
	for (size_t i = (size_t)(tr - t) + after; i < before; i++)
		fuzz_check(strchr(" \t\r\n", data[i]) != NULL);
	free(t);
	return 0;
}
