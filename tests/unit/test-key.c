#include "test.h"
#include "crypto/key.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_keyfile(void)
{
	test_begin("key: generate 0600, refuse overwrite, refuse loose permissions");
	test_assert(crypto_init() == 0);
	char dir[] = "/tmp/nadiya-key-XXXXXX";
	test_assert(mkdtemp(dir) != NULL);
	char path[128];
	snprintf(path, sizeof path, "%s/k", dir);
	const char *err;
	test_assert(key_generate_file(path, &err) == 0);
	struct stat st;
	test_assert(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
	test_assert(key_generate_file(path, &err) < 0);
	struct master_key *k = key_load_file(path, &err);
	test_assert(k != NULL);
	unsigned char a[32], b[32], c[32];
	key_derive(k, "purpose-a", a, sizeof a);
	key_derive(k, "purpose-b", b, sizeof b);
	key_derive(k, "purpose-a", c, sizeof c);
	test_assert(memcmp(a, b, 32) != 0 && memcmp(a, c, 32) == 0);
	key_free(&k);
	test_assert(k == NULL);
	chmod(path, 0640);
	test_assert(key_load_file(path, &err) == NULL && strstr(err, "group or others") != NULL);
	chmod(path, 0600);
	FILE *f = fopen(path, "w");
	fputs("not a key\n", f);
	fclose(f);
	test_assert(key_load_file(path, &err) == NULL);
	unlink(path);
	rmdir(dir);
	test_end();
}

void test_suite_key(void)
{
	test_keyfile();
}
