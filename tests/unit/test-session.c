/* test-session.c — the session cache (model/session.c) with a clock of our own.
 *
 * Two handles on one SQLite file stand for two nadiya processes on one
 * database: what the second writes moves no write epoch of the first, as with
 * two processes on PostgreSQL.  The lookup takes `now` as a parameter, so time
 * is simulated rather than waited for. */
#include "test.h"
#include "crypto/key.h"
#include "model/session.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

DB_QUERY(q_ts_org, "INSERT INTO organizations (code, name_uk, name_en, kind, region, joined_on, created_at,"
		   " updated_at) VALUES ('t-org', 'Т', 'T', 'ngo', 'UA-61', '2024-01-01', 0, 0) RETURNING id");
DB_QUERY(q_ts_user, "INSERT INTO users (org_id, email, display_name, role, password_hash, created_at, updated_at,"
		    " password_changed_at) VALUES (?, 't@example.org', 'T', 'caseworker', 'x', 0, 0, 0) RETURNING id");
DB_QUERY(q_ts_last_seen, "SELECT last_seen_at FROM sessions WHERE id_hash = ?");
DB_QUERY(q_ts_disable, "UPDATE users SET status = 'disabled' WHERE id = ?");
DB_QUERY(q_ts_enable, "UPDATE users SET status = 'active' WHERE id = ?");

struct two {
	struct db *db, *other; /* this process, another process */
	struct db_conn *c, *oc;
	struct master_key *k;
	struct session_cache *sc;
	struct session_limits lim;
	int64_t uid;
	struct arena *a;
};

/* session_lookup on this process at time now; 1 live, 0 not. */
static int look(struct two *t, const char *token, int64_t now, bool fresh)
{
	struct actor act;
	const char *state, *err;
	int rc = session_lookup(t->c, t->k, t->sc, fresh, token, now, &t->lim, t->a, &act, &state, &err);
	if (rc == 1 && act.user_id != t->uid)
		return -2;
	return rc;
}

static int new_session(struct two *t, int64_t now, char token[TOKEN_CHARS + 1])
{
	const char *err;
	return session_create(t->c, t->k, t->uid, "api", "full", "127.0.0.1", now, &t->lim, token, &err);
}

static void test_cache(void)
{
	test_begin("session cache: TTL, own writes at once, other processes' within TTL, last-seen");
	char dir[] = "/tmp/nadiya-unit-XXXXXX";
	test_assert(mkdtemp(dir) != NULL);
	char url[600], keyfile[600];
	snprintf(url, sizeof url, "sqlite:%s/s.db", dir);
	snprintf(keyfile, sizeof keyfile, "%s/key", dir);
	const char *err;
	struct two t = { .lim = { .idle_seconds = 15 * 60, .max_seconds = 12 * 3600 } };
	test_assert(key_generate_file(keyfile, &err) == 0);
	t.k = key_load_file(keyfile, &err);
	test_assert(t.k != NULL);
	test_assert(db_open(url, 1, &t.db, &err) == 0 && db_open(url, 1, &t.other, &err) == 0);
	int ver, applied;
	test_assert(db_migrate(t.db, &ver, &applied, &err) == 0);
	t.c = db_acquire(t.db, &err);
	t.oc = db_acquire(t.other, &err);
	test_assert(t.c && t.oc);
	int64_t org = 0;
	test_assert(db_query_int(t.c, &q_ts_org, DB_NOPARAMS, &org, &err) == 1);
	test_assert(db_query_int(t.c, &q_ts_user, DB_PARAMS(db_int(org)), &t.uid, &err) == 1);
	t.a = arena_new(0);
	t.sc = session_cache_new(2);

	const int64_t T = 1700000000;
	char tok[TOKEN_CHARS + 1], h[65];
	test_assert(new_session(&t, T, tok) == 0);
	session_hash(t.k, tok, h);
	test_assert(look(&t, tok, T, false) == 1);

	/* Another process ends the session: this one may answer from memory for
	 * less than the TTL (2 s here), never longer. */
	test_assert(session_delete(t.oc, h, &err) == 0);
	test_assert(look(&t, tok, T, false) == 1);
	test_assert(look(&t, tok, T + 1, false) == 1);
	test_assert(look(&t, tok, T + 2, false) == 0);
	test_assert(look(&t, tok, T + 1, false) == 0); /* and the entry is gone */

	/* A request that may change something asks the database, and what the
	 * database said replaces the entry. */
	test_assert(new_session(&t, T, tok) == 0);
	session_hash(t.k, tok, h);
	test_assert(look(&t, tok, T, false) == 1);
	test_assert(session_delete(t.oc, h, &err) == 0);
	test_assert(look(&t, tok, T, true) == 0);
	test_assert(look(&t, tok, T, false) == 0);

	/* This process's own write counts at once: a sign-out... */
	test_assert(new_session(&t, T, tok) == 0);
	session_hash(t.k, tok, h);
	test_assert(look(&t, tok, T, false) == 1);
	test_assert(session_delete(t.c, h, &err) == 0);
	test_assert(look(&t, tok, T, false) == 0);
	/* ... "sign out everywhere" inside a write transaction ... */
	test_assert(new_session(&t, T, tok) == 0);
	test_assert(look(&t, tok, T, false) == 1);
	test_assert(db_begin(t.c, true, &err) == 0);
	test_assert(session_delete_user(t.c, t.uid, &err) == 0);
	test_assert(db_commit(t.c, &err) == 0);
	test_assert(look(&t, tok, T, false) == 0);
	/* ... and any other write, such as disabling the account. */
	test_assert(new_session(&t, T, tok) == 0);
	test_assert(look(&t, tok, T, false) == 1);
	test_assert(db_exec(t.c, &q_ts_disable, DB_PARAMS(db_int(t.uid)), NULL, &err) == 0);
	test_assert(look(&t, tok, T, false) == 0);
	test_assert(db_exec(t.c, &q_ts_enable, DB_PARAMS(db_int(t.uid)), NULL, &err) == 0);

	/* A read-only transaction moves nothing: the entry stays in use. */
	test_assert(new_session(&t, T, tok) == 0);
	session_hash(t.k, tok, h);
	test_assert(look(&t, tok, T, false) == 1);
	test_assert(db_begin(t.c, false, &err) == 0 && db_commit(t.c, &err) == 0);
	test_assert(session_delete(t.oc, h, &err) == 0);
	test_assert(look(&t, tok, T, false) == 1);
	test_assert(look(&t, tok, T - 1, false) == 0); /* a clock gone back does not extend it */

	/* Last-seen is refreshed when a minute has passed, whatever the cache holds:
	 * the lookup that finds it due asks the database and writes. */
	test_assert(new_session(&t, T, tok) == 0);
	session_hash(t.k, tok, h);
	test_assert(look(&t, tok, T, false) == 1);
	for (int64_t now = T + 1; now < T + 70; now++)
		test_assert(look(&t, tok, now, false) == 1);
	int64_t seen = 0;
	test_assert(db_query_int(t.c, &q_ts_last_seen, DB_PARAMS(db_text(h)), &seen, &err) == 1);
	test_assert(seen >= T + 60 && seen < T + 70);
	/* Even with the longest TTL allowed, an entry read just before the refresh is
	 * due is not used past it. */
	session_cache_free(&t.sc);
	t.sc = session_cache_new(10);
	test_assert(new_session(&t, T, tok) == 0);
	session_hash(t.k, tok, h);
	test_assert(look(&t, tok, T + 55, false) == 1);
	test_assert(look(&t, tok, T + 61, false) == 1);
	test_assert(db_query_int(t.c, &q_ts_last_seen, DB_PARAMS(db_text(h)), &seen, &err) == 1);
	test_assert(seen == T + 61);

	/* Idle and absolute expiry are checked on every use. */
	test_assert(look(&t, tok, seen + 15 * 60, false) == 0);
	test_assert(new_session(&t, T, tok) == 0);
	test_assert(look(&t, tok, T + 12 * 3600 - 1, false) == 0); /* idle by then */
	t.lim.idle_seconds = 24 * 3600;
	test_assert(new_session(&t, T, tok) == 0);
	test_assert(look(&t, tok, T + 12 * 3600 - 30, false) == 1); /* last-seen refreshed */
	test_assert(look(&t, tok, T + 12 * 3600 - 1, false) == 1);  /* read again, kept */
	test_assert(look(&t, tok, T + 12 * 3600, false) == 0);

	/* Without a cache every lookup asks the database. */
	session_cache_free(&t.sc);
	test_assert(t.sc == NULL);
	test_assert(new_session(&t, T, tok) == 0);
	session_hash(t.k, tok, h);
	test_assert(look(&t, tok, T, false) == 1);
	test_assert(session_delete(t.oc, h, &err) == 0);
	test_assert(look(&t, tok, T, false) == 0);

	arena_free(&t.a);
	db_release(&t.c);
	db_release(&t.oc);
	db_close(&t.db);
	db_close(&t.other);
	key_free(&t.k);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	test_assert(system(cmd) == 0);
	test_end();
}

void test_suite_session(void)
{
	test_cache();
}
