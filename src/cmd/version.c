#include "cmd/cmd.h"
#include "base/config.h"
#include "store/db.h"

#include <stdio.h>

#ifndef NADIYA_VERSION
#define NADIYA_VERSION "0.0.0-dev"
#endif

int cmd_version(int argc, char **argv)
{
	static const enum setting_id allowed[] = { SET__COUNT };
	struct settings s;
	const char *pos[1];
	int npos;
	settings_defaults(&s);
	int rc = settings_parse(&s, allowed, argc, argv, "usage: nadiya version", pos, 0, &npos);
	settings_free(&s);
	if (rc != 0)
		return rc < 0 ? 2 : 0;
	printf("nadiya %s (schema %d)\n", NADIYA_VERSION, db_schema_latest());
	return 0;
}
