/* seal.h — personal fields encrypted in the application.
 *
 * XChaCha20-Poly1305 (libsodium IETF AEAD) with a key per field derived from
 * the master key ("field:<table>.<field>"), and the table, row and field as
 * associated data, so a ciphertext moved to another row or field no longer
 * opens.  Layout: 24-byte random nonce || ciphertext || 16-byte tag.
 */
#ifndef NADIYA_SEAL_H
#define NADIYA_SEAL_H

#include "base/arena.h"

#include <stddef.h>
#include <stdint.h>

struct master_key;

#define SEAL_OVERHEAD 40

/* Seals len bytes; returns arena memory of len + SEAL_OVERHEAD bytes. */
unsigned char *seal_field(const struct master_key *k, struct arena *a, const char *table, int64_t row,
			  const char *field, const void *plain, size_t len, size_t *out_len_r);
/* Opens a sealed value into NUL-terminated arena memory; NULL when it does not authenticate. */
char *seal_open(const struct master_key *k, struct arena *a, const char *table, int64_t row,
		const char *field, const void *sealed, size_t len, size_t *plain_len_r);

#endif
