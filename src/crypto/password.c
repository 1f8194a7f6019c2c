#include "crypto/password.h"
#include "base/embedded.h"
#include "base/intl.h"
#include "base/str.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slot_cond = PTHREAD_COND_INITIALIZER;
static int slots_free = 2;

void password_set_concurrency(int n)
{
	pthread_mutex_lock(&slot_lock);
	slots_free = n > 0 ? n : 1;
	pthread_mutex_unlock(&slot_lock);
}

static void slot_take(void)
{
	pthread_mutex_lock(&slot_lock);
	while (slots_free <= 0)
		pthread_cond_wait(&slot_cond, &slot_lock);
	slots_free--;
	pthread_mutex_unlock(&slot_lock);
}

static void slot_give(void)
{
	pthread_mutex_lock(&slot_lock);
	slots_free++;
	pthread_cond_signal(&slot_cond);
	pthread_mutex_unlock(&slot_lock);
}

int password_hash(const char *password, char out[PASSWORD_HASH_MAX])
{
	slot_take();
	int rc = crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				       crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13);
	slot_give();
	return rc == 0 ? 0 : -1;
}

/* A hash of a random password, verified against when the user is unknown so
 * the answer takes as long as for a known one. */
static char dummy_hash[PASSWORD_HASH_MAX];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy(void)
{
	unsigned char r[16];
	char pw[33];
	randombytes_buf(r, sizeof r);
	str_hex(r, sizeof r, pw);
	if (crypto_pwhash_str_alg(dummy_hash, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
		dummy_hash[0] = '\0';
}

bool password_verify(const char *hash, const char *password)
{
	pthread_once(&dummy_once, make_dummy);
	bool real = hash != NULL && *hash != '\0';
	slot_take();
	int rc = crypto_pwhash_str_verify(real ? hash : dummy_hash, password, strlen(password));
	slot_give();
	return real && rc == 0;
}

static bool in_common_list(const char *pw)
{
	const struct embedded_file *f = embedded_find(embedded_data, "common-passwords.txt");
	if (f == NULL)
		return false;
	size_t n = strlen(pw);
	const char *p = (const char *)f->data, *end = p + f->len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (l == n && strncasecmp(p, pw, n) == 0)
			return true;
		p += l + 1;
	}
	return false;
}

const char *password_policy_check(const char *password, const char *email)
{
	size_t chars = str_utf8_len(password);
	if (chars < PASSWORD_MIN)
		return N_("The password must have at least 12 characters.");
	if (chars > PASSWORD_MAX || strlen(password) > 4 * PASSWORD_MAX)
		return N_("The password must have at most 256 characters.");
	if (in_common_list(password))
		return N_("This password is on a list of common passwords; choose another.");
	if (email && *email) {
		const char *at = strchr(email, '@');
		size_t ul = at ? (size_t)(at - email) : strlen(email);
		if (ul >= 4 && strncasecmp(password, email, ul) == 0 && chars <= ul + 4)
			return N_("The password must not be based on the e-mail address.");
	}
	bool same = true;
	for (const char *p = password + 1; *p; p++)
		if (*p != password[0])
			same = false;
	if (same)
		return N_("This password is on a list of common passwords; choose another.");
	return NULL;
}
