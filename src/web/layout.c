/* layout.c — the page frame, error answers and JSON answers. */
#include "base/str.h"
#include "web/nav.h"
#include "web/web.h"

#include <string.h>

static const char *status_code_name(int status)
{
	switch (status) {
	case 400: return "bad_request";
	case 401: return "unauthorized";
	case 403: return "forbidden";
	case 404: return "not_found";
	case 405: return "method_not_allowed";
	case 409: return "conflict";
	case 413: return "payload_too_large";
	case 415: return "unsupported_media_type";
	case 422: return "invalid";
	case 429: return "too_many_requests";
	case 503: return "unavailable";
	default: return status >= 500 ? "internal" : "error";
	}
}

static const char *status_title(int status)
{
	switch (status) {
	case 400: return _("The request could not be understood");
	case 401: return _("Please sign in");
	case 403: return _("Access denied");
	case 404: return _("Page not found");
	case 405: return _("Method not allowed");
	case 409: return _("Conflict");
	case 413: return _("Too much data");
	case 415: return _("Unsupported format");
	case 422: return _("Please correct the form");
	case 429: return _("Too many attempts");
	case 503: return _("Temporarily unavailable");
	default: return _("Something went wrong");
	}
}

void json_reply(struct request *req, int status, json_t *obj)
{
	req->status = status;
	req->content_type = "application/json";
	buf_reset(&req->out);
	char *s = json_dumps(obj, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(obj);
	if (s) {
		buf_puts(&req->out, s);
		free(s);
	}
	buf_putc(&req->out, '\n');
}

void web_error(struct request *req, int status, const char *msgid, const char *field)
{
	if (req->is_api) {
		json_t *e = json_pack("{s:{s:s,s:s,s:o}}", "error", "code", status_code_name(status), "message",
				      gettext(msgid), "field", field ? json_string(field) : json_null());
		json_reply(req, status, e);
		return;
	}
	buf_reset(&req->out);
	req->content_type = "text/html; charset=utf-8";
	page_begin(req, status_title(status));
	struct buf *o = &req->out;
	html_raw(o, "<h1>");
	html_txt(o, status_title(status));
	html_raw(o, "</h1>\n<p class=\"error-text\">");
	html_txt(o, gettext(msgid));
	html_raw(o, "</p>\n<p><a href=\"/\">");
	html_txt(o, _("Go to the start page"));
	html_raw(o, "</a></p>\n");
	page_end(req);
	req->status = status;
}

void page_begin(struct request *req, const char *title)
{
	struct buf *o = &req->out;
	req->content_type = "text/html; charset=utf-8";
	html_raw(o, "<!DOCTYPE html>\n<html lang=\"");
	html_attr(o, req->lang);
	html_raw(o, "\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
	html_txt(o, title);
	html_raw(o, " — ");
	html_txt(o, _("Nadiya"));
	html_raw(o, "</title>\n<link rel=\"stylesheet\" href=\"");
	html_attr(o, static_url("style.css"));
	html_raw(o, "\">\n<link rel=\"icon\" type=\"image/svg+xml\" href=\"");
	html_attr(o, static_url("icon.svg"));
	html_raw(o, "\">\n</head>\n<body>\n<a class=\"skip\" href=\"#main\">");
	html_txt(o, _("Skip to content"));
	html_raw(o, "</a>\n<header class=\"top\">\n<a class=\"brand\" href=\"/\">");
	html_txt(o, _("Nadiya"));
	html_raw(o, "</a>\n");
	nav_render(req);
	/* Language switch: plain links, so it works without JavaScript. */
	html_raw(o, "<ul class=\"langs\">");
	static const struct {
		const char *code, *label;
	} langs[] = { { "uk", "Українська" }, { "en", "English" } };
	for (size_t i = 0; i < 2; i++) {
		if (str_eq(req->lang, langs[i].code)) {
			html_raw(o, "<li><span aria-current=\"true\" lang=\"");
			html_attr(o, langs[i].code);
			html_raw(o, "\">");
			html_txt(o, langs[i].label);
			html_raw(o, "</span></li>");
		} else {
			html_raw(o, "<li><a rel=\"alternate\" hreflang=\"");
			html_attr(o, langs[i].code);
			html_raw(o, "\" lang=\"");
			html_attr(o, langs[i].code);
			html_raw(o, "\" href=\"/lang/");
			html_url_arg(o, langs[i].code);
			html_raw(o, "?next=");
			html_url_arg(o, req->path);
			html_raw(o, "\">");
			html_txt(o, langs[i].label);
			html_raw(o, "</a></li>");
		}
	}
	html_raw(o, "</ul>\n</header>\n<main id=\"main\">\n");
}

void page_end(struct request *req)
{
	struct buf *o = &req->out;
	html_raw(o, "</main>\n<footer class=\"bottom\"><p>");
	html_txt(o, _("Nadiya — information system of the counter-trafficking network."));
	html_raw(o, "</p></footer>\n</body>\n</html>\n");
}
