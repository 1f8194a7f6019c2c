#include "base/config.h"
#include "base/str.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum setting_type { T_STR, T_INT, T_BOOL };

struct setting_def {
	const char *name; /* command-line and INI name */
	const char *env;
	enum setting_type type;
	size_t offset;
	const char *def;
	int64_t min, max;
	const char *help;
};

#define OFF(f) offsetof(struct settings, f)

static const struct setting_def defs[SET__COUNT] = {
	[SET_DB] = { "db", "NADIYA_DB", T_STR, OFF(db_url), NULL, 0, 0,
		     "database URL: sqlite:PATH or postgresql://..." },
	[SET_KEY_FILE] = { "key-file", "NADIYA_KEY_FILE", T_STR, OFF(key_file), NULL, 0, 0,
			   "master key file (mode 0600, made by `nadiya keygen`)" },
	[SET_LISTEN] = { "listen", "NADIYA_LISTEN", T_STR, OFF(listen), "127.0.0.1:8080", 0, 0,
			 "address and port to serve on, HOST:PORT" },
	[SET_CONFIG] = { "config", "NADIYA_CONFIG", T_STR, OFF(config_file), NULL, 0, 0,
			 "INI file with any of these settings" },
	[SET_LOCALE_DIR] = { "locale-dir", "NADIYA_LOCALE_DIR", T_STR, OFF(locale_dir), NULL, 0, 0,
			     "directory with compiled translations (default: next to the binary)" },
	[SET_THREADS] = { "threads", "NADIYA_THREADS", T_INT, OFF(threads), "4", 1, 256,
			  "HTTP worker threads" },
	[SET_DB_POOL] = { "db-pool", "NADIYA_DB_POOL", T_INT, OFF(db_pool), "0", 0, 512,
			  "database connections per process (0: threads + hash-concurrency + 1)" },
	[SET_CONN_TIMEOUT] = { "conn-timeout", "NADIYA_CONN_TIMEOUT", T_INT, OFF(conn_timeout), "30", 1,
			       3600, "seconds of silence before a connection is closed" },
	[SET_MAX_CONNS] = { "max-conns", "NADIYA_MAX_CONNS", T_INT, OFF(max_conns), "1000", 1, 100000,
			    "open connections at most" },
	[SET_MAX_CONNS_PER_IP] = { "max-conns-per-ip", "NADIYA_MAX_CONNS_PER_IP", T_INT,
				   OFF(max_conns_per_ip), "256", 1, 100000,
				   "open connections per client address at most" },
	[SET_CONN_MEMORY] = { "conn-memory-kib", "NADIYA_CONN_MEMORY_KIB", T_INT, OFF(conn_memory_kib),
			      "64", 16, 4096, "memory per connection for headers, KiB" },
	[SET_BODY_MAX] = { "body-max-kib", "NADIYA_BODY_MAX_KIB", T_INT, OFF(body_max_kib), "256", 1,
			   65536, "largest request body any route accepts, KiB" },
	[SET_SESSION_IDLE] = { "session-idle-min", "NADIYA_SESSION_IDLE_MIN", T_INT,
			       OFF(session_idle_min), "15", 1, 1440, "minutes of inactivity ending a session" },
	[SET_SESSION_MAX] = { "session-max-hours", "NADIYA_SESSION_MAX_HOURS", T_INT,
			      OFF(session_max_hours), "12", 1, 168, "hours after which a session always ends" },
	[SET_SESSION_CACHE] = { "session-cache-seconds", "NADIYA_SESSION_CACHE_SECONDS", T_INT,
				OFF(session_cache_seconds), "1", 0, 10,
				"PostgreSQL: seconds a process may answer page reads from a session it looked up"
				" (0: ask the database on every request); see docs/SECURITY.md" },
	[SET_HASH_CONCURRENCY] = { "hash-concurrency", "NADIYA_HASH_CONCURRENCY", T_INT,
				   OFF(hash_concurrency), "2", 1, 64,
				   "password hashes computed at once at most" },
	[SET_TLS_PROXY] = { "tls-proxy", "NADIYA_TLS_PROXY", T_BOOL, OFF(tls_proxy), "false", 0, 0,
			    "served behind a TLS-terminating proxy: Secure cookies and HSTS" },
	[SET_REQUIRE_2FA_ALL] = { "require-2fa-all", "NADIYA_REQUIRE_2FA_ALL", T_BOOL,
				  OFF(require_2fa_all), "false", 0, 0, "require a second factor for every role" },
	[SET_LOG_LEVEL] = { "log-level", "NADIYA_LOG_LEVEL", T_STR, OFF(log_level), "info", 0, 0,
			    "debug, info, warn or error" },
	[SET_TIMER_SECONDS] = { "timer-seconds", "NADIYA_TIMER_SECONDS", T_INT, OFF(timer_seconds), "30", 1, 3600,
				"seconds between runs of the server's timed work (referral expiry and deadline warnings, inbox mail, overdue follow-ups)" },
	[SET_FOLLOWUP_MONTHS] = { "followup-months", "NADIYA_FOLLOWUP_MONTHS", T_STR, OFF(followup_months), "1,3,6,12", 0,
				  0, "months after the start of assistance at which follow-ups are scheduled, e.g. 1,3,6,12" },
	[SET_SMTP_URL] = { "smtp-url", "NADIYA_SMTP_URL", T_STR, OFF(smtp_url), NULL, 0, 0,
			   "SMTP relay for inbox mail, smtp://host:25 or smtps://host:465 (empty: no mail)" },
	[SET_SMTP_FROM] = { "smtp-from", "NADIYA_SMTP_FROM", T_STR, OFF(smtp_from), "nadiya@localhost", 0, 0,
			    "sender address of inbox mail" },
	[SET_PUBLIC_URL] = { "public-url", "NADIYA_PUBLIC_URL", T_STR, OFF(public_url), NULL, 0, 0,
			     "address people open nadiya at, e.g. https://nadiya.example.org (for links in mail)" },
};

static int set_value(struct settings *s, const struct setting_def *d, const char *v, const char *origin)
{
	char *base = (char *)s;
	switch (d->type) {
	case T_STR: {
		char **p = (char **)(base + d->offset);
		free(*p);
		*p = strdup(v);
		return 0;
	}
	case T_INT: {
		int64_t n;
		if (str_to_i64(v, d->min, d->max, &n) < 0) {
			fprintf(stderr, "nadiya: %s: --%s must be a whole number from %lld to %lld\n", origin,
				d->name, (long long)d->min, (long long)d->max);
			return -1;
		}
		*(int64_t *)(base + d->offset) = n;
		return 0;
	}
	case T_BOOL: {
		bool *p = (bool *)(base + d->offset);
		if (str_eq(v, "true") || str_eq(v, "1") || str_eq(v, "yes") || str_eq(v, "on"))
			*p = true;
		else if (str_eq(v, "false") || str_eq(v, "0") || str_eq(v, "no") || str_eq(v, "off"))
			*p = false;
		else {
			fprintf(stderr, "nadiya: %s: --%s must be true or false\n", origin, d->name);
			return -1;
		}
		return 0;
	}
	}
	return -1;
}

void settings_defaults(struct settings *s)
{
	memset(s, 0, sizeof *s);
	for (int i = 0; i < SET__COUNT; i++)
		if (defs[i].def)
			set_value(s, &defs[i], defs[i].def, "default");
}

void settings_free(struct settings *s)
{
	for (int i = 0; i < SET__COUNT; i++)
		if (defs[i].type == T_STR) {
			char **p = (char **)((char *)s + defs[i].offset);
			free(*p);
			*p = NULL;
		}
}

static bool is_allowed(const enum setting_id *allowed, int id)
{
	for (; *allowed != SET__COUNT; allowed++)
		if ((int)*allowed == id)
			return true;
	return false;
}

static const struct setting_def *find_def(const enum setting_id *allowed, const char *name, size_t len)
{
	for (int i = 0; i < SET__COUNT; i++)
		if (strlen(defs[i].name) == len && strncmp(defs[i].name, name, len) == 0 &&
		    is_allowed(allowed, i))
			return &defs[i];
	return NULL;
}

static int load_ini(struct settings *s, const enum setting_id *allowed, const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		fprintf(stderr, "nadiya: cannot read config file %s\n", path);
		return -1;
	}
	char line[1024];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *p = str_trim(line);
		if (*p == '\0' || *p == '#' || *p == ';' || *p == '[')
			continue;
		char *eq = strchr(p, '=');
		if (eq == NULL) {
			fprintf(stderr, "nadiya: %s:%d: expected `name = value`\n", path, lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *k = str_trim(p), *v = str_trim(eq + 1);
		size_t vl = strlen(v);
		if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
			v[vl - 1] = '\0';
			v++;
		}
		/* INI keys may use _ or - */
		for (char *c = k; *c; c++)
			if (*c == '_')
				*c = '-';
		const struct setting_def *d = find_def(allowed, k, strlen(k));
		if (d == NULL || d - defs == SET_CONFIG) {
			fprintf(stderr, "nadiya: %s:%d: unknown setting `%s`\n", path, lineno, k);
			rc = -1;
			break;
		}
		char origin[300];
		snprintf(origin, sizeof origin, "%s:%d", path, lineno);
		if (set_value(s, d, v, origin) < 0) {
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}

static void print_help(const enum setting_id *allowed, const struct cli_opt *extra, const char *usage)
{
	printf("%s\n\nOptions:\n", usage);
	for (const struct cli_opt *o = extra; o && o->name; o++) {
		char left[64];
		snprintf(left, sizeof left, "--%s%s", o->name, o->takes_value ? " VALUE" : "");
		printf("  %-28s %s\n", left, o->help);
	}
	for (const enum setting_id *a = allowed; *a != SET__COUNT; a++) {
		const struct setting_def *d = &defs[*a];
		char left[64];
		snprintf(left, sizeof left, "--%s%s", d->name, d->type == T_BOOL ? "[=BOOL]" : " VALUE");
		printf("  %-28s %s", left, d->help);
		if (d->def)
			printf(" [%s]", d->def);
		printf(" (env %s)\n", d->env);
	}
	printf("  %-28s %s\n", "--help", "show this help");
}

int settings_parse(struct settings *s, const enum setting_id *allowed, int argc, char **argv,
		   const char *usage, const char **positional_r, int max_positional, int *npositional_r)
{
	return settings_parse_cmd(s, allowed, NULL, argc, argv, usage, positional_r, max_positional, npositional_r);
}

static const struct cli_opt *find_opt(const struct cli_opt *extra, const char *name, size_t len)
{
	for (const struct cli_opt *o = extra; o && o->name; o++)
		if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
			return o;
	return NULL;
}

int settings_parse_cmd(struct settings *s, const enum setting_id *allowed, const struct cli_opt *extra,
		       int argc, char **argv, const char *usage, const char **positional_r,
		       int max_positional, int *npositional_r)
{
	*npositional_r = 0;
	for (int i = 0; i < argc; i++)
		if (str_eq(argv[i], "--help") || str_eq(argv[i], "-h")) {
			print_help(allowed, extra, usage);
			return 1;
		}
	/* --config first (command line, else environment), so the rest can override it. */
	const char *cfg = NULL;
	if (is_allowed(allowed, SET_CONFIG)) {
		cfg = getenv("NADIYA_CONFIG");
		for (int i = 0; i < argc; i++) {
			if (str_eq(argv[i], "--config")) {
				if (i + 1 >= argc) {
					fprintf(stderr, "nadiya: --config needs a value\n");
					return -1;
				}
				cfg = argv[i + 1];
			} else if (str_starts(argv[i], "--config=")) {
				cfg = argv[i] + 9;
			}
		}
		if (cfg && load_ini(s, allowed, cfg) < 0)
			return -1;
	}
	for (const enum setting_id *a = allowed; *a != SET__COUNT; a++) {
		const char *v = getenv(defs[*a].env);
		if (v && *a != SET_CONFIG && set_value(s, &defs[*a], v, defs[*a].env) < 0)
			return -1;
	}
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		if (str_eq(arg, "--")) {
			for (i++; i < argc; i++) {
				if (*npositional_r >= max_positional) {
					fprintf(stderr, "nadiya: unexpected argument `%s`\n", argv[i]);
					return -1;
				}
				positional_r[(*npositional_r)++] = argv[i];
			}
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0') {
			if (*npositional_r >= max_positional) {
				fprintf(stderr, "nadiya: unexpected argument `%s`\n", arg);
				return -1;
			}
			positional_r[(*npositional_r)++] = arg;
			continue;
		}
		if (arg[1] != '-') {
			fprintf(stderr, "nadiya: unknown option `%s` (see --help)\n", arg);
			return -1;
		}
		const char *name = arg + 2, *eq = strchr(name, '=');
		size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
		const struct cli_opt *o = find_opt(extra, name, nlen);
		if (o) {
			if (!o->takes_value) {
				if (eq) {
					fprintf(stderr, "nadiya: --%s takes no value\n", o->name);
					return -1;
				}
				*o->flag_r = true;
				continue;
			}
			if (eq)
				*o->value_r = eq + 1;
			else if (i + 1 < argc)
				*o->value_r = argv[++i];
			else {
				fprintf(stderr, "nadiya: --%s needs a value\n", o->name);
				return -1;
			}
			continue;
		}
		const struct setting_def *d = find_def(allowed, name, nlen);
		if (d == NULL) {
			fprintf(stderr, "nadiya: unknown option `--%.*s` (see --help)\n", (int)nlen, name);
			return -1;
		}
		const char *v;
		if (eq)
			v = eq + 1;
		else if (d->type == T_BOOL)
			v = "true";
		else {
			if (i + 1 >= argc) {
				fprintf(stderr, "nadiya: --%s needs a value\n", d->name);
				return -1;
			}
			v = argv[++i];
		}
		if (set_value(s, d, v, "command line") < 0)
			return -1;
	}
	return 0;
}
