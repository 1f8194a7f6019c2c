#include "web/session-web.h"
#include "base/config.h"
#include "base/log.h"
#include "base/str.h"
#include "model/audit.h"
#include "model/session.h"
#include "store/db.h"
#include "web/router.h"
#include "web/web.h"

#include <sodium.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct auth_ctx web_auth_ctx(struct request *req)
{
	struct auth_ctx ctx = {
		.db = req->app->db,
		.key = req->app->key,
		.limits = { .idle_seconds = req->app->cfg->session_idle_min * 60,
			    .max_seconds = req->app->cfg->session_max_hours * 3600 },
		.require_2fa_all = req->app->cfg->require_2fa_all,
		.client_ip = req->client_ip,
		.refusals = req->app->refusals,
	};
	return ctx;
}

const char *web_safe_next(const char *next)
{
	if (next && next[0] == '/' && next[1] != '/' && next[1] != '\\' && strlen(next) < 1024 &&
	    strpbrk(next, "\r\n") == NULL)
		return next;
	return "/";
}

void web_set_session(struct request *req, const char *token)
{
	req_set_cookie(req, SESSION_COOKIE, token, -1);
	req->session_token = arena_strdup(req->arena, token);
	char csrf[65];
	session_csrf(req->app->key, token, csrf);
	req->csrf = arena_strdup(req->arena, csrf);
}

void web_clear_session(struct request *req)
{
	req_set_cookie(req, SESSION_COOKIE, "", 0);
}

static const char *bearer(struct request *req)
{
	const char *h = req_header(req, "Authorization");
	if (h && strncasecmp(h, "Bearer ", 7) == 0)
		return h + 7;
	return NULL;
}

static void load_actor(struct request *req)
{
	const char *token = req->is_api ? bearer(req) : req_cookie(req, SESSION_COOKIE);
	if (token == NULL || strlen(token) != TOKEN_CHARS)
		return;
	struct db_conn *c = req_db(req);
	if (c == NULL)
		return;
	struct auth_ctx ctx = web_auth_ctx(req);
	struct actor *a = arena_zalloc(req->arena, sizeof *a);
	const char *state, *err;
	/* Only requests that cannot change anything may be let in on a cached session: a
	 * write is always judged by the database (see session_lookup and SECURITY.md). */
	bool fresh = !(str_eq(req->method, "GET") || str_eq(req->method, "HEAD"));
	int rc = session_lookup(c, req->app->key, req->app->session_cache, fresh, token, (int64_t)time(NULL),
				&ctx.limits, req->arena, a, &state, &err);
	if (rc < 0) {
		log_error("id=%s msg=\"session lookup failed\" error=\"%s\"", req->id, err);
		return;
	}
	if (rc == 0)
		return;
	/* A cookie may not be used as an API token and the reverse. */
	if (str_eq(a->session_kind, req->is_api ? "api" : "web") == false)
		return;
	req->actor = a;
	req->session_state = state;
	req->session_token = token;
	if (!req->is_api) {
		char csrf[65];
		session_csrf(req->app->key, token, csrf);
		req->csrf = arena_strdup(req->arena, csrf);
	}
	/* The user's own language choice wins over the browser's, unless the lang cookie says otherwise. */
	if (a->lang && i18n_supported(a->lang) && req_cookie(req, "lang") == NULL) {
		req->lang = a->lang;
		i18n_use(a->lang);
	}
}

/* A pre-session token for public forms (sign-in): double-submit cookie. */
void web_presession(struct request *req)
{
	if (req->csrf)
		return;
	const char *pre = req_cookie(req, PRESESSION_COOKIE);
	if (pre && strlen(pre) == TOKEN_CHARS) {
		req->csrf = pre;
		return;
	}
	char t[TOKEN_CHARS + 1];
	token_new(t);
	req->csrf = arena_strdup(req->arena, t);
	req_set_cookie(req, PRESESSION_COOKIE, t, -1);
}

static bool csrf_ok(struct request *req)
{
	const char *sent = req_form(req, "csrf");
	if (sent == NULL || req->csrf == NULL || strlen(sent) != strlen(req->csrf))
		return false;
	return sodium_memcmp(sent, req->csrf, strlen(sent)) == 0;
}

static void need_signin(struct request *req)
{
	if (req->is_api) {
		web_error(req, 401, N_("Sign in first: send a bearer token from POST /api/v1/sessions."), NULL);
		req_add_header(req, "WWW-Authenticate", "Bearer");
		return;
	}
	if (str_eq(req->method, "GET")) {
		struct buf u;
		buf_init_arena(&u, req->arena);
		buf_puts(&u, "/signin?next=");
		html_url_arg(&u, req->path);
		if (req->raw_query[0]) {
			html_url_arg(&u, "?");
			html_url_arg(&u, req->raw_query);
		}
		req_redirect(req, u.data);
		return;
	}
	web_error(req, 401, N_("Your session has ended. Sign in again."), NULL);
}

static void audit_denied(struct request *req, const char *action)
{
	struct db_conn *c = req_db(req);
	const char *err;
	if (c == NULL || db_begin(c, true, &err) < 0)
		return;
	struct audit_event ev = { .action = action, .object_type = "route", .object_id = req->route->pattern,
				  .outcome = "denied", .client_ip = req->client_ip };
	if (audit_append(c, req->app->key, req->actor, NULL, &ev, &err) < 0 || db_commit(c, &err) < 0) {
		db_rollback(c);
		log_error("id=%s msg=\"audit failed\" error=\"%s\"", req->id, err);
	}
}

bool web_may(struct request *req, enum action act, const struct resource *res)
{
	if (policy_may(req->actor, act, res))
		return true;
	audit_denied(req, policy_action_name(act));
	web_error(req, 403, N_("You do not have access to this."), NULL);
	return false;
}

int web_guard(struct request *req)
{
	const struct route *rt = req->route;
	load_actor(req);
	if (rt->auth == AUTH_PUBLIC) {
		/* A public form is checked against the pre-session cookie (set when the form was shown). */
		const char *pre = req_cookie(req, PRESESSION_COOKIE);
		if (!req->is_api && req->csrf == NULL && pre && strlen(pre) == TOKEN_CHARS)
			req->csrf = pre;
	} else if (req->actor == NULL) {
		need_signin(req);
		return -1;
	} else if (rt->auth == AUTH_FULL && !str_eq(req->session_state, "full")) {
		if (req->is_api) {
			need_signin(req);
		} else if (str_eq(req->session_state, "mfa")) {
			req_redirect(req, "/signin/code");
		} else {
			req_redirect(req, "/account/2fa");
		}
		return -1;
	}
	if (rt->body == BODY_FORM && !str_eq(req->method, "GET") && !csrf_ok(req)) {
		web_error(req, 403, N_("The form has expired. Go back, reload the page and try again."), NULL);
		return -1;
	}
	if (rt->action) {
		int act = policy_action_by_name(rt->action);
		if (act < 0) {
			log_error("id=%s msg=\"route names unknown action\" action=%s", req->id, rt->action);
			web_error(req, 500, N_("Something went wrong"), NULL);
			return -1;
		}
		/* The coarse check: may this role do this at all?  "Own account" actions are
		 * asked about the actor's own account; handlers check the actual record. */
		struct resource own = { .org_id = 0, .user_id = req->actor ? req->actor->user_id : 0 };
		if (!policy_may(req->actor, (enum action)act, &own)) {
			audit_denied(req, rt->action);
			web_error(req, 403, N_("You do not have access to this."), NULL);
			return -1;
		}
		if (policy_needs_reauth((enum action)act) && !str_eq(req->method, "GET") &&
		    (int64_t)time(NULL) - req->actor->reauth_at > REAUTH_SECONDS) {
			if (req->is_api)
				web_error(req, 401,
					  N_("Confirm your password first: POST /api/v1/sessions/current/reauth."), NULL);
			else
				web_error(req, 401, N_("Confirm your password first, then repeat the action."), NULL);
			req_add_header(req, "X-Reauth-Required", "1");
			return -1;
		}
	}
	return 0;
}

struct svc web_svc(struct request *req)
{
	struct svc s = { .db = req->app->db, .key = req->app->key, .actor = req->actor,
			 .client_ip = req->client_ip, .arena = req->arena };
	return s;
}

void web_svc_fail(struct request *req, const struct svc *s, int rc)
{
	switch (rc) {
	case SVC_DENIED:
		web_error(req, 403, N_("You do not have access to this."), NULL);
		return;
	case SVC_NOT_FOUND:
		web_error(req, 404, N_("There is no such record."), NULL);
		return;
	case SVC_INVALID:
		web_error(req, 422, s->problem ? s->problem : N_("Please correct the form"), s->problem_field);
		return;
	case SVC_CONFLICT:
		web_error(req, 409, s->problem ? s->problem : N_("The record was changed by someone else; reload it."),
			  s->problem_field);
		return;
	default:
		log_error("id=%s msg=\"service failed\" error=\"%s\"", req->id, s->error ? s->error : "?");
		web_error(req, 500, N_("Something went wrong"), NULL);
	}
}
