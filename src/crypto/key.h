/* key.h — the master key file and the keys derived from it.
 *
 * The master key is 32 random bytes, stored hex-encoded in a file of mode
 * 0600 that never lives in the database.  It is held in sodium_malloc'd,
 * read-only memory and wiped on free.  Every other key (field sealing, blind
 * indexes, audit chain, sessions) is derived from it by purpose string, so
 * rotating the master key rotates them all.
 */
#ifndef NADIYA_KEY_H
#define NADIYA_KEY_H

#include <stddef.h>

#define KEY_BYTES 32

struct master_key;

/* Initializes libsodium; call once at start.  -1 if it cannot. */
int crypto_init(void);

/*
 * Writes a new random key to path with mode 0600; refuses to overwrite an
 * existing file.  -1 with *error_r (static) on failure.
 */
int key_generate_file(const char *path, const char **error_r);

/*
 * Loads a key file.  Refuses a file readable or writable by group or others,
 * a file that is not a regular file, or content that is not 64 hex digits.
 * Returns NULL with *error_r (static) on failure.
 */
struct master_key *key_load_file(const char *path, const char **error_r);
void key_free(struct master_key **k);

/*
 * Derives a subkey for a purpose such as "audit-chain" or
 * "field:person.first_name".  out_len from 16 to 64 bytes.
 */
void key_derive(const struct master_key *k, const char *purpose, unsigned char *out, size_t out_len);

/* A short hex fingerprint identifying the key without revealing it (17 bytes with NUL). */
void key_fingerprint(const struct master_key *k, char out[17]);

#endif
