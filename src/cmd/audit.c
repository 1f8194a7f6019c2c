/* audit.c — `nadiya audit verify|head`: check the chained audit trail, and
 * print its head so operators can anchor it outside the database (a ticket,
 * a notebook, another machine).  A rewrite of the whole trail by someone who
 * holds the key would still verify; a head anchored elsewhere would not match.
 *
 * Neither adds to the trail, so checking a restored backup copy leaves it as it was.
 */
#include "cmd/cmd.h"
#include "base/config.h"
#include "base/str.h"
#include "crypto/key.h"
#include "model/audit.h"
#include "model/install.h"
#include "store/db.h"

#include <stdio.h>

/*
 * The head row, read here rather than through a service because audit.h has
 * no accessor for it yet; it belongs next to audit_verify() in model/audit.c.
 */

static const char usage_top[] =
	"usage: nadiya audit verify --db URL --key-file PATH\n"
	"       nadiya audit head --db URL\n\n"
	"verify  walks the audit trail's chain of keyed hashes; exits 0 when intact,\n"
	"        1 naming the first broken entry.\n"
	"head    prints the last entry's number and hash, to keep somewhere else.";

static int need_db(const struct settings *s)
{
	if (s->db_url)
		return 0;
	fprintf(stderr, "nadiya: --db is required (or NADIYA_DB), e.g. --db sqlite:var/nadiya.db\n");
	return -1;
}

static int audit_cmd_verify(int argc, char **argv)
{
	static const enum setting_id allowed[] = { SET_DB, SET_KEY_FILE, SET_CONFIG, SET__COUNT };
	struct settings s;
	const char *pos[1];
	int npos, exit_code = 1;
	struct master_key *key = NULL;
	struct db *db = NULL;
	const char *err;
	settings_defaults(&s);
	int rc = settings_parse(&s, allowed, argc, argv,
				"usage: nadiya audit verify --db URL --key-file PATH\n\n"
				"Walks the audit trail from its first entry and checks every entry's keyed hash and\n"
				"its link to the one before, and that nothing was cut off the end.  Prints\n"
				"\"audit trail intact: N entries\" and exits 0, or \"audit trail broken at entry S: REASON\"\n"
				"and exits 1 (also when the check cannot run).  A key that does not belong to the\n"
				"database is refused with exit status 2.",
				pos, 0, &npos);
	if (rc != 0) {
		exit_code = rc < 0 ? 2 : 0;
		goto out;
	}
	if (need_db(&s) < 0) {
		exit_code = 2;
		goto out;
	}
	if (s.key_file == NULL) {
		fprintf(stderr, "nadiya: --key-file is required (or NADIYA_KEY_FILE): the chain is keyed\n");
		exit_code = 2;
		goto out;
	}
	if (crypto_init() < 0) {
		fprintf(stderr, "nadiya: cannot initialize libsodium\n");
		goto out;
	}
	key = key_load_file(s.key_file, &err);
	if (key == NULL) {
		fprintf(stderr, "nadiya: %s\n", err);
		exit_code = 2;
		goto out;
	}
	if (db_open(s.db_url, 1, &db, &err) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		goto out;
	}
	/* With the wrong key every entry would look forged: say so instead. */
	if (install_check_key(db, key, &err) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		exit_code = 2;
		goto out;
	}
	int64_t count = 0, bad = 0;
	const char *why = NULL;
	rc = audit_verify(db, key, &count, &bad, &why, &err);
	if (rc < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		goto out;
	}
	if (rc == 0) {
		printf("audit trail intact: %lld %s\n", (long long)count, count == 1 ? "entry" : "entries");
		exit_code = 0;
	} else {
		printf("audit trail broken at entry %lld: %s\n", (long long)bad, why);
	}
out:
	db_close(&db);
	key_free(&key);
	settings_free(&s);
	return exit_code;
}

static int audit_cmd_head(int argc, char **argv)
{
	static const enum setting_id allowed[] = { SET_DB, SET_CONFIG, SET__COUNT };
	struct settings s;
	const char *pos[1];
	int npos, exit_code = 1;
	struct db *db = NULL;
	const char *err;
	settings_defaults(&s);
	int rc = settings_parse(&s, allowed, argc, argv,
				"usage: nadiya audit head --db URL\n\n"
				"Prints \"audit head: entry S hash H\": the number and keyed hash of the last entry.\n"
				"Keep it outside the database; `nadiya audit verify` later proves the trail still\n"
				"holds that entry unchanged, and a rewritten trail would end in a different hash.",
				pos, 0, &npos);
	if (rc != 0) {
		exit_code = rc < 0 ? 2 : 0;
		goto out;
	}
	if (need_db(&s) < 0) {
		exit_code = 2;
		goto out;
	}
	int64_t seq = 0;
	char hash[65];
	if (db_open(s.db_url, 1, &db, &err) < 0 || (rc = audit_head(db, &seq, hash, &err)) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		goto out;
	}
	if (rc == 0) {
		fprintf(stderr, "nadiya: the database has no audit trail (run `nadiya migrate` first)\n");
		goto out;
	}
	if (seq == 0)
		printf("audit head: no entries yet\n");
	else
		printf("audit head: entry %lld hash %s\n", (long long)seq, hash);
	exit_code = 0;
out:
	db_close(&db);
	settings_free(&s);
	return exit_code;
}

int cmd_audit(int argc, char **argv)
{
	if (argc < 1) {
		fprintf(stderr, "nadiya: audit needs a subcommand: verify or head (see nadiya audit --help)\n");
		return 2;
	}
	if (str_eq(argv[0], "--help") || str_eq(argv[0], "-h")) {
		printf("%s\n", usage_top);
		return 0;
	}
	if (str_eq(argv[0], "verify"))
		return audit_cmd_verify(argc - 1, argv + 1);
	if (str_eq(argv[0], "head"))
		return audit_cmd_head(argc - 1, argv + 1);
	fprintf(stderr, "nadiya: unknown audit subcommand `%s`: use verify or head\n", argv[0]);
	return 2;
}
