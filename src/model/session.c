#include "model/session.h"
#include "base/str.h"
#include "store/db.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
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

/*
 * The session cache.  On PostgreSQL the session lookup is a round trip that
 * costs more than a whole page read from SQLite, and a page in a browser
 * session, or a script's burst of API calls, asks for the same session many
 * times a second.  So each process may remember a live session for a moment:
 *
 *  - An entry is used for at most ttl seconds after it was read (wall-clock
 *    seconds, the `now` of the lookup; an entry from the future is not used).
 *  - It is used only while the process's write epoch (db_write_epoch) is the
 *    one taken before the row was read.  Every write of this process moves it
 *    after its commit, so whatever this process changed (a sign-out, "sign out
 *    everywhere", a role or status change, a rotated session, a confirmed
 *    password, a read inbox item) is seen by its next request.  Changes made
 *    by another process are seen within ttl seconds.
 *  - It is used only while the stored last-seen is less than a minute old, so
 *    the once-a-minute last-seen refresh (and with it idle expiry) happens
 *    exactly as without the cache: when it is due, the database is asked.
 *  - Expiry (idle and absolute) is checked again on every use.
 *  - Only live sessions are stored: an unknown or ended token always goes to
 *    the database, so guessing tokens gains nothing here.
 *
 * Slots are a fixed array indexed by the session hash (a keyed hash, so the
 * index cannot be steered by a client); a new entry replaces whatever was in
 * its slot.  One mutex: a hit holds it for a few string copies.
 */
#define SC_SLOTS 1024

struct sc_entry {
	char hash[65]; /* "" when the slot is empty */
	uint64_t epoch;
	int64_t read_at;
	int64_t user_id, org_id, last_seen, expires, reauth_at, inbox_unread;
	enum role role;
	bool totp_enabled;
	char kind[8], state[8];
	char *strings; /* email, display name, org code, lang: four NUL-terminated strings */
};

struct session_cache {
	pthread_mutex_t lock;
	int64_t ttl;
	struct sc_entry slot[SC_SLOTS];
};

struct session_cache *session_cache_new(int64_t ttl_seconds)
{
	struct session_cache *sc = calloc(1, sizeof *sc);
	if (sc == NULL)
		abort();
	pthread_mutex_init(&sc->lock, NULL);
	sc->ttl = ttl_seconds > 0 ? ttl_seconds : 1;
	return sc;
}

void session_cache_free(struct session_cache **scp)
{
	struct session_cache *sc = *scp;
	if (sc == NULL)
		return;
	for (size_t i = 0; i < SC_SLOTS; i++)
		free(sc->slot[i].strings);
	pthread_mutex_destroy(&sc->lock);
	free(sc);
	*scp = NULL;
}

static struct sc_entry *sc_slot(struct session_cache *sc, const char *h)
{
	/* The hash is 64 hex digits of a keyed hash: its first digits are as good as any. */
	unsigned v = 0;
	for (int i = 0; i < 4; i++)
		v = v * 16 + (unsigned)(h[i] <= '9' ? h[i] - '0' : (h[i] | 0x20) - 'a' + 10);
	return &sc->slot[v % SC_SLOTS];
}

static bool sc_same(const struct sc_entry *e, const char *h)
{
	return e->hash[0] && sodium_memcmp(e->hash, h, 64) == 0;
}

/* 1: answered from the cache (actor filled); 0: ask the database. */
static int sc_get(struct session_cache *sc, const char *h, uint64_t epoch, int64_t now,
		  const struct session_limits *lim, struct arena *a, struct actor *actor_r, const char **state_r)
{
	int rc = 0;
	pthread_mutex_lock(&sc->lock);
	struct sc_entry *e = sc_slot(sc, h);
	if (sc_same(e, h) && e->epoch == epoch && now >= e->read_at && now - e->read_at < sc->ttl &&
	    now < e->expires && now - e->last_seen < 60 && now - e->last_seen < lim->idle_seconds) {
		memset(actor_r, 0, sizeof *actor_r);
		actor_r->user_id = e->user_id;
		actor_r->session_kind = arena_strdup(a, e->kind);
		*state_r = arena_strdup(a, e->state);
		actor_r->reauth_at = e->reauth_at;
		const char *p = e->strings;
		actor_r->email = arena_strdup(a, p);
		p += strlen(p) + 1;
		actor_r->display_name = arena_strdup(a, p);
		p += strlen(p) + 1;
		actor_r->org_code = arena_strdup(a, p);
		p += strlen(p) + 1;
		actor_r->lang = arena_strdup(a, p);
		actor_r->role = e->role;
		actor_r->org_id = e->org_id;
		actor_r->totp_enabled = e->totp_enabled;
		actor_r->session_hash = arena_strdup(a, h);
		actor_r->inbox_unread = e->inbox_unread;
		rc = 1;
	}
	pthread_mutex_unlock(&sc->lock);
	return rc;
}

static void sc_put(struct session_cache *sc, const char *h, uint64_t epoch, int64_t now, int64_t last_seen,
		   int64_t expires, const struct actor *act, const char *state)
{
	size_t n1 = strlen(act->email) + 1, n2 = strlen(act->display_name) + 1, n3 = strlen(act->org_code) + 1,
	       n4 = strlen(act->lang) + 1;
	if (strlen(act->session_kind) >= sizeof((struct sc_entry *)0)->kind ||
	    strlen(state) >= sizeof((struct sc_entry *)0)->state)
		return;
	char *strings = malloc(n1 + n2 + n3 + n4);
	if (strings == NULL)
		abort();
	memcpy(strings, act->email, n1);
	memcpy(strings + n1, act->display_name, n2);
	memcpy(strings + n1 + n2, act->org_code, n3);
	memcpy(strings + n1 + n2 + n3, act->lang, n4);
	pthread_mutex_lock(&sc->lock);
	struct sc_entry *e = sc_slot(sc, h);
	free(e->strings);
	*e = (struct sc_entry){ .epoch = epoch, .read_at = now, .user_id = act->user_id, .org_id = act->org_id,
				.last_seen = last_seen, .expires = expires, .reauth_at = act->reauth_at,
				.inbox_unread = act->inbox_unread, .role = act->role,
				.totp_enabled = act->totp_enabled, .strings = strings };
	memcpy(e->hash, h, 65);
	snprintf(e->kind, sizeof e->kind, "%s", act->session_kind);
	snprintf(e->state, sizeof e->state, "%s", state);
	pthread_mutex_unlock(&sc->lock);
}

static void sc_forget(struct session_cache *sc, const char *h)
{
	pthread_mutex_lock(&sc->lock);
	struct sc_entry *e = sc_slot(sc, h);
	if (sc_same(e, h)) {
		free(e->strings);
		memset(e, 0, sizeof *e);
	}
	pthread_mutex_unlock(&sc->lock);
}

int session_lookup(struct db_conn *c, const struct master_key *k, struct session_cache *cache, bool fresh,
		   const char *token, int64_t now, const struct session_limits *lim, struct arena *a,
		   struct actor *actor_r, const char **state_r, const char **error_r)
{
	if (token == NULL || strlen(token) != TOKEN_CHARS)
		return 0;
	char h[65];
	session_hash(k, token, h);
	/* Taken before the row is read: a write committed after this makes the entry stale. */
	uint64_t epoch = cache ? db_write_epoch(c) : 0;
	if (cache && !fresh && sc_get(cache, h, epoch, now, lim, a, actor_r, state_r) == 1)
		return 1;
	struct db_rows *r;
	if (db_query(c, &q_sess_get, DB_PARAMS(db_text(h)), &r, error_r) < 0)
		return -1;
	int rc = db_rows_next(r, error_r);
	if (rc != 1) {
		db_rows_free(&r);
		if (cache)
			sc_forget(cache, h);
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
		if (cache)
			sc_forget(cache, h);
		/* Expired sessions are removed when met. */
		db_exec(c, &q_sess_del, DB_PARAMS(db_text(h)), NULL, error_r);
		return 0;
	}
	if (now - last_seen >= 60) {
		/* The refresh is a write (it moves the epoch): the next lookup reads the new last-seen. */
		if (cache)
			sc_forget(cache, h);
		if (db_exec(c, &q_sess_touch, DB_PARAMS(db_int(now), db_text(h)), NULL, error_r) < 0)
			return -1;
		return 1;
	}
	if (cache)
		sc_put(cache, h, epoch, now, last_seen, expires, actor_r, *state_r);
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
