#include "model/sealed.h"
#include "crypto/key.h"
#include "crypto/seal.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>

DB_QUERY(q_pf_put, "INSERT INTO person_fields (person_id, field, key_id, sealed) VALUES (?, ?, ?, ?)"
		   " ON CONFLICT (person_id, field) DO UPDATE SET key_id = excluded.key_id, sealed = excluded.sealed");
DB_QUERY(q_pf_del, "DELETE FROM person_fields WHERE person_id = ? AND field = ?");
DB_QUERY(q_pf_get, "SELECT field, sealed FROM person_fields WHERE person_id = ?");
DB_QUERY(q_cf_put, "INSERT INTO case_fields (case_id, field, key_id, sealed) VALUES (?, ?, ?, ?)"
		   " ON CONFLICT (case_id, field) DO UPDATE SET key_id = excluded.key_id, sealed = excluded.sealed");
DB_QUERY(q_cf_del, "DELETE FROM case_fields WHERE case_id = ? AND field = ?");
DB_QUERY(q_cf_get, "SELECT field, sealed FROM case_fields WHERE case_id = ?");
DB_QUERY(q_nf_put, "INSERT INTO consent_fields (consent_id, field, key_id, sealed) VALUES (?, ?, ?, ?)"
		   " ON CONFLICT (consent_id, field) DO UPDATE SET key_id = excluded.key_id, sealed = excluded.sealed");
DB_QUERY(q_nf_del, "DELETE FROM consent_fields WHERE consent_id = ? AND field = ?");
DB_QUERY(q_nf_get, "SELECT field, sealed FROM consent_fields WHERE consent_id = ?");
DB_QUERY(q_rf_put, "INSERT INTO referral_fields (referral_id, field, key_id, sealed) VALUES (?, ?, ?, ?)"
		   " ON CONFLICT (referral_id, field) DO UPDATE SET key_id = excluded.key_id, sealed = excluded.sealed");
DB_QUERY(q_rf_del, "DELETE FROM referral_fields WHERE referral_id = ? AND field = ?");
DB_QUERY(q_rf_get, "SELECT field, sealed FROM referral_fields WHERE referral_id = ?");
DB_QUERY(q_ff_put, "INSERT INTO followup_fields (followup_id, field, key_id, sealed) VALUES (?, ?, ?, ?)"
		   " ON CONFLICT (followup_id, field) DO UPDATE SET key_id = excluded.key_id, sealed = excluded.sealed");
DB_QUERY(q_ff_del, "DELETE FROM followup_fields WHERE followup_id = ? AND field = ?");
DB_QUERY(q_ff_get, "SELECT field, sealed FROM followup_fields WHERE followup_id = ?");
DB_QUERY(q_lf_put, "INSERT INTO closure_fields (closure_id, field, key_id, sealed) VALUES (?, ?, ?, ?)"
		   " ON CONFLICT (closure_id, field) DO UPDATE SET key_id = excluded.key_id, sealed = excluded.sealed");
DB_QUERY(q_lf_del, "DELETE FROM closure_fields WHERE closure_id = ? AND field = ?");
DB_QUERY(q_lf_get, "SELECT field, sealed FROM closure_fields WHERE closure_id = ?");

static const struct {
	const char *name;
	const struct db_query *put, *del, *get;
} tables[] = {
	[SEALED_PERSON] = { "persons", &q_pf_put, &q_pf_del, &q_pf_get },
	[SEALED_CASE] = { "cases", &q_cf_put, &q_cf_del, &q_cf_get },
	[SEALED_CONSENT] = { "consents", &q_nf_put, &q_nf_del, &q_nf_get },
	[SEALED_REFERRAL] = { "referrals", &q_rf_put, &q_rf_del, &q_rf_get },
	[SEALED_FOLLOWUP] = { "followups", &q_ff_put, &q_ff_del, &q_ff_get },
	[SEALED_CLOSURE] = { "closures", &q_lf_put, &q_lf_del, &q_lf_get },
};

const char *sealed_table_name(enum sealed_table t)
{
	return tables[t].name;
}

void sealed_key_id(const struct master_key *k, char out[17])
{
	key_fingerprint(k, out);
}

int sealed_put(struct db_conn *c, const struct master_key *k, enum sealed_table t, int64_t id, const char *field,
	       const char *value, const char **error_r)
{
	if (value == NULL || *value == '\0')
		return db_exec(c, tables[t].del, DB_PARAMS(db_int(id), db_text(field)), NULL, error_r);
	struct arena *a = arena_new(strlen(value) + 256);
	size_t len;
	unsigned char *s = seal_field(k, a, tables[t].name, id, field, value, strlen(value), &len);
	char kid[17];
	sealed_key_id(k, kid);
	int rc = db_exec(c, tables[t].put, DB_PARAMS(db_int(id), db_text(field), db_text(kid), db_blob(s, len)), NULL,
			 error_r);
	arena_free(&a);
	return rc;
}

int sealed_put_record(struct db_conn *c, const struct master_key *k, enum sealed_table t, int64_t id,
		      const struct record_type *rt, const char *const *values, const char **error_r)
{
	for (size_t i = 0; i < rt->n; i++)
		if ((rt->fields[i].flags & F_PERSONAL) && values[i] &&
		    sealed_put(c, k, t, id, rt->fields[i].name, values[i], error_r) < 0)
			return -1;
	return 0;
}

int sealed_get_record(struct db_conn *c, const struct master_key *k, enum sealed_table t, int64_t id,
		      const struct record_type *rt, struct arena *a, const char **values, const char **error_r)
{
	static __thread char msg[160];
	for (size_t i = 0; i < rt->n; i++)
		if (rt->fields[i].flags & F_PERSONAL)
			values[i] = "";
	struct db_rows *r;
	if (db_query(c, tables[t].get, DB_PARAMS(db_int(id)), &r, error_r) < 0)
		return -1;
	int rc, result = 0;
	while ((rc = db_rows_next(r, error_r)) == 1) {
		int fi = record_field_index(rt, db_rows_text(r, 0));
		if (fi < 0 || !(rt->fields[fi].flags & F_PERSONAL))
			continue; /* a field this version no longer knows */
		size_t len;
		const void *s = db_rows_blob(r, 1, &len);
		char *v = seal_open(k, a, tables[t].name, id, rt->fields[fi].name, s, len, NULL);
		if (v == NULL) {
			snprintf(msg, sizeof msg, "sealed field %s.%s of record %lld does not open with this key",
				 tables[t].name, rt->fields[fi].name, (long long)id);
			*error_r = msg;
			result = -1;
			break;
		}
		values[fi] = v;
	}
	if (rc < 0)
		result = -1;
	db_rows_free(&r);
	return result;
}
