/* fuzz-cookie.c — the Cookie and Accept-Language headers (src/web/form.c:
 * cookie_find, accept_language_pick), read on every request before anyone is
 * signed in.
 *
 * The first input byte picks the cookie name nadiya asks for; the rest is the
 * header.  Checks: a value found is printable ASCII without ';', taken from
 * the header, and found again when put back in a header; the language picked
 * is "uk", "en" or none, is present in the header, and a leading "uk," or
 * "en," always wins (q is at most 1).
 */
#include "fuzz.h"
#include "base/arena.h"
#include "web/form.h"
#include "web/session-web.h"

#include <strings.h>

static bool contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (const char *p = hay; *p; p++)
		if (strncasecmp(p, needle, n) == 0)
			return true;
	return false;
}

static void check_cookie(struct arena *a, const char *header, const char *name)
{
	const char *v = cookie_find(a, header, name);
	if (v == NULL) {
		return;
	}
	size_t vl = strlen(v);
	for (const char *p = v; *p; p++)
		fuzz_check((unsigned char)*p >= 0x21 && (unsigned char)*p <= 0x7e && *p != ';');
	fuzz_check(strstr(header, v) != NULL);
	char *pair = malloc(strlen(name) + 2);
	sprintf(pair, "%s=", name);
	fuzz_check(strstr(header, pair) != NULL);
	free(pair);
	/* Put back between other cookies, the same value comes out (unless it is itself quoted). */
	if (!(vl >= 2 && v[0] == '"' && v[vl - 1] == '"')) {
		size_t n = strlen(name) + vl + 32;
		char *h = malloc(n);
		snprintf(h, n, "x=1; %s=%s; y=2", name, v);
		const char *again = cookie_find(a, h, name);
		fuzz_check(again && strcmp(again, v) == 0);
		free(h);
	}
}

static void check_language(const char *header)
{
	const char *l = accept_language_pick(header);
	fuzz_check(l == NULL || strcmp(l, "uk") == 0 || strcmp(l, "en") == 0);
	if (l)
		fuzz_check(contains_ci(header, l));
	size_t n = strlen(header) + 4;
	char *h = malloc(n);
	snprintf(h, n, "uk,%s", header);
	l = accept_language_pick(h);
	fuzz_check(l && strcmp(l, "uk") == 0);
	snprintf(h, n, "en,%s", header);
	l = accept_language_pick(h);
	fuzz_check(l && strcmp(l, "en") == 0);
	free(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { SESSION_COOKIE, PRESESSION_COOKIE, "lang", "a" };
	if (size == 0)
		return 0;
	const char *name = names[data[0] % (sizeof names / sizeof names[0])];
	char *header = fuzz_cstr(data + 1, size - 1);
	struct arena *a = arena_new(1024);
	check_cookie(a, header, name);
	check_language(header);
	arena_free(&a);
	free(header);
	return 0;
}
