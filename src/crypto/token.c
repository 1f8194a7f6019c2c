#include "crypto/token.h"
#include "base/str.h"
#include "crypto/key.h"

#include <sodium.h>
#include <string.h>

void token_new(char out[TOKEN_CHARS + 1])
{
	unsigned char r[32];
	randombytes_buf(r, sizeof r);
	sodium_bin2base64(out, TOKEN_CHARS + 1, r, sizeof r, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(r, sizeof r);
}

void token_hash(const struct master_key *k, const char *purpose, const char *s, char out[65])
{
	unsigned char key[32], h[32];
	key_derive(k, purpose, key, sizeof key);
	crypto_generichash(h, sizeof h, (const unsigned char *)s, strlen(s), key, sizeof key);
	sodium_memzero(key, sizeof key);
	str_hex(h, sizeof h, out);
}
