/* backup-sqlite.c — SQLite's part of backups: the online backup API, which
 * copies a consistent snapshot page by page while servers keep writing (a raw
 * file copy of a WAL database can tear), and the same API in the other
 * direction to install a restored database. */
#include "store/backup.h"
#include "store/db-private.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static __thread char msg[700];

static void companion_unlink(const char *path, const char *suffix)
{
	char p[4200];
	if (snprintf(p, sizeof p, "%s%s", path, suffix) < (int)sizeof p)
		unlink(p);
}

void backup_sqlite_unlink_companions(const char *path)
{
	companion_unlink(path, "-journal");
	companion_unlink(path, "-wal");
	companion_unlink(path, "-shm");
}

static sqlite3 *open_file(const char *path, int flags, const char *what, const char **error_r)
{
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(path, &h, flags | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		snprintf(msg, sizeof msg, "cannot open %s %s: %s", what, path, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		sqlite3_close_v2(h);
		*error_r = msg;
		return NULL;
	}
	sqlite3_extended_result_codes(h, 1);
	sqlite3_db_config(h, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, NULL);
	sqlite3_busy_timeout(h, 10000);
	return h;
}

/*
 * Copies all of src into dst in one step.  One step of all pages holds a
 * single read transaction on the source, so with WAL the copy is one snapshot
 * and writers are not blocked; stepping in small pieces would restart the copy
 * on every write the servers make.  Busy answers (a writer holding a lock in
 * rollback-journal mode) are retried for a while.
 */
static int copy_all_pages(sqlite3 *dst, sqlite3 *src, const char **error_r)
{
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (b == NULL) {
		snprintf(msg, sizeof msg, "cannot start the SQLite backup: %s", sqlite3_errmsg(dst));
		*error_r = msg;
		return -1;
	}
	int rc, tries = 0;
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED || rc == SQLITE_OK) {
		if (rc != SQLITE_OK && ++tries > 300)
			break;
		sqlite3_sleep(100);
	}
	int frc = sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE || frc != SQLITE_OK) {
		snprintf(msg, sizeof msg, "SQLite backup failed: %s",
			 rc != SQLITE_DONE ? sqlite3_errstr(rc) : sqlite3_errmsg(dst));
		*error_r = msg;
		return -1;
	}
	return 0;
}

int backup_sqlite_snapshot(struct db *db, const char *dest_path, const char **error_r)
{
	sqlite3 *src = NULL, *dst = NULL;
	int rc = -1;
	/* Not SQLITE_OPEN_CREATE: a live database that vanished must not be replaced by an empty one. */
	if ((src = open_file(db->target, SQLITE_OPEN_READWRITE, "database", error_r)) == NULL)
		goto out;
	if ((dst = open_file(dest_path, SQLITE_OPEN_READWRITE, "temporary copy", error_r)) == NULL)
		goto out;
	rc = copy_all_pages(dst, src, error_r);
out:
	sqlite3_close_v2(src);
	sqlite3_close_v2(dst);
	backup_sqlite_unlink_companions(dest_path);
	return rc;
}

/* Answers one integer from a statement without parameters. */
static int query_int(sqlite3 *h, const char *sql, int64_t *v_r, const char **error_r)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
	if (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*v_r = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
		return 0;
	}
	snprintf(msg, sizeof msg, "%s", sqlite3_errmsg(h));
	*error_r = msg;
	sqlite3_finalize(st);
	return -1;
}

int backup_sqlite_has_tables(const char *path, const char **error_r)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(msg, sizeof msg, "cannot look at %s: %s", path, strerror(errno));
		*error_r = msg;
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(msg, sizeof msg, "%s is not a regular file", path);
		*error_r = msg;
		return -1;
	}
	if (st.st_size == 0)
		return 0;
	sqlite3 *h = open_file(path, SQLITE_OPEN_READWRITE, "destination", error_r);
	if (h == NULL)
		return -1;
	int64_t n = 0;
	int rc = query_int(h, "SELECT COUNT(*) FROM sqlite_master", &n, error_r);
	sqlite3_close_v2(h);
	if (rc < 0) {
		snprintf(msg, sizeof msg, "%s exists and is not an SQLite database", path);
		*error_r = msg;
		return -1;
	}
	return n > 0;
}

int backup_sqlite_check(const char *path, const char **error_r)
{
	sqlite3 *h = open_file(path, SQLITE_OPEN_READWRITE, "restored copy", error_r);
	if (h == NULL)
		return -1;
	sqlite3_stmt *st = NULL;
	int rc = -1;
	if (sqlite3_prepare_v2(h, "PRAGMA quick_check", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_ROW) {
		snprintf(msg, sizeof msg, "the archive's database cannot be read: %s", sqlite3_errmsg(h));
		*error_r = msg;
		goto out;
	}
	const char *answer = (const char *)sqlite3_column_text(st, 0);
	if (answer == NULL || strcmp(answer, "ok") != 0) {
		snprintf(msg, sizeof msg, "the archive's database fails SQLite's integrity check: %s",
			 answer ? answer : "(no answer)");
		*error_r = msg;
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_close_v2(h);
	backup_sqlite_unlink_companions(path);
	return rc;
}

int backup_sqlite_install(const char *src_path, const char *dest_path, const char **error_r)
{
	sqlite3 *src = NULL, *dst = NULL;
	bool created = false;
	int rc = -1;
	/* Create the file ourselves so that it is 0600 whatever the umask says. */
	int fd = open(dest_path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		created = true;
		if (fchmod(fd, 0600) < 0 || close(fd) < 0) {
			snprintf(msg, sizeof msg, "cannot create %s: %s", dest_path, strerror(errno));
			*error_r = msg;
			goto out;
		}
	} else if (errno != EEXIST) {
		snprintf(msg, sizeof msg, "cannot create %s: %s", dest_path, strerror(errno));
		*error_r = msg;
		goto out;
	}
	if ((src = open_file(src_path, SQLITE_OPEN_READWRITE, "restored copy", error_r)) == NULL)
		goto out;
	if ((dst = open_file(dest_path, SQLITE_OPEN_READWRITE, "destination", error_r)) == NULL)
		goto out;
	rc = copy_all_pages(dst, src, error_r);
out:
	sqlite3_close_v2(src);
	sqlite3_close_v2(dst);
	backup_sqlite_unlink_companions(src_path);
	if (rc < 0 && created) {
		unlink(dest_path);
		backup_sqlite_unlink_companions(dest_path);
	}
	return rc;
}
