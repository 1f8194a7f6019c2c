/* config.h — the one table of settings.
 *
 * Every setting is declared once in config.c with its name, environment
 * variable, type, default and help line.  The same table drives command-line
 * parsing (--name VALUE or --name=VALUE), environment variables, the INI file
 * given with --config, and the help text.  Precedence, lowest first:
 * default, INI file, environment, command line.
 */
#ifndef NADIYA_CONFIG_H
#define NADIYA_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

struct settings {
	char *db_url;
	char *key_file;
	char *listen;
	char *config_file;
	char *locale_dir;
	int64_t threads;
	int64_t db_pool;
	int64_t conn_timeout;
	int64_t max_conns;
	int64_t max_conns_per_ip;
	int64_t conn_memory_kib;
	int64_t body_max_kib;
	int64_t session_idle_min;
	int64_t session_max_hours;
	int64_t session_cache_seconds;
	int64_t hash_concurrency;
	bool tls_proxy;
	bool require_2fa_all;
	char *log_level;
	int64_t timer_seconds;
	char *followup_months;
	char *smtp_url;
	char *smtp_from;
	char *public_url;
};

enum setting_id {
	SET_DB,
	SET_KEY_FILE,
	SET_LISTEN,
	SET_CONFIG,
	SET_LOCALE_DIR,
	SET_THREADS,
	SET_DB_POOL,
	SET_CONN_TIMEOUT,
	SET_MAX_CONNS,
	SET_MAX_CONNS_PER_IP,
	SET_CONN_MEMORY,
	SET_BODY_MAX,
	SET_SESSION_IDLE,
	SET_SESSION_MAX,
	SET_SESSION_CACHE,
	SET_HASH_CONCURRENCY,
	SET_TLS_PROXY,
	SET_REQUIRE_2FA_ALL,
	SET_LOG_LEVEL,
	SET_TIMER_SECONDS,
	SET_FOLLOWUP_MONTHS,
	SET_SMTP_URL,
	SET_SMTP_FROM,
	SET_PUBLIC_URL,
	SET__COUNT
};

/* Fills s with the defaults; strings are heap-allocated. */
void settings_defaults(struct settings *s);
void settings_free(struct settings *s);

/*
 * Parses argv[first..argc) for the settings listed in `allowed` (terminated by
 * SET__COUNT), after applying environment and --config.  Arguments that are
 * not options are returned in positional_r (up to max_positional).  On error
 * writes one line to stderr and returns -1; the caller exits with status 2.
 * Returns 1 when --help was given (help already printed), 0 otherwise.
 */
int settings_parse(struct settings *s, const enum setting_id *allowed, int argc, char **argv,
		   const char *usage, const char **positional_r, int max_positional,
		   int *npositional_r);

/* Options of one command that are not settings (e.g. `user add --email E`). */
struct cli_opt {
	const char *name;     /* without the leading -- */
	bool takes_value;     /* false: a flag */
	const char **value_r; /* where the value goes (takes_value) */
	bool *flag_r;         /* set to true when given (flags) */
	const char *help;
};

/* settings_parse plus command options; extra ends with an entry whose name is NULL. */
int settings_parse_cmd(struct settings *s, const enum setting_id *allowed, const struct cli_opt *extra,
		       int argc, char **argv, const char *usage, const char **positional_r,
		       int max_positional, int *npositional_r);

#endif
