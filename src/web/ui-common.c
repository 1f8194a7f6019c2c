/* ui-common.c — the page pieces several ui-*.c share (see ui-common.h). */
#include "web/ui-common.h"
#include "base/str.h"
#include "web/web.h"

#include <stdio.h>
#include <time.h>

void ui_h1(struct request *req, const char *text)
{
	html_raw(&req->out, "<h1>");
	html_txt(&req->out, text);
	html_raw(&req->out, "</h1>\n");
}

void ui_h2(struct request *req, const char *text)
{
	html_raw(&req->out, "<h2>");
	html_txt(&req->out, text);
	html_raw(&req->out, "</h2>\n");
}

void ui_time_utc(struct buf *o, int64_t at, bool say_utc)
{
	time_t t = (time_t)at;
	struct tm tm;
	char iso[32], shown[32];
	gmtime_r(&t, &tm);
	strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(shown, sizeof shown, say_utc ? "%Y-%m-%d %H:%M UTC" : "%Y-%m-%d %H:%M", &tm);
	html_raw(o, "<time datetime=\"");
	html_attr(o, iso);
	html_raw(o, "\">");
	html_txt(o, shown);
	html_raw(o, "</time>");
}

void ui_tag(struct buf *o, bool good, const char *label)
{
	html_raw(o, good ? "<span class=\"tag good\">" : "<span class=\"tag bad\">");
	html_txt(o, label);
	html_raw(o, "</span>");
}

void ui_fact_begin(struct buf *o, const char *term)
{
	html_raw(o, "<dt>");
	html_txt(o, term);
	html_raw(o, "</dt><dd>");
}

void ui_fact_end(struct buf *o)
{
	html_raw(o, "</dd>\n");
}

void ui_fact(struct buf *o, const char *term, const char *value)
{
	ui_fact_begin(o, term);
	html_txt(o, value);
	ui_fact_end(o);
}

void ui_filters_begin(struct request *req, const char *action, const char *label)
{
	struct buf *o = &req->out;
	html_raw(o, "<form method=\"get\" action=\"");
	html_attr(o, action);
	html_raw(o, "\" class=\"filters\" role=\"search\"");
	if (label) {
		html_raw(o, " aria-label=\"");
		html_attr(o, label);
		html_raw(o, "\"");
	}
	html_raw(o, ">\n");
}

void ui_filters_end(struct request *req, const char *submit, const char *clear_href, const char *clear_label)
{
	struct buf *o = &req->out;
	html_raw(o, "<div class=\"actions\"><button type=\"submit\">");
	html_txt(o, submit);
	html_raw(o, "</button>");
	if (clear_href) {
		html_raw(o, " <a class=\"button secondary\" href=\"");
		html_attr(o, clear_href);
		html_raw(o, "\">");
		html_txt(o, clear_label);
		html_raw(o, "</a>");
	}
	html_raw(o, "</div>\n</form>\n");
}

void ui_pager_begin(struct request *req)
{
	html_raw(&req->out, "<nav class=\"pager\" aria-label=\"");
	html_attr(&req->out, _("Pages"));
	html_raw(&req->out, "\">");
}

void ui_pager_link(struct request *req, const char *rel, const char *href, const char *label)
{
	struct buf *o = &req->out;
	html_raw(o, "<a ");
	if (rel) {
		html_raw(o, "rel=\"");
		html_attr(o, rel);
		html_raw(o, "\" ");
	}
	html_raw(o, "href=\"");
	html_attr(o, href);
	html_raw(o, "\">");
	html_txt(o, label);
	html_raw(o, "</a>");
}

void ui_pager_end(struct request *req)
{
	html_raw(&req->out, "</nav>\n");
}

void ui_reauth_link(struct buf *o, const char *back)
{
	html_raw(o, "<a href=\"/reauth?next=");
	html_url_arg(o, back);
	html_raw(o, "\">");
	html_txt(o, _("Confirm your password"));
	html_raw(o, "</a>");
}

void ui_code_field(struct buf *o, const char *label, int maxlength)
{
	html_raw(o, "<div class=\"field\"><label for=\"f-code\">");
	html_txt(o, label);
	html_rawf(o, "</label><input type=\"text\" id=\"f-code\" name=\"code\" "
		     "autocomplete=\"one-time-code\" required maxlength=\"%d\"></div>\n",
		  maxlength);
}

void ui_version_hidden(struct request *req, int64_t version)
{
	char v[24];
	snprintf(v, sizeof v, "%lld", (long long)version);
	html_hidden(&req->out, "version", v);
	html_raw(&req->out, "\n");
}

bool ui_version_read(struct request *req, int64_t *version_r)
{
	const char *vs = req_form(req, "version");
	if (vs == NULL || str_to_i64(vs, 1, INT64_MAX, version_r) < 0) {
		web_error(req, 400, N_("The form is incomplete. Reload the page and try again."), "version");
		return false;
	}
	return true;
}
