/* api-session.c — bearer tokens for the JSON API: sign in, who am I, sign out, re-authenticate. */
#include "base/str.h"
#include "model/auth.h"
#include "model/picklist.h"
#include "web/session-web.h"
#include "web/ui.h"
#include "web/web.h"

#include <stdio.h>
#include <string.h>

static const char *json_str(struct request *req, const char *key)
{
	json_t *v = json_object_get(req->json, key);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

void api_session_create(struct request *req)
{
	const char *email = json_str(req, "email"), *password = json_str(req, "password");
	const char *totp = json_str(req, "totp");
	const char *key;
	json_t *v;
	json_object_foreach(req->json, key, v)
	{
		if (!str_eq(key, "email") && !str_eq(key, "password") && !str_eq(key, "totp")) {
			web_error(req, 400, N_("Unknown field."), key);
			return;
		}
	}
	if (email == NULL || *email == '\0') {
		web_error(req, 422, N_("This is required."), "email");
		return;
	}
	if (password == NULL || *password == '\0') {
		web_error(req, 422, N_("This is required."), "password");
		return;
	}
	struct auth_ctx ctx = web_auth_ctx(req);
	struct signin_result res;
	const char *err;
	if (auth_signin(&ctx, email, password, "api", totp, &res, &err) < 0) {
		struct svc s = { .error = err };
		web_svc_fail(req, &s, SVC_ERROR);
		return;
	}
	switch (res.outcome) {
	case SIGNIN_OK:
		json_reply(req, 201, json_pack("{s:s,s:I}", "token", res.token, "expires_in",
					       (json_int_t)ctx.limits.max_seconds));
		return;
	case SIGNIN_LOCKED: {
		char secs[24];
		snprintf(secs, sizeof secs, "%lld", (long long)res.retry_after);
		web_error(req, 429, N_("Too many attempts. Wait a few minutes and try again."), NULL);
		req_add_header(req, "Retry-After", secs);
		return;
	}
	case SIGNIN_NEEDS_ENROLMENT:
		web_error(req, 403, N_("Your role requires a second factor: set it up in the web interface first."), NULL);
		return;
	default:
		web_error(req, 401, N_("The e-mail, password or code is not right."), NULL);
	}
}

void api_me(struct request *req)
{
	const struct actor *a = req->actor;
	json_t *o = json_pack("{s:I,s:s,s:s,s:s,s:s,s:b,s:s}", "id", (json_int_t)a->user_id, "email", a->email,
			      "display_name", a->display_name, "role", role_code(a->role), "org", a->org_code,
			      "totp_enabled", a->totp_enabled, "lang", a->lang ? a->lang : "");
	json_reply(req, 200, o);
}

void api_session_delete(struct request *req)
{
	struct auth_ctx ctx = web_auth_ctx(req);
	struct svc s = { 0 };
	if (auth_signout(&ctx, req->actor, false, &s.error) < 0) {
		web_svc_fail(req, &s, SVC_ERROR);
		return;
	}
	req->status = 204;
	req->content_type = "application/json";
}

void api_session_reauth(struct request *req)
{
	struct auth_ctx ctx = web_auth_ctx(req);
	struct signin_result res;
	const char *err;
	if (auth_reauth(&ctx, req->actor, json_str(req, "password"), json_str(req, "totp"), &res, &err) < 0) {
		struct svc s = { .error = err };
		web_svc_fail(req, &s, SVC_ERROR);
		return;
	}
	if (res.outcome == SIGNIN_LOCKED) {
		web_error(req, 429, N_("Too many attempts. Wait a few minutes and try again."), NULL);
		return;
	}
	if (res.outcome != SIGNIN_OK) {
		web_error(req, 401, N_("The e-mail, password or code is not right."), NULL);
		return;
	}
	req->status = 204;
	req->content_type = "application/json";
}
