#include "model/session.h"
#include "base/str.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>

DB_QUERY(q_sess_insert,
	 "INSERT INTO sessions (id_hash, user_id, kind, state, created_at, last_seen_at, expires_at, reauth_at,"
	 " client_ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
DB_QUERY(q_sess_get,
	 "SELECT s.user_id, s.kind, s.state, s.last_seen_at, s.expires_at, s.reauth_at, u.email,"
	 " u.display_name, u.role, u.org_id, o.code, u.totp_enabled, u.lang, u.status,"
	 /* The unread inbox count rides along: every page shows it, and on PostgreSQL a
	  * separate query was a round trip per page.  An organization's items are for the
	  * roles that work its referrals (inbox.c). */
	 " (SELECT COUNT(*) FROM inbox i WHERE i.user_id = u.id AND i.read_at IS NULL)"
	 " + (SELECT COUNT(*) FROM inbox i WHERE i.org_id = u.org_id AND i.user_id IS NULL AND i.read_at IS NULL"
	 "    AND u.role IN ('manager', 'caseworker'))"
	 " FROM sessions s JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = u.org_id"
	 " WHERE s.id_hash = ?");
DB_QUERY(q_sess_touch, "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?");
DB_QUERY(q_sess_del, "DELETE FROM sessions WHERE id_hash = ?");
DB_QUERY(q_sess_del_user, "DELETE FROM sessions WHERE user_id = ?");
DB_QUERY(q_sess_reauth, "UPDATE sessions SET reauth_at = ? WHERE id_hash = ?");
DB_QUERY(q_sess_for_rotate, "SELECT user_id, kind, created_at, expires_at, reauth_at FROM sessions WHERE id_hash = ?");
DB_QUERY(q_sess_insert_rot,
	 "INSERT INTO sessions (id_hash, user_id, kind, state, created_at, last_seen_at, expires_at, reauth_at,"
	 " client_ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");

void session_hash(const struct master_key *k, const char *token, char out[65])
{
	token_hash(k, "session-id", token, out);
}

void session_csrf(const struct master_key *k, const char *token, char out[65])
{
	token_hash(k, "csrf", token, out);
}

int session_create(struct db_conn *c, const struct master_key *k, int64_t user_id, const char *kind,
		   const char *state, const char *ip, int64_t now, const struct session_limits *lim,
		   char token[TOKEN_CHARS + 1], const char **error_r)
{
	char h[65];
	token_new(token);
	session_hash(k, token, h);
	return db_exec(c, &q_sess_insert,
		       DB_PARAMS(db_text(h), db_int(user_id), db_text(kind), db_text(state), db_int(now), db_int(now),
				 db_int(now + lim->max_seconds), db_int(now), db_text(ip ? ip : "")),
		       NULL, error_r);
}

int session_lookup(struct db_conn *c, const struct master_key *k, const char *token, int64_t now,
		   const struct session_limits *lim, struct arena *a, struct actor *actor_r, const char **state_r,
		   const char **error_r)
{
	if (token == NULL || strlen(token) != TOKEN_CHARS)
		return 0;
	char h[65];
	session_hash(k, token, h);
	struct db_rows *r;
	if (db_query(c, &q_sess_get, DB_PARAMS(db_text(h)), &r, error_r) < 0)
		return -1;
	int rc = db_rows_next(r, error_r);
	if (rc != 1) {
		db_rows_free(&r);
		return rc;
	}
	int64_t last_seen = db_rows_int(r, 3), expires = db_rows_int(r, 4);
	int role = role_from_code(db_rows_text(r, 8));
	bool live = now < expires && now - last_seen < lim->idle_seconds && role >= 0 &&
		    str_eq(db_rows_text(r, 13), "active");
	if (live) {
		memset(actor_r, 0, sizeof *actor_r);
		actor_r->user_id = db_rows_int(r, 0);
		actor_r->session_kind = arena_strdup(a, db_rows_text(r, 1));
		*state_r = arena_strdup(a, db_rows_text(r, 2));
		actor_r->reauth_at = db_rows_int(r, 5);
		actor_r->email = arena_strdup(a, db_rows_text(r, 6));
		actor_r->display_name = arena_strdup(a, db_rows_text(r, 7));
		actor_r->role = (enum role)role;
		actor_r->org_id = db_rows_int(r, 9);
		actor_r->org_code = arena_strdup(a, db_rows_text(r, 10));
		actor_r->totp_enabled = db_rows_int(r, 11) != 0;
		actor_r->lang = arena_strdup(a, db_rows_text(r, 12));
		actor_r->session_hash = arena_strdup(a, h);
		actor_r->inbox_unread = db_rows_int(r, 14);
	}
	db_rows_free(&r);
	if (!live) {
		/* Expired sessions are removed when met. */
		db_exec(c, &q_sess_del, DB_PARAMS(db_text(h)), NULL, error_r);
		return 0;
	}
	if (now - last_seen >= 60 && db_exec(c, &q_sess_touch, DB_PARAMS(db_int(now), db_text(h)), NULL, error_r) < 0)
		return -1;
	return 1;
}

int session_rotate(struct db_conn *c, const struct master_key *k, const char *old_hash, const char *new_state,
		   const char *ip, int64_t now, char token[TOKEN_CHARS + 1], const char **error_r)
{
	struct db_rows *r;
	if (db_query(c, &q_sess_for_rotate, DB_PARAMS(db_text(old_hash)), &r, error_r) < 0)
		return -1;
	int rc = db_rows_next(r, error_r);
	if (rc != 1) {
		db_rows_free(&r);
		if (rc == 0)
			*error_r = "session not found";
		return -1;
	}
	int64_t uid = db_rows_int(r, 0), created = db_rows_int(r, 2), expires = db_rows_int(r, 3);
	int64_t reauth = db_rows_int(r, 4);
	char kind[8];
	snprintf(kind, sizeof kind, "%s", db_rows_text(r, 1));
	db_rows_free(&r);
	if (db_exec(c, &q_sess_del, DB_PARAMS(db_text(old_hash)), NULL, error_r) < 0)
		return -1;
	char h[65];
	token_new(token);
	session_hash(k, token, h);
	return db_exec(c, &q_sess_insert_rot,
		       DB_PARAMS(db_text(h), db_int(uid), db_text(kind), db_text(new_state), db_int(created), db_int(now),
				 db_int(expires), db_int(reauth), db_text(ip ? ip : "")),
		       NULL, error_r);
}

int session_mark_reauth(struct db_conn *c, const char *hash, int64_t now, const char **error_r)
{
	return db_exec(c, &q_sess_reauth, DB_PARAMS(db_int(now), db_text(hash)), NULL, error_r);
}

int session_delete(struct db_conn *c, const char *hash, const char **error_r)
{
	return db_exec(c, &q_sess_del, DB_PARAMS(db_text(hash)), NULL, error_r);
}

int session_delete_user(struct db_conn *c, int64_t user_id, const char **error_r)
{
	return db_exec(c, &q_sess_del_user, DB_PARAMS(db_int(user_id)), NULL, error_r);
}
