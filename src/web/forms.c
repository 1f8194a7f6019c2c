#include "web/forms.h"
#include "base/str.h"
#include "web/session-web.h"
#include "web/web.h"

#include <string.h>

void form_begin(struct request *req, const char *action)
{
	struct buf *o = &req->out;
	html_raw(o, "<form method=\"post\" class=\"stack\" action=\"");
	html_attr(o, action);
	html_raw(o, "\">\n");
	web_presession(req);
	html_hidden(o, "csrf", req->csrf);
	html_raw(o, "\n");
}

void form_end(struct request *req, const char *submit_label)
{
	struct buf *o = &req->out;
	html_raw(o, "<div class=\"actions\"><button type=\"submit\">");
	html_txt(o, submit_label);
	html_raw(o, "</button></div>\n</form>\n");
}

void notice(struct request *req, const char *kind, const char *text)
{
	struct buf *o = &req->out;
	html_raw(o, "<div class=\"notice ");
	html_attr(o, kind);
	html_raw(o, str_eq(kind, "error") ? "\" role=\"alert\"><p>" : "\" role=\"status\"><p>");
	html_txt(o, text);
	html_raw(o, "</p></div>\n");
}

void form_error_summary(struct request *req, const struct record_type *rt, const char *const *errors)
{
	struct buf *o = &req->out;
	size_t n = 0;
	for (size_t i = 0; i < rt->n; i++)
		if (errors[i])
			n++;
	if (n == 0)
		return;
	html_raw(o, "<div class=\"notice error error-summary\" role=\"alert\"><h2>");
	html_txt(o, _("Please correct the form"));
	html_raw(o, "</h2><ul>");
	for (size_t i = 0; i < rt->n; i++) {
		if (!errors[i])
			continue;
		html_raw(o, "<li><a href=\"#f-");
		html_attr(o, rt->fields[i].name);
		html_raw(o, "\">");
		html_txt(o, gettext(rt->fields[i].label));
		html_raw(o, ": ");
		html_txt(o, gettext(errors[i]));
		html_raw(o, "</a></li>");
	}
	html_raw(o, "</ul></div>\n");
}

static bool set_has(const char *set, const char *code)
{
	size_t cl = strlen(code);
	for (const char *p = set; p && *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == cl && strncmp(p, code, cl) == 0)
			return true;
		p += l + (e ? 1 : 0);
	}
	return false;
}

static void describedby(struct buf *o, const struct field *f, const char *error)
{
	if (!f->hint && !error)
		return;
	html_raw(o, " aria-describedby=\"");
	if (f->hint) {
		html_raw(o, "h-");
		html_attr(o, f->name);
	}
	if (error) {
		html_raw(o, f->hint ? " e-" : "e-");
		html_attr(o, f->name);
	}
	html_raw(o, "\"");
}

void form_field(struct request *req, const struct field *f, const char *value, const char *error)
{
	struct buf *o = &req->out;
	const char *v = value ? value : "";
	bool group = f->type == FT_PICKSET;
	html_raw(o, group ? "<fieldset class=\"field checks" : "<div class=\"field");
	html_raw(o, error ? " invalid\"" : "\"");
	if (group) {
		html_raw(o, " id=\"f-");
		html_attr(o, f->name);
		html_raw(o, "\"");
	}
	html_raw(o, ">");
	if (group) {
		html_raw(o, "<legend>");
		html_txt(o, gettext(f->label));
		html_raw(o, "</legend>");
	} else {
		html_raw(o, "<label for=\"f-");
		html_attr(o, f->name);
		html_raw(o, "\">");
		html_txt(o, gettext(f->label));
		if (!(f->flags & F_REQUIRED) && f->type != FT_BOOL) {
			html_raw(o, " <span class=\"hint\">(");
			html_txt(o, _("optional"));
			html_raw(o, ")</span>");
		}
		html_raw(o, "</label>");
	}
	if (f->hint) {
		html_raw(o, "<span class=\"hint\" id=\"h-");
		html_attr(o, f->name);
		html_raw(o, "\">");
		html_txt(o, gettext(f->hint));
		html_raw(o, "</span>");
	}
	if (error) {
		html_raw(o, "<span class=\"field-error\" id=\"e-");
		html_attr(o, f->name);
		html_raw(o, "\">");
		html_txt(o, gettext(error));
		html_raw(o, "</span>");
	}
	switch (f->type) {
	case FT_PICK:
		html_raw(o, "<select id=\"f-");
		html_attr(o, f->name);
		html_raw(o, "\" name=\"");
		html_attr(o, f->name);
		html_raw(o, "\"");
		if (f->flags & F_REQUIRED)
			html_raw(o, " required");
		if (error)
			html_raw(o, " aria-invalid=\"true\"");
		describedby(o, f, error);
		html_raw(o, "><option value=\"\">");
		html_txt(o, _("— choose —"));
		html_raw(o, "</option>");
		for (size_t i = 0; i < f->pl->n; i++) {
			html_raw(o, "<option value=\"");
			html_attr(o, f->pl->items[i].code);
			html_raw(o, str_eq(v, f->pl->items[i].code) ? "\" selected>" : "\">");
			html_txt(o, gettext(f->pl->items[i].label));
			html_raw(o, "</option>");
		}
		html_raw(o, "</select>");
		break;
	case FT_PICKSET:
		for (size_t i = 0; i < f->pl->n; i++) {
			html_raw(o, "<label><input type=\"checkbox\" name=\"");
			html_attr(o, f->name);
			html_raw(o, "\" value=\"");
			html_attr(o, f->pl->items[i].code);
			html_raw(o, set_has(v, f->pl->items[i].code) ? "\" checked> " : "\"> ");
			html_txt(o, gettext(f->pl->items[i].label));
			html_raw(o, "</label>");
		}
		break;
	case FT_LONGTEXT:
		html_raw(o, "<textarea id=\"f-");
		html_attr(o, f->name);
		html_raw(o, "\" name=\"");
		html_attr(o, f->name);
		html_raw(o, "\"");
		if (error)
			html_raw(o, " aria-invalid=\"true\"");
		describedby(o, f, error);
		html_raw(o, ">");
		html_txt(o, v);
		html_raw(o, "</textarea>");
		break;
	case FT_BOOL:
		html_raw(o, "<input type=\"checkbox\" id=\"f-");
		html_attr(o, f->name);
		html_raw(o, "\" name=\"");
		html_attr(o, f->name);
		html_raw(o, str_eq(v, "1") ? "\" value=\"1\" checked>" : "\" value=\"1\">");
		break;
	default: {
		const char *type = f->type == FT_EMAIL	  ? "email"
				   : f->type == FT_DATE	  ? "date"
				   : f->type == FT_PASSWORD ? "password"
				   : f->type == FT_PHONE	  ? "tel"
				   : f->type == FT_URL	  ? "url"
				   : f->type == FT_INT	  ? "number"
							  : "text";
		html_raw(o, "<input type=\"");
		html_raw(o, type);
		html_raw(o, "\" id=\"f-");
		html_attr(o, f->name);
		html_raw(o, "\" name=\"");
		html_attr(o, f->name);
		html_raw(o, "\"");
		if (f->type != FT_PASSWORD) {
			html_raw(o, " value=\"");
			html_attr(o, v);
			html_raw(o, "\"");
		} else {
			html_raw(o, " autocomplete=\"new-password\"");
		}
		if (f->type == FT_EMAIL)
			html_raw(o, " autocomplete=\"off\"");
		if (f->flags & F_REQUIRED)
			html_raw(o, " required");
		if (error)
			html_raw(o, " aria-invalid=\"true\"");
		describedby(o, f, error);
		html_raw(o, ">");
	}
	}
	html_raw(o, group ? "</fieldset>\n" : "</div>\n");
}

void form_fields(struct request *req, const struct record_type *rt, const char *const *values,
		 const char *const *errors, bool creating)
{
	for (size_t i = 0; i < rt->n; i++) {
		if (!creating && (rt->fields[i].flags & F_CREATE_ONLY))
			continue;
		form_field(req, &rt->fields[i], values ? values[i] : NULL, errors ? errors[i] : NULL);
	}
}
