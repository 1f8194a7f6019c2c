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
	{ "GET", "/signin",            ui_signin_page,        AUTH_PUBLIC,  NULL, BODY_NONE, 0 },
	{ "POST", "/signin",           ui_signin_submit,      AUTH_PUBLIC,  NULL, BODY_FORM, 8192 },
	{ "GET", "/signin/code",       ui_signin_code_page,   AUTH_PARTIAL, NULL, BODY_NONE, 0 },
	{ "POST", "/signin/code",      ui_signin_code_submit, AUTH_PARTIAL, NULL, BODY_FORM, 4096 },
	{ "POST", "/signout",          ui_signout,            AUTH_PARTIAL, NULL, BODY_FORM, 4096 },
	{ "GET", "/reauth",            ui_reauth_page,        AUTH_FULL,    NULL, BODY_NONE, 0 },
	{ "POST", "/reauth",           ui_reauth_submit,      AUTH_FULL,    NULL, BODY_FORM, 8192 },
	{ "GET", "/account",           ui_account,            AUTH_FULL,    "self.manage", BODY_NONE, 0 },
	{ "POST", "/account/language", ui_account_language,   AUTH_FULL,    "self.manage", BODY_FORM, 4096 },
	{ "POST", "/account/password", ui_account_password,   AUTH_FULL,    "self.manage", BODY_FORM, 8192 },
	{ "GET", "/account/2fa",       ui_account_2fa_page,   AUTH_PARTIAL, NULL, BODY_NONE, 0 },
	{ "POST", "/account/2fa",      ui_account_2fa_submit, AUTH_PARTIAL, NULL, BODY_FORM, 4096 },
	{ "POST", "/account/recovery-codes", ui_account_recovery_codes, AUTH_FULL, "self.manage", BODY_FORM, 4096 },
	{ "POST", "/api/v1/sessions",  api_session_create,    AUTH_PUBLIC,  NULL, BODY_JSON, 8192 },
	{ "GET", "/api/v1/me",         api_me,                AUTH_FULL,    NULL, BODY_NONE, 0 },
	{ "DELETE", "/api/v1/sessions/current", api_session_delete, AUTH_FULL, NULL, BODY_NONE, 0 },
	{ "POST", "/api/v1/sessions/current/reauth", api_session_reauth, AUTH_FULL, NULL, BODY_JSON, 8192 },
	/* organizations and network growth (ui-org.c, api-org.c) */
	/* users (ui-user.c, api-user.c) */
	/* audit trail (ui-audit.c, api-audit.c) */
};

const size_t routes_count = sizeof routes / sizeof routes[0];
