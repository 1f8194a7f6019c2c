/* cli.h — what the commands share: their settings and options, the master
 * key, the database and the console's service frame, opened by one call and
 * closed by one.
 *
 * The error convention of every command: a problem is one line on stderr
 * ("nadiya: ..."), and the exit status says whose it is: 2 for usage and key
 * problems (an unknown option, a missing --db or --key-file, a key file that
 * cannot be read or does not belong to the database), 1 for failures at run
 * time (the database cannot be opened or migrated, a service refuses).
 *
 * The int functions answer CLI_GO_ON when the command goes on, else the exit
 * status to return at once (0 after --help printed the usage).  Call
 * cli_close() on every path once cli_parse() or cli_open() was called, even
 * when it did not go on.  Not thread-safe: one context per command run.
 */
#ifndef NADIYA_CLI_H
#define NADIYA_CLI_H

#include "base/config.h"
#include "model/service.h"

#define CLI_GO_ON (-1)

/* What a command needs opened, beyond its settings. */
enum cli_need {
	CLI_KEY = 1 << 0,     /* --key-file is required; without it, a key is loaded only when one is named */
	CLI_MIGRATE = 1 << 1, /* pending migrations are applied (commands that write, as `serve` does) */
};

struct cli_ctx {
	struct settings set;
	struct master_key *key; /* NULL when no key file was named */
	struct db *db;
	int schema_version, migrations_applied; /* set with CLI_MIGRATE */
	struct arena *arena;                    /* results of services; freed by cli_close */
	struct svc svc;                         /* the console acting (actor_console()), on db and key */
};

/*
 * Clears c and parses the command line: the settings listed in allowed
 * (ending with SET__COUNT; NULL for --db, --key-file and --config) and the
 * command's own opts (ending with a NULL name; NULL for none).
 */
int cli_parse(struct cli_ctx *c, const enum setting_id *allowed, const struct cli_opt *opts, int argc, char **argv,
	      const char *usage);

/* --db was given, and --key-file too with CLI_KEY in need; else 2 after naming the one missing. */
int cli_require(struct cli_ctx *c, unsigned need);

/* Starts libsodium and loads the key file the settings name: 2 when it cannot be read, 1 when libsodium cannot start. */
int cli_load_key(struct cli_ctx *c);

/*
 * Opens what a command works on: the key (when named and not loaded yet),
 * the database with pool connections, its migrations with CLI_MIGRATE, the
 * check that the key belongs to the database, an arena and the console's
 * service frame.  A key the database refuses is a key problem (2) for the
 * commands that only read it; with CLI_MIGRATE the check is part of opening
 * the database (it records the key of a new one) and fails like it, with 1.
 */
int cli_open_store(struct cli_ctx *c, unsigned need, int pool);

/* cli_parse, cli_require and cli_open_store with one connection: the whole opening of most commands. */
int cli_open(struct cli_ctx *c, const enum setting_id *allowed, const struct cli_opt *opts, int argc, char **argv,
	     const char *usage, unsigned need);

/*
 * Says in one line why a service call failed and answers the exit status: 2
 * for SVC_INVALID (the input), 1 for the rest.  option is the command-line
 * option the problem's field came from, shown before the problem (NULL:
 * none); what names the record in the messages of SVC_NOT_FOUND and of a
 * SVC_CONFLICT without a problem (a concurrent change), e.g. "account".
 */
int cli_report(const struct svc *s, int rc, const char *option, const char *what);

/* Frees whatever was opened (database, key, arena, settings). */
void cli_close(struct cli_ctx *c);

#endif
