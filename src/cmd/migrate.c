#include "cmd/cmd.h"
#include "base/config.h"
#include "store/db.h"

#include <stdio.h>

int cmd_migrate(int argc, char **argv)
{
	static const enum setting_id allowed[] = { SET_DB, SET_CONFIG, SET__COUNT };
	struct settings s;
	const char *pos[1];
	int npos, exit_code = 1;
	settings_defaults(&s);
	int rc = settings_parse(&s, allowed, argc, argv,
				"usage: nadiya migrate --db URL\n\nApplies pending migrations and reports the schema version.",
				pos, 0, &npos);
	if (rc != 0) {
		settings_free(&s);
		return rc < 0 ? 2 : 0;
	}
	if (s.db_url == NULL) {
		fprintf(stderr, "nadiya: --db is required (or NADIYA_DB), e.g. --db sqlite:var/nadiya.db\n");
		settings_free(&s);
		return 2;
	}
	struct db *db = NULL;
	const char *err;
	int version = 0, applied = 0;
	if (db_open(s.db_url, 1, &db, &err) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		goto out;
	}
	if (db_migrate(db, &version, &applied, &err) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		goto out;
	}
	printf("schema version %d (%d migration%s applied now)\n", version, applied, applied == 1 ? "" : "s");
	exit_code = 0;
out:
	db_close(&db);
	settings_free(&s);
	return exit_code;
}
