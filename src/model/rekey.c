#include "model/rekey.h"
#include "base/arena.h"
#include "base/str.h"
#include "crypto/key.h"
#include "crypto/seal.h"
#include "model/audit.h"
#include "model/person.h"
#include "model/sealed.h"
#include "store/db.h"

#include <stdlib.h>
#include <string.h>

DB_QUERY(q_rk_meta_get, "SELECT value FROM meta WHERE name = ?");
DB_QUERY(q_rk_meta_put, "INSERT INTO meta (name, value) VALUES (?, ?)"
			" ON CONFLICT (name) DO UPDATE SET value = excluded.value");
DB_QUERY(q_rk_meta_del, "DELETE FROM meta WHERE name = ?");

/* Sealed-field tables: (record id, field) rows still under the old key. */
DB_QUERY(q_rk_pf_batch, "SELECT person_id, field, sealed FROM person_fields WHERE key_id = ? LIMIT ?");
DB_QUERY(q_rk_pf_set, "UPDATE person_fields SET sealed = ?, key_id = ? WHERE person_id = ? AND field = ? AND key_id = ?");
DB_QUERY(q_rk_cf_batch, "SELECT case_id, field, sealed FROM case_fields WHERE key_id = ? LIMIT ?");
DB_QUERY(q_rk_cf_set, "UPDATE case_fields SET sealed = ?, key_id = ? WHERE case_id = ? AND field = ? AND key_id = ?");
DB_QUERY(q_rk_nf_batch, "SELECT consent_id, field, sealed FROM consent_fields WHERE key_id = ? LIMIT ?");
DB_QUERY(q_rk_nf_set, "UPDATE consent_fields SET sealed = ?, key_id = ? WHERE consent_id = ? AND field = ? AND key_id = ?");
DB_QUERY(q_rk_rf_batch, "SELECT referral_id, field, sealed FROM referral_fields WHERE key_id = ? LIMIT ?");
DB_QUERY(q_rk_rf_set, "UPDATE referral_fields SET sealed = ?, key_id = ? WHERE referral_id = ? AND field = ? AND key_id = ?");
DB_QUERY(q_rk_notes_batch, "SELECT id, 'text', sealed FROM case_notes WHERE key_id = ? LIMIT ?");
DB_QUERY(q_rk_notes_set, "UPDATE case_notes SET sealed = ?, key_id = ? WHERE id = ? AND 'text' = ? AND key_id = ?");
DB_QUERY(q_rk_ff_batch, "SELECT followup_id, field, sealed FROM followup_fields WHERE key_id = ? LIMIT ?");
DB_QUERY(q_rk_ff_set, "UPDATE followup_fields SET sealed = ?, key_id = ? WHERE followup_id = ? AND field = ? AND key_id = ?");
DB_QUERY(q_rk_lf_batch, "SELECT closure_id, field, sealed FROM closure_fields WHERE key_id = ? LIMIT ?");
DB_QUERY(q_rk_lf_set, "UPDATE closure_fields SET sealed = ?, key_id = ? WHERE closure_id = ? AND field = ? AND key_id = ?");
DB_QUERY(q_rk_goals_batch, "SELECT id, 'text', sealed FROM plan_goals WHERE key_id = ? LIMIT ?");
DB_QUERY(q_rk_goals_set, "UPDATE plan_goals SET sealed = ?, key_id = ? WHERE id = ? AND 'text' = ? AND key_id = ?");
/* TOTP secrets have no key id: which key opens one is tried (the AEAD says which). */
DB_QUERY(q_rk_totp_batch, "SELECT id, totp_sealed FROM users WHERE totp_sealed IS NOT NULL AND id > ? ORDER BY id LIMIT ?");
DB_QUERY(q_rk_totp_set, "UPDATE users SET totp_sealed = ? WHERE id = ?");
DB_QUERY(q_rk_persons, "SELECT id FROM persons WHERE id > ? ORDER BY id LIMIT ?");

struct sealed_set {
	const char *table; /* associated-data name */
	const struct db_query *batch, *set;
};

static const struct sealed_set sets[] = {
	{ "persons", &q_rk_pf_batch, &q_rk_pf_set },
	{ "cases", &q_rk_cf_batch, &q_rk_cf_set },
	{ "consents", &q_rk_nf_batch, &q_rk_nf_set },
	{ "referrals", &q_rk_rf_batch, &q_rk_rf_set },
	{ "case_notes", &q_rk_notes_batch, &q_rk_notes_set },
	{ "followups", &q_rk_ff_batch, &q_rk_ff_set },
	{ "closures", &q_rk_lf_batch, &q_rk_lf_set },
	{ "plan_goals", &q_rk_goals_batch, &q_rk_goals_set },
};

static int meta_get(struct db_conn *c, const char *name, char *out, size_t cap, const char **error_r)
{
	struct db_rows *r;
	if (db_query(c, &q_rk_meta_get, DB_PARAMS(db_text(name)), &r, error_r) < 0)
		return -1;
	int rc = db_rows_next(r, error_r);
	if (rc == 1)
		snprintf(out, cap, "%s", db_rows_text(r, 0));
	db_rows_free(&r);
	return rc;
}

static int meta_put(struct db_conn *c, const char *name, const char *value, const char **error_r)
{
	return db_exec(c, &q_rk_meta_put, DB_PARAMS(db_text(name), db_text(value)), NULL, error_r);
}

/* One batch of one sealed table: up to `batch` rows re-sealed.  Answers the rows done, -1 on error. */
static int reseal_batch(struct db_conn *c, const struct sealed_set *t, const struct master_key *old_k,
			const struct master_key *new_k, const char *old_id, const char *new_id, int batch,
			const char **error_r)
{
	struct arena *a = arena_new(65536);
	struct item {
		int64_t id;
		const char *field;
		const unsigned char *sealed;
		size_t len;
	} *items = arena_alloc(a, sizeof *items * (size_t)batch);
	int n = 0, rc, result = -1;
	struct db_rows *r;
	if (db_query(c, t->batch, DB_PARAMS(db_text(old_id), db_int(batch)), &r, error_r) < 0)
		goto out;
	while (n < batch && (rc = db_rows_next(r, error_r)) == 1) {
		items[n].id = db_rows_int(r, 0);
		items[n].field = arena_strdup(a, db_rows_text(r, 1));
		const void *p = db_rows_blob(r, 2, &items[n].len);
		unsigned char *copy = arena_alloc(a, items[n].len + 1);
		memcpy(copy, p, items[n].len);
		items[n].sealed = copy;
		n++;
	}
	db_rows_free(&r);
	for (int i = 0; i < n; i++) {
		size_t plen, nlen;
		char *plain = seal_open(old_k, a, t->table, items[i].id, items[i].field, items[i].sealed, items[i].len, &plen);
		if (plain == NULL) {
			*error_r = "a sealed field does not open with the old key although it is labelled with it";
			goto out;
		}
		unsigned char *ns = seal_field(new_k, a, t->table, items[i].id, items[i].field, plain, plen, &nlen);
		memset(plain, 0, plen);
		if (db_exec(c, t->set,
			    DB_PARAMS(db_blob(ns, nlen), db_text(new_id), db_int(items[i].id), db_text(items[i].field),
				      db_text(old_id)),
			    NULL, error_r) < 0)
			goto out;
	}
	result = n;
out:
	arena_free(&a);
	return result;
}

static int commit_batch(struct db_conn *c, struct rekey_stats *st, int64_t stop_after, const char **error_r)
{
	if (db_commit(c, error_r) < 0)
		return -1;
	st->batches++;
	return stop_after > 0 && st->batches >= stop_after ? 3 : 0;
}

int rekey_run(struct db *db, const struct master_key *old_k, const struct master_key *new_k, int batch,
	      int64_t stop_after, FILE *out, struct rekey_stats *st, const char **error_r)
{
	static __thread char msg[200];
	memset(st, 0, sizeof *st);
	char old_id[17], new_id[17], check[40] = "", target[40] = "", buf[40];
	key_fingerprint(old_k, old_id);
	key_fingerprint(new_k, new_id);
	if (strcmp(old_id, new_id) == 0) {
		*error_r = "the old and new key files hold the same key";
		return -1;
	}
	struct db_conn *c = db_acquire(db, error_r);
	if (c == NULL)
		return -1;
	int rc = -1, got;
	if (meta_get(c, "key_check", check, sizeof check, error_r) < 0 ||
	    meta_get(c, "rekey_to", target, sizeof target, error_r) < 0)
		goto out;
	if (str_eq(check, new_id) && !*target) {
		fprintf(out, "already done: the database is under the new key %s\n", new_id);
		rc = 0;
		goto out;
	}
	if (!str_eq(check, old_id)) {
		snprintf(msg, sizeof msg, "the database belongs to neither key (it has %s)", check);
		*error_r = msg;
		goto out;
	}
	if (*target && !str_eq(target, new_id)) {
		snprintf(msg, sizeof msg, "a rekey to another key (%s) was started and not finished; finish it first", target);
		*error_r = msg;
		goto out;
	}
	if (!*target) {
		if (db_begin(c, true, error_r) < 0 || meta_put(c, "rekey_to", new_id, error_r) < 0 ||
		    db_commit(c, error_r) < 0)
			goto out;
		fprintf(out, "rekey started: %s -> %s\n", old_id, new_id);
	} else {
		fprintf(out, "resuming the rekey to %s\n", new_id);
	}
	/* 1. Sealed fields, table by table, batch by batch. */
	for (size_t t = 0; t < sizeof sets / sizeof sets[0]; t++) {
		for (;;) {
			if (db_begin(c, true, error_r) < 0)
				goto out;
			int n = reseal_batch(c, &sets[t], old_k, new_k, old_id, new_id, batch, error_r);
			if (n < 0)
				goto out;
			if (n == 0) {
				db_rollback(c);
				break;
			}
			if (sets[t].batch == &q_rk_notes_batch)
				st->notes += n;
			else
				st->fields += n;
			if ((got = commit_batch(c, st, stop_after, error_r)) != 0) {
				rc = got;
				goto out;
			}
		}
	}
	/* 2. TOTP secrets: opened with whichever key opens them; moved when the old one does. */
	for (int64_t last = 0;;) {
		if (db_begin(c, true, error_r) < 0)
			goto out;
		struct db_rows *r;
		if (db_query(c, &q_rk_totp_batch, DB_PARAMS(db_int(last), db_int(batch)), &r, error_r) < 0)
			goto out;
		struct arena *a = arena_new(8192);
		int64_t ids[1024];
		unsigned char *sealed[1024];
		size_t lens[1024];
		int n = 0;
		while (n < batch && n < 1024 && db_rows_next(r, error_r) == 1) {
			ids[n] = db_rows_int(r, 0);
			const void *p = db_rows_blob(r, 1, &lens[n]);
			sealed[n] = arena_alloc(a, lens[n] + 1);
			memcpy(sealed[n], p, lens[n]);
			n++;
		}
		db_rows_free(&r);
		int moved = 0;
		for (int i = 0; i < n; i++) {
			size_t plen, nlen;
			char *plain = seal_open(old_k, a, "users", ids[i], "totp_secret", sealed[i], lens[i], &plen);
			if (plain == NULL)
				continue; /* already under the new key */
			unsigned char *ns = seal_field(new_k, a, "users", ids[i], "totp_secret", plain, plen, &nlen);
			memset(plain, 0, plen);
			if (db_exec(c, &q_rk_totp_set, DB_PARAMS(db_blob(ns, nlen), db_int(ids[i])), NULL, error_r) < 0) {
				arena_free(&a);
				goto out;
			}
			moved++;
		}
		arena_free(&a);
		if (n == 0) {
			db_rollback(c);
			break;
		}
		last = ids[n - 1];
		st->totp += moved;
		if ((got = commit_batch(c, st, stop_after, error_r)) != 0) {
			rc = got;
			goto out;
		}
	}
	/* 3. Blind indexes, person by person, from the fields as they now open. */
	int bits = person_blind_bits(c, error_r);
	if (bits < 0)
		goto out;
	int64_t last_person = 0, last_seq = 0;
	if ((got = meta_get(c, "rekey_index_done", buf, sizeof buf, error_r)) < 0)
		goto out;
	if (got == 1)
		last_person = strtoll(buf, NULL, 10);
	for (;;) {
		if (db_begin(c, true, error_r) < 0)
			goto out;
		struct db_rows *r;
		if (db_query(c, &q_rk_persons, DB_PARAMS(db_int(last_person), db_int(batch)), &r, error_r) < 0)
			goto out;
		int64_t ids[1024];
		int n = 0;
		while (n < batch && n < 1024 && db_rows_next(r, error_r) == 1)
			ids[n++] = db_rows_int(r, 0);
		db_rows_free(&r);
		if (n == 0) {
			db_rollback(c);
			break;
		}
		struct arena *a = arena_new(16384);
		for (int i = 0; i < n; i++) {
			const char *v[P__COUNT] = { 0 };
			if (sealed_get_record(c, new_k, SEALED_PERSON, ids[i], &person_record, a, v, error_r) < 0 ||
			    person_reindex(c, new_k, bits, ids[i], v, error_r) < 0) {
				arena_free(&a);
				goto out;
			}
		}
		arena_free(&a);
		last_person = ids[n - 1];
		snprintf(buf, sizeof buf, "%lld", (long long)last_person);
		if (meta_put(c, "rekey_index_done", buf, error_r) < 0)
			goto out;
		st->persons_indexed += n;
		if ((got = commit_batch(c, st, stop_after, error_r)) != 0) {
			rc = got;
			goto out;
		}
	}
	/* 4. The audit chain, re-hashed under the new key from where it stopped. */
	if ((got = meta_get(c, "rekey_audit_done", buf, sizeof buf, error_r)) < 0)
		goto out;
	if (got == 1)
		last_seq = strtoll(buf, NULL, 10);
	for (;;) {
		if (db_begin(c, true, error_r) < 0)
			goto out;
		int64_t n = 0;
		if (audit_rehash(c, new_k, last_seq, batch, &n, error_r) < 0)
			goto out;
		if (n == 0) {
			db_rollback(c);
			break;
		}
		last_seq += n;
		snprintf(buf, sizeof buf, "%lld", (long long)last_seq);
		if (meta_put(c, "rekey_audit_done", buf, error_r) < 0)
			goto out;
		st->audit_entries += n;
		if ((got = commit_batch(c, st, stop_after, error_r)) != 0) {
			rc = got;
			goto out;
		}
	}
	/* 5. The switch: the database now belongs to the new key; the rekey itself is audited. */
	if (db_begin(c, true, error_r) < 0 || meta_put(c, "key_check", new_id, error_r) < 0 ||
	    db_exec(c, &q_rk_meta_del, DB_PARAMS(db_text("rekey_to")), NULL, error_r) < 0 ||
	    db_exec(c, &q_rk_meta_del, DB_PARAMS(db_text("rekey_index_done")), NULL, error_r) < 0 ||
	    db_exec(c, &q_rk_meta_del, DB_PARAMS(db_text("rekey_audit_done")), NULL, error_r) < 0)
		goto out;
	struct audit_event ev = { .action = "rekey", .object_type = "database", .object_id = new_id, .outcome = "ok",
				  .client_ip = "console" };
	snprintf(buf, sizeof buf, "from=%s", old_id);
	ev.detail = buf;
	if (audit_append(c, new_k, NULL, "console", &ev, error_r) < 0 || db_commit(c, error_r) < 0)
		goto out;
	rc = 0;
out:
	if (db_in_transaction(c))
		db_rollback(c);
	db_release(&c);
	return rc;
}
