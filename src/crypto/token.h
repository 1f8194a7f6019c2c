/* token.h — random identifiers and their keyed hashes (session ids, API
 * tokens, recovery codes, throttle keys).  Only hashes are stored. */
#ifndef NADIYA_TOKEN_H
#define NADIYA_TOKEN_H

#include <stddef.h>

struct master_key;

#define TOKEN_CHARS 43 /* 256 bits, base64url without padding */

/* A new random 256-bit token, base64url (TOKEN_CHARS + NUL). */
void token_new(char out[TOKEN_CHARS + 1]);
/* Keyed BLAKE2b of s for purpose, as 64 hex digits + NUL. */
void token_hash(const struct master_key *k, const char *purpose, const char *s, char out[65]);

#endif
