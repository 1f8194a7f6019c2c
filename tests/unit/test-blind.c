#include "test.h"
#include "crypto/blind.h"
#include "crypto/key.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every token of a must be among the tokens of b and the reverse. */
static bool same_tokens(const char *a, const char *b)
{
	struct arena *ar = arena_new(1024);
	const char *ta[BLIND_MAX_TOKENS], *tb[BLIND_MAX_TOKENS];
	int na = blind_name_tokens(ar, a, ta), nb = blind_name_tokens(ar, b, tb);
	bool ok = na == nb && na > 0;
	for (int i = 0; ok && i < na; i++) {
		bool found = false;
		for (int j = 0; j < nb; j++)
			found |= strcmp(ta[i], tb[j]) == 0;
		ok = found;
	}
	if (!ok) {
		printf("  tokens differ: %s ->", a);
		for (int i = 0; i < na; i++)
			printf(" %s", ta[i]);
		printf(" | %s ->", b);
		for (int i = 0; i < nb; i++)
			printf(" %s", tb[i]);
		printf("\n");
	}
	arena_free(&ar);
	return ok;
}

static void test_transliteration(void)
{
	test_begin("blind: Cyrillic and Latin spellings of a name meet");
	test_assert(same_tokens("Олена Коваленко", "Olena Kovalenko"));
	test_assert(same_tokens("Olena KOVALENKO", "олена коваленко"));
	test_assert(same_tokens("Юлія Гнатюк", "Yuliia Hnatiuk"));
	test_assert(same_tokens("Євген Шевченко", "Yevhen Shevchenko"));
	test_assert(same_tokens("Ірина Щербак", "Iryna Shcherbak"));
	test_assert(same_tokens("Андрій", "Andrii"));
	test_assert(same_tokens("Андрій", "Andriy"));
	test_assert(same_tokens("Дмитро", "Dmytro"));
	test_assert(same_tokens("Наталія", "Nataliia"));
	test_assert(same_tokens("Мар'яна", "Mariana"));
	test_assert(same_tokens("Їжак", "Yizhak"));
	test_assert(!same_tokens("Олена", "Оксана"));
	struct arena *a = arena_new(512);
	const char *t[BLIND_MAX_TOKENS];
	test_assert(blind_name_tokens(a, "  ", t) == 0);
	test_assert(blind_name_tokens(a, "Коваленко-Петренко О.", t) == 2); /* the initial is too short to index */
	arena_free(&a);
	test_end();
}

static void test_phone_and_dob(void)
{
	test_begin("blind: phones to E.164, dates of birth to ISO");
	struct arena *a = arena_new(512);
	test_assert(strcmp(blind_phone_e164(a, "067 123 45 67"), "+380671234567") == 0);
	test_assert(strcmp(blind_phone_e164(a, "+380 (67) 123-45-67"), "+380671234567") == 0);
	test_assert(strcmp(blind_phone_e164(a, "380671234567"), "+380671234567") == 0);
	test_assert(strcmp(blind_phone_e164(a, "0048 601 234 567"), "+48601234567") == 0);
	test_assert(blind_phone_e164(a, "12") == NULL);
	test_assert(blind_phone_e164(a, "call me") == NULL);
	test_assert(strcmp(blind_dob_normalize(a, "07.03.1998"), "1998-03-07") == 0);
	test_assert(strcmp(blind_dob_normalize(a, "1998-03-07"), "1998-03-07") == 0);
	test_assert(blind_dob_normalize(a, "1998-13-07") == NULL);
	arena_free(&a);
	test_end();
}

static void test_buckets(void)
{
	test_begin("blind: truncated keyed values share buckets, differ by key");
	test_assert(blind_bits_for(100000) == 13);
	test_assert(blind_bits_for(10) == 8);
	test_assert(blind_bits_for(100000000) == 20);
	char dir[] = "/tmp/nadiya-blind-XXXXXX", p1[64], p2[64];
	test_assert(mkdtemp(dir) != NULL);
	snprintf(p1, sizeof p1, "%s/k1", dir);
	snprintf(p2, sizeof p2, "%s/k2", dir);
	const char *err;
	test_assert(key_generate_file(p1, &err) == 0 && key_generate_file(p2, &err) == 0);
	struct master_key *k1 = key_load_file(p1, &err), *k2 = key_load_file(p2, &err);
	int64_t v = blind_value(k1, BLIND_NAME, "olena", 13);
	test_assert(v >= 0 && v < 8192);
	test_assert(v == blind_value(k1, BLIND_NAME, "olena", 13));
	/* 10,000 distinct values in 8,192 buckets: many buckets are shared. */
	static unsigned char seen[8192];
	int collisions = 0, differ = 0;
	for (int i = 0; i < 10000; i++) {
		char s[16];
		snprintf(s, sizeof s, "name%d", i);
		int64_t b = blind_value(k1, BLIND_NAME, s, 13);
		collisions += seen[b]++ > 0;
		differ += b != blind_value(k2, BLIND_NAME, s, 13);
	}
	test_assert(collisions > 2000);
	test_assert(differ > 9000);
	key_free(&k1);
	key_free(&k2);
	unlink(p1);
	unlink(p2);
	rmdir(dir);
	test_end();
}

void test_suite_blind(void)
{
	test_transliteration();
	test_phone_and_dob();
	test_buckets();
}
