/* ui-account.c — the signed-in person's own account: language, password,
 * second factor and recovery codes, signing out everywhere. */
#include "base/str.h"
#include "model/auth.h"
#include "model/picklist.h"
#include "web/forms.h"
#include "web/qr.h"
#include "web/session-web.h"
#include "web/ui-common.h"
#include "web/ui.h"
#include "web/web.h"

#include <string.h>

static void account_page(struct request *req, const char *msg_ok, const char *pw_problem)
{
	struct buf *o = &req->out;
	const struct actor *a = req->actor;
	page_begin(req, _("My account"));
	ui_h1(req, _("My account"));
	if (msg_ok)
		notice(req, "ok", msg_ok);
	html_raw(o, "<dl class=\"facts\">\n");
	ui_fact(o, _("E-mail"), a->email);
	ui_fact(o, _("Name"), a->display_name);
	ui_fact(o, _("Role"), picklist_label(&pl_role, role_code(a->role)));
	ui_fact(o, _("Organization"), a->org_code);
	ui_fact(o, _("Second factor"), a->totp_enabled ? _("Enabled") : _("Not set up"));
	html_raw(o, "</dl>\n");

	ui_h2(req, _("Language"));
	form_begin(req, "/account/language");
	html_raw(o, "<div class=\"field\"><label for=\"f-lang\">");
	html_txt(o, _("Interface language"));
	html_raw(o, "</label><select id=\"f-lang\" name=\"lang\">");
	static const struct {
		const char *code, *label;
	} langs[] = { { "", N_("As my browser prefers") }, { "uk", "Українська" }, { "en", "English" } };
	for (size_t i = 0; i < 3; i++) {
		html_raw(o, "<option value=\"");
		html_attr(o, langs[i].code);
		html_raw(o, str_eq(a->lang ? a->lang : "", langs[i].code) ? "\" selected>" : "\">");
		html_txt(o, i == 0 ? gettext(langs[i].label) : langs[i].label);
		html_raw(o, "</option>");
	}
	html_raw(o, "</select></div>\n");
	form_end(req, _("Save"));

	ui_h2(req, _("Change password"));
	if (pw_problem)
		notice(req, "error", pw_problem);
	form_begin(req, "/account/password");
	html_raw(o, "<div class=\"field\"><label for=\"f-current\">");
	html_txt(o, _("Current password"));
	html_raw(o, "</label><input type=\"password\" id=\"f-current\" name=\"current\" autocomplete=\"current-password\" "
		    "required></div>\n<div class=\"field\"><label for=\"f-new\">");
	html_txt(o, _("New password"));
	html_raw(o, "</label><span class=\"hint\" id=\"h-new\">");
	html_txt(o, _("At least 12 characters. A few unrelated words make a strong password."));
	html_raw(o, "</span><input type=\"password\" id=\"f-new\" name=\"new\" autocomplete=\"new-password\" required "
		    "aria-describedby=\"h-new\"></div>\n");
	form_end(req, _("Change password"));

	ui_h2(req, _("Second factor"));
	if (!a->totp_enabled) {
		html_raw(o, "<p><a class=\"button\" href=\"/account/2fa\">");
		html_txt(o, _("Set up an authenticator app"));
		html_raw(o, "</a></p>\n");
	} else {
		html_raw(o, "<p>");
		html_txt(o, _("New recovery codes replace the old ones, which stop working."));
		html_raw(o, "</p>\n");
		form_begin(req, "/account/recovery-codes");
		form_end(req, _("Make new recovery codes"));
	}

	ui_h2(req, _("Sessions"));
	form_begin(req, "/signout");
	html_hidden(o, "everywhere", "1");
	html_raw(o, "\n");
	form_end(req, _("Sign out everywhere"));
	page_end(req);
}

void ui_account(struct request *req)
{
	const char *done = req_query(req, "done");
	account_page(req, str_eq(done, "password") ? _("Your password was changed.")
			  : str_eq(done, "language") ? _("Your language was saved.")
						     : NULL,
		     NULL);
}

void ui_account_language(struct request *req)
{
	const char *lang = req_form(req, "lang");
	if (lang == NULL || !(str_eq(lang, "") || i18n_supported(lang))) {
		web_error(req, 422, N_("Choose one of the listed values."), "lang");
		return;
	}
	struct auth_ctx ctx = web_auth_ctx(req);
	struct svc s = { 0 };
	if (auth_set_language(&ctx, req->actor, lang, &s.error) < 0) {
		web_svc_fail(req, &s, SVC_ERROR);
		return;
	}
	/* The explicit language cookie would override the saved choice: drop it. */
	req_set_cookie(req, "lang", "", 0);
	req_redirect(req, "/account?done=language");
}

void ui_account_password(struct request *req)
{
	const char *cur = req_form(req, "current"), *nw = req_form(req, "new");
	struct auth_ctx ctx = web_auth_ctx(req);
	struct svc s = { 0 };
	const char *problem = auth_change_password(&ctx, req->actor, cur ? cur : "", nw ? nw : "", &s.error);
	if (problem) {
		req->status = 422;
		account_page(req, NULL, gettext(problem));
		return;
	}
	req_redirect(req, "/account?done=password");
}

/* The recovery codes, shown once, on a page of their own. */
static void codes_page(struct request *req, const char *title, char (*codes)[12])
{
	struct buf *o = &req->out;
	page_begin(req, title);
	ui_h1(req, title);
	html_raw(o, "<div class=\"notice warn\"><p>");
	html_txt(o, _("Write these recovery codes down and keep them apart from your phone. Each works once, "
		      "when you cannot use the app. They are shown only now."));
	html_raw(o, "</p></div>\n<ul class=\"mono\">");
	for (int i = 0; i < RECOVERY_CODES; i++) {
		html_raw(o, "<li>");
		html_txt(o, codes[i]);
		html_raw(o, "</li>");
	}
	html_raw(o, "</ul>\n<p><a class=\"button\" href=\"/\">");
	html_txt(o, _("Continue"));
	html_raw(o, "</a></p>\n");
	page_end(req);
}

static void enrol_page(struct request *req, const char *problem)
{
	struct buf *o = &req->out;
	struct auth_ctx ctx = web_auth_ctx(req);
	const char *uri, *err;
	if (auth_totp_begin(&ctx, req->actor, req->arena, &uri, &err) < 0) {
		struct svc s = { .error = err };
		web_svc_fail(req, &s, SVC_ERROR);
		return;
	}
	page_begin(req, _("Set up the second factor"));
	ui_h1(req, _("Set up the second factor"));
	if (str_eq(req->session_state, "enrol"))
		notice(req, "warn", _("Your role requires a second factor. Set it up to continue."));
	if (problem)
		notice(req, "error", problem);
	html_raw(o, "<ol><li>");
	html_txt(o, _("Open an authenticator app on your phone (for example FreeOTP or Aegis)."));
	html_raw(o, "</li><li>");
	html_txt(o, _("Scan this code, or type the key below into the app."));
	html_raw(o, "</li><li>");
	html_txt(o, _("Enter the 6-digit code the app shows."));
	html_raw(o, "</li></ol>\n<div class=\"qr\">");
	html_qr_svg(o, uri, _("QR code for the authenticator app"));
	html_raw(o, "</div>\n<details><summary>");
	html_txt(o, _("Key for typing in"));
	html_raw(o, "</summary><p class=\"mono\">");
	const char *sec = strstr(uri, "secret=");
	if (sec) {
		const char *end = strchr(sec, '&');
		html_txtn(o, sec + 7, end ? (size_t)(end - sec - 7) : strlen(sec + 7));
	}
	html_raw(o, "</p></details>\n");
	form_begin(req, "/account/2fa");
	ui_code_field(o, _("Code"), 6);
	form_end(req, _("Turn on"));
	page_end(req);
}

void ui_account_2fa_page(struct request *req)
{
	if (req->actor->totp_enabled) {
		req_redirect(req, "/account");
		return;
	}
	enrol_page(req, NULL);
}

void ui_account_2fa_submit(struct request *req)
{
	if (req->actor->totp_enabled) {
		req_redirect(req, "/account");
		return;
	}
	struct auth_ctx ctx = web_auth_ctx(req);
	char codes[RECOVERY_CODES][12];
	char token[TOKEN_CHARS + 1];
	const char *err;
	const char *code = req_form(req, "code");
	int rc = auth_totp_confirm(&ctx, req->actor, code ? code : "", req->arena, codes, token, &err);
	if (rc < 0) {
		struct svc s = { .error = err };
		web_svc_fail(req, &s, SVC_ERROR);
		return;
	}
	if (rc == 0) {
		req->status = 422;
		enrol_page(req, _("The code is not right. Scan the new QR code and try again."));
		return;
	}
	web_set_session(req, token);
	codes_page(req, _("Second factor is on"), codes);
}

void ui_account_recovery_codes(struct request *req)
{
	char codes[RECOVERY_CODES][12];
	if (!req->actor->totp_enabled) {
		req_redirect(req, "/account/2fa");
		return;
	}
	struct auth_ctx ctx = web_auth_ctx(req);
	struct svc s = { 0 };
	if (auth_regenerate_recovery_codes(&ctx, req->actor, codes, &s.error) < 0) {
		web_svc_fail(req, &s, SVC_ERROR);
		return;
	}
	codes_page(req, _("New recovery codes"), codes);
}
