/* ui-reint-followup.c — follow-ups and the end of monitoring: the case
 * page's "Follow-ups" section (with closing and reopening the case), the
 * /followups lists of what is due and overdue, the follow-up's page with the
 * questionnaire in the user's language, and /indicators/reintegration, which
 * shows every indicator with its numerator and denominator. */
#include "base/str.h"
#include "model/case.h"
#include "model/closure.h"
#include "model/followup.h"
#include "model/reint-stats.h"
#include "web/forms.h"
#include "web/session-web.h"
#include "web/ui-case.h"
#include "web/ui-common.h"
#include "web/ui.h"
#include "web/web.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void th(struct buf *o, const char *label)
{
	html_raw(o, "<th scope=\"col\">");
	html_txt(o, label);
	html_raw(o, "</th>");
}

static const char *fu_path(struct request *req, int64_t id)
{
	return arena_printf(req->arena, "/followups/%lld", (long long)id);
}

static void score_txt(struct request *req, struct buf *o, int64_t v)
{
	if (v >= 0)
		html_txt(o, arena_printf(req->arena, "%.2f", (double)v / 1000.0));
}

static void followup_table(struct request *req, const struct followup *rows, int n, bool with_case)
{
	struct buf *o = &req->out;
	html_raw(o, "<div class=\"table-wrap\"><table>\n<caption>");
	html_txt(o, arena_printf(req->arena, ngettext("%d follow-up", "%d follow-ups", (unsigned long)n), n));
	html_raw(o, "</caption>\n<thead><tr>");
	if (with_case)
		th(o, _("Case"));
	th(o, _("Due on"));
	th(o, _("Done on"));
	th(o, _("Responsible caseworker"));
	th(o, _("Outcome"));
	th(o, _("Composite score"));
	html_raw(o, "</tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		const struct followup *f = &rows[i];
		html_raw(o, "<tr>");
		if (with_case) {
			html_raw(o, "<td class=\"mono\"><a href=\"");
			html_attr(o, ui_case_path(req, f->case_id, "#followups"));
			html_raw(o, "\">");
			html_txt(o, f->case_code);
			html_raw(o, "</a></td>");
		}
		html_raw(o, "<td><a href=\"");
		html_attr(o, fu_path(req, f->id));
		html_raw(o, "\">");
		html_txt(o, f->due_on);
		html_raw(o, "</a>");
		if (f->overdue) {
			html_raw(o, " ");
			ui_tag(o, false, _("Overdue"));
		}
		html_raw(o, "</td><td>");
		html_txt(o, f->done_on);
		html_raw(o, "</td><td>");
		html_txt(o, f->responsible);
		html_raw(o, "</td><td>");
		if (*f->outcome)
			html_txt(o, picklist_label(&pl_followup_outcome, f->outcome));
		html_raw(o, "</td><td class=\"num\">");
		score_txt(req, o, f->scores[SD_COMPOSITE]);
		html_raw(o, "</td></tr>\n");
	}
	html_raw(o, "</tbody></table></div>\n");
}

/* ---- the case page's section ------------------------------------------------------------------ */

static void closure_part(struct request *req, int64_t case_id, const struct resource *res, const char *status)
{
	struct buf *o = &req->out;
	struct svc s = web_svc(req);
	struct closure *rows;
	int n;
	if (closure_list(&s, case_id, false, &rows, &n) != SVC_OK)
		return;
	bool closed = str_starts(status, "Closed"), pending = false;
	for (int i = 0; i < n; i++)
		pending |= str_eq(rows[i].kind, "close") && str_eq(rows[i].state, "pending");
	html_raw(o, "<h3>");
	html_txt(o, _("Closing the case"));
	html_raw(o, "</h3>\n");
	if (n > 0) {
		html_raw(o, "<ul>");
		for (int i = 0; i < n; i++) {
			html_raw(o, "<li>");
			ui_time_utc(o, rows[i].requested_at, true);
			html_raw(o, " ");
			if (str_eq(rows[i].kind, "reopen"))
				html_txt(o, arena_printf(req->arena, _("reopened by %s"), rows[i].requested_by));
			else
				html_txt(o, arena_printf(req->arena, _("closure requested by %s (%s): %s"), rows[i].requested_by,
							 picklist_label(&pl_closure_reason, rows[i].reason),
							 str_eq(rows[i].state, "pending") ? _("waiting for a manager")
							 : str_eq(rows[i].state, "approved") ? _("approved")
											      : _("rejected")));
			html_raw(o, "</li>");
		}
		html_raw(o, "</ul>\n");
	}
	const char *base = ui_case_path(req, case_id, "/closure");
	if (!closed && !pending && policy_may(req->actor, A_CASE_CLOSE_REQUEST, res)) {
		form_begin(req, base);
		form_fields(req, &closure_request_form, NULL, NULL, true);
		form_end(req, _("Ask to close the case"));
	}
	if (pending && policy_may(req->actor, A_CASE_CLOSE_APPROVE, res)) {
		form_begin(req, arena_printf(req->arena, "%s/approve", base));
		form_end(req, _("Approve closing the case"));
		form_begin(req, arena_printf(req->arena, "%s/reject", base));
		form_fields(req, &closure_decision_form, NULL, NULL, true);
		form_end(req, _("Reject the request"));
	}
	if (closed && policy_may(req->actor, A_CASE_REOPEN, res)) {
		form_begin(req, arena_printf(req->arena, "%s/reopen", base));
		form_fields(req, &closure_reopen_form, NULL, NULL, true);
		form_end(req, _("Reopen the case"));
	}
}

void ui_reint_section_followups(struct request *req, int64_t case_id, const struct resource *res, const char *status)
{
	struct buf *o = &req->out;
	struct svc s = web_svc(req);
	struct followup *rows;
	int n;
	ui_case_h2(req, "followups", _("Follow-ups"));
	const char *done = req_query(req, "done");
	if (str_eq(done, "closure"))
		notice(req, "ok", _("Done: the case's closure was updated."));
	if (followup_list_case(&s, case_id, &rows, &n) != SVC_OK) {
		notice(req, "error", _("The follow-ups could not be shown."));
		return;
	}
	if (n == 0) {
		html_raw(o, "<p>");
		html_txt(o, _("No follow-ups are scheduled: they are, when a manager approves the plan."));
		html_raw(o, "</p>\n");
	} else {
		followup_table(req, rows, n, false);
	}
	closure_part(req, case_id, res, status ? status : "");
}

/* ---- closure forms ---------------------------------------------------------------------------- */

static void closure_done(struct request *req, int64_t case_id, struct svc *s, int rc)
{
	if (rc == SVC_OK) {
		req_redirect(req, ui_case_path(req, case_id, "?done=closure#followups"));
		return;
	}
	web_svc_fail(req, s, rc);
}

void ui_closure_request(struct request *req)
{
	int64_t case_id = ui_case_path_id(req);
	if (case_id == 0)
		return;
	const char *v[CR__COUNT], *e[CR__COUNT];
	struct svc s = web_svc(req);
	if (record_read_form(&closure_request_form, &req->form, true, req->arena, v, e) > 0) {
		int i = e[CR_REASON] ? CR_REASON : CR_NOTE;
		web_error(req, 422, e[i], closure_request_form.fields[i].name);
		return;
	}
	closure_done(req, case_id, &s, closure_request(&s, case_id, v[CR_REASON], v[CR_NOTE], NULL));
}

static void decide(struct request *req, bool approve)
{
	int64_t case_id = ui_case_path_id(req);
	if (case_id == 0)
		return;
	struct svc s = web_svc(req);
	closure_done(req, case_id, &s, closure_decide(&s, case_id, approve, req_form(req, "decision_note")));
}

void ui_closure_approve(struct request *req)
{
	decide(req, true);
}

void ui_closure_reject(struct request *req)
{
	decide(req, false);
}

void ui_closure_reopen(struct request *req)
{
	int64_t case_id = ui_case_path_id(req);
	if (case_id == 0)
		return;
	const char *v[CO__COUNT], *e[CO__COUNT];
	struct svc s = web_svc(req);
	if (record_read_form(&closure_reopen_form, &req->form, true, req->arena, v, e) > 0) {
		int i = e[CO_STATUS] ? CO_STATUS : CO_REASON;
		web_error(req, 422, e[i], closure_reopen_form.fields[i].name);
		return;
	}
	closure_done(req, case_id, &s, closure_reopen(&s, case_id, v[CO_STATUS], v[CO_REASON]));
}

/* ---- /followups -------------------------------------------------------------------------------- */

void ui_followup_list(struct request *req)
{
	const char *due = req_query(req, "due");
	bool overdue = !str_eq(due, "due");
	struct svc s = web_svc(req);
	struct followup *rows;
	int n;
	int rc = followup_list_due(&s, overdue, 0, &rows, &n);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	struct buf *o = &req->out;
	const char *title = overdue ? _("Overdue follow-ups") : _("Follow-ups due in the next 30 days");
	page_begin(req, title);
	ui_h1(req, title);
	html_raw(o, "<p><a href=\"");
	html_attr(o, overdue ? "/followups?due=due" : "/followups?due=overdue");
	html_raw(o, "\">");
	html_txt(o, overdue ? _("Follow-ups due soon") : _("Overdue follow-ups"));
	html_raw(o, "</a></p>\n");
	if (n == 0) {
		html_raw(o, "<p>");
		html_txt(o, overdue ? _("Nothing is overdue.") : _("Nothing is due in the next 30 days."));
		html_raw(o, "</p>\n");
	} else {
		followup_table(req, rows, n, true);
	}
	page_end(req);
}

/* ---- one follow-up ----------------------------------------------------------------------------- */

static void questionnaire(struct request *req, const char *answers, const char *error)
{
	struct buf *o = &req->out;
	const struct survey_question *q;
	int nq = survey_questions(&q);
	if (error) {
		html_raw(o, "<p class=\"field-error\" id=\"e-answers\">");
		html_txt(o, gettext(error));
		html_raw(o, "</p>\n");
	}
	for (int d = 0; d < SD_COMPOSITE; d++) {
		html_raw(o, "<fieldset class=\"stack\"><legend>");
		html_txt(o, d == SD_ECONOMIC ? _("Economic") : d == SD_SOCIAL ? _("Social") : _("Psychosocial"));
		html_raw(o, "</legend>\n");
		for (int i = 0; i < nq; i++) {
			if ((int)q[i].dim != d)
				continue;
			const char *cur = survey_answer_of(answers, q[i].code, req->arena);
			html_raw(o, "<div class=\"field\"><label for=\"q-");
			html_attr(o, q[i].code);
			html_raw(o, "\">");
			html_txt(o, survey_label(q[i].label_en, q[i].label_uk, req->lang));
			html_raw(o, "</label><select id=\"q-");
			html_attr(o, q[i].code);
			html_raw(o, "\" name=\"q_");
			html_attr(o, q[i].code);
			html_raw(o, "\"><option value=\"\">");
			html_txt(o, _("— not asked —"));
			html_raw(o, "</option>");
			for (int k = 0; k < q[i].nanswers; k++) {
				html_raw(o, "<option value=\"");
				html_attr(o, q[i].answers[k].code);
				html_raw(o, str_eq(cur, q[i].answers[k].code) ? "\" selected>" : "\">");
				html_txt(o, survey_label(q[i].answers[k].label_en, q[i].answers[k].label_uk, req->lang));
				html_raw(o, "</option>");
			}
			html_raw(o, "</select></div>\n");
		}
		html_raw(o, "</fieldset>\n");
	}
}

static void followup_page(struct request *req, const struct followup *f, const char *const *values,
			  const char *const *errors, const char *answers, const char *answers_error, int status)
{
	struct buf *o = &req->out;
	req->status = status;
	const char *title = arena_printf(req->arena, _("Follow-up of %s, due on %s"), f->case_code, f->due_on);
	page_begin(req, title);
	ui_h1(req, title);
	if (str_eq(req_query(req, "done"), "recorded"))
		notice(req, "ok", _("The follow-up was recorded."));
	html_raw(o, "<p><a href=\"");
	html_attr(o, ui_case_path(req, f->case_id, "#followups"));
	html_raw(o, "\">");
	html_txt(o, _("Back to the case"));
	html_raw(o, "</a></p>\n");
	if (*f->done_on) {
		html_raw(o, "<dl class=\"facts\">");
		ui_fact(o, _("Date of the follow-up"), f->done_on);
		ui_fact(o, _("How"), picklist_label(&pl_followup_method, f->method));
		ui_fact(o, _("Contact made"), f->contact_made == 1 ? _("Yes") : _("No"));
		ui_fact(o, _("Outcome"), picklist_label(&pl_followup_outcome, f->outcome));
		if (*f->outcome_country)
			ui_fact(o, _("Country she went to"), f->outcome_country);
		if (f->safe_channels >= 0)
			ui_fact(o, _("Through safe, legal channels"), f->safe_channels ? _("Yes") : _("No"));
		if (*f->risk_flags)
			ui_fact(o, _("Risk flags"),
				ui_case_value(req, &followup_form.fields[FF_RISK], f->risk_flags));
		static const char *const dims[] = { N_("Economic score"), N_("Social score"), N_("Psychosocial score"),
						    N_("Composite score") };
		for (int d = 0; d < SD__COUNT; d++)
			if (f->scores[d] >= 0)
				ui_fact(o, gettext(dims[d]), arena_printf(req->arena, "%.2f", (double)f->scores[d] / 1000.0));
		ui_fact(o, _("Her situation"), f->situation);
		ui_fact(o, _("Recorded by"), f->recorded_by);
		html_raw(o, "</dl>\n");
		page_end(req);
		return;
	}
	form_error_summary(req, &followup_form, errors);
	form_begin(req, fu_path(req, f->id));
	for (int i = 0; i < FF__COUNT; i++)
		if (i != FF_SITUATION)
			form_field(req, &followup_form.fields[i], values[i], errors[i]);
	ui_h2(req, _("Questionnaire"));
	questionnaire(req, answers, answers_error);
	form_field(req, &followup_form.fields[FF_SITUATION], values[FF_SITUATION], errors[FF_SITUATION]);
	form_end(req, _("Record the follow-up"));
	page_end(req);
}

static int64_t fu_path_id(struct request *req)
{
	int64_t id = 0;
	if (str_to_i64(req_param(req, 0), 1, INT64_MAX, &id) < 0) {
		web_error(req, 404, N_("There is no such record."), NULL);
		return 0;
	}
	return id;
}

void ui_followup_view(struct request *req)
{
	int64_t id = fu_path_id(req);
	if (id == 0)
		return;
	struct svc s = web_svc(req);
	struct followup f;
	int rc = followup_get(&s, id, true, &f);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	const char *values[FF__COUNT] = { 0 }, *errors[FF__COUNT] = { 0 };
	values[FF_DONE_ON] = date_of(req->arena, (int64_t)time(NULL));
	followup_page(req, &f, values, errors, "", NULL, 200);
}

void ui_followup_record(struct request *req)
{
	int64_t id = fu_path_id(req);
	if (id == 0)
		return;
	struct svc s = web_svc(req);
	struct followup f;
	int rc = followup_get(&s, id, false, &f);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	const char *values[FF__COUNT], *errors[FF__COUNT];
	int nerr = record_read_form(&followup_form, &req->form, true, req->arena, values, errors);
	/* The questionnaire's answers: q_<question> = answer, the unasked left out. */
	struct buf b;
	buf_init_arena(&b, req->arena);
	for (size_t i = 0; i < req->form.n; i++) {
		const char *k = req->form.items[i].key, *v = req->form.items[i].value;
		if (!str_starts(k, "q_") || !*v)
			continue;
		buf_puts(&b, b.len ? "," : "");
		buf_puts(&b, arena_printf(req->arena, "%s=%s", k + 2, v));
	}
	const char *answers = b.len ? b.data : "";
	struct followup_input in;
	followup_input_from(values, answers, &in);
	rc = nerr ? SVC_INVALID : followup_record(&s, id, &in);
	if (rc == SVC_OK) {
		req_redirect(req, arena_printf(req->arena, "%s?done=recorded", fu_path(req, id)));
		return;
	}
	const char *answers_error = NULL;
	if (rc == SVC_INVALID && nerr == 0) {
		if (str_eq(s.problem_field, "answers"))
			answers_error = s.problem;
		else if (!ui_case_place_problem(&followup_form, s.problem_field, s.problem, errors)) {
			web_svc_fail(req, &s, rc);
			return;
		}
	}
	if (rc != SVC_INVALID) {
		web_svc_fail(req, &s, rc);
		return;
	}
	followup_page(req, &f, values, errors, answers, answers_error, 422);
}

/* ---- /indicators/reintegration ----------------------------------------------------------------- */

static void stats_table(struct request *req, const struct reint_stats *st, const char *caption)
{
	struct buf *o = &req->out;
	html_raw(o, "<div class=\"table-wrap\"><table>\n<caption>");
	html_txt(o, caption);
	html_raw(o, "</caption>\n<thead><tr>");
	th(o, _("Indicator"));
	th(o, _("Value"));
	th(o, _("Numerator"));
	th(o, _("Denominator"));
	html_raw(o, "</tr></thead>\n<tbody>\n");
	for (int i = 0; i < RX__COUNT; i++) {
		const struct reint_cell *c = &st->cells[i];
		html_raw(o, "<tr><th scope=\"row\">");
		html_txt(o, gettext(reint_indicator_label(i)));
		html_raw(o, "</th><td class=\"num\">");
		if (c->suppressed) {
			html_txt(o, "<5");
			html_raw(o, "</td><td></td><td></td></tr>\n");
			continue;
		}
		if (!c->has_value)
			html_txt(o, "—");
		else if (!c->has_denominator)
			html_int(o, (int64_t)c->value);
		else if (i >= RX_SCORE_FIRST)
			html_txt(o, arena_printf(req->arena, "%.3f", c->value));
		else
			html_txt(o, arena_printf(req->arena, "%.1f%%", c->value * 100));
		html_raw(o, "</td><td class=\"num\">");
		html_int(o, c->numerator);
		html_raw(o, "</td><td class=\"num\">");
		if (c->has_denominator)
			html_int(o, c->denominator);
		html_raw(o, "</td></tr>\n");
	}
	html_raw(o, "</tbody></table></div>\n");
}

void ui_reint_indicators(struct request *req)
{
	struct reint_filter f = { req_query(req, "from"), req_query(req, "to"), "", req_query(req, "region") };
	struct svc s = web_svc(req);
	struct reint_stats total, *regions;
	int nr;
	bool aggregate;
	const char *from, *to;
	int rc = reint_indicators(&s, &f, &total, &regions, &nr, &aggregate, &from, &to);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	struct buf *o = &req->out;
	page_begin(req, _("Reintegration indicators"));
	ui_h1(req, _("Reintegration indicators"));
	ui_filters_begin(req, "/indicators/reintegration", _("Period and region"));
	static const struct field ff[] = {
		{ "from", "from", FT_DATE, NULL, 0, 0, 0, N_("From"), NULL },
		{ "to", "to", FT_DATE, NULL, 0, 0, 0, N_("To"), NULL },
		{ "region", "region", FT_PICK, &pl_region, 0, 0, 0, N_("Region"), NULL },
	};
	form_field(req, &ff[0], from, NULL);
	form_field(req, &ff[1], to, NULL);
	form_field(req, &ff[2], f.region, NULL);
	ui_filters_end(req, _("Show"), "/indicators/reintegration", _("Reset"));
	html_raw(o, "<p class=\"hint\">");
	html_txt(o, _("Persons under monitoring have a case with an approved plan that started by the end of the period and "
		      "was not closed before its start. A follow-up is on time when done within 14 days of its due date."));
	if (aggregate) {
		html_raw(o, " ");
		html_txt(o, _("Figures of fewer than 5 persons are not shown (<5)."));
	}
	html_raw(o, "</p>\n");
	stats_table(req, &total, aggregate ? _("The network") : _("Your organization"));
	for (int i = 0; i < nr; i++)
		stats_table(req, &regions[i], picklist_label(&pl_region, regions[i].region));
	page_end(req);
}
