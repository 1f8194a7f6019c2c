#include "test.h"
#include "web/form.h"

#include <string.h>

static void test_urlencoded(void)
{
	test_begin("form: url-encoded fields, plus and percent decoding");
	struct arena *a = arena_new(1024);
	struct kvlist l;
	const char *err;
	const char *in = "name=%D0%9E%D0%BB%D0%B5%D0%BD%D0%B0+K&empty=&flag&x=1%262";
	test_assert(form_parse_urlencoded(a, in, strlen(in), &l, &err) == 0);
	test_assert(l.n == 4);
	test_assert(strcmp(kv_get(&l, "name"), "Олена K") == 0);
	test_assert(strcmp(kv_get(&l, "empty"), "") == 0);
	test_assert(strcmp(kv_get(&l, "flag"), "") == 0);
	test_assert(strcmp(kv_get(&l, "x"), "1&2") == 0);
	test_assert(kv_get(&l, "missing") == NULL);
	test_assert(form_parse_urlencoded(a, "", 0, &l, &err) == 0 && l.n == 0);
	test_assert(form_parse_urlencoded(a, "a=%zz", 5, &l, &err) < 0);
	test_assert(form_parse_urlencoded(a, "a=%4", 4, &l, &err) < 0);
	test_assert(form_parse_urlencoded(a, "a=%00", 5, &l, &err) < 0);
	test_assert(form_parse_urlencoded(a, "a=%C0%AF", 8, &l, &err) < 0);
	test_assert(form_parse_urlencoded(a, "=x", 2, &l, &err) < 0);
	test_assert(form_parse_urlencoded(a, "a=1%0A2", 7, &l, &err) == 0 && strcmp(kv_get(&l, "a"), "1\n2") == 0);
	test_assert(form_parse_urlencoded(a, "a%0A=1", 6, &l, &err) < 0); /* newline in a key */
	arena_free(&a);
	test_end();
}

static void test_limits(void)
{
	test_begin("form: field count and key length are bounded");
	struct arena *a = arena_new(1024);
	struct kvlist l;
	const char *err;
	char many[FORM_MAX_FIELDS * 4 + 16];
	size_t n = 0;
	for (int i = 0; i <= FORM_MAX_FIELDS; i++)
		n += (size_t)snprintf(many + n, sizeof many - n, "a=&");
	test_assert(form_parse_urlencoded(a, many, n, &l, &err) < 0);
	char longkey[200];
	memset(longkey, 'k', 100);
	strcpy(longkey + 100, "=1");
	test_assert(form_parse_urlencoded(a, longkey, strlen(longkey), &l, &err) < 0);
	arena_free(&a);
	test_end();
}

static void test_cookies_and_languages(void)
{
	test_begin("form: cookies and Accept-Language");
	struct arena *a = arena_new(1024);
	const char *v = cookie_find(a, "a=1; sid=abc123; lang=en", "sid");
	test_assert(v && strcmp(v, "abc123") == 0);
	test_assert(cookie_find(a, "xsid=1", "sid") == NULL);
	test_assert(cookie_find(a, NULL, "sid") == NULL);
	test_assert(strcmp(cookie_find(a, "lang=\"en\"", "lang"), "en") == 0);
	test_assert(cookie_find(a, "lang=e\x01n", "lang") == NULL);
	test_assert(strcmp(accept_language_pick("en-US,en;q=0.9"), "en") == 0);
	test_assert(strcmp(accept_language_pick("ru;q=0.9, uk;q=0.8, en;q=0.5"), "uk") == 0);
	test_assert(strcmp(accept_language_pick("en;q=0.3, uk-UA"), "uk") == 0);
	test_assert(accept_language_pick("de, fr") == NULL);
	test_assert(accept_language_pick("ukr") == NULL);
	arena_free(&a);
	test_end();
}

void test_suite_form(void)
{
	test_urlencoded();
	test_limits();
	test_cookies_and_languages();
}
