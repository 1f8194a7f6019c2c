/* db.c — the driver-independent half of db.h: URLs, the connection pool,
 * dispatch to the driver table. */
#include "store/db-private.h"
#include "base/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static char open_error[512];

int db_set_error(struct db_conn *c, enum db_err code, const char *sqlstate, const char *fmt, ...)
{
	struct db_conn_base *b = (struct db_conn_base *)c;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(b->errbuf, sizeof b->errbuf, fmt, ap);
	va_end(ap);
	b->err = code;
	snprintf(b->sqlstate, sizeof b->sqlstate, "%s", sqlstate ? sqlstate : "");
	return -1;
}

/* The URL with any password replaced by ***, for logs and messages. */
static char *safe_url_of(const char *url)
{
	const char *scheme = strstr(url, "://");
	char *out = strdup(url);
	if (out == NULL)
		abort();
	if (scheme == NULL)
		return out;
	const char *auth = scheme + 3, *at = strchr(auth, '@'), *slash = strchr(auth, '/');
	if (at == NULL || (slash && slash < at))
		return out;
	const char *colon = memchr(auth, ':', (size_t)(at - auth));
	if (colon == NULL)
		return out;
	size_t head = (size_t)(colon + 1 - url);
	char *s = malloc(strlen(url) + 4);
	if (s == NULL)
		abort();
	memcpy(s, url, head);
	strcpy(s + head, "***");
	strcat(s, at);
	free(out);
	return s;
}

int db_open(const char *url, int pool_size, struct db **db_r, const char **error_r)
{
	const struct db_driver *drv = NULL;
	const char *target = NULL;
	*db_r = NULL;
	if (url == NULL || *url == '\0') {
		*error_r = "no database given (--db sqlite:PATH)";
		return -1;
	}
	if (str_starts(url, "sqlite:")) {
		drv = &db_driver_sqlite;
		target = url + 7;
		if (str_starts(target, "//"))
			target += 2;
		if (*target == '\0') {
			*error_r = "sqlite: URL needs a file path, e.g. sqlite:var/nadiya.db";
			return -1;
		}
	} else if (str_starts(url, "postgresql://") || str_starts(url, "postgres://")) {
		drv = &db_driver_pg;
		target = url; /* libpq parses the URI itself, with all its usual parameters */
	} else {
		snprintf(open_error, sizeof open_error,
			 "unsupported database URL (expected sqlite:PATH or postgresql://...)");
		*error_r = open_error;
		return -1;
	}
	struct db *db = calloc(1, sizeof *db);
	if (db == NULL)
		abort();
	db->drv = drv;
	db->url = strdup(url);
	db->target = strdup(target);
	db->safe_url = safe_url_of(url);
	pthread_mutex_init(&db->lock, NULL);
	pthread_cond_init(&db->cond, NULL);
	db->pool_size = pool_size > 0 ? pool_size : 1;
	/* Connect once now so a bad URL or path is reported at start, not at the first request. */
	const char *err;
	struct db_conn *c = db_acquire(db, &err);
	if (c == NULL) {
		snprintf(open_error, sizeof open_error, "%s", err);
		*error_r = open_error;
		db_close(&db);
		return -1;
	}
	db_release(&c);
	*db_r = db;
	return 0;
}

void db_close(struct db **dbp)
{
	struct db *db = *dbp;
	if (db == NULL)
		return;
	struct db_conn_base *b = db->free_list;
	while (b) {
		struct db_conn_base *n = b->next_free;
		db->drv->disconnect((struct db_conn *)b);
		b = n;
	}
	pthread_mutex_destroy(&db->lock);
	pthread_cond_destroy(&db->cond);
	free(db->url);
	free(db->target);
	free(db->safe_url);
	free(db);
	*dbp = NULL;
}

enum db_dialect db_dialect(const struct db *db)
{
	return db->drv->dialect;
}

const char *db_safe_url(const struct db *db)
{
	return db->safe_url;
}

struct db_conn *db_acquire(struct db *db, const char **error_r)
{
	pthread_mutex_lock(&db->lock);
	for (;;) {
		if (db->free_list) {
			struct db_conn_base *b = db->free_list;
			db->free_list = b->next_free;
			b->next_free = NULL;
			pthread_mutex_unlock(&db->lock);
			return (struct db_conn *)b;
		}
		if (db->open_count < db->pool_size) {
			db->open_count++;
			pthread_mutex_unlock(&db->lock);
			struct db_conn *c = NULL;
			if (db->drv->connect(db, &c, error_r) < 0) {
				pthread_mutex_lock(&db->lock);
				db->open_count--;
				pthread_cond_signal(&db->cond);
				pthread_mutex_unlock(&db->lock);
				return NULL;
			}
			((struct db_conn_base *)c)->db = db;
			return c;
		}
		/* Never wait forever: a request that cannot get a connection answers 503. */
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 10;
		if (pthread_cond_timedwait(&db->cond, &db->lock, &until) != 0 && db->free_list == NULL &&
		    db->open_count >= db->pool_size) {
			pthread_mutex_unlock(&db->lock);
			*error_r = "no database connection became free within 10 seconds";
			return NULL;
		}
	}
}

void db_release(struct db_conn **cp)
{
	struct db_conn *c = *cp;
	if (c == NULL)
		return;
	struct db_conn_base *b = (struct db_conn_base *)c;
	struct db *db = b->db;
	if (b->in_tx)
		db_rollback(c);
	if (b->err == DB_E_CONNECT) {
		/* A broken connection is not returned to the pool. */
		db->drv->disconnect(c);
		pthread_mutex_lock(&db->lock);
		db->open_count--;
	} else {
		b->err = DB_E_OK;
		pthread_mutex_lock(&db->lock);
		b->next_free = db->free_list;
		db->free_list = b;
	}
	pthread_cond_signal(&db->cond);
	pthread_mutex_unlock(&db->lock);
	*cp = NULL;
}

#define DRV(c) (((struct db_conn_base *)(c))->db->drv)

int db_begin(struct db_conn *c, bool write, const char **error_r)
{
	struct db_conn_base *b = (struct db_conn_base *)c;
	if (b->in_tx) {
		*error_r = "transaction already open";
		return -1;
	}
	if (DRV(c)->begin(c, write, error_r) < 0)
		return -1;
	b->in_tx = true;
	b->write_tx = write;
	return 0;
}

/* Called after the write is visible to other connections (or may be: a failed
 * COMMIT may still have committed), never before: a reader that took the old
 * epoch before reading old rows must find its copy stale. */
static void epoch_bump(struct db_conn *c)
{
	atomic_fetch_add(&((struct db_conn_base *)c)->db->write_epoch, 1);
}

uint64_t db_write_epoch(const struct db_conn *c)
{
	return atomic_load(&((const struct db_conn_base *)c)->db->write_epoch);
}

int db_commit(struct db_conn *c, const char **error_r)
{
	struct db_conn_base *b = (struct db_conn_base *)c;
	int rc = DRV(c)->commit(c, error_r);
	if (rc < 0) {
		DRV(c)->rollback(c);
	}
	if (b->write_tx)
		epoch_bump(c);
	b->in_tx = false;
	b->write_tx = false;
	return rc;
}

void db_rollback(struct db_conn *c)
{
	struct db_conn_base *b = (struct db_conn_base *)c;
	if (!b->in_tx)
		return;
	DRV(c)->rollback(c);
	b->in_tx = false;
	b->write_tx = false;
}

bool db_in_transaction(const struct db_conn *c)
{
	return ((const struct db_conn_base *)c)->in_tx;
}

int db_exec(struct db_conn *c, const struct db_query *q, const struct db_val *params, size_t nparams,
	    int64_t *changes_r, const char **error_r)
{
	int rc = DRV(c)->exec(c, q, params, nparams, changes_r, error_r);
	/* Outside a transaction the write is committed now; inside, the commit bumps again. */
	epoch_bump(c);
	return rc;
}

/* Each rows struct starts with a pointer to its driver so the generic
 * functions can dispatch without knowing the connection. */
struct db_rows_head {
	const struct db_driver *drv;
};

int db_query(struct db_conn *c, const struct db_query *q, const struct db_val *params, size_t nparams,
	     struct db_rows **rows_r, const char **error_r)
{
	int rc = DRV(c)->query(c, q, params, nparams, rows_r, error_r);
	/* INSERT ... RETURNING and the like are writes too. */
	if (!str_starts(q->sql, "SELECT"))
		epoch_bump(c);
	return rc;
}

#define RDRV(r) (((struct db_rows_head *)(r))->drv)

int db_rows_next(struct db_rows *r, const char **error_r)
{
	return RDRV(r)->rows_next(r, error_r);
}
int db_rows_columns(const struct db_rows *r)
{
	return ((const struct db_rows_head *)r)->drv->rows_columns(r);
}
bool db_rows_isnull(struct db_rows *r, int col)
{
	return RDRV(r)->rows_isnull(r, col);
}
int64_t db_rows_int(struct db_rows *r, int col)
{
	return RDRV(r)->rows_int(r, col);
}
const char *db_rows_text(struct db_rows *r, int col)
{
	return RDRV(r)->rows_text(r, col);
}
const void *db_rows_blob(struct db_rows *r, int col, size_t *len_r)
{
	return RDRV(r)->rows_blob(r, col, len_r);
}
void db_rows_free(struct db_rows **r)
{
	if (*r == NULL)
		return;
	RDRV(*r)->rows_free(*r);
	*r = NULL;
}

int db_query_int(struct db_conn *c, const struct db_query *q, const struct db_val *params,
		 size_t nparams, int64_t *value_r, const char **error_r)
{
	struct db_rows *r;
	if (db_query(c, q, params, nparams, &r, error_r) < 0)
		return -1;
	int rc = db_rows_next(r, error_r);
	if (rc == 1)
		*value_r = db_rows_int(r, 0);
	db_rows_free(&r);
	return rc;
}

enum db_err db_errcode(const struct db_conn *c)
{
	return ((const struct db_conn_base *)c)->err;
}

const char *db_sqlstate(const struct db_conn *c)
{
	return ((const struct db_conn_base *)c)->sqlstate;
}
