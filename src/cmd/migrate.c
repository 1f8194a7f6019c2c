#include "cmd/cmd.h"
#include "cmd/cli.h"

#include <stdio.h>

int cmd_migrate(int argc, char **argv)
{
	static const enum setting_id allowed[] = { SET_DB, SET_CONFIG, SET__COUNT };
	struct cli_ctx c;
	int exit_code = cli_open(&c, allowed, NULL, argc, argv,
				 "usage: nadiya migrate --db URL\n\nApplies pending migrations and reports the schema version.",
				 CLI_MIGRATE);
	if (exit_code == CLI_GO_ON) {
		printf("schema version %d (%d migration%s applied now)\n", c.schema_version, c.migrations_applied,
		       c.migrations_applied == 1 ? "" : "s");
		exit_code = 0;
	}
	cli_close(&c);
	return exit_code;
}
