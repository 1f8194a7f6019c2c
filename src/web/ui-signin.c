/* ui-signin.c — signing in and out: password, second factor, re-authentication. */
#include "base/str.h"
#include "model/auth.h"
#include "web/forms.h"
#include "web/session-web.h"
#include "web/ui-common.h"
#include "web/ui.h"
#include "web/web.h"

#include <stdio.h>
#include <string.h>

/*
 * The frame of the three sign-in pages (password, code, re-authentication):
 * the title, an explanation (NULL: none), the problem with what was sent
 * (NULL: none), and a form posting to action that carries ?next= along.
 * The page's fields follow; form_end() and page_end() close it.
 */
static void auth_page_begin(struct request *req, const char *title, const char *lead, const char *problem,
			    const char *action, int status)
{
	struct buf *o = &req->out;
	const char *next = req_form(req, "next");
	if (next == NULL)
		next = req_query(req, "next");
	req->status = status;
	page_begin(req, title);
	ui_h1(req, title);
	if (lead) {
		html_raw(o, "<p>");
		html_txt(o, lead);
		html_raw(o, "</p>\n");
	}
	if (problem)
		notice(req, "error", problem);
	form_begin(req, action);
	html_hidden(o, "next", web_safe_next(next));
	html_raw(o, "\n");
}

static void password_field(struct buf *o)
{
	html_raw(o, "<div class=\"field\"><label for=\"f-password\">");
	html_txt(o, _("Password"));
	html_raw(o, "</label><input type=\"password\" id=\"f-password\" name=\"password\" "
		    "autocomplete=\"current-password\" required></div>\n");
}

static void signin_form(struct request *req, const char *email, const char *problem, int status)
{
	struct buf *o = &req->out;
	auth_page_begin(req, _("Sign in"), NULL, problem, "/signin", status);
	html_raw(o, "<div class=\"field\"><label for=\"f-email\">");
	html_txt(o, _("E-mail"));
	html_raw(o, "</label><input type=\"email\" id=\"f-email\" name=\"email\" autocomplete=\"username\" required value=\"");
	html_attr(o, email ? email : "");
	html_raw(o, "\"></div>\n");
	password_field(o);
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

/* A page of the sign-in steps, shown again with a problem and a status. */
typedef void step_form_fn(struct request *req, const char *problem, int status);

/*
 * After a second-factor or re-authentication step (rc and err from the
 * service): false when it passed.  Otherwise answers, the form again with
 * why (429 with Retry-After when locked, 401 with wrong) or the error, and
 * returns true.
 */
static bool step_failed(struct request *req, int rc, const char *err, const struct signin_result *res,
			step_form_fn *form, const char *wrong)
{
	if (rc < 0) {
		struct svc s = { .error = err };
		web_svc_fail(req, &s, SVC_ERROR);
		return true;
	}
	if (res->outcome == SIGNIN_LOCKED) {
		locked(req, res->retry_after);
		form(req, _("Too many attempts. Wait a few minutes and try again."), 429);
		return true;
	}
	if (res->outcome != SIGNIN_OK) {
		form(req, wrong, 401);
		return true;
	}
	return false;
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
	auth_page_begin(req, _("Second factor"),
			_("Enter the 6-digit code from your authenticator app, or one of your recovery codes."), problem,
			"/signin/code", status);
	/* Room for a recovery code too. */
	ui_code_field(&req->out, _("Code"), 12);
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
	int rc = auth_second_factor(&ctx, req->actor, code, &res, &err);
	if (step_failed(req, rc, err, &res, code_form, _("The code is not right.")))
		return;
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
	auth_page_begin(req, _("Confirm it is you"), _("This action is sensitive. Enter your password to continue."),
			problem, "/reauth", status);
	password_field(&req->out);
	if (req->actor->totp_enabled)
		ui_code_field(&req->out, _("Code from your authenticator app"), 6);
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
	int rc = auth_reauth(&ctx, req->actor, pw, req_form(req, "code"), &res, &err);
	if (step_failed(req, rc, err, &res, reauth_form, _("The password or code is not right.")))
		return;
	req_redirect(req, web_safe_next(req_form(req, "next")));
}
