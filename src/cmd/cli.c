/* cli.c — the opening and closing every command shares (see cli.h). */
#include "cmd/cli.h"
#include "base/arena.h"
#include "crypto/key.h"
#include "model/install.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>

static const enum setting_id store_settings[] = { SET_DB, SET_KEY_FILE, SET_CONFIG, SET__COUNT };

int cli_parse(struct cli_ctx *c, const enum setting_id *allowed, const struct cli_opt *opts, int argc, char **argv,
	      const char *usage)
{
	const char *pos[1];
	int npos;
	memset(c, 0, sizeof *c);
	settings_defaults(&c->set);
	int rc = settings_parse_cmd(&c->set, allowed ? allowed : store_settings, opts, argc, argv, usage, pos, 0,
				    &npos);
	if (rc != 0)
		return rc < 0 ? 2 : 0;
	return CLI_GO_ON;
}

int cli_require(struct cli_ctx *c, unsigned need)
{
	if (c->set.db_url == NULL) {
		fprintf(stderr, "nadiya: --db is required (or NADIYA_DB), e.g. --db sqlite:var/nadiya.db\n");
		return 2;
	}
	if ((need & CLI_KEY) && c->set.key_file == NULL) {
		fprintf(stderr, "nadiya: --key-file is required (or NADIYA_KEY_FILE); a new installation creates "
				"one with `nadiya keygen PATH`\n");
		return 2;
	}
	return CLI_GO_ON;
}

int cli_load_key(struct cli_ctx *c)
{
	const char *err;
	if (crypto_init() < 0) {
		fprintf(stderr, "nadiya: cannot initialize libsodium\n");
		return 1;
	}
	if ((c->key = key_load_file(c->set.key_file, &err)) == NULL) {
		fprintf(stderr, "nadiya: %s\n", err);
		return 2;
	}
	return CLI_GO_ON;
}

int cli_open_store(struct cli_ctx *c, unsigned need, int pool)
{
	const char *err;
	int rc;
	if (crypto_init() < 0) {
		fprintf(stderr, "nadiya: cannot initialize libsodium\n");
		return 1;
	}
	if (c->key == NULL && c->set.key_file && (rc = cli_load_key(c)) != CLI_GO_ON)
		return rc;
	if (db_open(c->set.db_url, pool, &c->db, &err) < 0 ||
	    ((need & CLI_MIGRATE) && db_migrate(c->db, &c->schema_version, &c->migrations_applied, &err) < 0)) {
		fprintf(stderr, "nadiya: %s\n", err);
		return 1;
	}
	/* With the wrong key every sealed field and audit entry would look forged: say so instead. */
	if (c->key && install_check_key(c->db, c->key, &err) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		return (need & CLI_MIGRATE) ? 1 : 2;
	}
	c->arena = arena_new(4096);
	c->svc = (struct svc){ .db = c->db, .key = c->key, .actor = actor_console(), .client_ip = "console",
			       .arena = c->arena };
	return CLI_GO_ON;
}

int cli_open(struct cli_ctx *c, const enum setting_id *allowed, const struct cli_opt *opts, int argc, char **argv,
	     const char *usage, unsigned need)
{
	int rc = cli_parse(c, allowed, opts, argc, argv, usage);
	if (rc == CLI_GO_ON)
		rc = cli_require(c, need);
	if (rc == CLI_GO_ON)
		rc = cli_open_store(c, need, 1);
	return rc;
}

int cli_report(const struct svc *s, int rc, const char *option, const char *what)
{
	switch (rc) {
	case SVC_INVALID:
		if (option)
			fprintf(stderr, "nadiya: %s: %s\n", option, s->problem);
		else
			fprintf(stderr, "nadiya: %s\n", s->problem ? s->problem : "invalid input");
		return 2;
	case SVC_CONFLICT:
		if (option && s->problem)
			fprintf(stderr, "nadiya: %s: %s\n", option, s->problem);
		else
			fprintf(stderr, "nadiya: the %s was changed at the same time; try again\n", what);
		return 1;
	case SVC_NOT_FOUND:
		fprintf(stderr, "nadiya: there is no such %s\n", what);
		return 1;
	case SVC_DENIED:
		fprintf(stderr, "nadiya: not allowed\n");
		return 1;
	default:
		fprintf(stderr, "nadiya: %s\n", s->error ? s->error : "internal error");
		return 1;
	}
}

void cli_close(struct cli_ctx *c)
{
	db_close(&c->db);
	key_free(&c->key);
	arena_free(&c->arena);
	settings_free(&c->set);
}
