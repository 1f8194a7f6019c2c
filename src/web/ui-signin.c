/* ui-signin.c — signing in and out: password, second factor, re-authentication. */
#include "base/str.h"
#include "model/auth.h"
#include "web/forms.h"
#include "web/session-web.h"
#include "web/ui.h"
#include "web/web.h"

#include <stdio.h>
#include <string.h>

static void signin_form(struct request *req, const char *email, const char *problem, int status)
{
	struct buf *o = &req->out;
	const char *next = req_form(req, "next");
	if (next == NULL)
		next = req_query(req, "next");
	req->status = status;
	page_begin(req, _("Sign in"));
	html_raw(o, "<h1>");
	html_txt(o, _("Sign in"));
	html_raw(o, "</h1>\n");
	if (problem)
		notice(req, "error", problem);
	form_begin(req, "/signin");
	html_hidden(o, "next", web_safe_next(next));
	html_raw(o, "\n<div class=\"field\"><label for=\"f-email\">");
	html_txt(o, _("E-mail"));
	html_raw(o, "</label><input type=\"email\" id=\"f-email\" name=\"email\" autocomplete=\"username\" required value=\"");
	html_attr(o, email ? email : "");
	html_raw(o, "\"></div>\n<div class=\"field\"><label for=\"f-password\">");
	html_txt(o, _("Password"));
	html_raw(o, "</label><input type=\"password\" id=\"f-password\" name=\"password\" "
		    "autocomplete=\"current-password\" required></div>\n");
	form_end(req, _("Sign in"));
	page_end(req);
}

void ui_signin_page(struct request *req)
{
	if (req->actor && str_eq(req->session_state, "full")) {
		req_redirect(req, web_safe_next(req_query(req, "next")));
		return;
	}
	signin_form(req, NULL, NULL, 200);
}

static void locked(struct request *req, int64_t retry_after)
{
	char secs[24];
	snprintf(secs, sizeof secs, "%lld", (long long)retry_after);
	req_add_header(req, "Retry-After", secs);
}

void ui_signin_submit(struct request *req)
{
	const char *email = req_form(req, "email"), *password = req_form(req, "password");
	if (email == NULL || *email == '\0' || password == NULL || *password == '\0') {
		signin_form(req, email, _("Enter your e-mail and password."), 422);
		return;
	}
	struct auth_ctx ctx = web_auth_ctx(req);
	struct signin_result res;
	const char *err;
	if (strlen(email) > 254 || strlen(password) > 1024) {
		signin_form(req, NULL, _("The e-mail or password is not right."), 401);
		return;
	}
	if (auth_signin(&ctx, email, password, "web", NULL, &res, &err) < 0) {
		struct svc s = { .error = err };
		web_svc_fail(req, &s, SVC_ERROR);
		return;
	}
	switch (res.outcome) {
	case SIGNIN_LOCKED:
		locked(req, res.retry_after);
		signin_form(req, email, _("Too many attempts. Wait a few minutes and try again."), 429);
		return;
	case SIGNIN_BAD:
	case SIGNIN_NEEDS_ENROLMENT:
		signin_form(req, email, _("The e-mail or password is not right."), 401);
		return;
	case SIGNIN_ERROR:
		web_error(req, 500, N_("Something went wrong"), NULL);
		return;
	default:
		break;
	}
	web_set_session(req, res.token);
	req_set_cookie(req, PRESESSION_COOKIE, "", 0);
	const char *next = web_safe_next(req_form(req, "next"));
	if (res.outcome == SIGNIN_SECOND_FACTOR) {
		struct buf u;
		buf_init_arena(&u, req->arena);
		buf_puts(&u, "/signin/code?next=");
		html_url_arg(&u, next);
		req_redirect(req, u.data);
	} else if (res.outcome == SIGNIN_ENROL) {
		req_redirect(req, "/account/2fa");
	} else {
		req_redirect(req, next);
	}
}

static void code_form(struct request *req, const char *problem, int status)
{
	struct buf *o = &req->out;
	const char *next = req_form(req, "next");
	if (next == NULL)
		next = req_query(req, "next");
	req->status = status;
	page_begin(req, _("Second factor"));
	html_raw(o, "<h1>");
	html_txt(o, _("Second factor"));
	html_raw(o, "</h1>\n<p>");
	html_txt(o, _("Enter the 6-digit code from your authenticator app, or one of your recovery codes."));
	html_raw(o, "</p>\n");
	if (problem)
		notice(req, "error", problem);
	form_begin(req, "/signin/code");
	html_hidden(o, "next", web_safe_next(next));
	html_raw(o, "\n<div class=\"field\"><label for=\"f-code\">");
	html_txt(o, _("Code"));
	html_raw(o, "</label><input type=\"text\" id=\"f-code\" name=\"code\" "
		    "autocomplete=\"one-time-code\" required maxlength=\"12\"></div>\n");
	form_end(req, _("Continue"));
	page_end(req);
}

void ui_signin_code_page(struct request *req)
{
	if (!str_eq(req->session_state, "mfa")) {
		req_redirect(req, "/");
		return;
	}
	code_form(req, NULL, 200);
}

void ui_signin_code_submit(struct request *req)
{
	if (!str_eq(req->session_state, "mfa")) {
		req_redirect(req, "/");
		return;
	}
	const char *code = req_form(req, "code");
	struct auth_ctx ctx = web_auth_ctx(req);
	struct signin_result res;
	const char *err;
	if (code == NULL || strlen(code) > 32) {
		code_form(req, _("The code is not right."), 422);
		return;
	}
	if (auth_second_factor(&ctx, req->actor, code, &res, &err) < 0) {
		struct svc s = { .error = err };
		web_svc_fail(req, &s, SVC_ERROR);
		return;
	}
	if (res.outcome == SIGNIN_LOCKED) {
		locked(req, res.retry_after);
		code_form(req, _("Too many attempts. Wait a few minutes and try again."), 429);
		return;
	}
	if (res.outcome != SIGNIN_OK) {
		code_form(req, _("The code is not right."), 401);
		return;
	}
	web_set_session(req, res.token);
	req_redirect(req, web_safe_next(req_form(req, "next")));
}

void ui_signout(struct request *req)
{
	if (req->actor) {
		struct auth_ctx ctx = web_auth_ctx(req);
		struct svc s = { 0 };
		bool everywhere = str_eq(req_form(req, "everywhere"), "1");
		if (auth_signout(&ctx, req->actor, everywhere, &s.error) < 0) {
			web_svc_fail(req, &s, SVC_ERROR);
			return;
		}
	}
	web_clear_session(req);
	req_redirect(req, "/signin");
}

static void reauth_form(struct request *req, const char *problem, int status)
{
	struct buf *o = &req->out;
	const char *next = req_form(req, "next");
	if (next == NULL)
		next = req_query(req, "next");
	req->status = status;
	page_begin(req, _("Confirm it is you"));
	html_raw(o, "<h1>");
	html_txt(o, _("Confirm it is you"));
	html_raw(o, "</h1>\n<p>");
	html_txt(o, _("This action is sensitive. Enter your password to continue."));
	html_raw(o, "</p>\n");
	if (problem)
		notice(req, "error", problem);
	form_begin(req, "/reauth");
	html_hidden(o, "next", web_safe_next(next));
	html_raw(o, "\n<div class=\"field\"><label for=\"f-password\">");
	html_txt(o, _("Password"));
	html_raw(o, "</label><input type=\"password\" id=\"f-password\" name=\"password\" "
		    "autocomplete=\"current-password\" required></div>\n");
	if (req->actor->totp_enabled) {
		html_raw(o, "<div class=\"field\"><label for=\"f-code\">");
		html_txt(o, _("Code from your authenticator app"));
		html_raw(o, "</label><input type=\"text\" id=\"f-code\" name=\"code\" "
			    "autocomplete=\"one-time-code\" required maxlength=\"6\"></div>\n");
	}
	form_end(req, _("Confirm"));
	page_end(req);
}

void ui_reauth_page(struct request *req)
{
	reauth_form(req, NULL, 200);
}

void ui_reauth_submit(struct request *req)
{
	struct auth_ctx ctx = web_auth_ctx(req);
	struct signin_result res;
	const char *err;
	const char *pw = req_form(req, "password");
	if (pw == NULL || strlen(pw) > 1024) {
		reauth_form(req, _("The password is not right."), 422);
		return;
	}
	if (auth_reauth(&ctx, req->actor, pw, req_form(req, "code"), &res, &err) < 0) {
		struct svc s = { .error = err };
		web_svc_fail(req, &s, SVC_ERROR);
		return;
	}
	if (res.outcome == SIGNIN_LOCKED) {
		locked(req, res.retry_after);
		reauth_form(req, _("Too many attempts. Wait a few minutes and try again."), 429);
		return;
	}
	if (res.outcome != SIGNIN_OK) {
		reauth_form(req, _("The password or code is not right."), 401);
		return;
	}
	req_redirect(req, web_safe_next(req_form(req, "next")));
}
