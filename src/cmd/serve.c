#include "cmd/cmd.h"
#include "crypto/password.h"
#include "base/log.h"
#include "base/str.h"
#include "cmd/cli.h"
#include "model/auth.h"
#include "model/followup.h"
#include "model/inbox.h"
#include "model/refusals.h"
#include "model/session.h"
#include "store/db.h"
#include "web/http.h"
#include "web/i18n.h"
#include "web/web.h"

#include <stdio.h>
#include <time.h>

/* Combinations of e-mail and client address whose refused sign-ins are coalesced at once. */
#define REFUSAL_SLOTS 1024

static const enum setting_id serve_settings[] = {
	SET_DB, SET_KEY_FILE, SET_LISTEN, SET_CONFIG, SET_LOCALE_DIR, SET_THREADS, SET_DB_POOL,
	SET_CONN_TIMEOUT, SET_MAX_CONNS, SET_MAX_CONNS_PER_IP, SET_CONN_MEMORY, SET_BODY_MAX,
	SET_SESSION_IDLE, SET_SESSION_MAX, SET_SESSION_CACHE, SET_HASH_CONCURRENCY, SET_TLS_PROXY, SET_REQUIRE_2FA_ALL,
	SET_LOG_LEVEL, SET_TIMER_SECONDS, SET_FOLLOWUP_MONTHS, SET_SMTP_URL, SET_SMTP_FROM,
	SET_PUBLIC_URL, SET__COUNT
};

static int set_log_level(const char *lvl)
{
	if (str_eq(lvl, "debug"))
		log_set_level(LOG_DEBUG);
	else if (str_eq(lvl, "info"))
		log_set_level(LOG_INFO);
	else if (str_eq(lvl, "warn"))
		log_set_level(LOG_WARN);
	else if (str_eq(lvl, "error"))
		log_set_level(LOG_ERROR);
	else
		return -1;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	struct cli_ctx c;
	int exit_code = cli_parse(&c, serve_settings, NULL, argc, argv,
				  "usage: nadiya serve --db URL --key-file PATH [--listen HOST:PORT] [options]\n\n"
				  "Serves the web interface and the API; applies pending migrations first.");
	if (exit_code == CLI_GO_ON)
		exit_code = cli_require(&c, CLI_KEY);
	if (exit_code != CLI_GO_ON)
		goto out;
	if (set_log_level(c.set.log_level) < 0) {
		fprintf(stderr, "nadiya: --log-level must be debug, info, warn or error\n");
		exit_code = 2;
		goto out;
	}
	if (followup_set_schedule(c.set.followup_months) < 0) {
		fprintf(stderr, "nadiya: --followup-months must be a comma list of 1 to 12 increasing months from 1 to 120\n");
		exit_code = 2;
		goto out;
	}
	/* Inbox mail carries a link back: without the public address there is nothing useful to send. */
	if (c.set.smtp_url && *c.set.smtp_url &&
	    (c.set.public_url == NULL || !(str_starts(c.set.public_url, "https://") || str_starts(c.set.public_url, "http://")))) {
		fprintf(stderr, "nadiya: --smtp-url needs --public-url, the address (https:// or http://) people open nadiya at\n");
		exit_code = 2;
		goto out;
	}
	inbox_mail_configure(c.set.smtp_url, c.set.smtp_from, c.set.public_url, i18n_use);
	/* Every thread that holds a connection gets one: the workers, the slow lane (sign-ins; a flood of
	 * refused ones keeps it busy with reads) and the timer; with fewer, a worker waits for a
	 * connection while the timer writes, and its other requests wait behind it. */
	int pool = c.set.db_pool > 0 ? (int)c.set.db_pool : (int)(c.set.threads + c.set.hash_concurrency + 1);
	if ((exit_code = cli_open_store(&c, CLI_KEY | CLI_MIGRATE, pool)) != CLI_GO_ON)
		goto out;
	if (c.migrations_applied > 0)
		log_info("msg=\"migrations applied\" count=%d schema=%d", c.migrations_applied, c.schema_version);
	i18n_init(c.set.locale_dir ? c.set.locale_dir : i18n_default_dir());
	static_init();
	password_set_concurrency((int)c.set.hash_concurrency);
	struct app app = { .cfg = &c.set, .db = c.db, .key = c.key, .secure_cookies = c.set.tls_proxy,
			   .refusals = refusals_new(REFUSAL_SLOTS) };
	if (app.refusals == NULL) {
		fprintf(stderr, "nadiya: out of memory\n");
		exit_code = 1;
		goto out;
	}
	/* On SQLite the session lookup is a function call: remembering sessions would buy
	 * nothing and still let another process's sign-out wait.  On PostgreSQL it is a
	 * round trip, the largest cost of a simple page. */
	if (db_dialect(c.db) == DB_POSTGRESQL && c.set.session_cache_seconds > 0)
		app.session_cache = session_cache_new(c.set.session_cache_seconds);
	exit_code = http_serve(&app, c.set.listen);
	session_cache_free(&app.session_cache);
	/* The daemon and the timer have stopped: what the last second counted is audited now. */
	if (auth_refusals_flush(app.db, app.key, app.refusals, (int64_t)time(NULL)) > 0)
		log_error("msg=\"refused sign-ins left unaudited at shutdown\" count=%lld",
			  (long long)refusals_pending(app.refusals));
	refusals_free(&app.refusals);
out:
	cli_close(&c);
	return exit_code;
}
