/* audit.c — `nadiya audit verify|head`: check the chained audit trail, and
 * print its head so operators can anchor it outside the database (a ticket,
 * a notebook, another machine).  A rewrite of the whole trail by someone who
 * holds the key would still verify; a head anchored elsewhere would not match.
 *
 * Neither adds to the trail, so checking a restored backup copy leaves it as it was.
 */
#include "cmd/cmd.h"
#include "base/str.h"
#include "cmd/cli.h"
#include "model/audit.h"

#include <stdio.h>

static const char usage_top[] =
	"usage: nadiya audit verify --db URL --key-file PATH\n"
	"       nadiya audit head --db URL\n\n"
	"verify  walks the audit trail's chain of keyed hashes; exits 0 when intact,\n"
	"        1 naming the first broken entry.\n"
	"head    prints the last entry's number and hash, to keep somewhere else.";

static int audit_cmd_verify(int argc, char **argv)
{
	struct cli_ctx c;
	int exit_code = cli_open(&c, NULL, NULL, argc, argv,
				 "usage: nadiya audit verify --db URL --key-file PATH\n\n"
				 "Walks the audit trail from its first entry and checks every entry's keyed hash and\n"
				 "its link to the one before, and that nothing was cut off the end.  Prints\n"
				 "\"audit trail intact: N entries\" and exits 0, or \"audit trail broken at entry S: REASON\"\n"
				 "and exits 1 (also when the check cannot run).  A key that does not belong to the\n"
				 "database is refused with exit status 2.",
				 CLI_KEY);
	if (exit_code != CLI_GO_ON)
		goto out;
	exit_code = 1;
	int64_t count = 0, bad = 0;
	const char *why = NULL, *err;
	int rc = audit_verify(c.db, c.key, &count, &bad, &why, &err);
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
	cli_close(&c);
	return exit_code;
}

static int audit_cmd_head(int argc, char **argv)
{
	/* No key: the head is read as stored, to be compared with one anchored elsewhere. */
	static const enum setting_id allowed[] = { SET_DB, SET_CONFIG, SET__COUNT };
	struct cli_ctx c;
	int exit_code = cli_open(&c, allowed, NULL, argc, argv,
				 "usage: nadiya audit head --db URL\n\n"
				 "Prints \"audit head: entry S hash H\": the number and keyed hash of the last entry.\n"
				 "Keep it outside the database; `nadiya audit verify` later proves the trail still\n"
				 "holds that entry unchanged, and a rewritten trail would end in a different hash.",
				 0);
	if (exit_code != CLI_GO_ON)
		goto out;
	exit_code = 1;
	int64_t seq = 0;
	char hash[65];
	const char *err;
	int rc = audit_head(c.db, &seq, hash, &err);
	if (rc < 0) {
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
	cli_close(&c);
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
