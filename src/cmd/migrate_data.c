/* migrate_data.c — `nadiya migrate-data --from sqlite:PATH --to postgresql://...`:
 * moves a whole network to another store, then proves the copy: row counts
 * compared table by table and the audit chain re-verified at the destination
 * with the same key. */
#include "cmd/cmd.h"
#include "cmd/cli.h"
#include "model/audit.h"
#include "model/install.h"
#include "store/copy.h"
#include "store/db.h"

#include <stdio.h>

int cmd_migrate_data(int argc, char **argv)
{
	static const enum setting_id allowed[] = { SET_KEY_FILE, SET__COUNT };
	const char *from = NULL, *to = NULL;
	const struct cli_opt opts[] = {
		{ "from", true, &from, NULL, "source database URL (e.g. sqlite:var/nadiya.db)" },
		{ "to", true, &to, NULL, "destination database URL (e.g. postgresql://nadiya@db/nadiya); must be empty" },
		{ NULL, false, NULL, NULL, NULL },
	};
	struct cli_ctx c;
	struct db *src = NULL, *dst = NULL;
	const char *err;
	int exit_code = cli_parse(&c, allowed, opts, argc, argv,
				  "usage: nadiya migrate-data --from URL --to URL --key-file PATH\n\n"
				  "Copies a whole network (organizations, users, the audit trail...) into an empty\n"
				  "database, compares row counts and re-verifies the audit chain there.");
	if (exit_code != CLI_GO_ON)
		goto out;
	if (from == NULL || to == NULL || c.set.key_file == NULL) {
		fprintf(stderr, "nadiya: --from, --to and --key-file are all required\n");
		exit_code = 2;
		goto out;
	}
	/* Two databases, each with its own steps: cli_open_store's one database does not fit. */
	if ((exit_code = cli_load_key(&c)) != CLI_GO_ON)
		goto out;
	exit_code = 1;
	int ver, applied;
	if (db_open(from, 1, &src, &err) < 0 || db_migrate(src, &ver, &applied, &err) < 0 ||
	    install_check_key(src, c.key, &err) < 0) {
		fprintf(stderr, "nadiya: source: %s\n", err);
		goto out;
	}
	if (copy_check_catalogue(src, &err) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		goto out;
	}
	if (db_open(to, 1, &dst, &err) < 0 || db_migrate(dst, &ver, &applied, &err) < 0) {
		fprintf(stderr, "nadiya: destination: %s\n", err);
		goto out;
	}
	int has = copy_destination_has_data(dst, &err);
	if (has != 0) {
		fprintf(stderr, "nadiya: %s\n", has < 0 ? err : "the destination already holds data; migrate-data only fills an empty database");
		goto out;
	}
	if (install_check_key(dst, c.key, &err) < 0) {
		fprintf(stderr, "nadiya: destination: %s\n", err);
		goto out;
	}
	if (copy_all(src, dst, stdout, &err) < 0) {
		fprintf(stderr, "nadiya: copy failed, nothing was kept at the destination: %s\n", err);
		goto out;
	}
	if (copy_compare_counts(src, dst, stdout, &err) != 0) {
		fprintf(stderr, "nadiya: row counts differ after the copy\n");
		goto out;
	}
	int64_t n, bad;
	const char *why;
	int v = audit_verify(dst, c.key, &n, &bad, &why, &err);
	if (v != 0) {
		if (v < 0)
			fprintf(stderr, "nadiya: %s\n", err);
		else
			fprintf(stderr, "nadiya: audit trail broken at the destination at entry %lld: %s\n",
				(long long)bad, why);
		goto out;
	}
	printf("row counts equal; audit trail intact at the destination: %lld entries\n", (long long)n);
	exit_code = 0;
out:
	db_close(&src);
	db_close(&dst);
	cli_close(&c);
	return exit_code;
}
