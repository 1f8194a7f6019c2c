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
	{ "GET", "/orgs",              ui_org_list,           AUTH_FULL,    "org.list", BODY_NONE, 0 },
	{ "GET", "/orgs/new",          ui_org_new,            AUTH_FULL,    "org.create", BODY_NONE, 0 },
	{ "POST", "/orgs",             ui_org_create,         AUTH_FULL,    "org.create", BODY_FORM, 0 },
	{ "GET", "/orgs/{code}",       ui_org_view,           AUTH_FULL,    "org.view", BODY_NONE, 0 },
	{ "GET", "/orgs/{code}/edit",  ui_org_edit_page,      AUTH_FULL,    "org.edit", BODY_NONE, 0 },
	{ "POST", "/orgs/{code}/edit", ui_org_edit,           AUTH_FULL,    "org.edit", BODY_FORM, 0 },
	{ "POST", "/orgs/{code}/status", ui_org_status,       AUTH_FULL,    "org.deactivate", BODY_FORM, 8192 },
	{ "GET", "/network",           ui_network,            AUTH_FULL,    "network.growth", BODY_NONE, 0 },
	{ "GET", "/api/v1/orgs",       api_org_list,          AUTH_FULL,    "org.list", BODY_NONE, 0 },
	{ "POST", "/api/v1/orgs",      api_org_create,        AUTH_FULL,    "org.create", BODY_JSON, 0 },
	{ "GET", "/api/v1/orgs/{code}", api_org_get,          AUTH_FULL,    "org.view", BODY_NONE, 0 },
	{ "PATCH", "/api/v1/orgs/{code}", api_org_patch,      AUTH_FULL,    "org.edit", BODY_JSON, 0 },
	{ "POST", "/api/v1/orgs/{code}/status", api_org_status, AUTH_FULL,  "org.deactivate", BODY_JSON, 8192 },
	{ "GET", "/api/v1/orgs/{code}/history", api_org_history, AUTH_FULL, "org.view", BODY_NONE, 0 },
	{ "GET", "/api/v1/network/growth", api_network_growth, AUTH_FULL,   "network.growth", BODY_NONE, 0 },
	/* users (ui-user.c, api-user.c) */
	{ "GET", "/users",             ui_user_list,      AUTH_FULL, "user.list",     BODY_NONE, 0 },
	{ "GET", "/users/new",         ui_user_new,       AUTH_FULL, "user.create",   BODY_NONE, 0 },
	{ "POST", "/users",            ui_user_create,    AUTH_FULL, "user.create",   BODY_FORM, 8192 },
	/* Viewing one account: the service decides (a manager sees their organization's, anyone their own). */
	{ "GET", "/users/{id}",        ui_user_view,      AUTH_FULL, NULL,            BODY_NONE, 0 },
	{ "GET", "/users/{id}/edit",   ui_user_edit_page, AUTH_FULL, "user.edit",     BODY_NONE, 0 },
	{ "POST", "/users/{id}/edit",  ui_user_edit,      AUTH_FULL, "user.edit",     BODY_FORM, 8192 },
	{ "POST", "/users/{id}/role",  ui_user_role,      AUTH_FULL, "user.set_role", BODY_FORM, 4096 },
	{ "POST", "/users/{id}/disable", ui_user_disable, AUTH_FULL, "user.disable",  BODY_FORM, 4096 },
	{ "POST", "/users/{id}/enable", ui_user_enable,   AUTH_FULL, "user.disable",  BODY_FORM, 4096 },
	{ "POST", "/users/{id}/reset", ui_user_reset,     AUTH_FULL, "user.reset",    BODY_FORM, 8192 },
	{ "GET", "/api/v1/users",      api_user_list,     AUTH_FULL, "user.list",     BODY_NONE, 0 },
	{ "POST", "/api/v1/users",     api_user_create,   AUTH_FULL, "user.create",   BODY_JSON, 8192 },
	{ "GET", "/api/v1/users/{id}", api_user_get,      AUTH_FULL, NULL,            BODY_NONE, 0 },
	{ "PATCH", "/api/v1/users/{id}", api_user_patch,  AUTH_FULL, "user.edit",     BODY_JSON, 8192 },
	{ "POST", "/api/v1/users/{id}/role", api_user_role, AUTH_FULL, "user.set_role", BODY_JSON, 4096 },
	{ "POST", "/api/v1/users/{id}/disable", api_user_disable, AUTH_FULL, "user.disable", BODY_NONE, 0 },
	{ "POST", "/api/v1/users/{id}/enable", api_user_enable, AUTH_FULL, "user.disable", BODY_NONE, 0 },
	{ "POST", "/api/v1/users/{id}/reset", api_user_reset, AUTH_FULL, "user.reset", BODY_JSON, 8192 },
	/* audit trail (ui-audit.c, api-audit.c) */
	{ "GET", "/audit",             ui_audit_list,         AUTH_FULL,    "audit.view", BODY_NONE, 0 },
	{ "GET", "/audit/verify",      ui_audit_verify,       AUTH_FULL,    "audit.verify", BODY_NONE, 0 },
	{ "GET", "/api/v1/audit",      api_audit_list,        AUTH_FULL,    "audit.view", BODY_NONE, 0 },
	{ "GET", "/api/v1/audit/verify", api_audit_verify,    AUTH_FULL,    "audit.verify", BODY_NONE, 0 },
};

const size_t routes_count = sizeof routes / sizeof routes[0];
