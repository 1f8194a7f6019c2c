/* main.c — `nadiya <command> [options]`: the command table. */
#include "cmd/cmd.h"
#include "base/str.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

const struct command commands[] = {
	{ "serve", cmd_serve, "serve the web interface and the API" },
	{ "migrate", cmd_migrate, "apply pending database migrations and report the schema version" },
	{ "migrate-data", cmd_migrate_data, "copy a whole network into an empty database (SQLite to PostgreSQL)" },
	{ "rekey", cmd_rekey, "move every sealed field, index and the audit chain to a new master key" },
	{ "keygen", cmd_keygen, "write a new random master key file (mode 0600)" },
	{ "demo", cmd_demo, "create a fictional demo network with an account for every role (idempotent)" },
	{ "audit", cmd_audit, "verify the audit trail's chain, or print its head to anchor elsewhere" },
	{ "backup", cmd_backup, "write an encrypted, authenticated archive of the whole database" },
	{ "restore", cmd_restore, "bring an archive back into an empty database and verify it" },
	{ "version", cmd_version, "print the version" },
	{ "org", cmd_org, "add and list the organizations of the partner network" },
	{ "user", cmd_user, "create, list, change, disable and reset user accounts" },
	{ NULL, NULL, NULL },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: nadiya <command> [options]\n\nCommands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nRun `nadiya <command> --help` for the options of a command.\n");
}

int main(int argc, char **argv)
{
	/* Every file nadiya creates (databases, WAL, archives, keys) is for its owner only. */
	umask(077);
	if (argc < 2) {
		fprintf(stderr, "nadiya: no command given (see nadiya --help)\n");
		return 2;
	}
	if (str_eq(argv[1], "--help") || str_eq(argv[1], "-h") || str_eq(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (str_eq(argv[1], "--version"))
		return cmd_version(0, argv + 2);
	for (const struct command *c = commands; c->name; c++)
		if (str_eq(c->name, argv[1]))
			return c->run(argc - 2, argv + 2);
	fprintf(stderr, "nadiya: unknown command `%s` (see nadiya --help)\n", argv[1]);
	return 2;
}
