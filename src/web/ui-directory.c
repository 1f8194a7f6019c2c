/* ui-directory.c — the pages of the service directory: the search (by service
 * and the region she is in, nearest and most available first), the forms to
 * add and edit an organization's entry, and the provider's count of free
 * places, which it can update from the search results. */
#include "base/str.h"
#include "model/directory.h"
#include "model/person.h"
#include "web/forms.h"
#include "web/session-web.h"
#include "web/ui-case.h"
#include "web/ui-common.h"
#include "web/ui.h"
#include "web/web.h"

#include <stdlib.h>
#include <string.h>

/* The search's filters, declared once: the form and the reader use the same table. */
static const struct field filter_fields[] = {
	{ "service", "service", FT_PICK, &pl_service, 0, 0, 0, N_("Service"), NULL },
	{ "region", "region", FT_PICK, &pl_region, 0, 0, 0, N_("Region she is in"), NULL },
};
static const struct record_type filter_rt = { "directory_filter", filter_fields, 2 };

static const char *dir_path(struct request *req, int64_t id, const char *suffix)
{
	return arena_printf(req->arena, "/directory/%lld%s", (long long)id, suffix);
}

/* The search's address for one service, to come back to after a change. */
static const char *search_path(struct request *req, const char *service, const char *done, int64_t anchor)
{
	struct buf b;
	buf_init_arena(&b, req->arena);
	buf_puts(&b, "/directory?service=");
	html_url_arg(&b, service);
	buf_puts(&b, "&done=");
	html_url_arg(&b, done);
	if (anchor)
		buf_printf(&b, "#entry-%lld", (long long)anchor);
	return b.data;
}

/* A set of codes as a list of labels in the user's language ("" for none). */
static const char *labels(struct request *req, const struct picklist *pl, const char *set)
{
	struct buf b;
	buf_init_arena(&b, req->arena);
	buf_puts(&b, "");
	for (const char *p = set; p && *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (b.len)
			buf_puts(&b, ", ");
		buf_puts(&b, picklist_label(pl, arena_strndup(req->arena, p, l)));
		p += l + (e ? 1 : 0);
	}
	return b.data;
}

static const char *org_name(struct request *req, const struct dir_entry *e)
{
	return str_eq(req->lang, "en") && *e->org_name_en ? e->org_name_en : e->org_name_uk;
}

/* A value, or the hint "not given". */
static void cell_text(struct buf *o, const char *v)
{
	if (v && *v)
		html_txt(o, v);
	else
		ui_case_not_given(o);
}

/* Who may come: age groups, sexes, nationalities, children. */
static void eligibility(struct request *req, const struct dir_entry *e)
{
	struct buf *o = &req->out;
	html_txt(o, *e->v[D_AGE_GROUPS] ? labels(req, &pl_age_group, e->v[D_AGE_GROUPS]) : _("Any age"));
	html_raw(o, "<br>");
	html_txt(o, *e->v[D_SEXES] ? labels(req, &pl_sex, e->v[D_SEXES]) : _("Anyone"));
	html_raw(o, "<br>");
	html_txt(o, *e->v[D_NATIONALITIES] ? e->v[D_NATIONALITIES] : _("Any nationality"));
	if (str_eq(e->v[D_CHILDREN], "1")) {
		html_raw(o, "<br>");
		html_txt(o, _("Children may come with their parent"));
	}
}

/* The provider's form for free places; error (translated) is shown next to the field. */
static void capacity_form(struct request *req, const struct dir_entry *e, const char *value, const char *error)
{
	struct buf *o = &req->out;
	const char *id = arena_printf(req->arena, "cap-%lld", (long long)e->id);
	html_raw(o, "<form method=\"post\" class=\"inline\" action=\"");
	html_attr(o, dir_path(req, e->id, "/capacity"));
	html_raw(o, "\">");
	html_hidden(o, "csrf", req->csrf ? req->csrf : "");
	html_hidden(o, "version", arena_printf(req->arena, "%lld", (long long)e->version));
	html_raw(o, "<label for=\"");
	html_attr(o, id);
	html_raw(o, "\">");
	html_txt(o, _("Free places"));
	html_raw(o, "</label> ");
	if (error) {
		html_raw(o, "<span class=\"field-error\" id=\"e-");
		html_attr(o, id);
		html_raw(o, "\">");
		html_txt(o, error);
		html_raw(o, "</span> ");
	}
	html_raw(o, "<input type=\"number\" min=\"0\" max=\"");
	html_attr(o, e->v[D_CAP_TOTAL]);
	html_raw(o, "\" id=\"");
	html_attr(o, id);
	html_raw(o, "\" name=\"capacity_free\" value=\"");
	html_attr(o, value);
	if (error) {
		html_raw(o, "\" aria-invalid=\"true\" aria-describedby=\"e-");
		html_attr(o, id);
	}
	html_raw(o, "\"> <button type=\"submit\" class=\"secondary\">");
	html_txt(o, _("Update"));
	html_raw(o, "</button></form>");
}

static void capacity_cell(struct request *req, const struct dir_entry *e, bool may_edit)
{
	struct buf *o = &req->out;
	if (*e->v[D_CAP_TOTAL] == '\0') {
		html_txt(o, _("not counted"));
		return;
	}
	if (*e->v[D_CAP_FREE]) {
		html_txt(o, arena_printf(req->arena, _("%s of %s free"), e->v[D_CAP_FREE], e->v[D_CAP_TOTAL]));
		if (str_eq(e->v[D_CAP_FREE], "0")) {
			html_raw(o, " ");
			ui_tag(o, false, _("full"));
		}
	} else {
		html_txt(o, arena_printf(req->arena, _("%s places, free unknown"), e->v[D_CAP_TOTAL]));
	}
	if (may_edit) {
		html_raw(o, "<br>");
		capacity_form(req, e, e->v[D_CAP_FREE], NULL);
	}
}

static void distance_cell(struct request *req, const struct dir_entry *e)
{
	struct buf *o = &req->out;
	if (e->distance_km == 0)
		html_txt(o, _("covers the region"));
	else if (e->distance_km > 0)
		html_txt(o, arena_printf(req->arena, _("about %lld km"), (long long)e->distance_km));
	else
		html_txt(o, "—");
}

static void th(struct buf *o, const char *label)
{
	html_raw(o, "<th scope=\"col\">");
	html_txt(o, label);
	html_raw(o, "</th>");
}

void ui_directory_list(struct request *req)
{
	struct buf *o = &req->out;
	const char *values[2], *errors[2];
	int nerr = record_read_form(&filter_rt, &req->query, true, req->arena, values, errors);
	struct svc s = web_svc(req);
	struct dir_entry *rows = NULL;
	int n = 0, rc = SVC_OK;
	if (nerr == 0) {
		struct dir_filter f = { .service = values[0], .region = values[1] };
		rc = directory_list(&s, &f, &rows, &n);
		if (rc == SVC_INVALID) {
			int i = record_field_index(&filter_rt, s.problem_field ? s.problem_field : "");
			if (i >= 0)
				errors[i] = s.problem;
			nerr++;
		} else if (rc != SVC_OK) {
			web_svc_fail(req, &s, rc);
			return;
		}
	}
	req->status = nerr ? 400 : 200;
	page_begin(req, _("Service directory"));
	ui_h1(req, _("Service directory"));
	const char *done = req_query(req, "done");
	if (str_eq(done, "saved"))
		notice(req, "ok", _("The entry was saved."));
	else if (str_eq(done, "capacity"))
		notice(req, "ok", _("The free places were updated."));
	if (policy_may(req->actor, A_DIRECTORY_EDIT, NULL)) {
		html_raw(o, "<p class=\"actions\"><a class=\"button\" href=\"/directory/new\">");
		html_txt(o, _("Add a service"));
		html_raw(o, "</a></p>\n");
	}
	html_raw(o, "<p>");
	html_txt(o, _("The services of the network's organizations. With a region, the nearest come first; among "
		      "equally near ones, those verified recently and with free places."));
	html_raw(o, "</p>\n");
	ui_filters_begin(req, "/directory", _("Search the directory"));
	for (int i = 0; i < 2; i++)
		ui_case_filter_field(req, &filter_fields[i], values[i], errors[i]);
	ui_filters_end(req, _("Search"), "/directory", _("Clear"));
	if (nerr) {
		page_end(req);
		return;
	}
	if (n == 0) {
		html_raw(o, "<p>");
		html_txt(o, _("No service of the directory matches."));
		html_raw(o, "</p>\n");
		page_end(req);
		return;
	}
	html_raw(o, "<div class=\"table-wrap\"><table>\n<caption>");
	html_txt(o, arena_printf(req->arena, ngettext("%d service found", "%d services found", (unsigned long)n), n));
	html_raw(o, "</caption>\n<thead><tr>");
	th(o, _("Organization"));
	th(o, _("Service"));
	th(o, _("Regions covered"));
	th(o, _("Distance"));
	th(o, _("Who may come"));
	th(o, _("Places"));
	th(o, _("Languages"));
	th(o, _("Opening hours"));
	th(o, _("Contact point"));
	th(o, _("Last verified"));
	html_raw(o, "</tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		const struct dir_entry *e = &rows[i];
		bool may_edit = policy_may(req->actor, A_DIRECTORY_EDIT, &(struct resource){ .org_id = e->org_id });
		html_raw(o, "<tr id=\"entry-");
		html_int(o, e->id);
		html_raw(o, "\"><td><a href=\"/orgs/");
		html_url_arg(o, e->org_code);
		html_raw(o, "\">");
		html_txt(o, org_name(req, e));
		html_raw(o, "</a> <span class=\"mono\">");
		html_txt(o, e->org_code);
		html_raw(o, "</span>");
		if (may_edit) {
			html_raw(o, "<br><a href=\"");
			html_attr(o, dir_path(req, e->id, "/edit"));
			html_raw(o, "\">");
			html_txt(o, _("Edit the entry"));
			html_raw(o, "</a>");
		}
		html_raw(o, "</td><td>");
		html_txt(o, picklist_label(&pl_service, e->v[D_SERVICE]));
		html_raw(o, "</td><td>");
		html_txt(o, labels(req, &pl_region, e->v[D_REGIONS]));
		html_raw(o, "</td><td>");
		distance_cell(req, e);
		html_raw(o, "</td><td>");
		eligibility(req, e);
		html_raw(o, "</td><td>");
		capacity_cell(req, e, may_edit);
		html_raw(o, "</td><td>");
		cell_text(o, labels(req, &pl_language, e->v[D_LANGUAGES]));
		html_raw(o, "</td><td>");
		cell_text(o, e->v[D_HOURS]);
		html_raw(o, "</td><td>");
		cell_text(o, e->v[D_CONTACT]);
		html_raw(o, "</td><td>");
		html_txt(o, e->v[D_VERIFIED_ON]);
		if (e->stale) {
			html_raw(o, " ");
			ui_tag(o, false, _("stale"));
		}
		html_raw(o, "</td></tr>\n");
	}
	html_raw(o, "</tbody></table></div>\n");
	page_end(req);
}

/* ---- add and edit ------------------------------------------------------------- */

static bool picks_org(const struct request *req)
{
	return policy_scope(req->actor, A_DIRECTORY_EDIT) == SCOPE_ANY;
}

static void dir_form(struct request *req, const char *title, const char *action, const struct dir_entry *cur,
		     int64_t version, const char *const *values, const char *const *errors, const char *problem,
		     int status)
{
	struct buf *o = &req->out;
	bool creating = cur == NULL;
	req->status = status;
	page_begin(req, title);
	ui_h1(req, title);
	if (problem)
		notice(req, "error", problem);
	if (errors)
		form_error_summary(req, &directory_record, errors);
	if (!creating) {
		html_raw(o, "<dl class=\"facts\">");
		ui_fact(o, _("Organization"), org_name(req, cur));
		ui_fact(o, _("Service"), picklist_label(&pl_service, cur->v[D_SERVICE]));
		html_raw(o, "</dl>\n");
	}
	form_begin(req, action);
	if (!creating)
		ui_version_hidden(req, version);
	for (int i = 0; i < D__COUNT; i++) {
		if (i == D_ORG && !(creating && picks_org(req)))
			continue;
		if (!creating && (directory_record.fields[i].flags & F_CREATE_ONLY))
			continue;
		form_field(req, &directory_record.fields[i], values ? values[i] : NULL, errors ? errors[i] : NULL);
	}
	form_end(req, creating ? _("Add the service") : _("Save changes"));
	html_raw(o, "<p><a href=\"/directory\">");
	html_txt(o, _("Back to the directory"));
	html_raw(o, "</a></p>\n");
	page_end(req);
}

/* Puts a service's problem next to its field when the form shows it; false when it does not. */
static bool place_problem(const struct svc *s, const char **errors)
{
	int i = s->problem_field ? record_field_index(&directory_record, s->problem_field) : -1;
	if (i < 0)
		return false;
	errors[i] = s->problem;
	return true;
}

void ui_directory_new(struct request *req)
{
	const char *values[D__COUNT] = { 0 };
	values[D_SERVICE] = req_query(req, "service");
	dir_form(req, _("Add a service to the directory"), "/directory/new", NULL, 0, values, NULL, NULL, 200);
}

void ui_directory_create(struct request *req)
{
	const char *values[D__COUNT], *errors[D__COUNT];
	const char *title = _("Add a service to the directory");
	int nerr = record_read_form(&directory_record, &req->form, true, req->arena, values, errors);
	if (!picks_org(req)) {
		values[D_ORG] = "";
		errors[D_ORG] = NULL;
		nerr = 0;
		for (int i = 0; i < D__COUNT; i++)
			nerr += errors[i] != NULL;
	}
	if (nerr > 0) {
		dir_form(req, title, "/directory/new", NULL, 0, values, errors, NULL, 422);
		return;
	}
	struct svc s = web_svc(req);
	struct dir_entry e;
	bool created;
	int rc = directory_upsert(&s, values, &created, &e);
	if (rc == SVC_OK) {
		req_redirect(req, search_path(req, e.v[D_SERVICE], "saved", e.id));
		return;
	}
	if ((rc == SVC_INVALID || rc == SVC_CONFLICT) && place_problem(&s, errors)) {
		dir_form(req, title, "/directory/new", NULL, 0, values, errors, NULL, rc == SVC_INVALID ? 422 : 409);
		return;
	}
	web_svc_fail(req, &s, rc);
}

/* The entry of the path ({id}), after asking policy to edit it; false after answering. */
static bool path_entry(struct request *req, struct dir_entry *e)
{
	int64_t id = ui_case_path_id(req);
	if (id == 0)
		return false;
	struct svc s = web_svc(req);
	int rc = directory_get(&s, id, e);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return false;
	}
	return web_may(req, A_DIRECTORY_EDIT, &(struct resource){ .org_id = e->org_id });
}

void ui_directory_edit_page(struct request *req)
{
	struct dir_entry e;
	if (!path_entry(req, &e))
		return;
	dir_form(req, _("Edit the directory entry"), dir_path(req, e.id, "/edit"), &e, e.version, e.v, NULL, NULL, 200);
}

void ui_directory_edit(struct request *req)
{
	struct dir_entry cur;
	int64_t version;
	if (!path_entry(req, &cur) || !ui_version_read(req, &version))
		return;
	const char *title = _("Edit the directory entry"), *action = dir_path(req, cur.id, "/edit");
	const char *values[D__COUNT], *errors[D__COUNT];
	if (record_read_form(&directory_record, &req->form, false, req->arena, values, errors) > 0) {
		dir_form(req, title, action, &cur, version, values, errors, NULL, 422);
		return;
	}
	struct svc s = web_svc(req);
	struct dir_entry e;
	int rc = directory_update(&s, cur.id, values, version, &e);
	if (rc == SVC_OK) {
		req_redirect(req, search_path(req, e.v[D_SERVICE], "saved", e.id));
		return;
	}
	if (rc == SVC_CONFLICT) {
		/* Keep what was typed, on top of the newer version, and say so. */
		dir_form(req, title, action, &cur, cur.version, values, errors,
			 _("Someone else changed this entry while you were editing. Your entries are kept below: "
			   "compare them with the directory and save again."),
			 409);
		return;
	}
	if (rc == SVC_INVALID && place_problem(&s, errors)) {
		dir_form(req, title, action, &cur, version, values, errors, NULL, 422);
		return;
	}
	web_svc_fail(req, &s, rc);
}

/* ---- free places ------------------------------------------------------------------ */

static void capacity_page(struct request *req, const struct dir_entry *e, const char *typed, const char *problem,
			  int status)
{
	struct buf *o = &req->out;
	req->status = status;
	page_begin(req, _("Free places"));
	ui_h1(req, _("Free places"));
	html_raw(o, "<dl class=\"facts\">");
	ui_fact(o, _("Organization"), org_name(req, e));
	ui_fact(o, _("Service"), picklist_label(&pl_service, e->v[D_SERVICE]));
	ui_fact(o, _("Places in total"), *e->v[D_CAP_TOTAL] ? e->v[D_CAP_TOTAL] : _("not counted"));
	html_raw(o, "</dl>\n<div class=\"field invalid\">");
	capacity_form(req, e, typed, problem);
	html_raw(o, "</div>\n<p><a href=\"");
	html_attr(o, search_path(req, e->v[D_SERVICE], "", e->id));
	html_raw(o, "\">");
	html_txt(o, _("Back to the directory"));
	html_raw(o, "</a></p>\n");
	page_end(req);
}

void ui_directory_capacity(struct request *req)
{
	struct dir_entry cur;
	int64_t version, free_places;
	if (!path_entry(req, &cur) || !ui_version_read(req, &version))
		return;
	const char *typed = req_form(req, "capacity_free");
	if (str_to_i64(typed, 0, 100000, &free_places) < 0) {
		capacity_page(req, &cur, typed ? typed : "", _("Enter a whole number in the allowed range."), 422);
		return;
	}
	struct svc s = web_svc(req);
	struct dir_entry e;
	int rc = directory_set_capacity(&s, cur.id, free_places, version, &e);
	if (rc == SVC_OK) {
		req_redirect(req, search_path(req, e.v[D_SERVICE], "capacity", e.id));
		return;
	}
	if (rc == SVC_INVALID || rc == SVC_CONFLICT) {
		/* On a conflict the form carries the version just loaded, so sending it again applies. */
		capacity_page(req, &cur, typed, gettext(s.problem), rc == SVC_INVALID ? 422 : 409);
		return;
	}
	web_svc_fail(req, &s, rc);
}
