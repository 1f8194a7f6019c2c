/* ui-assistance.c — the assistance given to a person: a section of the case
 * page (what was delivered, by whom, and the form to record more, shown to
 * those who may record it) and the form's own page when an entry needs
 * correcting, which keeps everything typed. */
#include "base/str.h"
#include "model/assistance.h"
#include "model/person.h"
#include "web/forms.h"
#include "web/session-web.h"
#include "web/ui-case.h"
#include "web/ui-common.h"
#include "web/ui.h"
#include "web/web.h"

#include <string.h>

static void th(struct buf *o, const char *label)
{
	html_raw(o, "<th scope=\"col\">");
	html_txt(o, label);
	html_raw(o, "</th>");
}

/* The fields of the form: every field but the case, which is the page's. */
static void assistance_fields(struct request *req, const char *const *values, const char *const *errors)
{
	for (int i = 0; i < AS__COUNT; i++)
		if (i != AS_CASE)
			form_field(req, &assistance_record.fields[i], values ? values[i] : NULL, errors ? errors[i] : NULL);
}

static void rows_table(struct request *req, const struct assistance *rows, int n)
{
	struct buf *o = &req->out;
	html_raw(o, "<div class=\"table-wrap\"><table>\n<caption>");
	html_txt(o, arena_printf(req->arena, ngettext("%d service delivered", "%d services delivered", (unsigned long)n), n));
	html_raw(o, "</caption>\n<thead><tr>");
	th(o, _("Delivered on"));
	th(o, _("Service delivered"));
	th(o, _("Provider"));
	th(o, _("Quantity or duration"));
	th(o, _("Cost"));
	th(o, _("Funding source"));
	th(o, _("Recorded by"));
	html_raw(o, "</tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		const struct assistance *a = &rows[i];
		html_raw(o, "<tr><td>");
		html_txt(o, a->delivered_on);
		html_raw(o, "</td><td>");
		html_txt(o, picklist_label(&pl_service, a->service));
		if (a->referral_id) {
			html_raw(o, " <span class=\"hint\">(");
			html_txt(o, arena_printf(req->arena, _("referral %lld"), (long long)a->referral_id));
			html_raw(o, ")</span>");
		}
		html_raw(o, "</td><td class=\"mono\">");
		html_txt(o, a->provider);
		html_raw(o, "</td><td>");
		if (a->quantity >= 0)
			html_txt(o, arena_printf(req->arena, "%lld %s", (long long)a->quantity,
						 picklist_label(&pl_assistance_unit, a->unit)));
		html_raw(o, "</td><td class=\"num\">");
		if (a->cost_cents >= 0)
			html_txt(o, arena_printf(req->arena, "%s %s", assistance_cost_text(req->arena, a->cost_cents), a->currency));
		html_raw(o, "</td><td>");
		html_txt(o, a->funding_source);
		html_raw(o, "</td><td>");
		html_txt(o, a->recorded_by);
		html_raw(o, "</td></tr>\n");
	}
	html_raw(o, "</tbody></table></div>\n");
}

void ui_assistance_section(struct request *req, int64_t case_id)
{
	struct buf *o = &req->out;
	struct svc s = web_svc(req);
	struct assistance *rows;
	int n;
	bool may_record;
	ui_case_h2(req, "assistance", _("Assistance given"));
	if (assistance_list(&s, case_id, &rows, &n, &may_record) != SVC_OK) {
		/* The rest of the case page stands on its own; say this part could not be shown. */
		notice(req, "error", _("The assistance given could not be shown."));
		return;
	}
	if (str_eq(req_query(req, "done"), "assistance"))
		notice(req, "ok", _("The assistance was recorded."));
	if (n == 0) {
		html_raw(o, "<p>");
		html_txt(o, _("No assistance is recorded yet."));
		html_raw(o, "</p>\n");
	} else {
		rows_table(req, rows, n);
	}
	if (!may_record)
		return;
	html_raw(o, "<h3>");
	html_txt(o, _("Record assistance"));
	html_raw(o, "</h3>\n");
	form_begin(req, ui_case_path(req, case_id, "/assistance"));
	assistance_fields(req, NULL, NULL);
	form_end(req, _("Record the assistance"));
}

/* The form again, on a page of its own, with the problems next to their fields. */
static void form_page(struct request *req, int64_t case_id, const char *const *values, const char *const *errors,
		      const char *problem, int status)
{
	struct buf *o = &req->out;
	req->status = status;
	page_begin(req, _("Record assistance"));
	ui_h1(req, _("Record assistance"));
	if (problem)
		notice(req, "error", problem);
	form_error_summary(req, &assistance_record, errors);
	form_begin(req, ui_case_path(req, case_id, "/assistance"));
	assistance_fields(req, values, errors);
	form_end(req, _("Record the assistance"));
	html_raw(o, "<p><a href=\"");
	html_attr(o, ui_case_path(req, case_id, "#assistance"));
	html_raw(o, "\">");
	html_txt(o, _("Back to the case"));
	html_raw(o, "</a></p>\n");
	page_end(req);
}

void ui_assistance_add(struct request *req)
{
	int64_t case_id = ui_case_path_id(req);
	if (case_id == 0)
		return;
	const char *values[AS__COUNT], *errors[AS__COUNT];
	int nerr = record_read_form(&assistance_record, &req->form, true, req->arena, values, errors);
	values[AS_CASE] = arena_printf(req->arena, "%lld", (long long)case_id);
	if (errors[AS_CASE]) {
		errors[AS_CASE] = NULL;
		nerr--;
	}
	struct svc s = web_svc(req);
	int rc = nerr > 0 ? SVC_INVALID : assistance_record_add(&s, values, NULL);
	if (rc == SVC_OK) {
		req_redirect(req, ui_case_path(req, case_id, "?done=assistance#assistance"));
		return;
	}
	if (rc == SVC_INVALID && nerr == 0) {
		int i = s.problem_field ? record_field_index(&assistance_record, s.problem_field) : -1;
		if (i < 0 || i == AS_CASE) {
			web_svc_fail(req, &s, rc);
			return;
		}
		errors[i] = s.problem;
	}
	if (rc == SVC_INVALID || rc == SVC_CONFLICT) {
		form_page(req, case_id, values, errors, rc == SVC_CONFLICT ? gettext(s.problem) : NULL,
			  rc == SVC_INVALID ? 422 : 409);
		return;
	}
	web_svc_fail(req, &s, rc);
}
