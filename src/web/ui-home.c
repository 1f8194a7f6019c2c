/* ui-home.c — the start page, the language switch, health and metrics. */
#include "base/str.h"
#include "store/db.h"
#include "web/metrics.h"
#include "web/ui.h"
#include "web/web.h"

#include <string.h>

DB_QUERY(q_health, "SELECT 1");

void ui_home(struct request *req)
{
	struct buf *o = &req->out;
	page_begin(req, _("Home"));
	html_raw(o, "<h1>");
	html_txt(o, _("Nadiya"));
	html_raw(o, "</h1>\n<p class=\"lead\">");
	html_txt(o, _("The information system of the counter-trafficking network: identification, "
		      "consent, referral, assistance and reintegration monitoring."));
	html_raw(o, "</p>\n");
	if (req->actor == NULL) {
		html_raw(o, "<p><a class=\"button\" href=\"/signin\">");
		html_txt(o, _("Sign in"));
		html_raw(o, "</a></p>\n");
	}
	page_end(req);
}

/* Only same-site paths are followed after switching language: no open redirect. */
static bool safe_next(const char *next)
{
	return next && next[0] == '/' && next[1] != '/' && next[1] != '\\' && strlen(next) < 1024 &&
	       strpbrk(next, "\r\n") == NULL;
}

void ui_lang(struct request *req)
{
	const char *lang = req_param(req, 0);
	if (!i18n_supported(lang)) {
		web_error(req, 404, N_("This language is not available."), NULL);
		return;
	}
	const char *next = req_query(req, "next");
	req_set_cookie(req, "lang", lang, 365L * 24 * 3600);
	req->lang = lang;
	i18n_use(lang);
	req_redirect(req, safe_next(next) ? next : "/");
}

void ui_healthz(struct request *req)
{
	req->content_type = "text/plain; charset=utf-8";
	struct db_conn *c = req_db(req);
	int64_t one = 0;
	const char *err;
	if (c == NULL || db_query_int(c, &q_health, DB_NOPARAMS, &one, &err) != 1 || one != 1) {
		req->status = 503;
		buf_puts(&req->out, "database unavailable\n");
		return;
	}
	buf_puts(&req->out, "ok\n");
}

void ui_metrics(struct request *req)
{
	req->content_type = "text/plain; version=0.0.4; charset=utf-8";
	metrics_render(&req->out);
}
