#include "model/audit.h"
#include "base/buf.h"
#include "base/str.h"
#include "crypto/key.h"
#include "store/db.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

DB_QUERY(q_head_bump, "UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash");
DB_QUERY(q_head_set, "UPDATE audit_head SET hash = ? WHERE id = 1");
DB_QUERY(q_head_get, "SELECT seq, hash FROM audit_head WHERE id = 1");
DB_QUERY(q_audit_insert,
	 "INSERT INTO audit_log (seq, at, actor_user_id, actor_org_id, actor_label, action, object_type,"
	 " object_id, client_ip, outcome, detail, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
DB_QUERY(q_audit_walk,
	 "SELECT seq, at, actor_user_id, actor_org_id, actor_label, action, object_type, object_id,"
	 " client_ip, outcome, detail, prev_hash, hash FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 1000");
DB_QUERY(q_audit_list,
	 "SELECT seq, at, actor_user_id, actor_org_id, actor_label, action, object_type, object_id,"
	 " client_ip, outcome, detail FROM audit_log"
	 " WHERE (? = 0 OR seq < ?) AND (? = '' OR substr(action, 1, length(?)) = ?)"
	 " AND (? = '' OR actor_label LIKE ? ESCAPE '\\') AND (? = '' OR object_type = ?)"
	 " AND (? = '' OR object_id = ?) AND (? = 0 OR at >= ?) AND (? = 0 OR at < ?)"
	 " ORDER BY seq DESC LIMIT ?");

/* Length-prefixed fields, so no two different entries serialize alike. */
static void put(struct buf *b, const char *s)
{
	buf_printf(b, "%zu:", strlen(s));
	buf_puts(b, s);
	buf_putc(b, '|');
}

static void entry_hash(const struct master_key *k, int64_t seq, int64_t at, int64_t uid, int64_t oid,
		       const char *label, const char *action, const char *otype, const char *oid_s,
		       const char *ip, const char *outcome, const char *detail, const char *prev, char out[65])
{
	struct buf b;
	buf_init(&b);
	buf_printf(&b, "v1|%lld|%lld|%lld|%lld|", (long long)seq, (long long)at, (long long)uid, (long long)oid);
	put(&b, label);
	put(&b, action);
	put(&b, otype);
	put(&b, oid_s);
	put(&b, ip);
	put(&b, outcome);
	put(&b, detail);
	put(&b, prev);
	unsigned char key[32], h[32];
	key_derive(k, "audit-chain", key, sizeof key);
	crypto_generichash(h, sizeof h, (const unsigned char *)b.data, b.len, key, sizeof key);
	sodium_memzero(key, sizeof key);
	str_hex(h, sizeof h, out);
	buf_free(&b);
}

int audit_append(struct db_conn *c, const struct master_key *k, const struct actor *a, const char *actor_label,
		 const struct audit_event *ev, const char **error_r)
{
	struct db_rows *r;
	if (db_query(c, &q_head_bump, DB_NOPARAMS, &r, error_r) < 0)
		return -1;
	int rc = db_rows_next(r, error_r);
	if (rc != 1) {
		db_rows_free(&r);
		if (rc == 0)
			*error_r = "audit_head row is missing";
		return -1;
	}
	int64_t seq = db_rows_int(r, 0);
	char prev[65];
	snprintf(prev, sizeof prev, "%s", db_rows_text(r, 1));
	db_rows_free(&r);
	int64_t at = (int64_t)time(NULL);
	int64_t uid = a ? a->user_id : 0, oid = a ? a->org_id : 0;
	const char *label = a ? (a->email ? a->email : "") : (actor_label ? actor_label : "anonymous");
	const char *ip = ev->client_ip ? ev->client_ip : "";
	const char *otype = ev->object_type ? ev->object_type : "";
	const char *oid_s = ev->object_id ? ev->object_id : "";
	const char *outcome = ev->outcome ? ev->outcome : "ok";
	const char *detail = ev->detail ? ev->detail : "";
	char hash[65];
	entry_hash(k, seq, at, uid, oid, label, ev->action, otype, oid_s, ip, outcome, detail, prev, hash);
	if (db_exec(c, &q_audit_insert,
		    DB_PARAMS(db_int(seq), db_int(at), uid ? db_int(uid) : db_null(), oid ? db_int(oid) : db_null(),
			      db_text(label), db_text(ev->action), db_text(otype), db_text(oid_s), db_text(ip),
			      db_text(outcome), db_text(detail), db_text(prev), db_text(hash)),
		    NULL, error_r) < 0)
		return -1;
	return db_exec(c, &q_head_set, DB_PARAMS(db_text(hash)), NULL, error_r);
}

int audit_verify(struct db *db, const struct master_key *k, int64_t *count_r, int64_t *bad_seq_r,
		 const char **why_r, const char **error_r)
{
	struct db_conn *c = db_acquire(db, error_r);
	if (c == NULL)
		return -1;
	int result = -1;
	int64_t expect = 1, last = 0;
	char prev[65] = "";
	*count_r = 0;
	*bad_seq_r = 0;
	/* One read transaction: a consistent snapshot even while others append. */
	if (db_begin(c, false, error_r) < 0)
		goto out;
	for (;;) {
		struct db_rows *r;
		if (db_query(c, &q_audit_walk, DB_PARAMS(db_int(last)), &r, error_r) < 0)
			goto out;
		int n = 0, rc;
		while ((rc = db_rows_next(r, error_r)) == 1) {
			n++;
			int64_t seq = db_rows_int(r, 0);
			if (seq != expect) {
				*bad_seq_r = expect < seq ? expect : seq;
				*why_r = seq > expect ? "entries are missing before this one" : "entries are out of order";
				result = 1;
				db_rows_free(&r);
				goto out;
			}
			if (strcmp(db_rows_text(r, 11), prev) != 0) {
				*bad_seq_r = seq;
				*why_r = "does not link to the entry before it";
				result = 1;
				db_rows_free(&r);
				goto out;
			}
			char h[65];
			entry_hash(k, seq, db_rows_int(r, 1), db_rows_int(r, 2), db_rows_int(r, 3), db_rows_text(r, 4),
				   db_rows_text(r, 5), db_rows_text(r, 6), db_rows_text(r, 7), db_rows_text(r, 8),
				   db_rows_text(r, 9), db_rows_text(r, 10), prev, h);
			if (strcmp(h, db_rows_text(r, 12)) != 0) {
				*bad_seq_r = seq;
				*why_r = "its content or hash was changed";
				result = 1;
				db_rows_free(&r);
				goto out;
			}
			snprintf(prev, sizeof prev, "%s", h);
			last = seq;
			expect = seq + 1;
			(*count_r)++;
		}
		db_rows_free(&r);
		if (rc < 0)
			goto out;
		if (n == 0)
			break;
	}
	/* The head must point at the last entry: otherwise entries were cut off the end. */
	struct db_rows *r;
	if (db_query(c, &q_head_get, DB_NOPARAMS, &r, error_r) < 0)
		goto out;
	if (db_rows_next(r, error_r) == 1) {
		if (db_rows_int(r, 0) != last || strcmp(db_rows_text(r, 1), prev) != 0) {
			*bad_seq_r = last + 1;
			*why_r = "entries were removed from the end of the trail";
			result = 1;
			db_rows_free(&r);
			goto out;
		}
	}
	db_rows_free(&r);
	result = 0;
out:
	db_rollback(c);
	db_release(&c);
	return result;
}

int audit_list(struct db_conn *c, const struct audit_filter *f, struct arena *a, struct audit_row **rows_r,
	       const char **error_r)
{
	const char *ap = f->action_prefix ? f->action_prefix : "";
	const char *actor = f->actor ? f->actor : "";
	/* The actor filter is a substring match: escape LIKE's wildcards. */
	struct buf pat;
	buf_init_arena(&pat, a);
	if (*actor) {
		buf_putc(&pat, '%');
		for (const char *p = actor; *p; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				buf_putc(&pat, '\\');
			buf_putc(&pat, *p);
		}
		buf_putc(&pat, '%');
	}
	const char *ot = f->object_type ? f->object_type : "";
	const char *oi = f->object_id ? f->object_id : "";
	int limit = f->limit > 0 && f->limit <= 500 ? f->limit : 100;
	struct db_rows *r;
	if (db_query(c, &q_audit_list,
		     DB_PARAMS(db_int(f->before_seq), db_int(f->before_seq), db_text(ap), db_text(ap), db_text(ap),
			       db_text(actor), db_text(pat.data), db_text(ot), db_text(ot), db_text(oi), db_text(oi),
			       db_int(f->from), db_int(f->from), db_int(f->to), db_int(f->to), db_int(limit)),
		     &r, error_r) < 0)
		return -1;
	struct audit_row *rows = arena_alloc(a, sizeof *rows * (size_t)limit);
	int n = 0, rc = 0;
	while (n < limit && (rc = db_rows_next(r, error_r)) == 1) {
		struct audit_row *x = &rows[n++];
		x->seq = db_rows_int(r, 0);
		x->at = db_rows_int(r, 1);
		x->actor_user_id = db_rows_int(r, 2);
		x->actor_org_id = db_rows_int(r, 3);
		x->actor_label = arena_strdup(a, db_rows_text(r, 4));
		x->action = arena_strdup(a, db_rows_text(r, 5));
		x->object_type = arena_strdup(a, db_rows_text(r, 6));
		x->object_id = arena_strdup(a, db_rows_text(r, 7));
		x->client_ip = arena_strdup(a, db_rows_text(r, 8));
		x->outcome = arena_strdup(a, db_rows_text(r, 9));
		x->detail = arena_strdup(a, db_rows_text(r, 10));
	}
	db_rows_free(&r);
	if (rc < 0)
		return -1;
	*rows_r = rows;
	return n;
}

int audit_head(struct db *db, int64_t *seq_r, char hash_r[65], const char **error_r)
{
	struct db_conn *c = db_acquire(db, error_r);
	if (c == NULL)
		return -1;
	struct db_rows *r;
	int rc = -1;
	if (db_query(c, &q_head_get, DB_NOPARAMS, &r, error_r) == 0) {
		rc = db_rows_next(r, error_r);
		if (rc == 1) {
			*seq_r = db_rows_int(r, 0);
			snprintf(hash_r, 65, "%s", db_rows_text(r, 1));
		}
		db_rows_free(&r);
	}
	db_release(&c);
	return rc;
}

DB_QUERY(q_audit_hash_of, "SELECT hash FROM audit_log WHERE seq = ?");
DB_QUERY(q_audit_rehash_set, "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?");
DB_QUERY(q_audit_max_seq, "SELECT COALESCE(MAX(seq), 0) FROM audit_log");

int audit_rehash(struct db_conn *c, const struct master_key *k, int64_t after_seq, int batch, int64_t *done_r,
		 const char **error_r)
{
	char prev[65] = "";
	*done_r = 0;
	if (after_seq > 0) {
		struct db_rows *r;
		if (db_query(c, &q_audit_hash_of, DB_PARAMS(db_int(after_seq)), &r, error_r) < 0)
			return -1;
		if (db_rows_next(r, error_r) == 1)
			snprintf(prev, sizeof prev, "%s", db_rows_text(r, 0));
		db_rows_free(&r);
	}
	struct db_rows *r;
	if (db_query(c, &q_audit_walk, DB_PARAMS(db_int(after_seq)), &r, error_r) < 0)
		return -1;
	/* Read the batch first: the walk statement stays open while rows are updated otherwise. */
	struct arena *a = arena_new(65536);
	struct row {
		int64_t seq, at, uid, oid;
		const char *f[7];
	} *rows = arena_alloc(a, sizeof *rows * (size_t)batch);
	int n = 0, rc;
	while (n < batch && (rc = db_rows_next(r, error_r)) == 1) {
		rows[n].seq = db_rows_int(r, 0);
		rows[n].at = db_rows_int(r, 1);
		rows[n].uid = db_rows_int(r, 2);
		rows[n].oid = db_rows_int(r, 3);
		for (int i = 0; i < 7; i++)
			rows[n].f[i] = arena_strdup(a, db_rows_text(r, 4 + i));
		n++;
	}
	db_rows_free(&r);
	int result = -1;
	for (int i = 0; i < n; i++) {
		char h[65];
		entry_hash(k, rows[i].seq, rows[i].at, rows[i].uid, rows[i].oid, rows[i].f[0], rows[i].f[1], rows[i].f[2],
			   rows[i].f[3], rows[i].f[4], rows[i].f[5], rows[i].f[6], prev, h);
		if (db_exec(c, &q_audit_rehash_set, DB_PARAMS(db_text(prev), db_text(h), db_int(rows[i].seq)), NULL,
			    error_r) < 0)
			goto out;
		snprintf(prev, sizeof prev, "%s", h);
	}
	int64_t max = 0;
	if (db_query_int(c, &q_audit_max_seq, DB_NOPARAMS, &max, error_r) < 0)
		goto out;
	int64_t last = n > 0 ? rows[n - 1].seq : after_seq;
	if (last == max && db_exec(c, &q_head_set, DB_PARAMS(db_text(prev)), NULL, error_r) < 0)
		goto out;
	*done_r = n;
	result = 0;
out:
	arena_free(&a);
	return result;
}
