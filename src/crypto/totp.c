#include "crypto/totp.h"
#include "web/html.h"

#include <ctype.h>
#include <liboath/oath.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static void oath_setup(void)
{
	oath_init();
}

void totp_new_secret(unsigned char secret[TOTP_SECRET_BYTES])
{
	randombytes_buf(secret, TOTP_SECRET_BYTES);
}

char *totp_uri(struct arena *a, const char *email, const unsigned char *secret, size_t len)
{
	pthread_once(&oath_once, oath_setup);
	char *b32 = NULL;
	size_t b32len = 0;
	if (oath_base32_encode((const char *)secret, len, &b32, &b32len) != OATH_OK)
		return NULL;
	/* base32 padding is not wanted in otpauth URIs */
	while (b32len > 0 && b32[b32len - 1] == '=')
		b32[--b32len] = '\0';
	struct buf acct;
	buf_init_arena(&acct, a);
	html_url_arg(&acct, email);
	char *uri = arena_printf(a, "otpauth://totp/Nadiya:%s?secret=%s&issuer=Nadiya&algorithm=SHA1&digits=6&period=30",
				 acct.data, b32);
	sodium_memzero(b32, b32len);
	free(b32);
	return uri;
}

bool totp_verify(const unsigned char *secret, size_t len, const char *code, time_t now, int64_t last_step,
		 int64_t *step_r)
{
	pthread_once(&oath_once, oath_setup);
	if (code == NULL || strlen(code) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		if (!isdigit((unsigned char)code[i]))
			return false;
	int pos = 0;
	uint64_t counter = 0;
	int rc = oath_totp_validate3((const char *)secret, len, now, 30, 0, 1, &pos, &counter, code);
	if (rc < 0)
		return false;
	if ((int64_t)counter <= last_step)
		return false;
	*step_r = (int64_t)counter;
	return true;
}

void totp_now(const unsigned char *secret, size_t len, time_t now, char out[7])
{
	pthread_once(&oath_once, oath_setup);
	oath_totp_generate((const char *)secret, len, now, 30, 0, 6, out);
}

static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789"; /* no i, l, o, 0, 1 */

void recovery_code_new(char out[12])
{
	for (int i = 0; i < 11; i++) {
		if (i == 5) {
			out[i] = '-';
			continue;
		}
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	}
	out[11] = '\0';
}

const char *recovery_code_normalize(struct arena *a, const char *typed)
{
	char c[11];
	size_t n = 0;
	for (const char *p = typed; *p; p++) {
		if (*p == '-' || *p == ' ')
			continue;
		char ch = (char)tolower((unsigned char)*p);
		if (!strchr(alphabet, ch) || n >= 10)
			return NULL;
		c[n++] = ch;
	}
	if (n != 10)
		return NULL;
	return arena_printf(a, "%.5s-%.5s", c, c + 5);
}
