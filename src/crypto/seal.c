#include "crypto/seal.h"
#include "crypto/key.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static void field_key(const struct master_key *k, const char *table, const char *field,
		      unsigned char out[crypto_aead_xchacha20poly1305_ietf_KEYBYTES])
{
	char purpose[160];
	snprintf(purpose, sizeof purpose, "field:%s.%s", table, field);
	key_derive(k, purpose, out, crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
}

static size_t make_ad(char *ad, size_t cap, const char *table, int64_t row, const char *field)
{
	int n = snprintf(ad, cap, "%s|%lld|%s", table, (long long)row, field);
	return n < 0 ? 0 : (size_t)n;
}

unsigned char *seal_field(const struct master_key *k, struct arena *a, const char *table, int64_t row,
			  const char *field, const void *plain, size_t len, size_t *out_len_r)
{
	unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	char ad[200];
	size_t adlen = make_ad(ad, sizeof ad, table, row, field);
	field_key(k, table, field, key);
	unsigned char *out = arena_alloc(a, len + SEAL_OVERHEAD);
	randombytes_buf(out, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
						   plain, len, (const unsigned char *)ad, adlen, NULL, out, key);
	sodium_memzero(key, sizeof key);
	*out_len_r = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + (size_t)clen;
	return out;
}

char *seal_open(const struct master_key *k, struct arena *a, const char *table, int64_t row,
		const char *field, const void *sealed, size_t len, size_t *plain_len_r)
{
	if (sealed == NULL || len < SEAL_OVERHEAD)
		return NULL;
	unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	char ad[200];
	size_t adlen = make_ad(ad, sizeof ad, table, row, field);
	field_key(k, table, field, key);
	char *out = arena_alloc(a, len - SEAL_OVERHEAD + 1);
	unsigned long long plen;
	const unsigned char *s = sealed;
	int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
		(unsigned char *)out, &plen, NULL, s + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
		len - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, (const unsigned char *)ad, adlen, s, key);
	sodium_memzero(key, sizeof key);
	if (rc != 0)
		return NULL;
	out[plen] = '\0';
	if (plain_len_r)
		*plain_len_r = (size_t)plen;
	return out;
}
