/* ui-person.c — registering a person and opening her case (the intake), and
 * editing the person.
 *
 * The intake reads both record tables (the person; the identification and
 * needs of the case), checks the case's values before anything is written,
 * looks for possible duplicates among the persons the actor may see and,
 * when there are some, shows them masked (case code, age band, gender) with
 * a link to the existing case and asks to confirm before registering: every
 * typed value is kept.  Then case_intake: the person and her case in one transaction.
 *
 * Editing a person shows her current identifying fields: that is a showing
 * of personal data, so it needs the password confirmed within the last few
 * minutes, and person_get audits it.
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

#include <string.h>

#define N(a) (sizeof a / sizeof a[0])

/* The person's fields, grouped as people are asked about them; together every field once. */
static const int grp_names[] = { P_FIRST_NAME, P_MIDDLE_NAME, P_SECOND_NAME, P_FIRST_NAME_LATIN, P_SECOND_NAME_LATIN };
static const int grp_birth[] = { P_BIRTHDATE, P_BIRTH_YEAR, P_GENDER };
static const int grp_contacts[] = { P_MOBILE_PHONE, P_HOME_PHONE, P_EMAIL, P_SAFE_CONTACT };
static const int grp_address[] = { P_STREET, P_CITY, P_STATE, P_POSTAL_CODE, P_MAILING_COUNTRY, P_REGION };
static const int grp_documents[] = { P_ID_DOCUMENT, P_ID_NUMBER, P_PHOTO_METADATA };
static const int grp_about[] = { P_CITIZENSHIP, P_LANGUAGES, P_MARITAL_STATUS, P_CHILDREN, P_EDUCATION, P_NOTES };
_Static_assert(N(grp_names) + N(grp_birth) + N(grp_contacts) + N(grp_address) + N(grp_documents) + N(grp_about) ==
		       P__COUNT,
	       "every field of the person is on the form");

/* The case's part of the intake: how she was identified, and what she needs. */
static const int grp_ident[] = { C_IDENTIFICATION_METHOD, C_IDENTIFIED_BY_ORG, C_IDENTIFIED_ON, C_IDENTIFICATION_PLACE };
static const int grp_needs[] = { C_NEEDS, C_NEEDS_NOTES };

static void person_fieldsets(struct request *req, const char *const *pv, const char *const *pe)
{
	ui_case_fieldset(req, _("Names"), &person_record, grp_names, N(grp_names), pv, pe);
	ui_case_fieldset(req, _("Birth and gender"), &person_record, grp_birth, N(grp_birth), pv, pe);
	ui_case_fieldset(req, _("Contacts"), &person_record, grp_contacts, N(grp_contacts), pv, pe);
	ui_case_fieldset(req, _("Address"), &person_record, grp_address, N(grp_address), pv, pe);
	ui_case_fieldset(req, _("Documents"), &person_record, grp_documents, N(grp_documents), pv, pe);
	ui_case_fieldset(req, _("About her"), &person_record, grp_about, N(grp_about), pv, pe);
}

/* ---- the intake ------------------------------------------------------------- */

struct intake {
	const char *pv[P__COUNT], *pe[P__COUNT];
	const char *cv[C__COUNT], *ce[C__COUNT];
	const char *problem; /* a problem not tied to a field */
	struct person_hit *dups;
	int ndups;
};

static void duplicates_box(struct request *req, const struct intake *in)
{
	struct buf *o = &req->out;
	html_raw(o, "<div class=\"notice warn\" role=\"alert\" id=\"duplicates\"><h2>");
	html_txt(o, _("She may already be registered"));
	html_raw(o, "</h2><p>");
	html_txt(o, ngettext("A person you may see has the same name, phone number or date of birth. Open her "
			     "case instead, or confirm below that this is someone else.",
			     "Persons you may see have the same name, phone number or date of birth. Open the "
			     "existing case instead, or confirm below that this is someone else.",
			     (unsigned long)in->ndups));
	html_raw(o, "</p>\n<div class=\"table-wrap\"><table>\n<thead><tr><th scope=\"col\">");
	html_txt(o, _("Case"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Age"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Gender"));
	html_raw(o, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < in->ndups; i++) {
		const struct person_hit *h = &in->dups[i];
		html_raw(o, "<tr><td class=\"mono\">");
		if (h->case_id) {
			html_raw(o, "<a href=\"");
			html_attr(o, ui_case_path(req, h->case_id, ""));
			html_raw(o, "\">");
			html_txt(o, h->case_code);
			html_raw(o, "</a>");
		} else {
			html_txt(o, _("no case you may open"));
		}
		html_raw(o, "</td><td>");
		html_txt(o, h->age_band ? h->age_band : "");
		html_raw(o, "</td><td>");
		html_txt(o, h->gender && *h->gender ? picklist_label(&pl_prs_Gender, h->gender) : "");
		html_raw(o, "</td></tr>\n");
	}
	html_raw(o, "</tbody></table></div></div>\n");
}

static void intake_form(struct request *req, const struct intake *in, int status)
{
	struct buf *o = &req->out;
	req->status = status;
	page_begin(req, _("Register a person and open a case"));
	ui_h1(req, _("Register a person and open a case"));
	if (in->problem)
		notice(req, "error", gettext(in->problem));
	ui_case_error_summary(req, &person_record, in->pe, &case_record, in->ce);
	if (in->ndups > 0)
		duplicates_box(req, in);
	html_raw(o, "<p>");
	html_txt(o, _("Names, dates of birth, contacts, addresses, documents and notes are encrypted before they are "
		      "stored. Only what is needed for statistics is kept plainly."));
	html_raw(o, "</p>\n");
	form_begin(req, "/cases/new");
	html_raw(o, "<h2>");
	html_txt(o, _("The person"));
	html_raw(o, "</h2>\n");
	person_fieldsets(req, in->pv, in->pe);
	html_raw(o, "<h2>");
	html_txt(o, _("The case"));
	html_raw(o, "</h2>\n");
	ui_case_fieldset(req, _("Identification"), &case_record, grp_ident, N(grp_ident), in->cv, in->ce);
	ui_case_fieldset(req, _("Needs"), &case_record, grp_needs, N(grp_needs), in->cv, in->ce);
	if (in->ndups > 0) {
		html_raw(o, "<div class=\"field checks\"><label><input type=\"checkbox\" name=\"different_person\" "
			    "value=\"1\" required> ");
		html_txt(o, _("This is a different person, register her"));
		html_raw(o, "</label></div>\n");
	}
	form_end(req, _("Register and open the case"));
	html_raw(o, "<p><a href=\"/cases\">");
	html_txt(o, _("Back to the list of cases"));
	html_raw(o, "</a></p>\n");
	page_end(req);
}

void ui_case_new(struct request *req)
{
	struct intake in;
	memset(&in, 0, sizeof in);
	/* By default she was identified by the organization registering her. */
	in.cv[C_IDENTIFIED_BY_ORG] = req->actor->org_code;
	intake_form(req, &in, 200);
}

/* Only the case fields the intake shows are taken from the form. */
static void keep_intake_fields(const char **cv)
{
	for (int i = 0; i < C__COUNT; i++) {
		bool shown = false;
		for (size_t k = 0; k < N(grp_ident); k++)
			shown |= grp_ident[k] == i;
		for (size_t k = 0; k < N(grp_needs); k++)
			shown |= grp_needs[k] == i;
		if (!shown)
			cv[i] = NULL;
	}
}

/* A service's problem next to its field on either table, or at the top. */
static void place(struct intake *in, const struct svc *s)
{
	if (!ui_case_place_problem(&person_record, s->problem_field, s->problem, in->pe) &&
	    !ui_case_place_problem(&case_record, s->problem_field, s->problem, in->ce))
		in->problem = s->problem;
}

void ui_case_create(struct request *req)
{
	struct intake in;
	memset(&in, 0, sizeof in);
	int nerr = record_read_form(&person_record, &req->form, true, req->arena, in.pv, in.pe);
	nerr += record_read_form(&case_record, &req->form, true, req->arena, in.cv, in.ce);
	keep_intake_fields(in.cv);
	for (int i = 0; i < C__COUNT; i++)
		if (in.cv[i] == NULL)
			in.ce[i] = NULL;
	if (nerr > 0) {
		intake_form(req, &in, 422);
		return;
	}
	struct svc s = web_svc(req);
	int rc = case_check(&s, in.cv);
	if (rc == SVC_INVALID) {
		place(&in, &s);
		intake_form(req, &in, 422);
		return;
	}
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	if (!str_eq(req_form(req, "different_person"), "1")) {
		rc = person_duplicates(&s, in.pv, &in.dups, &in.ndups);
		if (rc != SVC_OK) {
			web_svc_fail(req, &s, rc);
			return;
		}
		if (in.ndups > 0) {
			intake_form(req, &in, 200);
			return;
		}
	}
	struct case_rec c;
	rc = case_intake(&s, in.pv, in.cv, &c);
	if (rc == SVC_INVALID) {
		place(&in, &s);
		intake_form(req, &in, 422);
		return;
	}
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	req_redirect(req, ui_case_path(req, c.id, "?done=created"));
}

/* ---- editing the person ------------------------------------------------------ */

/* The case the edit was opened from (?case= or the form's case), for the way back; 0 when none. */
static int64_t back_case(struct request *req)
{
	const char *v = req_form(req, "case");
	if (v == NULL)
		v = req_query(req, "case");
	int64_t id = 0;
	return v && str_to_i64(v, 1, INT64_MAX, &id) == 0 ? id : 0;
}

static void person_form(struct request *req, int64_t id, int64_t version, const char *const *pv,
			const char *const *pe, const char *problem, int status)
{
	struct buf *o = &req->out;
	int64_t cid = back_case(req);
	req->status = status;
	page_begin(req, _("Edit the person"));
	ui_h1(req, _("Edit the person"));
	if (problem)
		notice(req, "error", problem);
	ui_case_error_summary(req, &person_record, pe, NULL, NULL);
	form_begin(req, ui_person_path(req, id, "/edit"));
	ui_version_hidden(req, version);
	if (cid) {
		html_hidden(o, "case", arena_printf(req->arena, "%lld", (long long)cid));
		html_raw(o, "\n");
	}
	person_fieldsets(req, pv, pe);
	form_end(req, _("Save changes"));
	html_raw(o, "<p><a href=\"");
	html_attr(o, cid ? ui_case_path(req, cid, "") : "/cases");
	html_raw(o, "\">");
	html_txt(o, cid ? _("Back to the case") : _("Back to the list of cases"));
	html_raw(o, "</a></p>\n");
	page_end(req);
}

/*
 * The person's plain fields, and whether the actor may edit (and so reveal)
 * her; false after answering.  person_get answering means the actor may see
 * her — for the roles that see only their assignments, that she is theirs.
 */
static bool load_person(struct request *req, int64_t id, struct person *p)
{
	struct svc s = web_svc(req);
	int rc = person_get(&s, id, false, p);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return false;
	}
	struct resource res = { .org_id = p->owner_org_id, .assigned = true };
	return web_may(req, A_CASE_EDIT, &res) && web_may(req, A_CASE_REVEAL, &res);
}

void ui_person_edit_page(struct request *req)
{
	int64_t id = ui_case_path_id(req);
	struct person p;
	if (id == 0 || !load_person(req, id, &p))
		return;
	if (!ui_case_reauth_fresh(req)) {
		page_begin(req, _("Edit the person"));
		ui_h1(req, _("Edit the person"));
		struct buf back;
		buf_init_arena(&back, req->arena);
		buf_puts(&back, ui_person_path(req, id, "/edit"));
		if (back_case(req))
			buf_printf(&back, "?case=%lld", (long long)back_case(req));
		ui_case_reauth_notice(req, back.data);
		page_end(req);
		return;
	}
	struct svc s = web_svc(req);
	int rc = person_get(&s, id, true, &p);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	person_form(req, id, p.version, p.v, NULL, NULL, 200);
}

void ui_person_edit(struct request *req)
{
	int64_t id = ui_case_path_id(req);
	struct person p;
	int64_t version;
	if (id == 0 || !load_person(req, id, &p) || !ui_version_read(req, &version))
		return;
	const char *pv[P__COUNT], *pe[P__COUNT];
	if (record_read_form(&person_record, &req->form, false, req->arena, pv, pe) > 0) {
		person_form(req, id, version, pv, pe, NULL, 422);
		return;
	}
	struct svc s = web_svc(req);
	int rc = person_update(&s, id, version, pv);
	if (rc == SVC_OK) {
		int64_t cid = back_case(req);
		req_redirect(req, cid ? ui_case_path(req, cid, "?done=saved#person") : "/cases");
		return;
	}
	if (rc == SVC_CONFLICT) {
		/* Keep what was typed, on top of the newer version (its values are not shown: that would be a reveal). */
		struct person now;
		struct svc s2 = web_svc(req);
		if (person_get(&s2, id, false, &now) == SVC_OK)
			version = now.version;
		person_form(req, id, version, pv, pe,
			    _("Someone else saved changes to this person while you were editing. Your entries are kept "
			      "below: check them and save again."),
			    409);
		return;
	}
	if (rc == SVC_INVALID) {
		if (ui_case_place_problem(&person_record, s.problem_field, s.problem, pe))
			person_form(req, id, version, pv, pe, NULL, 422);
		else
			person_form(req, id, version, pv, pe, gettext(s.problem), 422);
		return;
	}
	web_svc_fail(req, &s, rc);
}
