/* sealed.h — personal fields kept sealed in the *_fields tables.
 *
 * Each personal field of a record is one row (record id, field name, key id,
 * ciphertext) in the table's companion: person_fields, case_fields,
 * consent_fields, referral_fields, followup_fields, closure_fields (plan
 * goals and case notes keep their one sealed text in their own rows).  Values are sealed with crypto/seal.h — a key per field,
 * bound to table, row and field — before they reach the store, and opened
 * only by services that asked policy first.  key_id is the fingerprint of
 * the master key that sealed the row, so a rekey can resume.  An empty value
 * is stored as no row at all.
 */
#ifndef NADIYA_SEALED_H
#define NADIYA_SEALED_H

#include "base/arena.h"
#include "model/record.h"

#include <stdint.h>

struct db_conn;
struct master_key;

enum sealed_table { SEALED_PERSON, SEALED_CASE, SEALED_CONSENT, SEALED_REFERRAL, SEALED_FOLLOWUP, SEALED_CLOSURE };

/* Writes (or, for "" or NULL, deletes) one sealed field, in the caller's transaction. */
int sealed_put(struct db_conn *c, const struct master_key *k, enum sealed_table t, int64_t id, const char *field,
	       const char *value, const char **error_r);
/* Writes every F_PERSONAL field of rt present in values (NULL entries are left alone). */
int sealed_put_record(struct db_conn *c, const struct master_key *k, enum sealed_table t, int64_t id,
		      const struct record_type *rt, const char *const *values, const char **error_r);
/*
 * Opens every sealed field of a record into values[] (by rt's field order;
 * fields without a row become "").  A row that does not authenticate is an
 * error: it was moved, altered or sealed with another key.
 */
int sealed_get_record(struct db_conn *c, const struct master_key *k, enum sealed_table t, int64_t id,
		      const struct record_type *rt, struct arena *a, const char **values, const char **error_r);
/* The table name used as associated data ("persons", "cases", "consents"). */
const char *sealed_table_name(enum sealed_table t);
/* The current key's id (fingerprint) as stored in key_id. */
void sealed_key_id(const struct master_key *k, char out[17]);

#endif
