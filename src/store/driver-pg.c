/* driver-pg.c — PostgreSQL through libpq, behind the same db.h as SQLite.
 *
 * Statements are prepared once per connection (PQprepare) and run with
 * PQexecPrepared: values always travel as parameters, never inside SQL text.
 * The callers' `?` placeholders are numbered $1..$n here, outside quoted text.
 * Integer parameters are declared int8 and blobs bytea at prepare time;
 * text parameters are left for the server to infer from context, so write
 * SQL where every text parameter meets a column or literal (not `? IS NULL`).
 *
 * Transactions run at READ COMMITTED: services make races safe with
 * conditional updates (`... WHERE state = 'sent'`), version columns and
 * unique constraints, which PostgreSQL re-checks after a concurrent commit,
 * and the audit chain serializes on its head row.
 */
#include "store/db-private.h"
#include "base/buf.h"

#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INT8OID 20
#define BYTEAOID 17

struct pg_slot {
	const struct db_query *q;
	char name[16];
	int nparams;
};

struct pg_conn {
	struct db_conn_base base;
	PGconn *h;
	bool real_tx; /* a BEGIN was sent (write transactions only; see pg_begin) */
	struct pg_slot *slots;
	size_t nslots;
	size_t used;
	unsigned next_id;
};

struct pg_rows {
	const struct db_driver *drv;
	struct pg_conn *c;
	PGresult *res;
	int row; /* current row, -1 before the first */
	int nrows;
	unsigned char *blob; /* decoded bytea of the last rows_blob call */
};

static enum db_err classify(const char *sqlstate, PGconn *h)
{
	if (h && PQstatus(h) != CONNECTION_OK)
		return DB_E_CONNECT;
	if (sqlstate == NULL)
		return DB_E_OTHER;
	if (strncmp(sqlstate, "23", 2) == 0)
		return DB_E_CONSTRAINT;
	if (strcmp(sqlstate, "40001") == 0 || strcmp(sqlstate, "40P01") == 0 || strcmp(sqlstate, "55P03") == 0)
		return DB_E_BUSY;
	if (strncmp(sqlstate, "08", 2) == 0 || strncmp(sqlstate, "57P", 3) == 0)
		return DB_E_CONNECT;
	return DB_E_OTHER;
}

/* Records the error of res (or of the connection) and returns -1. */
static int fail(struct pg_conn *c, PGresult *res, const char *what, const char **error_r)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(c->h);
	char clean[400];
	snprintf(clean, sizeof clean, "%s", msg && *msg ? msg : "unknown error");
	size_t n = strlen(clean);
	while (n > 0 && (clean[n - 1] == '\n' || clean[n - 1] == ' '))
		clean[--n] = '\0';
	db_set_error((struct db_conn *)c, classify(state, c->h), state, "%s: %s [SQLSTATE %s]", what, clean,
		     state ? state : "none");
	*error_r = c->base.errbuf;
	return -1;
}

static int run_simple(struct pg_conn *c, const char *sql, const char **error_r)
{
	PGresult *res = PQexec(c->h, sql);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		fail(c, res, "statement", error_r);
		PQclear(res);
		return -1;
	}
	PQclear(res);
	return 0;
}

static void pg_disconnect(struct db_conn *cc)
{
	struct pg_conn *c = (struct pg_conn *)cc;
	free(c->slots);
	PQfinish(c->h);
	free(c);
}

static void quiet_notices(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

static int pg_connect(struct db *db, struct db_conn **c_r, const char **error_r)
{
	struct pg_conn *c = calloc(1, sizeof *c);
	if (c == NULL)
		abort();
	c->nslots = 64;
	c->slots = calloc(c->nslots, sizeof *c->slots);
	if (c->slots == NULL)
		abort();
	c->h = PQconnectdb(db->target);
	if (PQstatus(c->h) != CONNECTION_OK) {
		static __thread char msg[600];
		const char *m = PQerrorMessage(c->h);
		snprintf(msg, sizeof msg, "cannot connect to PostgreSQL %s: %s", db->safe_url, m ? m : "");
		size_t n = strlen(msg);
		while (n > 0 && msg[n - 1] == '\n')
			msg[--n] = '\0';
		*error_r = msg;
		pg_disconnect((struct db_conn *)c);
		return -1;
	}
	PQsetNoticeProcessor(c->h, quiet_notices, NULL);
	/* Generic plans: the optional filters (`? = '' OR col = ?`) made PostgreSQL plan
	 * every execution again instead of reusing the prepared statement's plan. */
	if (run_simple(c, "SET TIME ZONE 'UTC'; SET standard_conforming_strings = on;"
			  " SET default_transaction_isolation = 'read committed'; SET plan_cache_mode = force_generic_plan",
		       error_r) < 0) {
		pg_disconnect((struct db_conn *)c);
		return -1;
	}
	*c_r = (struct db_conn *)c;
	return 0;
}

/* `?` -> `$n`, leaving quoted strings and identifiers alone. */
static char *number_placeholders(const char *sql, int *n_r)
{
	struct buf b;
	buf_init(&b);
	int n = 0;
	char quote = 0;
	for (const char *p = sql; *p; p++) {
		if (quote) {
			buf_putc(&b, *p);
			if (*p == quote)
				quote = 0;
		} else if (*p == '\'' || *p == '"') {
			quote = *p;
			buf_putc(&b, *p);
		} else if (*p == '?') {
			buf_printf(&b, "$%d", ++n);
		} else {
			buf_putc(&b, *p);
		}
	}
	*n_r = n;
	return buf_steal(&b);
}

static size_t slot_hash(const void *p, size_t n)
{
	uintptr_t x = (uintptr_t)p;
	x ^= x >> 17;
	x *= (uintptr_t)0x9E3779B97F4A7C15ull;
	return (size_t)(x >> 7) & (n - 1);
}

static struct pg_slot *slot_find(struct pg_conn *c, const struct db_query *q)
{
	size_t h = slot_hash(q, c->nslots);
	while (c->slots[h].q) {
		if (c->slots[h].q == q)
			return &c->slots[h];
		h = (h + 1) & (c->nslots - 1);
	}
	return NULL;
}

static struct pg_slot *slot_add(struct pg_conn *c, const struct db_query *q)
{
	if (c->used * 2 >= c->nslots) {
		size_t n = c->nslots * 2;
		struct pg_slot *ns = calloc(n, sizeof *ns);
		if (ns == NULL)
			abort();
		for (size_t i = 0; i < c->nslots; i++) {
			if (!c->slots[i].q)
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
	size_t h = slot_hash(q, c->nslots);
	while (c->slots[h].q)
		h = (h + 1) & (c->nslots - 1);
	c->used++;
	c->slots[h].q = q;
	return &c->slots[h];
}

static struct pg_slot *prepare(struct pg_conn *c, const struct db_query *q, const struct db_val *params,
			       size_t nparams, const char **error_r)
{
	struct pg_slot *s = slot_find(c, q);
	if (s)
		return s;
	int n;
	char *sql = number_placeholders(q->sql, &n);
	if ((size_t)n != nparams) {
		free(sql);
		db_set_error((struct db_conn *)c, DB_E_OTHER, NULL, "%s: %zu parameters given, %d expected", q->name,
			     nparams, n);
		*error_r = c->base.errbuf;
		return NULL;
	}
	Oid types[64];
	for (int i = 0; i < n && i < 64; i++)
		types[i] = params[i].type == DB_INT ? INT8OID : params[i].type == DB_BLOB ? BYTEAOID : 0;
	char name[16];
	snprintf(name, sizeof name, "s%u", ++c->next_id);
	PGresult *res = PQprepare(c->h, name, sql, n > 64 ? 64 : n, types);
	free(sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fail(c, res, q->name, error_r);
		PQclear(res);
		return NULL;
	}
	PQclear(res);
	s = slot_add(c, q);
	snprintf(s->name, sizeof s->name, "%s", name);
	s->nparams = n;
	return s;
}

static PGresult *run(struct pg_conn *c, const struct db_query *q, const struct db_val *params, size_t nparams,
		     const char **error_r)
{
	if (nparams > 64) {
		db_set_error((struct db_conn *)c, DB_E_OTHER, NULL, "%s: more than 64 parameters", q->name);
		*error_r = c->base.errbuf;
		return NULL;
	}
	struct pg_slot *s = prepare(c, q, params, nparams, error_r);
	if (s == NULL)
		return NULL;
	const char *values[64];
	int lengths[64], formats[64];
	char ints[64][24];
	for (size_t i = 0; i < nparams && i < 64; i++) {
		lengths[i] = 0;
		formats[i] = 0;
		switch (params[i].type) {
		case DB_NULL:
			values[i] = NULL;
			break;
		case DB_INT:
			snprintf(ints[i], sizeof ints[i], "%lld", (long long)params[i].i);
			values[i] = ints[i];
			break;
		case DB_TEXT:
			values[i] = params[i].p;
			break;
		case DB_BLOB:
			values[i] = params[i].p ? params[i].p : "";
			lengths[i] = (int)params[i].len;
			formats[i] = 1;
			break;
		}
	}
	PGresult *res = PQexecPrepared(c->h, s->name, (int)nparams, values, lengths, formats, 0);
	ExecStatusType st = PQresultStatus(res);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		fail(c, res, q->name, error_r);
		PQclear(res);
		return NULL;
	}
	return res;
}

static int pg_exec(struct db_conn *cc, const struct db_query *q, const struct db_val *params, size_t nparams,
		   int64_t *changes_r, const char **error_r)
{
	struct pg_conn *c = (struct pg_conn *)cc;
	PGresult *res = run(c, q, params, nparams, error_r);
	if (res == NULL)
		return -1;
	if (changes_r) {
		const char *t = PQcmdTuples(res);
		*changes_r = t && *t ? strtoll(t, NULL, 10) : 0;
	}
	PQclear(res);
	return 0;
}

static int pg_query(struct db_conn *cc, const struct db_query *q, const struct db_val *params, size_t nparams,
		    struct db_rows **rows_r, const char **error_r)
{
	struct pg_conn *c = (struct pg_conn *)cc;
	PGresult *res = run(c, q, params, nparams, error_r);
	if (res == NULL)
		return -1;
	struct pg_rows *r = calloc(1, sizeof *r);
	if (r == NULL)
		abort();
	r->drv = &db_driver_pg;
	r->c = c;
	r->res = res;
	r->row = -1;
	r->nrows = PQntuples(res);
	*rows_r = (struct db_rows *)r;
	return 0;
}

static int pg_rows_next(struct db_rows *rr, const char **error_r)
{
	(void)error_r;
	struct pg_rows *r = (struct pg_rows *)rr;
	if (r->row + 1 >= r->nrows)
		return 0;
	r->row++;
	return 1;
}

static int pg_rows_columns(const struct db_rows *rr)
{
	return PQnfields(((const struct pg_rows *)rr)->res);
}

static bool pg_rows_isnull(struct db_rows *rr, int col)
{
	struct pg_rows *r = (struct pg_rows *)rr;
	return PQgetisnull(r->res, r->row, col);
}

static int64_t pg_rows_int(struct db_rows *rr, int col)
{
	struct pg_rows *r = (struct pg_rows *)rr;
	const char *v = PQgetvalue(r->res, r->row, col);
	if (v == NULL || *v == '\0')
		return 0;
	if (*v == 't')
		return 1;
	if (*v == 'f')
		return 0;
	return strtoll(v, NULL, 10);
}

static const char *pg_rows_text(struct db_rows *rr, int col)
{
	struct pg_rows *r = (struct pg_rows *)rr;
	const char *v = PQgetvalue(r->res, r->row, col);
	return v ? v : "";
}

static const void *pg_rows_blob(struct db_rows *rr, int col, size_t *len_r)
{
	struct pg_rows *r = (struct pg_rows *)rr;
	*len_r = 0;
	if (PQgetisnull(r->res, r->row, col))
		return NULL;
	if (PQftype(r->res, col) != BYTEAOID) {
		*len_r = (size_t)PQgetlength(r->res, r->row, col);
		return PQgetvalue(r->res, r->row, col);
	}
	if (r->blob)
		PQfreemem(r->blob);
	size_t n = 0;
	r->blob = PQunescapeBytea((const unsigned char *)PQgetvalue(r->res, r->row, col), &n);
	*len_r = n;
	return r->blob;
}

static void pg_rows_free(struct db_rows *rr)
{
	struct pg_rows *r = (struct pg_rows *)rr;
	if (r->blob)
		PQfreemem(r->blob);
	PQclear(r->res);
	free(r);
}

/*
 * A read "transaction" sends nothing: at READ COMMITTED every statement takes
 * its own snapshot anyway, so BEGIN ... ROLLBACK around reads bought no
 * consistency and cost two round trips per service call.  Writes get a real
 * transaction.
 */
static int pg_begin(struct db_conn *cc, bool write, const char **error_r)
{
	struct pg_conn *c = (struct pg_conn *)cc;
	c->real_tx = write;
	return write ? run_simple(c, "BEGIN", error_r) : 0;
}

static int pg_commit(struct db_conn *cc, const char **error_r)
{
	struct pg_conn *c = (struct pg_conn *)cc;
	if (!c->real_tx)
		return 0;
	c->real_tx = false;
	return run_simple(c, "COMMIT", error_r);
}

static void pg_rollback(struct db_conn *cc)
{
	const char *err;
	struct pg_conn *c = (struct pg_conn *)cc;
	c->real_tx = false;
	if (PQtransactionStatus(c->h) != PQTRANS_IDLE)
		run_simple(c, "ROLLBACK", &err);
}

static int pg_exec_script(struct db_conn *cc, const char *sql, const char **error_r)
{
	return run_simple((struct pg_conn *)cc, sql, error_r);
}

static int pg_lock_migrations(struct db_conn *cc, const char **error_r)
{
	/* Several processes starting at once apply each migration exactly once. */
	return run_simple((struct pg_conn *)cc, "SELECT pg_advisory_xact_lock(7262730)", error_r);
}

static const char *const pg_macros[][2] = {
	{ "ID", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" },
	{ "BLOB", "BYTEA" },
	{ "BIGINT", "BIGINT" },
	{ "BOOL", "INTEGER" },
	{ NULL, NULL },
};

const struct db_driver db_driver_pg = {
	.name = "postgresql",
	.dialect = DB_POSTGRESQL,
	.schema_macros = pg_macros,
	.connect = pg_connect,
	.disconnect = pg_disconnect,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.exec = pg_exec,
	.query = pg_query,
	.rows_next = pg_rows_next,
	.rows_columns = pg_rows_columns,
	.rows_isnull = pg_rows_isnull,
	.rows_int = pg_rows_int,
	.rows_text = pg_rows_text,
	.rows_blob = pg_rows_blob,
	.rows_free = pg_rows_free,
	.exec_script = pg_exec_script,
	.lock_migrations = pg_lock_migrations,
};
