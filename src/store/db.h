/* db.h — the one SQL API of nadiya.
 *
 * Callers never paste SQL from strings: every statement is a named, constant
 * struct db_query declared with DB_QUERY() next to the service that uses it,
 * and every value travels as a bound parameter.  Write SQL that SQLite and
 * PostgreSQL both accept, with `?` placeholders (the PostgreSQL driver numbers
 * them); timestamps are INTEGER Unix seconds computed by the application.
 *
 * A struct db is a database: its URL, its driver and a pool of connections.
 * A struct db_conn is one connection, used by one thread at a time; prepared
 * statements are cached on it.  Functions returning int answer 0 on success
 * and -1 on failure with *error_r pointing to a message owned by the
 * connection (valid until its next call); db_errcode() classifies it.
 */
#ifndef NADIYA_DB_H
#define NADIYA_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct db;
struct db_conn;
struct db_rows;

struct db_query {
	const char *name;
	const char *sql;
};

/* Declares a named statement: DB_QUERY(q_user_by_email, "SELECT ... WHERE email = ?"); */
#define DB_QUERY(ident, text) static const struct db_query ident = { #ident, text }

enum db_type { DB_NULL, DB_INT, DB_TEXT, DB_BLOB };

struct db_val {
	enum db_type type;
	int64_t i;
	const void *p;
	size_t len;
};

static inline struct db_val db_int(int64_t i)
{
	return (struct db_val){ .type = DB_INT, .i = i };
}
/* NULL s binds SQL NULL. */
static inline struct db_val db_text(const char *s)
{
	return (struct db_val){ .type = s ? DB_TEXT : DB_NULL, .p = s, .len = (size_t)-1 };
}
static inline struct db_val db_blob(const void *p, size_t len)
{
	return (struct db_val){ .type = DB_BLOB, .p = p, .len = len };
}
static inline struct db_val db_null(void)
{
	return (struct db_val){ .type = DB_NULL };
}

#define DB_PARAMS(...) ((const struct db_val[]){ __VA_ARGS__ }), \
		(sizeof((const struct db_val[]){ __VA_ARGS__ }) / sizeof(struct db_val))
#define DB_NOPARAMS NULL, 0

enum db_err {
	DB_E_OK = 0,
	DB_E_CONSTRAINT, /* unique, foreign key or check violation */
	DB_E_BUSY,       /* lock timeout, serialization failure: the caller may retry */
	DB_E_CONNECT,    /* no connection to the server */
	DB_E_OTHER,
};

enum db_dialect { DB_SQLITE, DB_POSTGRESQL };

/*
 * Opens a database by URL (`sqlite:PATH`; `postgresql://...` once its driver
 * exists) with a pool of pool_size connections.  Does not apply migrations.
 */
int db_open(const char *url, int pool_size, struct db **db_r, const char **error_r);
/* Closes every connection and frees the pool; sets *db to NULL. */
void db_close(struct db **db);
enum db_dialect db_dialect(const struct db *db);
/* The URL without any password, safe for logs. */
const char *db_safe_url(const struct db *db);

/*
 * Takes a connection from the pool, waiting while all are in use.  NULL with
 * *error_r set when a connection could not be made.  Thread-safe.
 */
struct db_conn *db_acquire(struct db *db, const char **error_r);
/* Returns a connection to the pool (rolling back an open transaction); sets *c to NULL. */
void db_release(struct db_conn **c);

/* Transactions.  A write transaction takes the write lock at once (SQLite BEGIN IMMEDIATE). */
int db_begin(struct db_conn *c, bool write, const char **error_r);
int db_commit(struct db_conn *c, const char **error_r);
void db_rollback(struct db_conn *c);
bool db_in_transaction(const struct db_conn *c);

/* Runs a statement that returns no rows; *changes_r (optional) gets the rows affected. */
int db_exec(struct db_conn *c, const struct db_query *q, const struct db_val *params, size_t nparams,
	    int64_t *changes_r, const char **error_r);
/*
 * Runs a statement and returns an iterator.  Only one iterator per statement
 * may be open; free it before running the same query again.
 */
int db_query(struct db_conn *c, const struct db_query *q, const struct db_val *params, size_t nparams,
	     struct db_rows **rows_r, const char **error_r);
/* 1: a row is ready; 0: no more rows; -1: error. */
int db_rows_next(struct db_rows *r, const char **error_r);
int db_rows_columns(const struct db_rows *r);
bool db_rows_isnull(struct db_rows *r, int col);
int64_t db_rows_int(struct db_rows *r, int col);
/* Valid until the next db_rows_next() or db_rows_free(); never NULL ("" for NULL). */
const char *db_rows_text(struct db_rows *r, int col);
const void *db_rows_blob(struct db_rows *r, int col, size_t *len_r);
void db_rows_free(struct db_rows **r);

/*
 * Convenience: runs q and reads the first column of the first row as an
 * integer.  Returns 1 when a row was found, 0 when none, -1 on error.
 */
int db_query_int(struct db_conn *c, const struct db_query *q, const struct db_val *params,
		 size_t nparams, int64_t *value_r, const char **error_r);

/*
 * A counter of this process's writes to c's database.  It moves after every
 * write transaction ends with a commit and after every statement that is not
 * a SELECT, so a cache of rows read from the database can remember the value
 * it read them at and treat them as stale once it moved: nothing this process
 * wrote since can be hidden by the cache.  Writes of other processes do not
 * move it; such a cache must bound its age itself.  Thread-safe.
 */
uint64_t db_write_epoch(const struct db_conn *c);

enum db_err db_errcode(const struct db_conn *c);
/* SQLSTATE of the last error (PostgreSQL), or "" */
const char *db_sqlstate(const struct db_conn *c);

/* Schema migrations compiled into the binary (migrate.c). */
int db_migrate(struct db *db, int *version_r, int *applied_r, const char **error_r);
/* Highest migration compiled into this binary. */
int db_schema_latest(void);

#endif
