/* migrate.c — numbered schema migrations compiled into the binary.
 *
 * store/migrations/NNNN_name.sql files are embedded in order.  Each runs in
 * its own write transaction together with the row recording it, so a crash
 * leaves either the whole migration or none of it.  The text is written for
 * both dialects; {{ID}}, {{BLOB}}, {{BIGINT}} and {{BOOL}} are replaced by the
 * driver's types.  A checksum of every applied migration is kept: a binary
 * whose migration text differs from what a database recorded refuses to run,
 * because landed migrations must never be edited.
 */
#include "store/db-private.h"
#include "base/buf.h"
#include "base/embedded.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

DB_QUERY(q_migration_get, "SELECT checksum FROM schema_migrations WHERE version = ?");
DB_QUERY(q_migration_add,
	 "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)");
DB_QUERY(q_migration_max, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");

static const char create_table[] =
	"CREATE TABLE IF NOT EXISTS schema_migrations ("
	" version INTEGER PRIMARY KEY NOT NULL,"
	" name TEXT NOT NULL,"
	" checksum TEXT NOT NULL,"
	" applied_at BIGINT NOT NULL)";

static int version_of(const char *name)
{
	return atoi(name);
}

int db_schema_latest(void)
{
	int v = 0;
	for (size_t i = 0; i < embedded_migrations_count; i++)
		if (version_of(embedded_migrations[i].name) > v)
			v = version_of(embedded_migrations[i].name);
	return v;
}

static void checksum(const unsigned char *p, size_t n, char out[17])
{
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static void expand(const struct db_driver *drv, const char *src, struct buf *out)
{
	while (*src) {
		const char *m = strstr(src, "{{");
		if (m == NULL) {
			buf_puts(out, src);
			return;
		}
		buf_append(out, src, (size_t)(m - src));
		const char *end = strstr(m, "}}");
		if (end == NULL) {
			buf_puts(out, m);
			return;
		}
		bool found = false;
		for (size_t i = 0; drv->schema_macros[i][0]; i++) {
			size_t kl = strlen(drv->schema_macros[i][0]);
			if ((size_t)(end - m - 2) == kl && strncmp(m + 2, drv->schema_macros[i][0], kl) == 0) {
				buf_puts(out, drv->schema_macros[i][1]);
				found = true;
				break;
			}
		}
		if (!found)
			buf_append(out, m, (size_t)(end + 2 - m));
		src = end + 2;
	}
}

int db_migrate(struct db *db, int *version_r, int *applied_r, const char **error_r)
{
	static __thread char msg[700];
	struct db_conn *c = db_acquire(db, error_r);
	int rc = -1;
	*applied_r = 0;
	if (c == NULL)
		return -1;
	/* The bookkeeping table is created under the same lock as the migrations, so
	 * several processes starting at once on an empty database do not race. */
	if (db_begin(c, true, error_r) < 0 || db->drv->lock_migrations(c, error_r) < 0 ||
	    db->drv->exec_script(c, create_table, error_r) < 0 || db_commit(c, error_r) < 0)
		goto out;
	for (size_t i = 0; i < embedded_migrations_count; i++) {
		const struct embedded_file *f = &embedded_migrations[i];
		int v = version_of(f->name);
		char sum[17];
		checksum(f->data, f->len, sum);
		if (db_begin(c, true, error_r) < 0 || db->drv->lock_migrations(c, error_r) < 0)
			goto out;
		struct db_rows *r;
		if (db_query(c, &q_migration_get, DB_PARAMS(db_int(v)), &r, error_r) < 0)
			goto out;
		int found = db_rows_next(r, error_r);
		char have[17] = "";
		if (found == 1)
			snprintf(have, sizeof have, "%s", db_rows_text(r, 0));
		db_rows_free(&r);
		if (found < 0)
			goto out;
		if (found == 1) {
			db_rollback(c);
			if (strcmp(have, sum) != 0) {
				snprintf(msg, sizeof msg,
					 "migration %s was changed after it was applied to this database "
					 "(checksum %s, database has %s); landed migrations must never be edited",
					 f->name, sum, have);
				*error_r = msg;
				goto out;
			}
			continue;
		}
		struct buf sql;
		buf_init(&sql);
		expand(db->drv, (const char *)f->data, &sql);
		int erc = db->drv->exec_script(c, sql.data, error_r);
		buf_free(&sql);
		if (erc < 0) {
			snprintf(msg, sizeof msg, "migration %s failed: %s", f->name, *error_r);
			*error_r = msg;
			goto out;
		}
		if (db_exec(c, &q_migration_add,
			    DB_PARAMS(db_int(v), db_text(f->name), db_text(sum), db_int((int64_t)time(NULL))),
			    NULL, error_r) < 0)
			goto out;
		if (db_commit(c, error_r) < 0)
			goto out;
		(*applied_r)++;
	}
	int64_t ver = 0;
	if (db_query_int(c, &q_migration_max, DB_NOPARAMS, &ver, error_r) < 0)
		goto out;
	*version_r = (int)ver;
	rc = 0;
out:
	db_release(&c);
	return rc;
}
