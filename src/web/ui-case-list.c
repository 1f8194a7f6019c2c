/* ui-case-list.c — the list of cases: filters, sorting, pages of 50, and the
 * search by name (any script), phone, date of birth or case code.
 *
 * The list never shows who a case is about: code, status, dates, age band,
 * gender, region, types of exploitation and caseworkers only.  Names appear
 * after "Show names on this page" (POST /cases/reveal), which needs policy
 * case.reveal and the password confirmed within the last few minutes, and
 * opens each person through person_get, which audits every view.
 *
 * The search box posts (POST /cases): a name typed there must not end up in
 * the address bar, the browser's history or a bookmark.
 */
#include "base/str.h"
#include "model/case.h"
#include "model/htcds.h"
#include "model/person.h"
#include "web/forms.h"
#include "web/session-web.h"
#include "web/ui-case.h"
#include "web/ui-common.h"
#include "web/ui.h"
#include "web/web.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define PAGE_SIZE 50

static const struct pick case_sort_items[] = {
	{ "registered", N_("Registered, newest first") },
	{ "code", N_("Case code") },
	{ "status", N_("Status") },
	{ "identified", N_("Identified, newest first") },
};
static const struct picklist pl_case_sort = { "case_sort", case_sort_items, 4 };

/* Order matters: LF_* index values[] and errors[]. */
enum { LF_STATUS, LF_CASEWORKER, LF_REGION, LF_EXPLOITATION, LF_COUNTRY, LF_REG_FROM, LF_REG_TO, LF_ID_FROM,
       LF_ID_TO, LF_SORT, LF_OFFSET, LF_Q, LF__COUNT };

static const struct field filter_fields[LF__COUNT] = {
	[LF_STATUS] = { "status", "status", FT_PICK, &pl_cas_Status, 0, 0, 0, N_("Status"), NULL },
	[LF_CASEWORKER] = { "caseworker", "caseworker", FT_INT, NULL, 0, 1, INT64_MAX, N_("Caseworker"), NULL },
	[LF_REGION] = { "region", "region", FT_PICK, &pl_region, 0, 0, 0, N_("Region of residence"), NULL },
	[LF_EXPLOITATION] = { "exploitation", "exploitation", FT_PICK, &pl_vic_TypeOfExploitation, 0, 0, 0,
			      N_("Type of exploitation"), NULL },
	[LF_COUNTRY] = { "country", "country", FT_PICK, &pl_country, 0, 0, 0, N_("Country of exploitation"), NULL },
	[LF_REG_FROM] = { "registered_from", "registered_from", FT_DATE, NULL, 0, 0, 0, N_("Registered from"), NULL },
	[LF_REG_TO] = { "registered_to", "registered_to", FT_DATE, NULL, 0, 0, 0, N_("Registered until"), NULL },
	[LF_ID_FROM] = { "identified_from", "identified_from", FT_DATE, NULL, 0, 0, 0, N_("Identified from"), NULL },
	[LF_ID_TO] = { "identified_to", "identified_to", FT_DATE, NULL, 0, 0, 0, N_("Identified until"), NULL },
	[LF_SORT] = { "sort", "sort", FT_PICK, &pl_case_sort, 0, 0, 0, N_("Sort by"), NULL },
	[LF_OFFSET] = { "offset", "offset", FT_INT, NULL, 0, 0, 10000000, N_("From row"), NULL },
	[LF_Q] = { "q", "q", FT_TEXT, NULL, 0, 0, 100, N_("Name, phone, date of birth or case code"),
		   N_("A name in Cyrillic or Latin letters finds both spellings.") },
};
static const struct record_type filter_rt = { "case_filter", filter_fields, LF__COUNT };

struct list {
	const char *values[LF__COUNT], *errors[LF__COUNT];
	int nerr;
	struct case_filter f;
	bool search;              /* q given: search results, no filters */
	const char *problem;      /* a service's problem not tied to a filter */
	struct case_rec *rows;
	int n;
	bool more;
	const char **names;       /* per row when revealed, else NULL */
	struct case_worker_choice *workers;
	int nworkers;
};

/* ---- reading and fetching ------------------------------------------------- */

static void read_filters(struct request *req, const struct kvlist *in, struct list *l)
{
	memset(l, 0, sizeof *l);
	l->nerr = record_read_form(&filter_rt, in, true, req->arena, l->values, l->errors);
	const char **v = l->values;
	for (int i = 0; i < LF__COUNT; i++)
		if (l->errors[i])
			v[i] = "";
	struct case_filter *f = &l->f;
	f->status = v[LF_STATUS];
	f->region = v[LF_REGION];
	f->exploitation_type = v[LF_EXPLOITATION];
	f->country_of_exploitation = v[LF_COUNTRY];
	f->registered_from = v[LF_REG_FROM];
	f->registered_to = v[LF_REG_TO];
	f->identified_from = v[LF_ID_FROM];
	f->identified_to = v[LF_ID_TO];
	f->sort = v[LF_SORT];
	f->limit = PAGE_SIZE;
	f->brief = true;
	int64_t n = 0;
	if (*v[LF_CASEWORKER] && str_to_i64(v[LF_CASEWORKER], 1, INT64_MAX, &n) == 0)
		f->caseworker_id = n;
	if (*v[LF_OFFSET] && str_to_i64(v[LF_OFFSET], 0, 10000000, &n) == 0)
		f->offset = (int)n;
	l->search = *v[LF_Q] != '\0';
}

/* UA-TE-2026-00042: letters, letters, a year, digits; any case. */
static const char *as_case_code(struct request *req, const char *q)
{
	size_t n = strlen(q), dashes = 0;
	if (n < 10 || n > 40)
		return NULL;
	char *code = arena_strdup(req->arena, q);
	for (char *p = code; *p; p++) {
		if (*p == '-')
			dashes++;
		else if (!isalnum((unsigned char)*p))
			return NULL;
		*p = (char)toupper((unsigned char)*p);
	}
	if (dashes != 3 || !isalpha((unsigned char)code[0]) || !isdigit((unsigned char)code[n - 1]))
		return NULL;
	return code;
}

/* Search hits as rows of the list: each hit's case, loaded (and policy-checked) by case_get. */
static int search_rows(struct request *req, struct svc *s, struct list *l)
{
	const char *code = as_case_code(req, l->values[LF_Q]);
	if (code) {
		struct case_filter f = { .code = code, .limit = PAGE_SIZE, .brief = true };
		return case_list(s, &f, &l->rows, &l->n, &l->more);
	}
	struct person_hit *hits;
	int nh = 0;
	int rc = person_search(s, l->values[LF_Q], PAGE_SIZE, &hits, &nh);
	if (rc != SVC_OK)
		return rc;
	l->rows = arena_zalloc(req->arena, sizeof *l->rows * (size_t)(nh ? nh : 1));
	for (int i = 0; i < nh; i++) {
		struct case_rec *r = &l->rows[l->n];
		if (hits[i].case_id == 0) {
			/* She is known but none of her cases is the actor's to see: say so, without a link. */
			memset(r, 0, sizeof *r);
			r->person_id = hits[i].person_id;
			r->code = r->owner_org_code = r->region = r->residence_region = r->caseworkers = "";
			r->gender = hits[i].gender ? hits[i].gender : "";
			r->age_band = hits[i].age_band ? hits[i].age_band : "";
			for (int k = 0; k < C__COUNT; k++)
				r->v[k] = "";
			l->n++;
			continue;
		}
		rc = case_get(s, hits[i].case_id, false, r);
		if (rc == SVC_OK)
			l->n++;
		else if (rc != SVC_DENIED && rc != SVC_NOT_FOUND)
			return rc;
	}
	return SVC_OK;
}

/* Loads the rows; false after answering an error page.  Invalid filters show the form only. */
static bool fetch(struct request *req, struct list *l)
{
	struct svc s = web_svc(req);
	if (case_worker_choices(&s, req->actor->org_id, &l->workers, &l->nworkers) != SVC_OK)
		l->nworkers = 0; /* the filter is a convenience: the list works without it */
	if (l->nerr > 0)
		return true;
	s = web_svc(req);
	int rc = l->search ? search_rows(req, &s, l) : case_list(&s, &l->f, &l->rows, &l->n, &l->more);
	if (rc == SVC_INVALID) {
		if (!ui_case_place_problem(&filter_rt, s.problem_field, s.problem, l->errors))
			l->problem = s.problem;
		l->nerr++;
		return true;
	}
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return false;
	}
	return true;
}

/* ---- links ----------------------------------------------------------------- */

/* "/cases?filters" with sort and offset replaced (NULL: keep), for sorting and paging links. */
static const char *list_href(struct request *req, const struct list *l, const char *sort, int offset)
{
	struct buf b;
	buf_init_arena(&b, req->arena);
	buf_puts(&b, "/cases");
	bool first = true;
	for (int i = 0; i < LF__COUNT; i++) {
		const char *v = i == LF_SORT && sort ? sort : l->values[i];
		if (i == LF_OFFSET || i == LF_Q || v == NULL || *v == '\0')
			continue;
		buf_puts(&b, first ? "?" : "&");
		first = false;
		buf_puts(&b, filter_fields[i].name);
		buf_putc(&b, '=');
		html_url_arg(&b, v);
	}
	if (offset > 0)
		buf_printf(&b, "%soffset=%d", first ? "?" : "&", offset);
	return b.data;
}

/* The filters and the rows shown, as hidden fields of the reveal form. */
static void hidden_state(struct request *req, const struct list *l)
{
	for (int i = 0; i < LF__COUNT; i++)
		if (l->values[i] && *l->values[i]) {
			html_hidden(&req->out, filter_fields[i].name, l->values[i]);
			html_raw(&req->out, "\n");
		}
	for (int i = 0; i < l->n; i++)
		if (l->rows[i].id) {
			char id[24];
			snprintf(id, sizeof id, "%lld", (long long)l->rows[i].id);
			html_hidden(&req->out, "id", id);
		}
	html_raw(&req->out, "\n");
}

/* ---- the page -------------------------------------------------------------- */

static void search_form(struct request *req, const struct list *l)
{
	struct buf *o = &req->out;
	html_raw(o, "<form method=\"post\" action=\"/cases\" class=\"filters\" role=\"search\" aria-label=\"");
	html_attr(o, _("Search for a person or a case"));
	html_raw(o, "\">\n");
	html_hidden(o, "csrf", req->csrf ? req->csrf : "");
	html_raw(o, "\n");
	const struct field *f = &filter_fields[LF_Q];
	const char *err = l->errors[LF_Q];
	html_raw(o, err ? "<div class=\"field invalid\">" : "<div class=\"field\">");
	html_raw(o, "<label for=\"f-q\">");
	html_txt(o, gettext(f->label));
	html_raw(o, "</label><span class=\"hint\" id=\"h-q\">");
	html_txt(o, gettext(f->hint));
	html_raw(o, "</span>");
	if (err) {
		html_raw(o, "<span class=\"field-error\" id=\"e-q\">");
		html_txt(o, gettext(err));
		html_raw(o, "</span>");
	}
	html_raw(o, "<input type=\"search\" id=\"f-q\" name=\"q\" autocomplete=\"off\" maxlength=\"100\" value=\"");
	html_attr(o, l->values[LF_Q] ? l->values[LF_Q] : "");
	html_raw(o, err ? "\" aria-invalid=\"true\" aria-describedby=\"h-q e-q\"></div>\n"
			: "\" aria-describedby=\"h-q\"></div>\n");
	html_raw(o, "<div class=\"actions\"><button type=\"submit\">");
	html_txt(o, _("Search"));
	html_raw(o, "</button></div>\n</form>\n");
}

static void caseworker_filter(struct request *req, const struct list *l)
{
	struct buf *o = &req->out;
	const char *err = l->errors[LF_CASEWORKER];
	const char *v = l->values[LF_CASEWORKER] ? l->values[LF_CASEWORKER] : "";
	html_raw(o, err ? "<div class=\"field invalid\">" : "<div class=\"field\">");
	html_raw(o, "<label for=\"f-caseworker\">");
	html_txt(o, _("Caseworker"));
	html_raw(o, "</label>");
	if (err) {
		html_raw(o, "<span class=\"field-error\" id=\"e-caseworker\">");
		html_txt(o, gettext(err));
		html_raw(o, "</span>");
	}
	html_raw(o, err ? "<select id=\"f-caseworker\" name=\"caseworker\" aria-invalid=\"true\" aria-describedby=\"e-caseworker\">"
			: "<select id=\"f-caseworker\" name=\"caseworker\">");
	html_raw(o, "<option value=\"\">");
	html_txt(o, _("All"));
	html_raw(o, "</option>");
	for (int i = 0; i < l->nworkers; i++) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)l->workers[i].id);
		html_raw(o, "<option value=\"");
		html_attr(o, id);
		html_raw(o, str_eq(v, id) ? "\" selected>" : "\">");
		html_txt(o, l->workers[i].name);
		html_raw(o, "</option>");
	}
	html_raw(o, "</select></div>\n");
}

static void filter_form(struct request *req, const struct list *l)
{
	ui_filters_begin(req, "/cases", _("Filter the cases"));
	ui_case_filter_field(req, &filter_fields[LF_STATUS], l->values[LF_STATUS], l->errors[LF_STATUS]);
	caseworker_filter(req, l);
	static const int rest[] = { LF_REGION, LF_EXPLOITATION, LF_COUNTRY, LF_REG_FROM, LF_REG_TO, LF_ID_FROM, LF_ID_TO,
				    LF_SORT };
	for (size_t i = 0; i < sizeof rest / sizeof rest[0]; i++)
		ui_case_filter_field(req, &filter_fields[rest[i]], l->values[rest[i]], l->errors[rest[i]]);
	ui_filters_end(req, _("Filter"), "/cases", _("Clear"));
}

/* A column heading that sorts the list by key (NULL: not sortable). */
static void sort_th(struct request *req, const struct list *l, const char *key, const char *label)
{
	struct buf *o = &req->out;
	const char *cur = *l->values[LF_SORT] ? l->values[LF_SORT] : "registered";
	if (key == NULL || l->search) {
		html_raw(o, "<th scope=\"col\">");
		html_txt(o, label);
		html_raw(o, "</th>");
		return;
	}
	bool here = str_eq(cur, key);
	html_raw(o, here ? (str_eq(key, "code") || str_eq(key, "status") ? "<th scope=\"col\" aria-sort=\"ascending\">"
									  : "<th scope=\"col\" aria-sort=\"descending\">")
			 : "<th scope=\"col\">");
	html_raw(o, "<a href=\"");
	html_attr(o, list_href(req, l, key, 0));
	html_raw(o, "\">");
	html_txt(o, label);
	html_raw(o, "</a></th>");
}

static void rows_table(struct request *req, const struct list *l)
{
	struct buf *o = &req->out;
	const struct field *ft = &case_record.fields[C_EXPLOITATION_TYPES];
	html_raw(o, "<div class=\"table-wrap\"><table>\n<caption>");
	html_txt(o, arena_printf(req->arena,
				 l->search ? ngettext("%d case found", "%d cases found", (unsigned long)l->n)
					   : ngettext("%d case on this page", "%d cases on this page", (unsigned long)l->n),
				 l->n));
	html_raw(o, "</caption>\n<thead><tr>");
	sort_th(req, l, "code", _("Case"));
	if (l->names)
		sort_th(req, l, NULL, _("Full name"));
	sort_th(req, l, "status", _("Status"));
	sort_th(req, l, "registered", _("Registered"));
	sort_th(req, l, "identified", _("Identified"));
	sort_th(req, l, NULL, _("Age"));
	sort_th(req, l, NULL, _("Gender"));
	sort_th(req, l, NULL, _("Region"));
	sort_th(req, l, NULL, _("Types of exploitation"));
	sort_th(req, l, NULL, _("Caseworker"));
	html_raw(o, "</tr></thead>\n<tbody>\n");
	for (int i = 0; i < l->n; i++) {
		const struct case_rec *r = &l->rows[i];
		html_raw(o, "<tr><td class=\"mono\">");
		if (r->id) {
			html_raw(o, "<a href=\"");
			html_attr(o, ui_case_path(req, r->id, ""));
			html_raw(o, "\">");
			html_txt(o, r->code);
			html_raw(o, "</a>");
		} else {
			html_raw(o, "<span class=\"hint\">");
			html_txt(o, _("no case you may open"));
			html_raw(o, "</span>");
		}
		if (l->names) {
			html_raw(o, "</td><td>");
			if (l->names[i])
				html_txt(o, l->names[i]);
			else
				ui_case_not_given(o);
		}
		html_raw(o, "</td><td>");
		if (*r->v[C_STATUS])
			ui_tag(o, str_eq(r->v[C_STATUS], "Active") || str_eq(r->v[C_STATUS], "FollowUp"),
			       picklist_label(&pl_cas_Status, r->v[C_STATUS]));
		html_raw(o, "</td><td>");
		html_txt(o, r->v[C_REGISTERED_ON]);
		html_raw(o, "</td><td>");
		html_txt(o, r->v[C_IDENTIFIED_ON]);
		html_raw(o, "</td><td>");
		html_txt(o, r->age_band);
		html_raw(o, "</td><td>");
		html_txt(o, *r->gender ? picklist_label(&pl_prs_Gender, r->gender) : "");
		html_raw(o, "</td><td>");
		html_txt(o, *r->residence_region ? picklist_label(&pl_region, r->residence_region) : "");
		html_raw(o, "</td><td>");
		html_txt(o, ui_case_value(req, ft, r->v[C_EXPLOITATION_TYPES]));
		html_raw(o, "</td><td>");
		html_txt(o, r->caseworkers);
		html_raw(o, "</td></tr>\n");
	}
	html_raw(o, "</tbody></table></div>\n");
}

static void reveal_form(struct request *req, const struct list *l)
{
	if (l->names || l->n == 0 || policy_scope(req->actor, A_CASE_REVEAL) == SCOPE_NONE)
		return;
	form_begin(req, "/cases/reveal");
	hidden_state(req, l);
	html_raw(&req->out, "<p class=\"hint\">");
	html_txt(&req->out, _("Names are hidden. Showing them is recorded in the audit trail."));
	html_raw(&req->out, "</p>\n");
	html_raw(&req->out, "<div class=\"actions\"><button type=\"submit\" class=\"secondary\">");
	html_txt(&req->out, _("Show names on this page"));
	html_raw(&req->out, "</button></div>\n</form>\n");
}

static void pager(struct request *req, const struct list *l)
{
	if (l->search || (l->f.offset == 0 && !l->more))
		return;
	ui_pager_begin(req);
	if (l->f.offset > 0) {
		int prev = l->f.offset > PAGE_SIZE ? l->f.offset - PAGE_SIZE : 0;
		ui_pager_link(req, NULL, list_href(req, l, NULL, 0), _("First page"));
		ui_pager_link(req, "prev", list_href(req, l, NULL, prev), _("Previous page"));
	}
	if (l->more)
		ui_pager_link(req, "next", list_href(req, l, NULL, l->f.offset + PAGE_SIZE), _("Next page"));
	ui_pager_end(req);
}

/* The whole page; stale_back: the reveal needs re-authentication first (notice with a link back). */
static void list_page(struct request *req, const struct list *l, const char *stale_back)
{
	struct buf *o = &req->out;
	if (l->nerr > 0)
		req->status = 400;
	page_begin(req, _("Cases"));
	ui_h1(req, l->search ? _("Search results") : _("Cases"));
	if (policy_may(req->actor, A_CASE_CREATE, NULL)) {
		html_raw(o, "<p class=\"actions\"><a class=\"button\" href=\"/cases/new\">");
		html_txt(o, _("Register a person and open a case"));
		html_raw(o, "</a></p>\n");
	}
	if (stale_back)
		ui_case_reauth_notice(req, stale_back);
	if (l->problem)
		notice(req, "error", gettext(l->problem));
	search_form(req, l);
	if (l->search) {
		html_raw(o, "<p><a href=\"/cases\">");
		html_txt(o, _("Back to the list of cases"));
		html_raw(o, "</a></p>\n");
	} else {
		filter_form(req, l);
	}
	if (l->nerr > 0) {
		page_end(req);
		return;
	}
	if (l->n == 0) {
		html_raw(o, "<p>");
		html_txt(o, l->search ? _("Nobody you may see matches this search.") : _("No cases match these filters."));
		html_raw(o, "</p>\n");
		page_end(req);
		return;
	}
	rows_table(req, l);
	reveal_form(req, l);
	pager(req, l);
	page_end(req);
}

void ui_case_list(struct request *req)
{
	struct list l;
	read_filters(req, &req->query, &l);
	if (fetch(req, &l))
		list_page(req, &l, NULL);
}

void ui_case_search(struct request *req)
{
	struct list l;
	read_filters(req, &req->form, &l);
	if (!l.search && l.nerr == 0) {
		l.errors[LF_Q] = N_("Search by a name, a phone number or a date of birth.");
		l.nerr = 1;
		l.search = true;
	}
	if (fetch(req, &l))
		list_page(req, &l, NULL);
}

/* The same list, with the names of the persons whose cases were on the page shown. */
void ui_case_list_reveal(struct request *req)
{
	struct list l;
	read_filters(req, &req->form, &l);
	if (!fetch(req, &l))
		return;
	if (l.nerr > 0 || l.n == 0) {
		list_page(req, &l, NULL);
		return;
	}
	if (!ui_case_reauth_fresh(req)) {
		/* The search is not repeated in a link (it would put the name in the address): back to the list. */
		list_page(req, &l, l.search ? "/cases" : list_href(req, &l, NULL, l.f.offset));
		return;
	}
	l.names = arena_zalloc(req->arena, sizeof *l.names * (size_t)l.n);
	for (int i = 0; i < l.n; i++) {
		const struct case_rec *r = &l.rows[i];
		bool asked = false;
		for (size_t k = 0; k < req->form.n && !asked; k++) {
			int64_t id;
			asked = str_eq(req->form.items[k].key, "id") && str_to_i64(req->form.items[k].value, 1, INT64_MAX, &id) == 0 &&
				id == r->id;
		}
		struct resource res = { .org_id = r->owner_org_id, .assigned = r->assigned };
		/* A row the actor may not reveal stays masked (web_may would answer the whole page with 403). */
		if (!asked || r->id == 0 || !policy_may(req->actor, A_CASE_REVEAL, &res))
			continue;
		struct svc s = web_svc(req);
		struct person p;
		int rc = person_get(&s, r->person_id, true, &p);
		if (rc == SVC_OK)
			l.names[i] = person_display_name(req->arena, p.v);
		else if (rc != SVC_DENIED && rc != SVC_NOT_FOUND) {
			web_svc_fail(req, &s, rc);
			return;
		}
	}
	list_page(req, &l, NULL);
}
