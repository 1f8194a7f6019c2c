/* migrate_data.c — `nadiya migrate-data --from sqlite:PATH --to postgresql://...`:
 * moves a whole network to another store, then proves the copy: row counts
 * compared table by table and the audit chain re-verified at the destination
 * with the same key. */
#include "base/config.h"
#include "cmd/cmd.h"
#include "crypto/key.h"
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
	struct settings s;
	const char *pos[1];
	int npos, exit_code = 1;
	settings_defaults(&s);
	int rc = settings_parse_cmd(&s, allowed, opts, argc, argv,
				    "usage: nadiya migrate-data --from URL --to URL --key-file PATH\n\n"
				    "Copies a whole network (organizations, users, the audit trail...) into an empty\n"
				    "database, compares row counts and re-verifies the audit chain there.",
				    pos, 0, &npos);
	if (rc != 0) {
		settings_free(&s);
		return rc < 0 ? 2 : 0;
	}
	struct db *src = NULL, *dst = NULL;
	struct master_key *key = NULL;
	const char *err;
	if (from == NULL || to == NULL || s.key_file == NULL) {
		fprintf(stderr, "nadiya: --from, --to and --key-file are all required\n");
		exit_code = 2;
		goto out;
	}
	if (crypto_init() < 0 || (key = key_load_file(s.key_file, &err)) == NULL) {
		fprintf(stderr, "nadiya: %s\n", key ? "cannot initialize libsodium" : err);
		exit_code = 2;
		goto out;
	}
	int ver, applied;
	if (db_open(from, 1, &src, &err) < 0 || db_migrate(src, &ver, &applied, &err) < 0 ||
	    install_check_key(src, key, &err) < 0) {
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
	if (install_check_key(dst, key, &err) < 0) {
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
	int v = audit_verify(dst, key, &n, &bad, &why, &err);
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
	key_free(&key);
	settings_free(&s);
	return exit_code;
}
