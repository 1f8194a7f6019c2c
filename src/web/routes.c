/* routes.c — every URL nadiya answers, one line each. */
#include "web/router.h"
#include "web/ui.h"

const struct route routes[] = {
	/* method, pattern,            handler,     auth,        action, body */
	{ "GET", "/",                  ui_home,     AUTH_PUBLIC, NULL, BODY_NONE, 0 },
	{ "GET", "/healthz",           ui_healthz,  AUTH_PUBLIC, NULL, BODY_NONE, 0 },
	{ "GET", "/metrics",           ui_metrics,  AUTH_PUBLIC, NULL, BODY_NONE, 0 },
	{ "GET", "/lang/{code}",       ui_lang,     AUTH_PUBLIC, NULL, BODY_NONE, 0 },
	{ "GET", "/static/{file}",     ui_static,   AUTH_PUBLIC, NULL, BODY_NONE, 0 },
	/* sign-in, sessions, account (ui-signin.c, ui-account.c, api-session.c) */
	/* organizations and network growth (ui-org.c, api-org.c) */
	/* users (ui-user.c, api-user.c) */
	/* audit trail (ui-audit.c, api-audit.c) */
};

const size_t routes_count = sizeof routes / sizeof routes[0];
