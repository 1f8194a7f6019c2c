/* uni.c — ICU behind a small API (see uni.h). */
#include "base/uni.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucol.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

const char *uni_country_name(struct arena *a, const char *code, const char *lang)
{
	if (code == NULL || *code == '\0')
		return "";
	char loc[16];
	/* A locale id with only a region ("und_PL") asks for that region's name. */
	if (strlen(code) != 2 || snprintf(loc, sizeof loc, "und_%s", code) >= (int)sizeof loc)
		return arena_strdup(a, code);
	UChar name[128];
	UErrorCode e = U_ZERO_ERROR;
	int32_t n = uloc_getDisplayCountry(loc, lang ? lang : "uk", name, (int32_t)(sizeof name / sizeof name[0]), &e);
	/* Without data for the region (or the language), ICU answers the code itself, or warns. */
	if (U_FAILURE(e) || n <= 0 || e == U_USING_DEFAULT_WARNING)
		return arena_strdup(a, code);
	char *out = arena_alloc(a, (size_t)n * 3 + 1);
	int32_t olen = 0;
	e = U_ZERO_ERROR;
	u_strToUTF8(out, n * 3 + 1, &olen, name, n, &e);
	if (U_FAILURE(e))
		return arena_strdup(a, code);
	out[olen] = '\0';
	return out;
}

struct sort_ctx {
	UCollator *coll;
	const char *const *names;
};

static int cmp_collated(const void *x, const void *y, void *arg)
{
	const struct sort_ctx *c = arg;
	const char *a = c->names[*(const size_t *)x], *b = c->names[*(const size_t *)y];
	if (c->coll) {
		UErrorCode e = U_ZERO_ERROR;
		UCollationResult r = ucol_strcollUTF8(c->coll, a, -1, b, -1, &e);
		if (U_SUCCESS(e))
			return r == UCOL_LESS ? -1 : r == UCOL_GREATER ? 1 : 0;
	}
	return strcmp(a, b);
}

void uni_sort_index(const char *lang, const char *const *names, size_t *order, size_t n)
{
	/* A collator per call: ICU's C collators are not to be shared between threads. */
	UErrorCode e = U_ZERO_ERROR;
	struct sort_ctx c = { .coll = ucol_open(lang ? lang : "uk", &e), .names = names };
	if (U_FAILURE(e)) {
		if (c.coll)
			ucol_close(c.coll);
		c.coll = NULL;
	}
	qsort_r(order, n, sizeof *order, cmp_collated, &c);
	if (c.coll)
		ucol_close(c.coll);
}

char *uni_fold(struct arena *a, const char *s)
{
	if (s == NULL)
		return NULL;
	/*
	 * Through UTF-16, where ICU folds without a UCaseMap to open and close:
	 * one UTF-16 unit at most per UTF-8 byte, three at most per unit after
	 * folding (ß -> ss), three UTF-8 bytes at most per unit back.
	 */
	int32_t len = (int32_t)strlen(s), n16 = 0, nfold = 0, n8 = 0;
	UErrorCode e = U_ZERO_ERROR;
	UChar *u = arena_alloc(a, ((size_t)len + 1) * sizeof *u);
	u_strFromUTF8WithSub(u, len + 1, &n16, s, len, 0xfffd, NULL, &e);
	UChar *folded = arena_alloc(a, ((size_t)n16 * 3 + 1) * sizeof *folded);
	if (U_SUCCESS(e))
		nfold = u_strFoldCase(folded, n16 * 3 + 1, u, n16, U_FOLD_CASE_DEFAULT, &e);
	char *out = arena_alloc(a, (size_t)nfold * 3 + 1);
	if (U_SUCCESS(e))
		u_strToUTF8(out, nfold * 3 + 1, &n8, folded, nfold, &e);
	if (U_FAILURE(e))
		return NULL;
	out[n8] = '\0';
	return out;
}
