/* backup.c — `nadiya backup` writes an encrypted, authenticated archive of a
 * whole database (servers may keep running); `nadiya restore` brings one back
 * into an empty database and proves it: row counts against those the archive
 * recorded, migrations for an archive of an older version, the key check, and
 * the audit chain walked from its first entry. */
#include "cmd/cmd.h"
#include "cmd/cli.h"
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

/* When the archive was made and of what, as both commands report it. */
static void print_made(const struct backup_info *info)
{
	printf("  made     ");
	print_time(stdout, info->created);
	printf("\n  database %s, schema version %lld, %llu bytes\n", dialect_name(info->dialect),
	       (long long)info->schema, (unsigned long long)info->payload);
}

int cmd_backup(int argc, char **argv)
{
	const char *out_path = NULL;
	const struct cli_opt opts[] = {
		{ "out", true, &out_path, NULL, "archive to write (replaced only if it is an archive already)" },
		{ NULL, false, NULL, NULL, NULL },
	};
	struct cli_ctx c;
	const char *err;
	int exit_code = cli_parse(&c, NULL, opts, argc, argv,
				  "usage: nadiya backup --db URL --key-file PATH --out FILE\n\n"
				  "Writes an encrypted, authenticated archive of the whole database to FILE (mode 0600),\n"
				  "readable only with the same key.  Servers may keep running: SQLite is copied with its\n"
				  "online backup API (through a temporary file next to FILE, removed at the end),\n"
				  "PostgreSQL with pg_dump.  Bring it back with `nadiya restore`.");
	if (exit_code != CLI_GO_ON)
		goto out;
	if (c.set.db_url == NULL || c.set.key_file == NULL || out_path == NULL || *out_path == '\0') {
		fprintf(stderr, "nadiya: --db, --key-file and --out are all required (see nadiya backup --help)\n");
		exit_code = 2;
		goto out;
	}
	/* An archive sealed with a key that does not open the data in it would be useless: the key is checked. */
	if ((exit_code = cli_open_store(&c, CLI_KEY, 1)) != CLI_GO_ON)
		goto out;
	exit_code = 1;
	struct backup_info info;
	if (backup_create(c.db, c.key, out_path, &info, &err) < 0) {
		fprintf(stderr, "nadiya: backup failed, no archive was written: %s\n", err);
		goto out;
	}
	printf("backup of %s written to %s\n", db_safe_url(c.db), out_path);
	print_made(&info);
	printf("  key      fingerprint %s (the archive opens only with this key)\n", info.fingerprint);
	for (size_t i = 0; i < info.ntables; i++)
		printf("  %-18s %lld %s\n", info.tables[i].name, (long long)info.tables[i].rows,
		       info.tables[i].rows == 1 ? "row" : "rows");
	exit_code = 0;
out:
	cli_close(&c);
	return exit_code;
}

int cmd_restore(int argc, char **argv)
{
	const char *in_path = NULL;
	const struct cli_opt opts[] = {
		{ "in", true, &in_path, NULL, "archive written by `nadiya backup`" },
		{ NULL, false, NULL, NULL, NULL },
	};
	struct cli_ctx c;
	const char *err;
	int exit_code = cli_parse(&c, NULL, opts, argc, argv,
				  "usage: nadiya restore --db URL --key-file PATH --in FILE\n\n"
				  "Brings an archive written by `nadiya backup` back into an empty database (for SQLite a\n"
				  "file that does not exist yet), with the key that made it.  The whole archive is\n"
				  "authenticated before anything is written: a damaged, truncated or altered archive, a\n"
				  "wrong key or a database that holds data is refused with exit status 1 and nothing is\n"
				  "written.  Then applies migrations, checks the row counts the archive recorded and\n"
				  "walks the audit chain.");
	if (exit_code != CLI_GO_ON)
		goto out;
	if (c.set.db_url == NULL || c.set.key_file == NULL || in_path == NULL || *in_path == '\0') {
		fprintf(stderr, "nadiya: --db, --key-file and --in are all required (see nadiya restore --help)\n");
		exit_code = 2;
		goto out;
	}
	/* The database is opened only once the archive is in it: the steps differ from cli_open_store's. */
	if ((exit_code = cli_load_key(&c)) != CLI_GO_ON)
		goto out;
	exit_code = 1;
	struct backup_info info;
	if (backup_restore(c.set.db_url, c.key, in_path, &info, &err) < 0) {
		fprintf(stderr, "nadiya: restore refused: %s\n", err);
		goto out;
	}
	if (db_open(c.set.db_url, 1, &c.db, &err) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		goto out;
	}
	printf("restored %s into %s\n", in_path, db_safe_url(c.db));
	print_made(&info);
	/* Counted before migrations: a migration of an older archive may add rows. */
	int rc = backup_compare_counts(c.db, &info, stdout, &err);
	if (rc != 0) {
		if (rc < 0)
			fprintf(stderr, "nadiya: %s\n", err);
		fprintf(stderr, "nadiya: the restored database does not hold the rows the archive recorded; do not use it\n");
		goto out;
	}
	printf("row counts equal to those the archive recorded\n");
	int ver, applied;
	if (db_migrate(c.db, &ver, &applied, &err) < 0) {
		fprintf(stderr, "nadiya: migrations failed on the restored database: %s\n", err);
		goto out;
	}
	if (applied > 0)
		printf("schema migrated to version %d (%d %s applied)\n", ver, applied,
		       applied == 1 ? "migration" : "migrations");
	if (install_check_key(c.db, c.key, &err) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		goto out;
	}
	int64_t n = 0, bad = 0;
	const char *why = NULL;
	int v = audit_verify(c.db, c.key, &n, &bad, &why, &err);
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
	cli_close(&c);
	return exit_code;
}
