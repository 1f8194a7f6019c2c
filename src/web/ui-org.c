/* ui-org.c — the pages of the partner-network registry: the list with its
 * filters, one organization with its services and history, the forms to
 * create, edit and deactivate, and the growth of the network over time. */
#include "base/str.h"
#include "model/org.h"
#include "model/picklist.h"
#include "web/forms.h"
#include "web/session-web.h"
#include "web/ui-common.h"
#include "web/ui.h"
#include "web/web.h"

#include <string.h>

static const char *qv(struct request *req, const char *key)
{
	const char *v = req_query(req, key);
	return v ? v : "";
}

static void org_href(struct buf *o, const char *code, const char *suffix)
{
	html_raw(o, "/orgs/");
	html_url_arg(o, code);
	html_raw(o, suffix);
}

/* A link to an organization's page: the address is built from the code, escaped for the attribute. */
static const char *org_path(struct request *req, const char *code, const char *suffix)
{
	struct buf b;
	buf_init_arena(&b, req->arena);
	org_href(&b, code, suffix);
	return b.data;
}

/* A value as people read it: picklist codes become their labels, sets a list of labels. */
static const char *value_label(struct request *req, enum org_field f, const char *v)
{
	const struct field *fd = &org_record.fields[f];
	if (v == NULL || v[0] == '\0')
		return "";
	if (fd->type == FT_PICK)
		return picklist_label(fd->pl, v);
	if (fd->type != FT_PICKSET)
		return v;
	struct buf b;
	buf_init_arena(&b, req->arena);
	const char *p = v;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (b.len)
			buf_puts(&b, ", ");
		buf_puts(&b, picklist_label(fd->pl, arena_strndup(req->arena, p, l)));
		p += l + (e ? 1 : 0);
	}
	return b.data;
}

static void status_tag(struct buf *o, const char *status)
{
	ui_tag(o, str_eq(status, "active"), picklist_label(&pl_org_status, status));
}

/* ---- list ---------------------------------------------------------------- */

static void filter_select(struct request *req, const char *name, const char *label, const struct picklist *pl,
			  const char *value, const char *error)
{
	struct buf *o = &req->out;
	html_raw(o, error ? "<div class=\"field invalid\"><label for=\"q-" : "<div class=\"field\"><label for=\"q-");
	html_attr(o, name);
	html_raw(o, "\">");
	html_txt(o, label);
	html_raw(o, "</label>");
	if (error) {
		html_raw(o, "<span class=\"field-error\" id=\"e-");
		html_attr(o, name);
		html_raw(o, "\">");
		html_txt(o, gettext(error));
		html_raw(o, "</span>");
	}
	html_raw(o, "<select id=\"q-");
	html_attr(o, name);
	html_raw(o, "\" name=\"");
	html_attr(o, name);
	html_raw(o, error ? "\" aria-invalid=\"true\"><option value=\"\">" : "\"><option value=\"\">");
	html_txt(o, _("All"));
	html_raw(o, "</option>");
	for (size_t i = 0; i < pl->n; i++) {
		html_raw(o, "<option value=\"");
		html_attr(o, pl->items[i].code);
		html_raw(o, str_eq(value, pl->items[i].code) ? "\" selected>" : "\">");
		html_txt(o, gettext(pl->items[i].label));
		html_raw(o, "</option>");
	}
	html_raw(o, "</select></div>\n");
}

/* The list's address with the filters, for paging links. */
static const char *list_href(struct request *req, const struct org_filter *f, const char *after)
{
	const char *keys[] = { "q", "region", "kind", "service", "status", "after" };
	const char *vals[] = { f->q, f->region, f->kind, f->service, f->status, after };
	struct buf b;
	buf_init_arena(&b, req->arena);
	buf_puts(&b, "/orgs");
	bool first = true;
	for (size_t i = 0; i < 6; i++) {
		if (vals[i] == NULL || vals[i][0] == '\0')
			continue;
		buf_putc(&b, first ? '?' : '&');
		first = false;
		buf_puts(&b, keys[i]);
		buf_putc(&b, '=');
		html_url_arg(&b, vals[i]);
	}
	return b.data;
}

void ui_org_list(struct request *req)
{
	struct buf *o = &req->out;
	struct svc s = web_svc(req);
	struct org_filter f = { .region = qv(req, "region"), .kind = qv(req, "kind"), .service = qv(req, "service"),
				.status = qv(req, "status"), .q = qv(req, "q"), .after = qv(req, "after"), .brief = true };
	struct org **orgs;
	size_t n;
	const char *next;
	int rc = org_list(&s, &f, &orgs, &n, &next);
	if (rc != SVC_OK && rc != SVC_INVALID) {
		web_svc_fail(req, &s, rc);
		return;
	}
	const char *bad = rc == SVC_INVALID ? s.problem_field : NULL;
	if (rc == SVC_INVALID)
		req->status = 400;
	page_begin(req, _("Organizations"));
	ui_h1(req, _("Organizations of the network"));
	if (policy_may(req->actor, A_ORG_CREATE, NULL) || policy_may(req->actor, A_NETWORK_GROWTH, NULL)) {
		html_raw(o, "<p class=\"actions\">");
		if (policy_may(req->actor, A_ORG_CREATE, NULL)) {
			html_raw(o, "<a class=\"button\" href=\"/orgs/new\">");
			html_txt(o, _("Add an organization"));
			html_raw(o, "</a> ");
		}
		if (policy_may(req->actor, A_NETWORK_GROWTH, NULL)) {
			html_raw(o, "<a class=\"button secondary\" href=\"/network\">");
			html_txt(o, _("Growth of the network"));
			html_raw(o, "</a>");
		}
		html_raw(o, "</p>\n");
	}
	ui_filters_begin(req, "/orgs", NULL);
	html_raw(o, str_eq(bad, "q") ? "<div class=\"field invalid\">" : "<div class=\"field\">");
	html_raw(o, "<label for=\"q-q\">");
	html_txt(o, _("Code or name"));
	html_raw(o, "</label>");
	if (str_eq(bad, "q")) {
		html_raw(o, "<span class=\"field-error\">");
		html_txt(o, gettext(s.problem));
		html_raw(o, "</span>");
	}
	html_raw(o, "<input type=\"search\" id=\"q-q\" name=\"q\" value=\"");
	html_attr(o, f.q);
	html_raw(o, "\"></div>\n");
	filter_select(req, "region", _("Region"), &pl_region, f.region, str_eq(bad, "region") ? s.problem : NULL);
	filter_select(req, "kind", _("Kind"), &pl_org_kind, f.kind, str_eq(bad, "kind") ? s.problem : NULL);
	filter_select(req, "service", _("Service"), &pl_service, f.service, str_eq(bad, "service") ? s.problem : NULL);
	filter_select(req, "status", _("Status"), &pl_org_status, f.status, str_eq(bad, "status") ? s.problem : NULL);
	ui_filters_end(req, _("Filter"), "/orgs", _("Clear"));
	if (rc == SVC_INVALID) {
		if (bad == NULL || !(str_eq(bad, "q") || str_eq(bad, "region") || str_eq(bad, "kind") ||
				     str_eq(bad, "service") || str_eq(bad, "status")))
			notice(req, "error", gettext(s.problem));
		page_end(req);
		return;
	}
	if (n == 0) {
		html_raw(o, "<p>");
		html_txt(o, _("No organizations match these filters."));
		html_raw(o, "</p>\n");
		page_end(req);
		return;
	}
	html_raw(o, "<div class=\"table-wrap\"><table>\n<caption>");
	html_txt(o, arena_printf(req->arena, ngettext("%zu organization on this page", "%zu organizations on this page",
						     (unsigned long)n),
				 n));
	html_raw(o, "</caption>\n<thead><tr><th scope=\"col\">");
	html_txt(o, _("Name"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Code"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Kind"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Region"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Services"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Joined"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Status"));
	html_raw(o, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct org *g = orgs[i];
		html_raw(o, "<tr><td><a href=\"");
		html_attr(o, org_path(req, g->v[ORG_CODE], ""));
		html_raw(o, "\">");
		html_txt(o, org_display_name(g, req->lang));
		html_raw(o, "</a></td><td class=\"mono\">");
		html_txt(o, g->v[ORG_CODE]);
		html_raw(o, "</td><td>");
		html_txt(o, value_label(req, ORG_KIND, g->v[ORG_KIND]));
		html_raw(o, "</td><td>");
		html_txt(o, value_label(req, ORG_REGION, g->v[ORG_REGION]));
		if (str_eq(g->v[ORG_REGION], "abroad")) {
			html_raw(o, " (");
			html_txt(o, g->v[ORG_COUNTRY]);
			html_raw(o, ")");
		}
		html_raw(o, "</td><td>");
		html_txt(o, value_label(req, ORG_SERVICES, g->v[ORG_SERVICES]));
		html_raw(o, "</td><td>");
		html_txt(o, g->v[ORG_JOINED_ON]);
		html_raw(o, "</td><td>");
		status_tag(o, g->v[ORG_STATUS]);
		html_raw(o, "</td></tr>\n");
	}
	html_raw(o, "</tbody></table></div>\n");
	if (next || f.after[0]) {
		ui_pager_begin(req);
		if (f.after[0])
			ui_pager_link(req, NULL, list_href(req, &f, ""), _("First page"));
		if (next)
			ui_pager_link(req, "next", list_href(req, &f, next), _("Next page"));
		ui_pager_end(req);
	}
	page_end(req);
}

/* ---- create and edit ------------------------------------------------------ */

static void org_form(struct request *req, const char *title, const char *action, const struct org *cur,
		     const char *const *values, const char *const *errors, const char *problem, int status)
{
	struct buf *o = &req->out;
	bool creating = cur == NULL;
	req->status = status;
	page_begin(req, title);
	ui_h1(req, title);
	if (problem)
		notice(req, "error", problem);
	if (errors)
		form_error_summary(req, &org_record, errors);
	form_begin(req, action);
	if (!creating)
		ui_version_hidden(req, cur->version);
	for (int i = 0; i < ORG__NFIELDS; i++)
		if (org_field_editable((enum org_field)i, creating))
			form_field(req, &org_record.fields[i], values ? values[i] : NULL, errors ? errors[i] : NULL);
	form_end(req, creating ? _("Add the organization") : _("Save changes"));
	if (!creating) {
		html_raw(o, "<p><a href=\"");
		html_attr(o, org_path(req, cur->v[ORG_CODE], ""));
		html_raw(o, "\">");
		html_txt(o, _("Back to the organization"));
		html_raw(o, "</a></p>\n");
	}
	page_end(req);
}

/* The organization of the path ({code}); NULL after answering. */
static struct org *path_org(struct request *req)
{
	struct svc s = web_svc(req);
	struct org *g;
	int rc = org_get_by_code(&s, req_param(req, 0), &g);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return NULL;
	}
	return g;
}

/* Puts a service's problem next to its field when the form shows that field. */
static bool place_problem(const struct svc *s, const char **errors, bool creating)
{
	int i = s->problem_field ? record_field_index(&org_record, s->problem_field) : -1;
	if (i < 0 || !org_field_editable((enum org_field)i, creating))
		return false;
	errors[i] = s->problem;
	return true;
}

void ui_org_new(struct request *req)
{
	org_form(req, _("Add an organization"), "/orgs", NULL, NULL, NULL, NULL, 200);
}

void ui_org_create(struct request *req)
{
	const char *values[ORG__NFIELDS], *errors[ORG__NFIELDS];
	struct svc s = web_svc(req);
	if (record_read_form(&org_record, &req->form, true, req->arena, values, errors) > 0) {
		org_form(req, _("Add an organization"), "/orgs", NULL, values, errors, NULL, 422);
		return;
	}
	values[ORG_STATUS] = values[ORG_STATUS_REASON] = NULL;
	struct org *g;
	int rc = org_create(&s, values, &g);
	if (rc == SVC_OK) {
		req_redirect(req, org_path(req, g->v[ORG_CODE], "?done=created"));
		return;
	}
	if ((rc == SVC_INVALID || rc == SVC_CONFLICT) && place_problem(&s, errors, true)) {
		org_form(req, _("Add an organization"), "/orgs", NULL, values, errors, NULL,
			 rc == SVC_INVALID ? 422 : 409);
		return;
	}
	web_svc_fail(req, &s, rc);
}

void ui_org_edit_page(struct request *req)
{
	struct org *g = path_org(req);
	if (g == NULL || !web_may(req, A_ORG_EDIT, &(struct resource){ .org_id = g->id }))
		return;
	org_form(req, _("Edit the organization"), org_path(req, g->v[ORG_CODE], "/edit"), g, g->v, NULL, NULL, 200);
}

void ui_org_edit(struct request *req)
{
	const char *values[ORG__NFIELDS], *errors[ORG__NFIELDS];
	struct org *cur = path_org(req);
	int64_t version;
	if (cur == NULL || !ui_version_read(req, &version))
		return;
	const char *action = org_path(req, cur->v[ORG_CODE], "/edit");
	struct org shown = *cur;
	shown.version = version;
	int nerr = record_read_form(&org_record, &req->form, false, req->arena, values, errors);
	values[ORG_CODE] = cur->v[ORG_CODE];
	values[ORG_STATUS] = values[ORG_STATUS_REASON] = NULL;
	if (nerr > 0) {
		org_form(req, _("Edit the organization"), action, &shown, values, errors, NULL, 422);
		return;
	}
	struct svc s = web_svc(req);
	struct org *g;
	int rc = org_update(&s, cur->v[ORG_CODE], values, version, &g);
	if (rc == SVC_OK) {
		req_redirect(req, org_path(req, g->v[ORG_CODE], "?done=saved"));
		return;
	}
	if (rc == SVC_CONFLICT) {
		/* Keep what this person typed, on top of the newer version, and say so. */
		struct svc s2 = web_svc(req);
		struct org *now;
		if (org_get_by_code(&s2, cur->v[ORG_CODE], &now) == SVC_OK)
			shown.version = now->version;
		org_form(req, _("Edit the organization"), action, &shown, values, errors,
			 _("Someone else saved changes to this organization while you were editing. Your entries "
			   "are kept below: compare them with the organization's page and save again."),
			 409);
		return;
	}
	if (rc == SVC_INVALID && place_problem(&s, errors, false)) {
		org_form(req, _("Edit the organization"), action, &shown, values, errors, NULL, 422);
		return;
	}
	web_svc_fail(req, &s, rc);
}

/* ---- one organization ----------------------------------------------------- */

/* A fact of the registry; an empty one says so rather than leave a gap. */
static void fact(struct request *req, const char *label, const char *value)
{
	struct buf *o = &req->out;
	ui_fact_begin(o, label);
	if (value && value[0])
		html_txt(o, value);
	else {
		html_raw(o, "<span class=\"hint\">");
		html_txt(o, _("not given"));
		html_raw(o, "</span>");
	}
	ui_fact_end(o);
}

static void status_form(struct request *req, const struct org *g, const char *reason, const char *problem,
			const char *problem_field)
{
	struct buf *o = &req->out;
	bool active = str_eq(g->v[ORG_STATUS], "active");
	ui_h2(req, active ? _("Deactivate") : _("Reactivate"));
	html_raw(o, "<p>");
	html_txt(o, active ? _("A suspended organization, or one that left the network, stays in the registry "
			       "with its history; it can be reactivated later.")
			   : _("Reactivating returns the organization to the active members of the network."));
	html_raw(o, " ");
	html_txt(o, _("You may be asked to confirm your password first."));
	html_raw(o, " ");
	ui_reauth_link(o, org_path(req, g->v[ORG_CODE], ""));
	html_raw(o, "</p>\n");
	if (problem && !str_eq(problem_field, "reason") && !str_eq(problem_field, "status"))
		notice(req, "error", gettext(problem));
	form_begin(req, org_path(req, g->v[ORG_CODE], "/status"));
	ui_version_hidden(req, g->version);
	if (active) {
		bool bad = problem && str_eq(problem_field, "status");
		html_raw(o, bad ? "<div class=\"field invalid\">" : "<div class=\"field\">");
		html_raw(o, "<label for=\"f-status\">");
		html_txt(o, _("New status"));
		html_raw(o, "</label>");
		if (bad) {
			html_raw(o, "<span class=\"field-error\" id=\"e-status\">");
			html_txt(o, gettext(problem));
			html_raw(o, "</span>");
		}
		html_raw(o, "<select id=\"f-status\" name=\"status\" required>");
		const char *chosen = req_form(req, "status");
		for (size_t i = 0; i < pl_org_status.n; i++) {
			if (str_eq(pl_org_status.items[i].code, "active"))
				continue;
			html_raw(o, "<option value=\"");
			html_attr(o, pl_org_status.items[i].code);
			html_raw(o, str_eq(chosen, pl_org_status.items[i].code) ? "\" selected>" : "\">");
			html_txt(o, gettext(pl_org_status.items[i].label));
			html_raw(o, "</option>");
		}
		html_raw(o, "</select></div>\n");
	} else {
		html_hidden(o, "status", "active");
		html_raw(o, "\n");
	}
	bool bad = problem && str_eq(problem_field, "reason");
	html_raw(o, bad ? "<div class=\"field invalid\">" : "<div class=\"field\">");
	html_raw(o, "<label for=\"f-reason\">");
	html_txt(o, _("Reason"));
	if (!active) {
		html_raw(o, " <span class=\"hint\">(");
		html_txt(o, _("optional"));
		html_raw(o, ")</span>");
	}
	html_raw(o, "</label>");
	if (bad) {
		html_raw(o, "<span class=\"field-error\" id=\"e-reason\">");
		html_txt(o, gettext(problem));
		html_raw(o, "</span>");
	}
	html_raw(o, "<textarea id=\"f-reason\" name=\"reason\"");
	if (active)
		html_raw(o, " required");
	if (bad)
		html_raw(o, " aria-invalid=\"true\" aria-describedby=\"e-reason\"");
	html_raw(o, ">");
	html_txt(o, reason ? reason : "");
	html_raw(o, "</textarea></div>\n");
	html_raw(o, active ? "<div class=\"actions\"><button type=\"submit\" class=\"danger\">"
			   : "<div class=\"actions\"><button type=\"submit\">");
	html_txt(o, active ? _("Deactivate") : _("Reactivate"));
	html_raw(o, "</button></div>\n</form>\n");
}

static const char *action_label(const char *action)
{
	if (str_eq(action, "create"))
		return _("Added to the registry");
	if (str_eq(action, "status"))
		return _("Status changed");
	return _("Edited");
}

static void history_table(struct request *req, const struct org_change *h, size_t n)
{
	struct buf *o = &req->out;
	ui_h2(req, _("History of changes"));
	if (n == 0) {
		html_raw(o, "<p>");
		html_txt(o, _("No changes recorded."));
		html_raw(o, "</p>\n");
		return;
	}
	html_raw(o, "<div class=\"table-wrap\"><table>\n<thead><tr><th scope=\"col\">");
	html_txt(o, _("When"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Who"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("What"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Changes"));
	html_raw(o, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		html_raw(o, "<tr><td>");
		ui_time_utc(o, h[i].at, true);
		html_raw(o, "</td><td>");
		html_txt(o, str_eq(h[i].by, "console") ? _("console (command line)") : h[i].by);
		html_raw(o, "</td><td>");
		html_txt(o, action_label(h[i].action));
		html_raw(o, "</td><td><ul>");
		for (size_t k = 0; k < h[i].n; k++) {
			int fi = record_field_index(&org_record, h[i].field[k]);
			html_raw(o, "<li>");
			if (fi < 0) {
				html_txt(o, h[i].field[k]);
			} else {
				html_txt(o, gettext(org_record.fields[fi].label));
				html_raw(o, ": ");
				if (h[i].before[k][0]) {
					html_raw(o, "<del>");
					html_txt(o, value_label(req, (enum org_field)fi, h[i].before[k]));
					html_raw(o, "</del> → ");
				}
				html_raw(o, "<ins>");
				if (h[i].after[k][0])
					html_txt(o, value_label(req, (enum org_field)fi, h[i].after[k]));
				else
					html_txt(o, _("(empty)"));
				html_raw(o, "</ins>");
			}
			html_raw(o, "</li>");
		}
		html_raw(o, "</ul></td></tr>\n");
	}
	html_raw(o, "</tbody></table></div>\n");
}

/* The page of organization g with its history h (nh entries). */
static void org_page_with(struct request *req, const struct org *g, const struct org_change *h, size_t nh,
			  const char *reason, const char *problem, const char *problem_field, int status)
{
	struct buf *o = &req->out;
	req->status = status;
	const char *name = org_display_name(g, req->lang);
	page_begin(req, name);
	ui_h1(req, name);
	const char *done = req_query(req, "done");
	if (str_eq(done, "created"))
		notice(req, "ok", _("The organization was added to the registry."));
	else if (str_eq(done, "saved"))
		notice(req, "ok", _("Your changes were saved."));
	else if (str_eq(done, "status"))
		notice(req, "ok", _("The status was changed."));
	html_raw(o, "<p>");
	status_tag(o, g->v[ORG_STATUS]);
	html_raw(o, "</p>\n<dl class=\"facts\">\n");
	for (int i = 0; i < ORG__NFIELDS; i++) {
		if (i == ORG_SERVICES || i == ORG_STATUS)
			continue;
		if (i == ORG_STATUS_REASON && g->v[i][0] == '\0')
			continue;
		if (i == ORG_WEBSITE && g->v[i][0]) {
			ui_fact_begin(o, gettext(org_record.fields[i].label));
			html_raw(o, "<a rel=\"noopener noreferrer\" href=\"");
			html_attr(o, g->v[i]);
			html_raw(o, "\">");
			html_txt(o, g->v[i]);
			html_raw(o, "</a>");
			ui_fact_end(o);
			continue;
		}
		fact(req, gettext(org_record.fields[i].label), value_label(req, (enum org_field)i, g->v[i]));
	}
	html_raw(o, "</dl>\n");
	ui_h2(req, _("Services offered"));
	if (g->v[ORG_SERVICES][0] == '\0') {
		html_raw(o, "<p>");
		html_txt(o, _("No services listed."));
		html_raw(o, "</p>\n");
	} else {
		html_raw(o, "<ul>");
		const char *p = g->v[ORG_SERVICES];
		while (*p) {
			const char *e = strchr(p, ',');
			size_t l = e ? (size_t)(e - p) : strlen(p);
			html_raw(o, "<li>");
			html_txt(o, picklist_label(&pl_service, arena_strndup(req->arena, p, l)));
			html_raw(o, "</li>");
			p += l + (e ? 1 : 0);
		}
		html_raw(o, "</ul>\n");
	}
	struct resource res = { .org_id = g->id };
	if (policy_may(req->actor, A_ORG_EDIT, &res)) {
		html_raw(o, "<p class=\"actions\"><a class=\"button\" href=\"");
		html_attr(o, org_path(req, g->v[ORG_CODE], "/edit"));
		html_raw(o, "\">");
		html_txt(o, _("Edit"));
		html_raw(o, "</a></p>\n");
	}
	if (policy_may(req->actor, A_ORG_DEACTIVATE, &res))
		status_form(req, g, reason, problem, problem_field);
	history_table(req, h, nh);
	html_raw(o, "<p><a href=\"/orgs\">");
	html_txt(o, _("All organizations"));
	html_raw(o, "</a></p>\n");
	page_end(req);
}

/* The page of organization g, reading its history first. */
static void org_page(struct request *req, const struct org *g, const char *reason, const char *problem,
		     const char *problem_field, int status)
{
	struct svc s = web_svc(req);
	struct org_change *h;
	size_t nh;
	int rc = org_history_list(&s, g->v[ORG_CODE], &h, &nh);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	org_page_with(req, g, h, nh, reason, problem, problem_field, status);
}

void ui_org_view(struct request *req)
{
	struct svc s = web_svc(req);
	struct org *g;
	struct org_change *h;
	size_t nh;
	int rc = org_get_with_history(&s, req_param(req, 0), &g, &h, &nh);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	org_page_with(req, g, h, nh, NULL, NULL, NULL, 200);
}

void ui_org_status(struct request *req)
{
	struct org *g = path_org(req);
	int64_t version;
	if (g == NULL || !ui_version_read(req, &version))
		return;
	struct svc s = web_svc(req);
	const char *reason = req_form(req, "reason");
	int rc = org_set_status(&s, g->v[ORG_CODE], req_form(req, "status"), reason, version, NULL);
	if (rc == SVC_OK) {
		req_redirect(req, org_path(req, g->v[ORG_CODE], "?done=status"));
		return;
	}
	if (rc == SVC_INVALID) {
		org_page(req, g, reason, s.problem, s.problem_field, 422);
		return;
	}
	if (rc == SVC_CONFLICT) {
		struct svc s2 = web_svc(req);
		if (org_get_by_code(&s2, g->v[ORG_CODE], &g) == SVC_OK) {
			org_page(req, g, reason,
				 N_("Someone else changed this organization in the meantime. Check its page and try again."),
				 NULL, 409);
			return;
		}
	}
	web_svc_fail(req, &s, rc);
}

/* ---- growth of the network ------------------------------------------------ */

void ui_network(struct request *req)
{
	struct buf *o = &req->out;
	struct svc s = web_svc(req);
	bool by_year = str_eq(req_query(req, "by"), "year");
	const char *kind = qv(req, "kind"), *region = qv(req, "region");
	struct growth_point *pts;
	size_t n;
	int rc = network_growth(&s, by_year, kind, region, &pts, &n);
	if (rc != SVC_OK && rc != SVC_INVALID) {
		web_svc_fail(req, &s, rc);
		return;
	}
	if (rc == SVC_INVALID)
		req->status = 400;
	const char *bad = rc == SVC_INVALID ? s.problem_field : NULL;
	page_begin(req, _("Growth of the network"));
	ui_h1(req, _("Growth of the network"));
	html_raw(o, "<form method=\"get\" action=\"/network\" class=\"filters\">\n<div class=\"field\"><label for=\"q-by\">");
	html_txt(o, _("Count by"));
	html_raw(o, "</label><select id=\"q-by\" name=\"by\"><option value=\"month\">");
	html_txt(o, _("Month"));
	html_raw(o, by_year ? "</option><option value=\"year\" selected>" : "</option><option value=\"year\">");
	html_txt(o, _("Year"));
	html_raw(o, "</option></select></div>\n");
	filter_select(req, "kind", _("Kind"), &pl_org_kind, kind, str_eq(bad, "kind") ? s.problem : NULL);
	filter_select(req, "region", _("Region"), &pl_region, region, str_eq(bad, "region") ? s.problem : NULL);
	ui_filters_end(req, _("Show"), NULL, NULL);
	if (rc == SVC_INVALID) {
		page_end(req);
		return;
	}
	if (n == 0) {
		html_raw(o, "<p>");
		html_txt(o, _("No organizations have joined yet."));
		html_raw(o, "</p>\n");
		page_end(req);
		return;
	}
	int64_t total = pts[n - 1].total;
	html_raw(o, "<p class=\"lead\">");
	html_txt(o, arena_printf(req->arena,
				 ngettext("%lld organization has joined the network.",
					  "%lld organizations have joined the network.", (unsigned long)total),
				 (long long)total));
	html_raw(o, "</p>\n<div class=\"table-wrap\"><table>\n<thead><tr><th scope=\"col\">");
	html_txt(o, by_year ? _("Year") : _("Month"));
	html_raw(o, "</th><th scope=\"col\" class=\"num\">");
	html_txt(o, _("Joined"));
	html_raw(o, "</th><th scope=\"col\" class=\"num\">");
	html_txt(o, _("Members in total"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Growth"));
	html_raw(o, "</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		html_raw(o, "<tr><th scope=\"row\">");
		html_txt(o, pts[i].period);
		html_raw(o, "</th><td class=\"num\">");
		html_int(o, pts[i].joined);
		html_raw(o, "</td><td class=\"num\">");
		html_int(o, pts[i].total);
		/* A <meter> draws the bar without inline styles, which the CSP forbids. */
		html_rawf(o, "</td><td><meter min=\"0\" max=\"%lld\" value=\"%lld\">%lld / %lld</meter></td></tr>\n",
			  (long long)total, (long long)pts[i].total, (long long)pts[i].total, (long long)total);
	}
	html_raw(o, "</tbody></table></div>\n<p><a href=\"/orgs\">");
	html_txt(o, _("All organizations"));
	html_raw(o, "</a></p>\n");
	page_end(req);
}
