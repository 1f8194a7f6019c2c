#include "cmd/cmd.h"
#include "base/config.h"
#include "base/log.h"
#include "base/str.h"
#include "crypto/key.h"
#include "model/install.h"
#include "store/db.h"
#include "web/http.h"
#include "web/i18n.h"
#include "web/web.h"

#include <stdio.h>

static const enum setting_id serve_settings[] = {
	SET_DB, SET_KEY_FILE, SET_LISTEN, SET_CONFIG, SET_LOCALE_DIR, SET_THREADS, SET_DB_POOL,
	SET_CONN_TIMEOUT, SET_MAX_CONNS, SET_MAX_CONNS_PER_IP, SET_CONN_MEMORY, SET_BODY_MAX,
	SET_SESSION_IDLE, SET_SESSION_MAX, SET_HASH_CONCURRENCY, SET_TLS_PROXY, SET_REQUIRE_2FA_ALL,
	SET_LOG_LEVEL, SET__COUNT
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
	struct settings s;
	const char *pos[1];
	int npos, exit_code = 1;
	settings_defaults(&s);
	int rc = settings_parse(&s, serve_settings, argc, argv,
				"usage: nadiya serve --db URL --key-file PATH [--listen HOST:PORT] [options]\n\n"
				"Serves the web interface and the API; applies pending migrations first.",
				pos, 0, &npos);
	if (rc != 0) {
		settings_free(&s);
		return rc < 0 ? 2 : 0;
	}
	struct master_key *key = NULL;
	struct db *db = NULL;
	const char *err;
	if (s.db_url == NULL) {
		fprintf(stderr, "nadiya: --db is required (or NADIYA_DB), e.g. --db sqlite:var/nadiya.db\n");
		exit_code = 2;
		goto out;
	}
	if (s.key_file == NULL) {
		fprintf(stderr, "nadiya: --key-file is required (or NADIYA_KEY_FILE); create one with `nadiya keygen PATH`\n");
		exit_code = 2;
		goto out;
	}
	if (set_log_level(s.log_level) < 0) {
		fprintf(stderr, "nadiya: --log-level must be debug, info, warn or error\n");
		exit_code = 2;
		goto out;
	}
	if (crypto_init() < 0) {
		fprintf(stderr, "nadiya: cannot initialize libsodium\n");
		goto out;
	}
	key = key_load_file(s.key_file, &err);
	if (key == NULL) {
		fprintf(stderr, "nadiya: %s\n", err);
		exit_code = 2;
		goto out;
	}
	int pool = s.db_pool > 0 ? (int)s.db_pool : (int)s.threads + 2;
	if (db_open(s.db_url, pool, &db, &err) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		goto out;
	}
	int version, applied;
	if (db_migrate(db, &version, &applied, &err) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		goto out;
	}
	if (applied > 0)
		log_info("msg=\"migrations applied\" count=%d schema=%d", applied, version);
	if (install_check_key(db, key, &err) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		goto out;
	}
	i18n_init(s.locale_dir ? s.locale_dir : i18n_default_dir());
	static_init();
	struct app app = { .cfg = &s, .db = db, .key = key, .secure_cookies = s.tls_proxy };
	exit_code = http_serve(&app, s.listen);
out:
	db_close(&db);
	key_free(&key);
	settings_free(&s);
	return exit_code;
}
