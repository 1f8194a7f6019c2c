/* driver-sqlite.c — the embedded SQLite store.
 *
 * Every connection is opened with the settings the data needs to survive a
 * power cut and a hostile file: WAL with synchronous=FULL, foreign keys,
 * defensive mode (no writes to the schema through PRAGMA), untrusted schema,
 * secure_delete so freed pages do not keep old ciphertext around, and a busy
 * timeout so writers queue instead of failing.  Write transactions use
 * BEGIN IMMEDIATE so two writers never deadlock upgrading read locks.
 */
#include "store/db-private.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct stmt_slot {
	const struct db_query *q;
	sqlite3_stmt *st;
};

struct sqlite_conn {
	struct db_conn_base base;
	sqlite3 *h;
	struct stmt_slot *slots;
	size_t nslots; /* power of two */
	size_t used;
};

struct sqlite_rows {
	const struct db_driver *drv;
	struct sqlite_conn *c;
	sqlite3_stmt *st;
};

static enum db_err classify(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_CONSTRAINT:
		return DB_E_CONSTRAINT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return DB_E_BUSY;
	case SQLITE_CANTOPEN:
	case SQLITE_NOTADB:
		return DB_E_CONNECT;
	default:
		return DB_E_OTHER;
	}
}

static int fail(struct sqlite_conn *c, int rc, const char *what, const char **error_r)
{
	db_set_error((struct db_conn *)c, classify(rc), NULL, "%s: %s", what,
		     c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc));
	*error_r = c->base.errbuf;
	return -1;
}

static int run_simple(struct sqlite_conn *c, const char *sql, const char **error_r)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		db_set_error((struct db_conn *)c, classify(rc), NULL, "%s", msg ? msg : sqlite3_errstr(rc));
		sqlite3_free(msg);
		*error_r = c->base.errbuf;
		return -1;
	}
	return 0;
}

static void sq_disconnect(struct db_conn *cc)
{
	struct sqlite_conn *c = (struct sqlite_conn *)cc;
	for (size_t i = 0; i < c->nslots; i++)
		if (c->slots[i].st)
			sqlite3_finalize(c->slots[i].st);
	free(c->slots);
	sqlite3_close_v2(c->h);
	free(c);
}

static int sq_connect(struct db *db, struct db_conn **c_r, const char **error_r)
{
	struct sqlite_conn *c = calloc(1, sizeof *c);
	if (c == NULL)
		abort();
	c->nslots = 64;
	c->slots = calloc(c->nslots, sizeof *c->slots);
	if (c->slots == NULL)
		abort();
	int rc = sqlite3_open_v2(db->target, &c->h,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		static __thread char msg[512];
		snprintf(msg, sizeof msg, "cannot open SQLite database %s: %s", db->target,
			 c->h ? sqlite3_errmsg(c->h) : sqlite3_errstr(rc));
		*error_r = msg;
		sq_disconnect((struct db_conn *)c);
		return -1;
	}
	sqlite3_extended_result_codes(c->h, 1);
	sqlite3_db_config(c->h, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(c->h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(c->h, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_busy_timeout(c->h, 10000);
	/* journal_mode answers a row; the others are silent. */
	if (run_simple(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
			  " PRAGMA trusted_schema=OFF; PRAGMA secure_delete=ON;",
		       error_r) < 0) {
		static __thread char msg[600];
		snprintf(msg, sizeof msg, "cannot set up SQLite database %s: %s", db->target, *error_r);
		*error_r = msg;
		sq_disconnect((struct db_conn *)c);
		return -1;
	}
	*c_r = (struct db_conn *)c;
	return 0;
}

static size_t slot_hash(const void *p, size_t n)
{
	uintptr_t x = (uintptr_t)p;
	x ^= x >> 17;
	x *= (uintptr_t)0x9E3779B97F4A7C15ull;
	return (size_t)(x >> 7) & (n - 1);
}

static void slots_grow(struct sqlite_conn *c)
{
	size_t n = c->nslots * 2;
	struct stmt_slot *ns = calloc(n, sizeof *ns);
	if (ns == NULL)
		abort();
	for (size_t i = 0; i < c->nslots; i++) {
		if (c->slots[i].q == NULL)
			continue;
		size_t h = slot_hash(c->slots[i].q, n);
		while (ns[h].q)
			h = (h + 1) & (n - 1);
		ns[h] = c->slots[i];
	}
	free(c->slots);
	c->slots = ns;
	c->nslots = n;
}

/* Returns the cached prepared statement for q, preparing it on first use. */
static sqlite3_stmt *prepare(struct sqlite_conn *c, const struct db_query *q, const char **error_r)
{
	size_t h = slot_hash(q, c->nslots);
	while (c->slots[h].q) {
		if (c->slots[h].q == q)
			return c->slots[h].st;
		h = (h + 1) & (c->nslots - 1);
	}
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v3(c->h, q->sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		fail(c, rc, q->name, error_r);
		return NULL;
	}
	if (c->used * 2 >= c->nslots) {
		slots_grow(c);
		h = slot_hash(q, c->nslots);
		while (c->slots[h].q)
			h = (h + 1) & (c->nslots - 1);
	}
	c->slots[h].q = q;
	c->slots[h].st = st;
	c->used++;
	return st;
}

static int bind_all(struct sqlite_conn *c, sqlite3_stmt *st, const struct db_query *q,
		    const struct db_val *params, size_t n, const char **error_r)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if ((int)n != sqlite3_bind_parameter_count(st)) {
		db_set_error((struct db_conn *)c, DB_E_OTHER, NULL, "%s: %zu parameters given, %d expected",
			     q->name, n, sqlite3_bind_parameter_count(st));
		*error_r = c->base.errbuf;
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		int rc, idx = (int)i + 1;
		switch (params[i].type) {
		case DB_NULL:
			rc = sqlite3_bind_null(st, idx);
			break;
		case DB_INT:
			rc = sqlite3_bind_int64(st, idx, params[i].i);
			break;
		case DB_TEXT:
			rc = sqlite3_bind_text(st, idx, params[i].p, -1, SQLITE_STATIC);
			break;
		case DB_BLOB:
			rc = sqlite3_bind_blob64(st, idx, params[i].p ? params[i].p : "", params[i].len,
						 SQLITE_STATIC);
			break;
		default:
			rc = SQLITE_MISUSE;
		}
		if (rc != SQLITE_OK)
			return fail(c, rc, q->name, error_r);
	}
	return 0;
}

static int sq_exec(struct db_conn *cc, const struct db_query *q, const struct db_val *params,
		   size_t nparams, int64_t *changes_r, const char **error_r)
{
	struct sqlite_conn *c = (struct sqlite_conn *)cc;
	sqlite3_stmt *st = prepare(c, q, error_r);
	if (st == NULL || bind_all(c, st, q, params, nparams, error_r) < 0)
		return -1;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		fail(c, rc, q->name, error_r);
		sqlite3_reset(st);
		return -1;
	}
	if (changes_r)
		*changes_r = sqlite3_changes64(c->h);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return 0;
}

static int sq_query(struct db_conn *cc, const struct db_query *q, const struct db_val *params,
		    size_t nparams, struct db_rows **rows_r, const char **error_r)
{
	struct sqlite_conn *c = (struct sqlite_conn *)cc;
	sqlite3_stmt *st = prepare(c, q, error_r);
	if (st == NULL || bind_all(c, st, q, params, nparams, error_r) < 0)
		return -1;
	struct sqlite_rows *r = malloc(sizeof *r);
	if (r == NULL)
		abort();
	r->drv = &db_driver_sqlite;
	r->c = c;
	r->st = st;
	*rows_r = (struct db_rows *)r;
	return 0;
}

static int sq_rows_next(struct db_rows *rr, const char **error_r)
{
	struct sqlite_rows *r = (struct sqlite_rows *)rr;
	int rc = sqlite3_step(r->st);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return fail(r->c, rc, "step", error_r);
}

static int sq_rows_columns(const struct db_rows *rr)
{
	return sqlite3_column_count(((const struct sqlite_rows *)rr)->st);
}

static bool sq_rows_isnull(struct db_rows *rr, int col)
{
	return sqlite3_column_type(((struct sqlite_rows *)rr)->st, col) == SQLITE_NULL;
}

static int64_t sq_rows_int(struct db_rows *rr, int col)
{
	return sqlite3_column_int64(((struct sqlite_rows *)rr)->st, col);
}

static const char *sq_rows_text(struct db_rows *rr, int col)
{
	const unsigned char *t = sqlite3_column_text(((struct sqlite_rows *)rr)->st, col);
	return t ? (const char *)t : "";
}

static const void *sq_rows_blob(struct db_rows *rr, int col, size_t *len_r)
{
	sqlite3_stmt *st = ((struct sqlite_rows *)rr)->st;
	const void *p = sqlite3_column_blob(st, col);
	*len_r = (size_t)sqlite3_column_bytes(st, col);
	return p;
}

static void sq_rows_free(struct db_rows *rr)
{
	struct sqlite_rows *r = (struct sqlite_rows *)rr;
	sqlite3_reset(r->st);
	sqlite3_clear_bindings(r->st);
	free(r);
}

static int sq_begin(struct db_conn *cc, bool write, const char **error_r)
{
	return run_simple((struct sqlite_conn *)cc, write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED", error_r);
}

static int sq_commit(struct db_conn *cc, const char **error_r)
{
	return run_simple((struct sqlite_conn *)cc, "COMMIT", error_r);
}

static void sq_rollback(struct db_conn *cc)
{
	const char *err;
	struct sqlite_conn *c = (struct sqlite_conn *)cc;
	if (!sqlite3_get_autocommit(c->h))
		run_simple(c, "ROLLBACK", &err);
}

static int sq_exec_script(struct db_conn *cc, const char *sql, const char **error_r)
{
	return run_simple((struct sqlite_conn *)cc, sql, error_r);
}

static int sq_lock_migrations(struct db_conn *cc, const char **error_r)
{
	/* BEGIN IMMEDIATE already holds the only write lock. */
	(void)cc;
	(void)error_r;
	return 0;
}

static const char *const sqlite_macros[][2] = {
	{ "ID", "INTEGER PRIMARY KEY" },
	{ "BLOB", "BLOB" },
	{ "BIGINT", "INTEGER" },
	{ "BOOL", "INTEGER" },
	{ NULL, NULL },
};

const struct db_driver db_driver_sqlite = {
	.name = "sqlite",
	.dialect = DB_SQLITE,
	.schema_macros = sqlite_macros,
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.exec = sq_exec,
	.query = sq_query,
	.rows_next = sq_rows_next,
	.rows_columns = sq_rows_columns,
	.rows_isnull = sq_rows_isnull,
	.rows_int = sq_rows_int,
	.rows_text = sq_rows_text,
	.rows_blob = sq_rows_blob,
	.rows_free = sq_rows_free,
	.exec_script = sq_exec_script,
	.lock_migrations = sq_lock_migrations,
};
