/* ui-case-fields.c — the pieces the pages of persons and cases share (see
 * ui-case.h): values in the user's language, country widgets through ICU,
 * fieldsets, one error summary for two record tables, re-authentication. */
#include "base/str.h"
#include "base/uni.h"
#include "model/htcds.h"
#include "policy/policy.h"
#include "web/forms.h"
#include "web/session-web.h"
#include "web/ui-case.h"
#include "web/ui-common.h"
#include "web/web.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t ui_case_path_id(struct request *req)
{
	int64_t id = 0;
	if (str_to_i64(req_param(req, 0), 1, INT64_MAX, &id) < 0) {
		web_error(req, 404, N_("There is no such record."), NULL);
		return 0;
	}
	return id;
}

const char *ui_case_path(struct request *req, int64_t id, const char *suffix)
{
	return arena_printf(req->arena, "/cases/%lld%s", (long long)id, suffix ? suffix : "");
}

const char *ui_person_path(struct request *req, int64_t id, const char *suffix)
{
	return arena_printf(req->arena, "/persons/%lld%s", (long long)id, suffix ? suffix : "");
}

/* ---- countries ------------------------------------------------------------ */

/*
 * The 249 countries with their names in one language, sorted in its
 * collation: computed once per language (ICU takes a while for 249 names and
 * the list page shows them on every request) and kept for the process.
 */
#define COUNTRY_LANGS 2
static const char *const country_langs[COUNTRY_LANGS] = { "uk", "en" };
static struct country_names {
	pthread_once_t once;
	struct arena *arena;
	const char **names; /* by picklist index */
	size_t *order;      /* picklist indexes in collation order */
	struct buf options; /* every <option>, none selected: most pages choose no country */
} country_cache[COUNTRY_LANGS] = { { .once = PTHREAD_ONCE_INIT }, { .once = PTHREAD_ONCE_INIT } };

static void country_names_fill(size_t li)
{
	struct country_names *c = &country_cache[li];
	size_t n = pl_country.n;
	c->arena = arena_new(16384);
	c->names = arena_alloc(c->arena, sizeof *c->names * n);
	c->order = arena_alloc(c->arena, sizeof *c->order * n);
	for (size_t i = 0; i < n; i++) {
		c->names[i] = uni_country_name(c->arena, pl_country.items[i].code, country_langs[li]);
		c->order[i] = i;
	}
	uni_sort_index(country_langs[li], c->names, c->order, n);
	buf_init(&c->options);
	for (size_t k = 0; k < n; k++) {
		size_t i = c->order[k];
		html_raw(&c->options, "<option value=\"");
		html_attr(&c->options, pl_country.items[i].code);
		html_raw(&c->options, "\">");
		html_txt(&c->options, c->names[i]);
		html_raw(&c->options, "</option>");
	}
}

static void country_uk(void)
{
	country_names_fill(0);
}

static void country_en(void)
{
	country_names_fill(1);
}

static const struct country_names *countries(const char *lang)
{
	size_t li = str_eq(lang, "en") ? 1 : 0;
	pthread_once(&country_cache[li].once, li ? country_en : country_uk);
	return &country_cache[li];
}

static bool is_country_field(const struct field *f)
{
	return f->type == FT_COUNTRY || f->pl == &pl_country;
}

/* Whether the set "a,b,c" holds code. */
static bool set_has(const char *set, const char *code)
{
	size_t cl = strlen(code);
	for (const char *p = set ? set : ""; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == cl && strncmp(p, code, cl) == 0)
			return true;
		p += l + (e ? 1 : 0);
	}
	return false;
}

const char *ui_case_value(struct request *req, const struct field *f, const char *v)
{
	if (v == NULL || *v == '\0')
		return "";
	if (f->type == FT_COUNTRY)
		return uni_country_name(req->arena, v, req->lang);
	if (f->type == FT_PICK)
		return picklist_label(f->pl, v);
	if (f->type == FT_BOOL)
		return str_eq(v, "1") ? _("Yes") : _("No");
	if (f->type != FT_PICKSET)
		return v;
	struct buf b;
	buf_init_arena(&b, req->arena);
	for (const char *p = v; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		const char *code = arena_strndup(req->arena, p, l);
		buf_puts(&b, b.len ? ", " : "");
		buf_puts(&b, f->pl == &pl_country ? uni_country_name(req->arena, code, req->lang)
						  : picklist_label(f->pl, code));
		p += l + (e ? 1 : 0);
	}
	return b.data;
}

/* Countries: one <select> (several with multiple), ICU names in the user's language and order. */
static void country_field(struct request *req, const struct field *f, const char *v, const char *error,
			  const char *empty_label)
{
	struct buf *o = &req->out;
	bool many = f->type == FT_PICKSET;
	const struct country_names *cn = countries(req->lang);
	html_raw(o, error ? "<div class=\"field invalid\"><label for=\"f-" : "<div class=\"field\"><label for=\"f-");
	html_attr(o, f->name);
	html_raw(o, "\">");
	html_txt(o, gettext(f->label));
	if (!(f->flags & F_REQUIRED) && empty_label == NULL) {
		html_raw(o, " <span class=\"hint\">(");
		html_txt(o, _("optional"));
		html_raw(o, ")</span>");
	}
	html_raw(o, "</label>");
	if (many) {
		html_raw(o, "<span class=\"hint\" id=\"h-");
		html_attr(o, f->name);
		html_raw(o, "\">");
		html_txt(o, _("Hold Ctrl (or ⌘ on a Mac) to choose several."));
		html_raw(o, "</span>");
	}
	if (error) {
		html_raw(o, "<span class=\"field-error\" id=\"e-");
		html_attr(o, f->name);
		html_raw(o, "\">");
		html_txt(o, gettext(error));
		html_raw(o, "</span>");
	}
	html_raw(o, "<select id=\"f-");
	html_attr(o, f->name);
	html_raw(o, "\" name=\"");
	html_attr(o, f->name);
	html_raw(o, many ? "\" multiple size=\"6\"" : "\"");
	if (error)
		html_raw(o, " aria-invalid=\"true\"");
	if (many || error) {
		html_raw(o, " aria-describedby=\"");
		if (many) {
			html_raw(o, "h-");
			html_attr(o, f->name);
		}
		if (error) {
			html_raw(o, many ? " e-" : "e-");
			html_attr(o, f->name);
		}
		html_raw(o, "\"");
	}
	html_raw(o, ">");
	if (!many) {
		html_raw(o, "<option value=\"\">");
		html_txt(o, empty_label ? empty_label : _("— choose —"));
		html_raw(o, "</option>");
	}
	if (v == NULL || *v == '\0') {
		buf_append(o, cn->options.data, cn->options.len);
		html_raw(o, "</select></div>\n");
		return;
	}
	for (size_t k = 0; k < pl_country.n; k++) {
		size_t i = cn->order[k];
		const char *code = pl_country.items[i].code;
		bool chosen = many ? set_has(v, code) : str_eq(v, code);
		html_raw(o, "<option value=\"");
		html_attr(o, code);
		html_raw(o, chosen ? "\" selected>" : "\">");
		html_txt(o, cn->names[i]);
		html_raw(o, "</option>");
	}
	html_raw(o, "</select></div>\n");
}

void ui_case_field(struct request *req, const struct field *f, const char *value, const char *error)
{
	if (is_country_field(f))
		country_field(req, f, value ? value : "", error, NULL);
	else
		form_field(req, f, value, error);
}

void ui_case_filter_field(struct request *req, const struct field *f, const char *value, const char *error)
{
	struct buf *o = &req->out;
	const char *v = value ? value : "";
	if (f->pl == &pl_country) {
		country_field(req, f, v, error, _("All"));
		return;
	}
	html_raw(o, error ? "<div class=\"field invalid\"><label for=\"f-" : "<div class=\"field\"><label for=\"f-");
	html_attr(o, f->name);
	html_raw(o, "\">");
	html_txt(o, gettext(f->label));
	html_raw(o, "</label>");
	if (error) {
		html_raw(o, "<span class=\"field-error\" id=\"e-");
		html_attr(o, f->name);
		html_raw(o, "\">");
		html_txt(o, gettext(error));
		html_raw(o, "</span>");
	}
	if (f->type == FT_PICK) {
		html_raw(o, "<select id=\"f-");
		html_attr(o, f->name);
		html_raw(o, "\" name=\"");
		html_attr(o, f->name);
		html_raw(o, error ? "\" aria-invalid=\"true\" aria-describedby=\"e-" : "\"");
		if (error) {
			html_attr(o, f->name);
			html_raw(o, "\"");
		}
		html_raw(o, "><option value=\"\">");
		html_txt(o, _("All"));
		html_raw(o, "</option>");
		for (size_t i = 0; i < f->pl->n; i++) {
			html_raw(o, "<option value=\"");
			html_attr(o, f->pl->items[i].code);
			html_raw(o, str_eq(v, f->pl->items[i].code) ? "\" selected>" : "\">");
			html_txt(o, gettext(f->pl->items[i].label));
			html_raw(o, "</option>");
		}
		html_raw(o, "</select></div>\n");
		return;
	}
	html_raw(o, f->type == FT_DATE ? "<input type=\"date\" id=\"f-" : "<input type=\"search\" id=\"f-");
	html_attr(o, f->name);
	html_raw(o, "\" name=\"");
	html_attr(o, f->name);
	html_raw(o, "\" value=\"");
	html_attr(o, v);
	html_raw(o, "\"");
	if (error) {
		html_raw(o, " aria-invalid=\"true\" aria-describedby=\"e-");
		html_attr(o, f->name);
		html_raw(o, "\"");
	}
	html_raw(o, "></div>\n");
}

void ui_case_fieldset(struct request *req, const char *legend, const struct record_type *rt, const int *idx,
		      size_t n, const char *const *values, const char *const *errors)
{
	struct buf *o = &req->out;
	html_raw(o, "<fieldset><legend>");
	html_txt(o, legend);
	html_raw(o, "</legend>\n");
	for (size_t i = 0; i < n; i++)
		ui_case_field(req, &rt->fields[idx[i]], values ? values[idx[i]] : NULL, errors ? errors[idx[i]] : NULL);
	html_raw(o, "</fieldset>\n");
}

static void summary_items(struct buf *o, const struct record_type *rt, const char *const *errors)
{
	for (size_t i = 0; rt && errors && i < rt->n; i++) {
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
}

void ui_case_error_summary(struct request *req, const struct record_type *rt1, const char *const *errors1,
			   const struct record_type *rt2, const char *const *errors2)
{
	struct buf *o = &req->out;
	size_t n = 0;
	for (size_t i = 0; rt1 && errors1 && i < rt1->n; i++)
		n += errors1[i] != NULL;
	for (size_t i = 0; rt2 && errors2 && i < rt2->n; i++)
		n += errors2[i] != NULL;
	if (n == 0)
		return;
	html_raw(o, "<div class=\"notice error error-summary\" role=\"alert\"><h2>");
	html_txt(o, _("Please correct the form"));
	html_raw(o, "</h2><ul>");
	summary_items(o, rt1, errors1);
	summary_items(o, rt2, errors2);
	html_raw(o, "</ul></div>\n");
}

bool ui_case_place_problem(const struct record_type *rt, const char *field, const char *problem, const char **errors)
{
	int i = field ? record_field_index(rt, field) : -1;
	if (i < 0 || problem == NULL)
		return false;
	errors[i] = problem;
	return true;
}

/* ---- re-authentication ------------------------------------------------------ */

bool ui_case_reauth_fresh(const struct request *req)
{
	return req->actor && (int64_t)time(NULL) - req->actor->reauth_at <= REAUTH_SECONDS;
}

void ui_case_reauth_notice(struct request *req, const char *back)
{
	struct buf *o = &req->out;
	req->status = 401;
	req_add_header(req, "X-Reauth-Required", "1");
	html_raw(o, "<div class=\"notice warn\" role=\"alert\"><p>");
	html_txt(o, _("Personal data is shown only after you confirm your password (once every few minutes)."));
	html_raw(o, " ");
	ui_reauth_link(o, web_safe_next(back));
	html_raw(o, "</p></div>\n");
}

void ui_case_h2(struct request *req, const char *id, const char *text)
{
	struct buf *o = &req->out;
	html_raw(o, "<h2 id=\"");
	html_attr(o, id);
	html_raw(o, "\">");
	html_txt(o, text);
	html_raw(o, "</h2>\n");
}

void ui_case_not_given(struct buf *o)
{
	html_raw(o, "<span class=\"hint\">");
	html_txt(o, _("not given"));
	html_raw(o, "</span>");
}
