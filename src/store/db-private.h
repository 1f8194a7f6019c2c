/* db-private.h — the driver table behind db.h.  Only store/ includes this. */
#ifndef NADIYA_DB_PRIVATE_H
#define NADIYA_DB_PRIVATE_H

#include "store/db.h"

#include <pthread.h>
#include <stdatomic.h>

struct db_driver {
	const char *name;
	enum db_dialect dialect;
	/* Text the migration runner puts in place of {{NAME}} markers. */
	const char *const (*schema_macros)[2];
	int (*connect)(struct db *db, struct db_conn **c_r, const char **error_r);
	void (*disconnect)(struct db_conn *c);
	int (*begin)(struct db_conn *c, bool write, const char **error_r);
	int (*commit)(struct db_conn *c, const char **error_r);
	void (*rollback)(struct db_conn *c);
	int (*exec)(struct db_conn *c, const struct db_query *q, const struct db_val *params,
		    size_t nparams, int64_t *changes_r, const char **error_r);
	int (*query)(struct db_conn *c, const struct db_query *q, const struct db_val *params,
		     size_t nparams, struct db_rows **rows_r, const char **error_r);
	int (*rows_next)(struct db_rows *r, const char **error_r);
	int (*rows_columns)(const struct db_rows *r);
	bool (*rows_isnull)(struct db_rows *r, int col);
	int64_t (*rows_int)(struct db_rows *r, int col);
	const char *(*rows_text)(struct db_rows *r, int col);
	const void *(*rows_blob)(struct db_rows *r, int col, size_t *len_r);
	void (*rows_free)(struct db_rows *r);
	/* Runs a trusted multi-statement script compiled into the binary (migrations). */
	int (*exec_script)(struct db_conn *c, const char *sql, const char **error_r);
	/* Serializes migration runs of several processes (inside a write transaction). */
	int (*lock_migrations)(struct db_conn *c, const char **error_r);
};

/* Common head of every driver's connection struct. */
struct db_conn_base {
	struct db *db;
	struct db_conn_base *next_free;
	bool in_tx;
	bool write_tx; /* the open transaction was begun for writing */
	enum db_err err;
	char sqlstate[6];
	char errbuf[512];
};

struct db {
	const struct db_driver *drv;
	char *url;      /* as given */
	char *target;   /* driver-specific part: SQLite path, or libpq conninfo */
	char *safe_url; /* for logs */
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int pool_size;
	int open_count;
	struct db_conn_base *free_list;
	_Atomic uint64_t write_epoch; /* see db_write_epoch() */
};

extern const struct db_driver db_driver_sqlite;
extern const struct db_driver db_driver_pg;

/* Records an error on the connection and returns -1. */
int db_set_error(struct db_conn *c, enum db_err code, const char *sqlstate, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
