/* backup.c — `nadiya backup` writes an encrypted, authenticated archive of a
 * whole database (servers may keep running); `nadiya restore` brings one back
 * into an empty database and proves it: row counts against those the archive
 * recorded, migrations for an archive of an older version, the key check, and
 * the audit chain walked from its first entry. */
#include "base/config.h"
#include "cmd/cmd.h"
#include "crypto/key.h"
#include "model/audit.h"
#include "model/install.h"
#include "store/backup.h"
#include "store/db.h"

#include <stdio.h>
#include <time.h>

static void print_time(FILE *f, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[40];
	if (gmtime_r(&tt, &tm) && strftime(s, sizeof s, "%Y-%m-%d %H:%M:%S UTC", &tm) > 0)
		fputs(s, f);
	else
		fprintf(f, "%lld", (long long)t);
}

static const char *dialect_name(char d)
{
	return d == 's' ? "SQLite" : "PostgreSQL";
}

/* Loads the key, or says why not; exit status 2 like every command with a bad key file. */
static struct master_key *load_key(const char *path)
{
	const char *err;
	if (crypto_init() < 0) {
		fprintf(stderr, "nadiya: cannot initialize libsodium\n");
		return NULL;
	}
	struct master_key *k = key_load_file(path, &err);
	if (k == NULL)
		fprintf(stderr, "nadiya: %s\n", err);
	return k;
}

int cmd_backup(int argc, char **argv)
{
	static const enum setting_id allowed[] = { SET_DB, SET_KEY_FILE, SET_CONFIG, SET__COUNT };
	const char *out_path = NULL;
	const struct cli_opt opts[] = {
		{ "out", true, &out_path, NULL, "archive to write (replaced only if it is an archive already)" },
		{ NULL, false, NULL, NULL, NULL },
	};
	struct settings s;
	const char *pos[1];
	int npos, exit_code = 1;
	struct master_key *key = NULL;
	struct db *db = NULL;
	const char *err;
	settings_defaults(&s);
	int rc = settings_parse_cmd(&s, allowed, opts, argc, argv,
				    "usage: nadiya backup --db URL --key-file PATH --out FILE\n\n"
				    "Writes an encrypted, authenticated archive of the whole database to FILE (mode 0600),\n"
				    "readable only with the same key.  Servers may keep running: SQLite is copied with its\n"
				    "online backup API (through a temporary file next to FILE, removed at the end),\n"
				    "PostgreSQL with pg_dump.  Bring it back with `nadiya restore`.",
				    pos, 0, &npos);
	if (rc != 0) {
		exit_code = rc < 0 ? 2 : 0;
		goto out;
	}
	if (s.db_url == NULL || s.key_file == NULL || out_path == NULL || *out_path == '\0') {
		fprintf(stderr, "nadiya: --db, --key-file and --out are all required (see nadiya backup --help)\n");
		exit_code = 2;
		goto out;
	}
	if ((key = load_key(s.key_file)) == NULL) {
		exit_code = 2;
		goto out;
	}
	if (db_open(s.db_url, 1, &db, &err) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		goto out;
	}
	/* An archive sealed with a key that does not open the data in it would be useless. */
	if (install_check_key(db, key, &err) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		exit_code = 2;
		goto out;
	}
	struct backup_info info;
	if (backup_create(db, key, out_path, &info, &err) < 0) {
		fprintf(stderr, "nadiya: backup failed, no archive was written: %s\n", err);
		goto out;
	}
	printf("backup of %s written to %s\n", db_safe_url(db), out_path);
	printf("  made     ");
	print_time(stdout, info.created);
	printf("\n  database %s, schema version %lld, %llu bytes\n", dialect_name(info.dialect),
	       (long long)info.schema, (unsigned long long)info.payload);
	printf("  key      fingerprint %s (the archive opens only with this key)\n", info.fingerprint);
	for (size_t i = 0; i < info.ntables; i++)
		printf("  %-18s %lld %s\n", info.tables[i].name, (long long)info.tables[i].rows,
		       info.tables[i].rows == 1 ? "row" : "rows");
	exit_code = 0;
out:
	db_close(&db);
	key_free(&key);
	settings_free(&s);
	return exit_code;
}

int cmd_restore(int argc, char **argv)
{
	static const enum setting_id allowed[] = { SET_DB, SET_KEY_FILE, SET_CONFIG, SET__COUNT };
	const char *in_path = NULL;
	const struct cli_opt opts[] = {
		{ "in", true, &in_path, NULL, "archive written by `nadiya backup`" },
		{ NULL, false, NULL, NULL, NULL },
	};
	struct settings s;
	const char *pos[1];
	int npos, exit_code = 1;
	struct master_key *key = NULL;
	struct db *db = NULL;
	const char *err;
	settings_defaults(&s);
	int rc = settings_parse_cmd(&s, allowed, opts, argc, argv,
				    "usage: nadiya restore --db URL --key-file PATH --in FILE\n\n"
				    "Brings an archive written by `nadiya backup` back into an empty database (for SQLite a\n"
				    "file that does not exist yet), with the key that made it.  The whole archive is\n"
				    "authenticated before anything is written: a damaged, truncated or altered archive, a\n"
				    "wrong key or a database that holds data is refused with exit status 1 and nothing is\n"
				    "written.  Then applies migrations, checks the row counts the archive recorded and\n"
				    "walks the audit chain.",
				    pos, 0, &npos);
	if (rc != 0) {
		exit_code = rc < 0 ? 2 : 0;
		goto out;
	}
	if (s.db_url == NULL || s.key_file == NULL || in_path == NULL || *in_path == '\0') {
		fprintf(stderr, "nadiya: --db, --key-file and --in are all required (see nadiya restore --help)\n");
		exit_code = 2;
		goto out;
	}
	if ((key = load_key(s.key_file)) == NULL) {
		exit_code = 2;
		goto out;
	}
	struct backup_info info;
	if (backup_restore(s.db_url, key, in_path, &info, &err) < 0) {
		fprintf(stderr, "nadiya: restore refused: %s\n", err);
		goto out;
	}
	if (db_open(s.db_url, 1, &db, &err) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		goto out;
	}
	printf("restored %s into %s\n", in_path, db_safe_url(db));
	printf("  made     ");
	print_time(stdout, info.created);
	printf("\n  database %s, schema version %lld, %llu bytes\n", dialect_name(info.dialect),
	       (long long)info.schema, (unsigned long long)info.payload);
	/* Counted before migrations: a migration of an older archive may add rows. */
	rc = backup_compare_counts(db, &info, stdout, &err);
	if (rc != 0) {
		if (rc < 0)
			fprintf(stderr, "nadiya: %s\n", err);
		fprintf(stderr, "nadiya: the restored database does not hold the rows the archive recorded; do not use it\n");
		goto out;
	}
	printf("row counts equal to those the archive recorded\n");
	int ver, applied;
	if (db_migrate(db, &ver, &applied, &err) < 0) {
		fprintf(stderr, "nadiya: migrations failed on the restored database: %s\n", err);
		goto out;
	}
	if (applied > 0)
		printf("schema migrated to version %d (%d %s applied)\n", ver, applied,
		       applied == 1 ? "migration" : "migrations");
	if (install_check_key(db, key, &err) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		goto out;
	}
	int64_t n = 0, bad = 0;
	const char *why = NULL;
	int v = audit_verify(db, key, &n, &bad, &why, &err);
	if (v != 0) {
		if (v < 0)
			fprintf(stderr, "nadiya: %s\n", err);
		else
			fprintf(stderr, "nadiya: audit trail of the restored database broken at entry %lld: %s\n",
				(long long)bad, why);
		goto out;
	}
	printf("audit trail intact: %lld %s\n", (long long)n, n == 1 ? "entry" : "entries");
	exit_code = 0;
out:
	db_close(&db);
	key_free(&key);
	settings_free(&s);
	return exit_code;
}
