/* ui-reint.c — the reintegration plan: the case page's "Reintegration plan"
 * section, the plan's page (its goals, submitting and approving), and its
 * form, where an approved plan's edit becomes a new version.  Follow-ups,
 * closure and the indicators are in ui-reint-followup.c. */
#include "base/str.h"
#include "model/case.h"
#include "model/plan.h"
#include "web/forms.h"
#include "web/session-web.h"
#include "web/ui-case.h"
#include "web/ui-common.h"
#include "web/ui.h"
#include "web/web.h"

#include <string.h>

/* Goal rows on the form: the plan's goals and two empty ones, at least three. */
#define FORM_GOALS_MIN 3

static void th(struct buf *o, const char *label)
{
	html_raw(o, "<th scope=\"col\">");
	html_txt(o, label);
	html_raw(o, "</th>");
}

static const char *plan_path(struct request *req, int64_t id, const char *suffix)
{
	return arena_printf(req->arena, "/plans/%lld%s", (long long)id, suffix);
}

void ui_reint_section_plan(struct request *req, int64_t case_id, const struct resource *res)
{
	struct buf *o = &req->out;
	struct svc s = web_svc(req);
	struct plan *rows;
	int n;
	ui_case_h2(req, "plan", _("Reintegration plan"));
	if (plan_list(&s, case_id, &rows, &n) != SVC_OK) {
		notice(req, "error", _("The reintegration plan could not be shown."));
		return;
	}
	if (n == 0) {
		html_raw(o, "<p>");
		html_txt(o, _("There is no reintegration plan yet."));
		html_raw(o, "</p>\n");
		if (policy_may(req->actor, A_PLAN_EDIT, res)) {
			html_raw(o, "<p><a class=\"button\" href=\"");
			html_attr(o, ui_case_path(req, case_id, "/plan/new"));
			html_raw(o, "\">");
			html_txt(o, _("Make a plan with her"));
			html_raw(o, "</a></p>\n");
		}
		return;
	}
	html_raw(o, "<div class=\"table-wrap\"><table>\n<caption>");
	html_txt(o, arena_printf(req->arena, ngettext("%d version", "%d versions", (unsigned long)n), n));
	html_raw(o, "</caption>\n<thead><tr>");
	th(o, _("Version"));
	th(o, _("State"));
	th(o, _("Start of assistance"));
	th(o, _("Review date"));
	th(o, _("Responsible caseworker"));
	th(o, _("Goals"));
	html_raw(o, "</tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		html_raw(o, "<tr><td><a href=\"");
		html_attr(o, plan_path(req, rows[i].id, ""));
		html_raw(o, "\">");
		html_int(o, rows[i].version_no);
		html_raw(o, "</a></td><td>");
		ui_tag(o, str_eq(rows[i].state, "approved"), picklist_label(&pl_plan_state, rows[i].state));
		html_raw(o, "</td><td>");
		html_txt(o, rows[i].start_on);
		html_raw(o, "</td><td>");
		html_txt(o, rows[i].review_on);
		html_raw(o, "</td><td>");
		html_txt(o, rows[i].responsible);
		html_raw(o, "</td><td class=\"num\">");
		html_int(o, rows[i].ngoals);
		html_raw(o, "</td></tr>\n");
	}
	html_raw(o, "</tbody></table></div>\n");
}

/* ---- the form --------------------------------------------------------------- */

struct goal_row {
	const char *dimension, *text, *services;
	const char *error, *error_field;
};

static void goal_fields(struct request *req, int i, const struct goal_row *g)
{
	struct buf *o = &req->out;
	static const struct field dim = { "", "", FT_PICK, &pl_reint_dimension, 0, 0, 0, N_("Dimension"), NULL };
	static const struct field text = { "", "", FT_LONGTEXT, NULL, 0, 0, 2000, N_("Goal"), NULL };
	static const struct field svcs = { "", "", FT_PICKSET, &pl_service, 0, 0, 0, N_("Services planned"), NULL };
	struct field d = dim, t = text, sv = svcs;
	d.name = arena_printf(req->arena, "goal_dimension_%d", i);
	t.name = arena_printf(req->arena, "goal_text_%d", i);
	sv.name = arena_printf(req->arena, "goal_services_%d", i);
	html_raw(o, "<fieldset class=\"stack\"><legend>");
	html_txt(o, arena_printf(req->arena, _("Goal %d"), i));
	html_raw(o, "</legend>\n");
	bool on_dim = g->error && str_eq(g->error_field, "goals.dimension");
	bool on_svc = g->error && str_eq(g->error_field, "goals.services");
	form_field(req, &d, g->dimension, on_dim ? g->error : NULL);
	form_field(req, &t, g->text, g->error && !on_dim && !on_svc ? g->error : NULL);
	form_field(req, &sv, g->services, on_svc ? g->error : NULL);
	html_raw(o, "</fieldset>\n");
}

static void plan_form_page(struct request *req, const char *title, const char *action, int64_t org_id, int64_t version,
			   const char *const *values, const char *const *errors, const struct goal_row *goals, int ngoals,
			   const char *problem, int status)
{
	struct buf *o = &req->out;
	req->status = status;
	page_begin(req, title);
	ui_h1(req, title);
	if (problem)
		notice(req, "error", problem);
	form_error_summary(req, &plan_form, errors);
	form_begin(req, action);
	if (version)
		ui_version_hidden(req, version);
	/* The responsible caseworker: one of the organization's people. */
	struct svc s = web_svc(req);
	struct case_worker_choice *w;
	int nw = 0;
	if (case_worker_choices(&s, org_id, &w, &nw) != SVC_OK)
		nw = 0;
	const char *cur = values[PF_RESPONSIBLE] ? values[PF_RESPONSIBLE] : "";
	html_raw(o, errors[PF_RESPONSIBLE] ? "<div class=\"field invalid\">" : "<div class=\"field\">");
	html_raw(o, "<label for=\"f-responsible_user_id\">");
	html_txt(o, _("Responsible caseworker"));
	html_raw(o, "</label>");
	if (errors[PF_RESPONSIBLE]) {
		html_raw(o, "<span class=\"field-error\" id=\"e-responsible_user_id\">");
		html_txt(o, gettext(errors[PF_RESPONSIBLE]));
		html_raw(o, "</span>");
	}
	html_raw(o, "<select id=\"f-responsible_user_id\" name=\"responsible_user_id\"><option value=\"\">");
	html_txt(o, _("— choose —"));
	html_raw(o, "</option>");
	for (int i = 0; i < nw; i++) {
		if (str_eq(w[i].role, "hotline"))
			continue;
		const char *id = arena_printf(req->arena, "%lld", (long long)w[i].id);
		html_raw(o, "<option value=\"");
		html_attr(o, id);
		html_raw(o, str_eq(cur, id) ? "\" selected>" : "\">");
		html_txt(o, w[i].name);
		html_raw(o, "</option>");
	}
	html_raw(o, "</select></div>\n");
	form_field(req, &plan_form.fields[PF_START], values[PF_START], errors[PF_START]);
	form_field(req, &plan_form.fields[PF_REVIEW], values[PF_REVIEW], errors[PF_REVIEW]);
	for (int i = 0; i < ngoals; i++)
		goal_fields(req, i + 1, &goals[i]);
	form_end(req, _("Save the plan"));
	page_end(req);
}

/* The goal rows as submitted; empty rows are left out of *in. */
static int read_goal_rows(struct request *req, struct goal_row **rows_r, struct plan_goal **goals_r)
{
	int n = 0;
	while (n < PLAN_MAX_GOALS && req_form(req, arena_printf(req->arena, "goal_text_%d", n + 1)))
		n++;
	struct goal_row *rows = arena_zalloc(req->arena, sizeof *rows * (size_t)(n + 1));
	struct plan_goal *goals = arena_zalloc(req->arena, sizeof *goals * (size_t)(n + 1));
	int k = 0;
	for (int i = 0; i < n; i++) {
		struct goal_row *r = &rows[i];
		r->dimension = req_form(req, arena_printf(req->arena, "goal_dimension_%d", i + 1));
		r->text = req_form(req, arena_printf(req->arena, "goal_text_%d", i + 1));
		const char *name = arena_printf(req->arena, "goal_services_%d", i + 1);
		struct buf b;
		buf_init_arena(&b, req->arena);
		for (size_t j = 0; j < req->form.n; j++)
			if (str_eq(req->form.items[j].key, name) && *req->form.items[j].value) {
				buf_puts(&b, b.len ? "," : "");
				buf_puts(&b, req->form.items[j].value);
			}
		r->services = b.len ? b.data : "";
		bool blank = (!r->text || !r->text[strspn(r->text, " \t\r\n")]) && (!r->dimension || !*r->dimension) &&
			     !*r->services;
		if (!blank)
			goals[k++] = (struct plan_goal){ 0, r->dimension ? r->dimension : "", r->text ? r->text : "",
							 r->services, 0 };
	}
	*rows_r = rows;
	*goals_r = goals;
	return k;
}

/* Puts a goal's problem on the first goal row that is not empty (the service names the field, not the row). */
static void place_goal_problem(struct goal_row *rows, int nrows, const char *problem, const char *field)
{
	for (int i = 0; i < nrows; i++) {
		bool blank = (!rows[i].text || !*rows[i].text) && (!rows[i].dimension || !*rows[i].dimension) &&
			     !*rows[i].services;
		if (!blank && !rows[i].error) {
			rows[i].error = problem;
			rows[i].error_field = field;
			return;
		}
	}
	if (nrows > 0) {
		rows[0].error = problem;
		rows[0].error_field = field;
	}
}

static void save(struct request *req, int64_t case_id, int64_t plan_id)
{
	const char *values[PF__COUNT], *errors[PF__COUNT];
	int nerr = record_read_form(&plan_form, &req->form, true, req->arena, values, errors);
	int64_t version = 0;
	if (plan_id && !ui_version_read(req, &version))
		return;
	struct goal_row *rows;
	struct plan_goal *goals;
	int nrows = 0;
	while (nrows < PLAN_MAX_GOALS && req_form(req, arena_printf(req->arena, "goal_text_%d", nrows + 1)))
		nrows++;
	int ngoals = read_goal_rows(req, &rows, &goals);
	struct plan_input in = { .case_id = case_id, .start_on = values[PF_START], .review_on = values[PF_REVIEW],
				 .goals_given = true, .goals = goals, .ngoals = ngoals };
	if (values[PF_RESPONSIBLE] && *values[PF_RESPONSIBLE])
		str_to_i64(values[PF_RESPONSIBLE], 1, INT64_MAX, &in.responsible_user_id);
	struct svc s = web_svc(req);
	int64_t target = 0;
	int rc = nerr ? SVC_INVALID : plan_id ? plan_update(&s, plan_id, version, &in, &target) : plan_create(&s, &in, &target);
	if (rc == SVC_OK) {
		req_redirect(req, plan_path(req, target, "?done=saved"));
		return;
	}
	if (rc == SVC_INVALID && nerr == 0 && s.problem_field && str_starts(s.problem_field, "goals"))
		place_goal_problem(rows, nrows, s.problem, s.problem_field);
	else if (rc == SVC_INVALID && nerr == 0 && !ui_case_place_problem(&plan_form, s.problem_field, s.problem, errors)) {
		web_svc_fail(req, &s, rc);
		return;
	}
	if (rc != SVC_INVALID && rc != SVC_CONFLICT) {
		web_svc_fail(req, &s, rc);
		return;
	}
	struct resource res;
	struct db_conn *c = svc_begin(&s, false);
	int64_t org = 0;
	if (c && case_resource(&s, c, case_id, &res, NULL) == SVC_OK)
		org = res.org_id;
	svc_abort(&s, &c);
	plan_form_page(req, plan_id ? _("Change the reintegration plan") : _("A reintegration plan"),
		       plan_id ? plan_path(req, plan_id, "/edit") : ui_case_path(req, case_id, "/plan/new"), org, version,
		       values, errors, rows, nrows, rc == SVC_CONFLICT ? gettext(s.problem ? s.problem :
		       N_("The record was changed by someone else; reload it.")) : NULL, rc == SVC_INVALID ? 422 : 409);
}

void ui_plan_new(struct request *req)
{
	int64_t case_id = ui_case_path_id(req);
	if (case_id == 0)
		return;
	struct svc s = web_svc(req);
	struct case_rec k;
	int rc = case_get(&s, case_id, false, &k);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	const char *values[PF__COUNT] = { arena_printf(req->arena, "%lld", (long long)req->actor->user_id), "", "" };
	const char *errors[PF__COUNT] = { 0 };
	struct goal_row rows[FORM_GOALS_MIN] = { { 0 } };
	plan_form_page(req, _("A reintegration plan"), ui_case_path(req, case_id, "/plan/new"), k.owner_org_id, 0, values,
		       errors, rows, FORM_GOALS_MIN, NULL, 200);
}

void ui_plan_create(struct request *req)
{
	int64_t case_id = ui_case_path_id(req);
	if (case_id)
		save(req, case_id, 0);
}

static int64_t plan_path_id(struct request *req)
{
	int64_t id = 0;
	if (str_to_i64(req_param(req, 0), 1, INT64_MAX, &id) < 0) {
		web_error(req, 404, N_("There is no such record."), NULL);
		return 0;
	}
	return id;
}

void ui_plan_edit_page(struct request *req)
{
	int64_t id = plan_path_id(req);
	if (id == 0)
		return;
	struct svc s = web_svc(req);
	struct plan p;
	struct case_rec k;
	int rc = plan_get(&s, id, &p);
	if (rc == SVC_OK)
		rc = case_get(&s, p.case_id, false, &k);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	const char *values[PF__COUNT] = { arena_printf(req->arena, "%lld", (long long)p.responsible_user_id), p.start_on,
					  p.review_on };
	const char *errors[PF__COUNT] = { 0 };
	int nrows = p.ngoals + 2 > FORM_GOALS_MIN ? p.ngoals + 2 : FORM_GOALS_MIN;
	struct goal_row *rows = arena_zalloc(req->arena, sizeof *rows * (size_t)nrows);
	for (int i = 0; i < p.ngoals; i++)
		rows[i] = (struct goal_row){ p.goals[i].dimension, p.goals[i].text, p.goals[i].services, NULL, NULL };
	plan_form_page(req, _("Change the reintegration plan"), plan_path(req, id, "/edit"), k.owner_org_id, p.version,
		       values, errors, rows, nrows, str_eq(p.state, "approved") ?
		       _("This plan is approved: your changes make a new version, which needs approval again.") : NULL, 200);
}

void ui_plan_edit(struct request *req)
{
	int64_t id = plan_path_id(req);
	if (id == 0)
		return;
	struct svc s = web_svc(req);
	struct plan p;
	int rc = plan_get(&s, id, &p);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	save(req, p.case_id, id);
}

void ui_plan_view(struct request *req)
{
	int64_t id = plan_path_id(req);
	if (id == 0)
		return;
	struct svc s = web_svc(req);
	struct plan p;
	int rc = plan_get(&s, id, &p);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	struct buf *o = &req->out;
	const char *title = arena_printf(req->arena, _("Reintegration plan, version %lld"), (long long)p.version_no);
	page_begin(req, title);
	ui_h1(req, title);
	const char *done = req_query(req, "done");
	if (str_eq(done, "saved"))
		notice(req, "ok", _("Your changes were saved."));
	else if (str_eq(done, "submitted"))
		notice(req, "ok", _("The plan was submitted for approval."));
	else if (str_eq(done, "approved"))
		notice(req, "ok", _("The plan was approved and its follow-ups scheduled."));
	html_raw(o, "<dl class=\"facts\">");
	ui_fact_begin(o, _("Case"));
	html_raw(o, "<a href=\"");
	html_attr(o, ui_case_path(req, p.case_id, "#plan"));
	html_raw(o, "\">");
	html_txt(o, p.case_code);
	html_raw(o, "</a>");
	ui_fact_end(o);
	ui_fact(o, _("State"), picklist_label(&pl_plan_state, p.state));
	ui_fact(o, _("Start of assistance"), p.start_on);
	ui_fact(o, _("Review date"), p.review_on);
	ui_fact(o, _("Responsible caseworker"), p.responsible);
	ui_fact(o, _("Made by"), p.created_by);
	if (p.approved_at)
		ui_fact(o, _("Approved by"), p.approved_by);
	html_raw(o, "</dl>\n");
	ui_h2(req, _("Goals"));
	if (p.ngoals == 0) {
		html_raw(o, "<p>");
		html_txt(o, _("No goals yet."));
		html_raw(o, "</p>\n");
	}
	for (int d = 0; d < (int)pl_reint_dimension.n; d++) {
		const char *dim = pl_reint_dimension.items[d].code;
		bool any = false;
		for (int i = 0; i < p.ngoals; i++)
			any |= str_eq(p.goals[i].dimension, dim);
		if (!any)
			continue;
		html_raw(o, "<h3>");
		html_txt(o, gettext(pl_reint_dimension.items[d].label));
		html_raw(o, "</h3>\n<ul>");
		for (int i = 0; i < p.ngoals; i++) {
			if (!str_eq(p.goals[i].dimension, dim))
				continue;
			html_raw(o, "<li>");
			html_txt(o, p.goals[i].text);
			if (*p.goals[i].services) {
				html_raw(o, " <span class=\"hint\">(");
				html_txt(o, ui_case_value(req, &(struct field){ "", "", FT_PICKSET, &pl_service, 0, 0, 0, "", NULL },
							   p.goals[i].services));
				html_raw(o, ")</span>");
			}
			html_raw(o, "</li>");
		}
		html_raw(o, "</ul>\n");
	}
	html_raw(o, "<div class=\"actions\">");
	if (p.may_edit) {
		html_raw(o, "<a class=\"button secondary\" href=\"");
		html_attr(o, plan_path(req, id, "/edit"));
		html_raw(o, "\">");
		html_txt(o, str_eq(p.state, "approved") ? _("Make a new version") : _("Change the plan"));
		html_raw(o, "</a>");
	}
	html_raw(o, "</div>\n");
	if (p.may_submit) {
		form_begin(req, plan_path(req, id, "/submit"));
		form_end(req, _("Submit for approval"));
	}
	if (p.may_approve) {
		form_begin(req, plan_path(req, id, "/approve"));
		form_end(req, _("Approve the plan"));
	}
	page_end(req);
}

static void plan_step(struct request *req, bool approve)
{
	int64_t id = plan_path_id(req);
	if (id == 0)
		return;
	struct svc s = web_svc(req);
	int scheduled = 0;
	int rc = approve ? plan_approve(&s, id, &scheduled) : plan_submit(&s, id);
	if (rc == SVC_OK)
		req_redirect(req, plan_path(req, id, approve ? "?done=approved" : "?done=submitted"));
	else
		web_svc_fail(req, &s, rc);
}

void ui_plan_submit(struct request *req)
{
	plan_step(req, false);
}

void ui_plan_approve(struct request *req)
{
	plan_step(req, true);
}
