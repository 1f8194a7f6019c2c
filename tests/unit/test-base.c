#include "test.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/config.h"
#include "base/str.h"

#include <stdlib.h>
#include <string.h>

static void test_buf(void)
{
	test_begin("buf: append, printf and growth");
	struct buf b;
	buf_init(&b);
	test_assert(b.len == 0 && b.data[0] == '\0');
	for (int i = 0; i < 1000; i++)
		buf_printf(&b, "%d,", i);
	test_assert(b.len == strlen(b.data));
	test_assert(strncmp(b.data, "0,1,2,", 6) == 0);
	test_assert(strstr(b.data, "999,") != NULL);
	buf_free(&b);
	test_assert(b.len == 0);
	test_end();
}

static void test_arena(void)
{
	test_begin("arena: many allocations, aligned, freed at once");
	struct arena *a = arena_new(256);
	bool aligned = true;
	for (int i = 0; i < 10000; i++) {
		void *p = arena_alloc(a, (size_t)(i % 97) + 1);
		if ((uintptr_t)p % _Alignof(max_align_t) != 0)
			aligned = false;
		memset(p, 0xab, (size_t)(i % 97) + 1);
	}
	test_assert(aligned);
	char *s = arena_printf(a, "%s-%d", "x", 42);
	test_assert(strcmp(s, "x-42") == 0);
	struct buf b;
	buf_init_arena(&b, a);
	for (int i = 0; i < 500; i++)
		buf_puts(&b, "abcdef");
	test_assert(b.len == 3000);
	arena_free(&a);
	test_assert(a == NULL);
	test_end();
}

static void test_str(void)
{
	test_begin("str: integers, hex, UTF-8 validation");
	int64_t v;
	test_assert(str_to_i64("42", 0, 100, &v) == 0 && v == 42);
	test_assert(str_to_i64("101", 0, 100, &v) < 0);
	test_assert(str_to_i64("4x", 0, 100, &v) < 0);
	test_assert(str_to_i64("", 0, 100, &v) < 0);
	test_assert(str_to_i64(" 4", 0, 100, &v) < 0);
	unsigned char raw[3] = { 0x00, 0xab, 0xff }, back[3];
	char hex[7];
	str_hex(raw, 3, hex);
	test_assert(strcmp(hex, "00abff") == 0);
	test_assert(str_unhex(hex, back, 3) == 0 && memcmp(raw, back, 3) == 0);
	test_assert(str_unhex("zz00ff", back, 3) < 0);
	test_assert(str_valid_utf8_text("Олена", strlen("Олена"), false));
	test_assert(!str_valid_utf8_text("\xc0\xaf", 2, false));       /* overlong */
	test_assert(!str_valid_utf8_text("\xed\xa0\x80", 3, false));   /* surrogate */
	test_assert(!str_valid_utf8_text("a\x01", 2, false));
	test_assert(!str_valid_utf8_text("a\nb", 3, false));
	test_assert(str_valid_utf8_text("a\nb", 3, true));
	test_assert(!str_valid_utf8_text("\xe2\x82", 2, true));        /* truncated */
	test_assert(str_utf8_len("Надія") == 5);
	test_end();
}

static void test_settings(void)
{
	test_begin("settings: command line beats environment beats default");
	static const enum setting_id allowed[] = { SET_DB, SET_LISTEN, SET_THREADS, SET__COUNT };
	struct settings s;
	const char *pos[2];
	int npos;
	settings_defaults(&s);
	test_assert(strcmp(s.listen, "127.0.0.1:8080") == 0);
	setenv("NADIYA_LISTEN", "127.0.0.1:9000", 1);
	setenv("NADIYA_DB", "sqlite:env.db", 1);
	char *argv[] = { "--db", "sqlite:cli.db", "--threads=3", "extra" };
	test_assert(settings_parse(&s, allowed, 4, argv, "u", pos, 2, &npos) == 0);
	test_assert(strcmp(s.db_url, "sqlite:cli.db") == 0);
	test_assert(strcmp(s.listen, "127.0.0.1:9000") == 0);
	test_assert(s.threads == 3);
	test_assert(npos == 1 && strcmp(pos[0], "extra") == 0);
	char *bad1[] = { "--threads", "0" };
	test_assert(settings_parse(&s, allowed, 2, bad1, "u", pos, 2, &npos) < 0);
	char *bad2[] = { "--nope" };
	test_assert(settings_parse(&s, allowed, 1, bad2, "u", pos, 2, &npos) < 0);
	char *bad3[] = { "--db" };
	test_assert(settings_parse(&s, allowed, 1, bad3, "u", pos, 2, &npos) < 0);
	char *bad4[] = { "--key-file", "x" }; /* not allowed for this command */
	test_assert(settings_parse(&s, allowed, 2, bad4, "u", pos, 2, &npos) < 0);
	unsetenv("NADIYA_LISTEN");
	unsetenv("NADIYA_DB");
	settings_free(&s);
	test_end();
}

void test_suite_base(void)
{
	test_buf();
	test_arena();
	test_str();
	test_settings();
}
