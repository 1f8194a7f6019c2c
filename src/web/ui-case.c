/* ui-case.c — one case: its page (summary, the person, the trafficking
 * experience, the needs, the timeline of notes, caseworkers, history), the
 * showing of personal data, the edit form, notes and assignment.
 *
 * The page is built one section at a time (case_page below calls one
 * function per section), so further sections — the screening, the consents —
 * are one call each in case_page.
 *
 * Personal data: the person's identifying fields and the case's free text
 * are masked until "Show personal data" (POST /cases/{id}/reveal), which
 * needs policy case.reveal and the password confirmed within the last few
 * minutes; the services audit every opening.  The notes of the timeline are
 * opened (and audited) by case_notes whenever the page is shown to someone
 * who may see the case.
 */
#include "base/str.h"
#include "model/case.h"
#include "model/htcds.h"
#include "model/person.h"
#include "model/referral.h"
#include "web/forms.h"
#include "web/session-web.h"
#include "web/ui-case.h"
#include "web/ui-common.h"
#include "web/ui.h"
#include "web/web.h"

#include <jansson.h>
#include <string.h>

struct page_opts {
	bool reveal;             /* open the sealed fields (checked and fresh) */
	bool stale;              /* the reveal was asked for, but the password must be confirmed first */
	const char *note;        /* a note typed, kept when it came back with an error */
	const char *note_error;  /* msgid */
	const char *assign_error;
	int status;
};

struct page {
	struct case_rec c;
	struct person p;
	struct resource res;
	struct case_note *notes;
	int nnotes;
	struct case_change *hist;
	int nhist;
	struct case_worker_choice *workers;
	int nworkers;
};

static const struct field note_field = { "text", "text", FT_LONGTEXT, NULL, F_REQUIRED, 0, 10000, N_("New note"),
					 N_("What happened, what was agreed, what comes next. Notes are sealed.") };

/* ---- small pieces ---------------------------------------------------------- */

static void fact_value(struct request *req, const char *term, const char *value)
{
	struct buf *o = &req->out;
	ui_fact_begin(o, term);
	if (value && *value)
		html_txt(o, value);
	else
		ui_case_not_given(o);
	ui_fact_end(o);
}

/* A fact from a record field: label and value in the user's language. */
static void fact_field(struct request *req, const struct record_type *rt, int i, const char *const *v)
{
	fact_value(req, gettext(rt->fields[i].label), ui_case_value(req, &rt->fields[i], v[i]));
}

static void masked(struct request *req, const char *term)
{
	struct buf *o = &req->out;
	ui_fact_begin(o, term);
	html_raw(o, "<span class=\"hint\">");
	html_txt(o, _("hidden"));
	html_raw(o, "</span>");
	ui_fact_end(o);
}

/* A sealed field: its value when opened, "hidden" otherwise. */
static void fact_sealed(struct request *req, const struct record_type *rt, int i, const char *const *v, bool opened)
{
	if (opened)
		fact_field(req, rt, i, v);
	else
		masked(req, gettext(rt->fields[i].label));
}

static void text_lines(struct buf *o, const char *text)
{
	for (const char *p = text; *p;) {
		const char *e = strchr(p, '\n');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		html_txtn(o, p, l);
		if (!e)
			break;
		html_raw(o, "<br>");
		p = e + 1;
	}
}

static const char *worker_name(const struct page *pg, int64_t id)
{
	for (int i = 0; i < pg->nworkers; i++)
		if (pg->workers[i].id == id)
			return pg->workers[i].name;
	return NULL;
}

/* Whether a user's display name is among the case's caseworkers ("A, B"). */
static bool is_assigned(const struct case_rec *c, const char *name)
{
	size_t nl = strlen(name);
	for (const char *p = c->caseworkers; p && *p;) {
		const char *e = strstr(p, ", ");
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == nl && strncmp(p, name, l) == 0)
			return true;
		p += l + (e ? 2 : 0);
	}
	return false;
}

/* ---- sections --------------------------------------------------------------- */

static void section_summary(struct request *req, const struct page *pg, bool opened)
{
	struct buf *o = &req->out;
	const struct case_rec *c = &pg->c;
	const char *const *v = c->v;
	html_raw(o, "<p>");
	ui_tag(o, str_eq(v[C_STATUS], "Active") || str_eq(v[C_STATUS], "FollowUp"),
	       picklist_label(&pl_cas_Status, v[C_STATUS]));
	html_raw(o, "</p>\n<dl class=\"facts\">\n");
	fact_value(req, _("Case code"), c->code);
	fact_value(req, _("Organization"), c->owner_org_code);
	fact_value(req, _("Caseworkers"), c->caseworkers);
	fact_field(req, &case_record, C_REGISTERED_ON, v);
	fact_field(req, &case_record, C_IDENTIFIED_ON, v);
	fact_field(req, &case_record, C_IDENTIFICATION_METHOD, v);
	fact_field(req, &case_record, C_IDENTIFIED_BY_ORG, v);
	fact_sealed(req, &case_record, C_IDENTIFICATION_PLACE, v, opened);
	fact_field(req, &case_record, C_TRAFFICKING_STATUS, v);
	fact_field(req, &case_record, C_TRAFFICKING_STATUS_BY, v);
	if (*v[C_CLOSED_ON] || *v[C_CLOSURE_REASON]) {
		fact_field(req, &case_record, C_CLOSED_ON, v);
		fact_field(req, &case_record, C_CLOSURE_REASON, v);
		fact_sealed(req, &case_record, C_CLOSURE_DETAILS, v, opened);
	}
	ui_fact_begin(o, _("Last changed"));
	ui_time_utc(o, c->updated_at, true);
	ui_fact_end(o);
	html_raw(o, "</dl>\n");
	if (policy_may(req->actor, A_CASE_EDIT, &pg->res)) {
		html_raw(o, "<p class=\"actions\"><a class=\"button\" href=\"");
		html_attr(o, ui_case_path(req, c->id, "/edit"));
		html_raw(o, "\">");
		html_txt(o, _("Edit the case"));
		html_raw(o, "</a></p>\n");
	}
}

static void section_person(struct request *req, const struct page *pg, const struct page_opts *po)
{
	struct buf *o = &req->out;
	const struct person *p = &pg->p;
	ui_case_h2(req, "person", _("The person"));
	if (po->stale)
		ui_case_reauth_notice(req, ui_case_path(req, pg->c.id, ""));
	html_raw(o, "<dl class=\"facts\">\n");
	if (p->opened) {
		for (int i = 0; i < P_GENDER; i++)
			if (p->v[i] && *p->v[i])
				fact_field(req, &person_record, i, p->v);
	} else {
		masked(req, _("Full name"));
		masked(req, _("Date of birth"));
		masked(req, _("Contacts and address"));
	}
	fact_value(req, _("Age"), p->age_band);
	for (int i = P_GENDER; i < P__COUNT; i++)
		fact_field(req, &person_record, i, p->v);
	html_raw(o, "</dl>\n");
	html_raw(o, "<div class=\"actions\">");
	if (!p->opened && policy_may(req->actor, A_CASE_REVEAL, &pg->res)) {
		form_begin(req, ui_case_path(req, pg->c.id, "/reveal"));
		html_raw(o, "<p class=\"hint\">");
		html_txt(o, _("Personal data is hidden. Showing it is recorded in the audit trail."));
		html_raw(o, "</p><button type=\"submit\" class=\"secondary\">");
		html_txt(o, _("Show personal data"));
		html_raw(o, "</button></form>\n");
	}
	if (policy_may(req->actor, A_CASE_EDIT, &pg->res)) {
		html_raw(o, "<a class=\"button secondary\" href=\"");
		html_attr(o, ui_person_path(req, p->id, arena_printf(req->arena, "/edit?case=%lld", (long long)pg->c.id)));
		html_raw(o, "\">");
		html_txt(o, _("Edit the person"));
		html_raw(o, "</a>");
	}
	html_raw(o, "</div>\n");
}

static void section_experience(struct request *req, const struct page *pg)
{
	struct buf *o = &req->out;
	ui_case_h2(req, "experience", _("Trafficking experience"));
	html_raw(o, "<dl class=\"facts\">\n");
	for (int i = C_RECRUITMENT_METHODS; i <= C_AGE_WHEN_TRAFFICKED; i++)
		fact_field(req, &case_record, i, pg->c.v);
	html_raw(o, "</dl>\n");
}

static void section_needs(struct request *req, const struct page *pg, bool opened)
{
	struct buf *o = &req->out;
	const char *needs = pg->c.v[C_NEEDS];
	ui_case_h2(req, "needs", _("Needs"));
	if (*needs == '\0') {
		html_raw(o, "<p>");
		html_txt(o, _("No needs recorded yet."));
		html_raw(o, "</p>\n");
	} else {
		html_raw(o, "<ul>");
		for (const char *p = needs; *p;) {
			const char *e = strchr(p, ',');
			size_t l = e ? (size_t)(e - p) : strlen(p);
			html_raw(o, "<li>");
			html_txt(o, picklist_label(&pl_service, arena_strndup(req->arena, p, l)));
			html_raw(o, "</li>");
			p += l + (e ? 1 : 0);
		}
		html_raw(o, "</ul>\n");
	}
	html_raw(o, "<dl class=\"facts\">\n");
	fact_sealed(req, &case_record, C_NEEDS_NOTES, pg->c.v, opened);
	html_raw(o, "</dl>\n");
}

static void section_notes(struct request *req, const struct page *pg, const struct page_opts *po)
{
	struct buf *o = &req->out;
	ui_case_h2(req, "notes", _("Timeline of notes"));
	if (policy_may(req->actor, A_CASE_NOTE, &pg->res)) {
		form_begin(req, ui_case_path(req, pg->c.id, "/notes"));
		form_field(req, &note_field, po->note, po->note_error);
		form_end(req, _("Add the note"));
	}
	if (pg->nnotes == 0) {
		html_raw(o, "<p>");
		html_txt(o, _("No notes yet."));
		html_raw(o, "</p>\n");
		return;
	}
	html_raw(o, "<ol reversed>\n");
	for (int i = 0; i < pg->nnotes; i++) {
		const struct case_note *n = &pg->notes[i];
		html_raw(o, "<li><p><strong>");
		html_txt(o, str_eq(n->author, "console") ? _("console (command line)") : n->author);
		html_raw(o, "</strong>, ");
		ui_time_utc(o, n->at, true);
		html_raw(o, "</p><p>");
		text_lines(o, n->text);
		html_raw(o, "</p></li>\n");
	}
	html_raw(o, "</ol>\n");
}

static void worker_select(struct request *req, const struct page *pg, const char *id, bool assigned)
{
	struct buf *o = &req->out;
	html_raw(o, "<select id=\"");
	html_attr(o, id);
	html_raw(o, "\" name=\"user\" required><option value=\"\">");
	html_txt(o, _("— choose —"));
	html_raw(o, "</option>");
	for (int i = 0; i < pg->nworkers; i++) {
		if (is_assigned(&pg->c, pg->workers[i].name) != assigned)
			continue;
		html_rawf(o, "<option value=\"%lld\">", (long long)pg->workers[i].id);
		html_txt(o, pg->workers[i].name);
		html_raw(o, " (");
		html_txt(o, picklist_label(&pl_role, pg->workers[i].role));
		html_raw(o, ")</option>");
	}
	html_raw(o, "</select>");
}

static void section_assign(struct request *req, const struct page *pg, const struct page_opts *po)
{
	struct buf *o = &req->out;
	if (!policy_may(req->actor, A_CASE_ASSIGN, &pg->res))
		return;
	ui_case_h2(req, "assign", _("Caseworkers"));
	if (po->assign_error)
		notice(req, "error", gettext(po->assign_error));
	form_begin(req, ui_case_path(req, pg->c.id, "/assign"));
	html_hidden(o, "op", "add");
	html_raw(o, "<div class=\"field\"><label for=\"f-assign\">");
	html_txt(o, _("Assign to the case"));
	html_raw(o, "</label>");
	worker_select(req, pg, "f-assign", false);
	html_raw(o, "</div>\n");
	form_end(req, _("Assign"));
	if (*pg->c.caseworkers) {
		form_begin(req, ui_case_path(req, pg->c.id, "/assign"));
		html_hidden(o, "op", "remove");
		html_raw(o, "<div class=\"field\"><label for=\"f-unassign\">");
		html_txt(o, _("Remove from the case"));
		html_raw(o, "</label>");
		worker_select(req, pg, "f-unassign", true);
		html_raw(o, "</div>\n");
		form_end(req, _("Remove"));
	}
}

/* Field names "a,b" of a history entry as their labels. */
static const char *field_labels(struct request *req, const char *names)
{
	struct buf b;
	buf_init_arena(&b, req->arena);
	for (const char *p = names; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		const char *name = arena_strndup(req->arena, p, l);
		int i = record_field_index(&case_record, name);
		buf_puts(&b, b.len ? ", " : "");
		buf_puts(&b, i >= 0 ? gettext(case_record.fields[i].label) : name);
		p += l + (e ? 1 : 0);
	}
	return b.data;
}

/* One history entry ({"created":true,"fields":"..."}, {"fields":"..."}, {"assigned":ID}) in words. */
static const char *change_text(struct request *req, const struct page *pg, const char *change)
{
	json_t *j = json_loads(change, 0, NULL);
	const char *out = _("Changed");
	json_t *f = j ? json_object_get(j, "fields") : NULL;
	json_t *as = j ? json_object_get(j, "assigned") : NULL;
	json_t *un = j ? json_object_get(j, "unassigned") : NULL;
	if (as || un) {
		int64_t uid = json_integer_value(as ? as : un);
		const char *name = worker_name(pg, uid);
		name = name ? name : arena_printf(req->arena, "#%lld", (long long)uid);
		out = arena_printf(req->arena, as ? _("Assigned: %s") : _("Removed from the case: %s"), name);
	} else if (j && json_is_true(json_object_get(j, "created"))) {
		out = _("Case opened");
	} else if (json_is_string(f)) {
		const char *labels = field_labels(req, json_string_value(f));
		out = *labels ? arena_printf(req->arena, _("Changed: %s"), labels) : _("Saved without changes");
	}
	json_decref(j);
	return out;
}

static void section_history(struct request *req, const struct page *pg)
{
	struct buf *o = &req->out;
	ui_case_h2(req, "history", _("History of changes"));
	html_raw(o, "<div class=\"table-wrap\"><table>\n<thead><tr><th scope=\"col\">");
	html_txt(o, _("When"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Who"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("What"));
	html_raw(o, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < pg->nhist; i++) {
		html_raw(o, "<tr><td>");
		ui_time_utc(o, pg->hist[i].at, true);
		html_raw(o, "</td><td>");
		html_txt(o, str_eq(pg->hist[i].who, "console") ? _("console (command line)") : pg->hist[i].who);
		html_raw(o, "</td><td>");
		html_txt(o, change_text(req, pg, pg->hist[i].change));
		html_raw(o, "</td></tr>\n");
	}
	html_raw(o, "</tbody></table></div>\n");
}

/* ---- the page ------------------------------------------------------------------ */

/* Loads everything the page shows; false after answering an error. */
static bool page_load(struct request *req, int64_t id, const struct page_opts *po, struct page *pg)
{
	memset(pg, 0, sizeof *pg);
	struct svc s = web_svc(req);
	int rc = case_get(&s, id, po->reveal, &pg->c);
	if (rc == SVC_OK) {
		pg->res = (struct resource){ .org_id = pg->c.owner_org_id, .assigned = pg->c.assigned };
		rc = person_get(&s, pg->c.person_id, po->reveal, &pg->p);
	}
	/* A receiving organization (shared_fields set) sees only what its referrals share: not the
	 * owner's notes, history or staff. */
	bool receiver = rc == SVC_OK && pg->c.shared_fields != NULL;
	if (rc == SVC_OK && !receiver)
		rc = case_notes(&s, id, &pg->notes, &pg->nnotes);
	if (rc == SVC_OK && !receiver)
		rc = case_history(&s, id, &pg->hist, &pg->nhist);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return false;
	}
	if (receiver)
		return true;
	/* Names for the assignment form and the history; the page works without them. */
	struct svc s2 = web_svc(req);
	if (case_worker_choices(&s2, pg->c.owner_org_id, &pg->workers, &pg->nworkers) != SVC_OK)
		pg->nworkers = 0;
	return true;
}

static void case_page(struct request *req, int64_t id, const struct page_opts *po)
{
	struct page pg;
	if (!page_load(req, id, po, &pg))
		return;
	struct buf *o = &req->out;
	req->status = po->status ? po->status : 200;
	const char *title = arena_printf(req->arena, _("Case %s"), pg.c.code);
	page_begin(req, title);
	ui_h1(req, title);
	const char *done = req_query(req, "done");
	if (str_eq(done, "created"))
		notice(req, "ok", _("The person was registered and the case opened."));
	else if (str_eq(done, "saved"))
		notice(req, "ok", _("Your changes were saved."));
	else if (str_eq(done, "note"))
		notice(req, "ok", _("The note was added."));
	else if (str_eq(done, "assigned"))
		notice(req, "ok", _("The caseworkers were changed."));
	if (po->reveal)
		notice(req, "warn", _("Personal data is shown. This view is recorded in the audit trail."));
	if (pg.c.shared_fields)
		notice(req, "", _("Your organization sees this case through a referral: only the fields it shares are shown."));
	section_summary(req, &pg, pg.c.opened);
	section_person(req, &pg, po);
	if (pg.c.shared_fields) {
		/* A receiving organization: the shared fields and its referrals, nothing of the owner's work. */
		if (referral_shares(pg.c.shared_fields, "experience"))
			section_experience(req, &pg);
		if (referral_shares(pg.c.shared_fields, "needs"))
			section_needs(req, &pg, pg.c.opened);
		ui_case_section_referrals(req, pg.c.id, &pg.res, pg.c.shared_fields);
		ui_assistance_section(req, pg.c.id);
		page_end(req);
		return;
	}
	ui_case_section_screening(req, pg.c.id, &pg.res);
	ui_case_section_consent(req, pg.c.id, &pg.res, pg.c.opened);
	section_experience(req, &pg);
	section_needs(req, &pg, pg.c.opened);
	section_notes(req, &pg, po);
	section_assign(req, &pg, po);
	section_history(req, &pg);
	ui_case_section_referrals(req, pg.c.id, &pg.res, NULL);
	ui_assistance_section(req, pg.c.id);
	ui_reint_section_plan(req, pg.c.id, &pg.res);
	ui_reint_section_followups(req, pg.c.id, &pg.res, pg.c.v[C_STATUS]);
	html_raw(o, "<p><a href=\"/cases\">");
	html_txt(o, _("All cases"));
	html_raw(o, "</a></p>\n");
	page_end(req);
}

void ui_case_view(struct request *req)
{
	int64_t id = ui_case_path_id(req);
	if (id == 0)
		return;
	struct page_opts po = { 0 };
	case_page(req, id, &po);
}

void ui_case_reveal(struct request *req)
{
	int64_t id = ui_case_path_id(req);
	if (id == 0)
		return;
	struct page_opts po = { 0 };
	struct svc s = web_svc(req);
	struct case_rec c;
	int rc = case_get(&s, id, false, &c);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	if (!web_may(req, A_CASE_REVEAL, &(struct resource){ .org_id = c.owner_org_id, .assigned = c.assigned }))
		return;
	if (ui_case_reauth_fresh(req))
		po.reveal = true;
	else
		po.stale = true;
	case_page(req, id, &po);
}

void ui_case_note(struct request *req)
{
	int64_t id = ui_case_path_id(req);
	if (id == 0)
		return;
	const char *text;
	const char *err = field_validate(&note_field, req_form(req, "text"), req->arena, &text);
	struct svc s = web_svc(req);
	int rc = err ? SVC_INVALID : case_note_add(&s, id, text, NULL);
	if (rc == SVC_OK) {
		req_redirect(req, ui_case_path(req, id, "?done=note#notes"));
		return;
	}
	if (rc == SVC_INVALID) {
		struct page_opts po = { .note = req_form(req, "text"), .note_error = err ? err : s.problem, .status = 422 };
		case_page(req, id, &po);
		return;
	}
	web_svc_fail(req, &s, rc);
}

void ui_case_assign(struct request *req)
{
	int64_t id = ui_case_path_id(req);
	if (id == 0)
		return;
	int64_t uid = 0;
	const char *op = req_form(req, "op");
	struct svc s = web_svc(req);
	int rc;
	if (str_to_i64(req_form(req, "user"), 1, INT64_MAX, &uid) < 0)
		rc = svc_invalid(&s, N_("Choose a person from the list."), "user");
	else if (!str_eq(op, "add") && !str_eq(op, "remove"))
		rc = svc_invalid(&s, N_("The form is incomplete. Reload the page and try again."), "op");
	else
		rc = case_assign(&s, id, uid, str_eq(op, "add"));
	if (rc == SVC_OK) {
		req_redirect(req, ui_case_path(req, id, "?done=assigned#assign"));
		return;
	}
	if (rc == SVC_INVALID) {
		struct page_opts po = { .assign_error = s.problem, .status = 422 };
		case_page(req, id, &po);
		return;
	}
	web_svc_fail(req, &s, rc);
}

/* ---- editing the case --------------------------------------------------------- */

static const int grp_status[] = { C_STATUS, C_CLOSURE_REASON, C_CLOSED_ON, C_CLOSURE_DETAILS };
static const int grp_ident[] = { C_IDENTIFICATION_METHOD, C_IDENTIFIED_BY_ORG, C_IDENTIFIED_ON, C_REGISTERED_ON,
				 C_IDENTIFICATION_PLACE };
static const int grp_tstatus[] = { C_TRAFFICKING_STATUS, C_TRAFFICKING_STATUS_BY };
static const int grp_recruit[] = { C_RECRUITMENT_METHODS, C_RECRUITMENT_REGION, C_RECRUITMENT_COUNTRY,
				   C_RECRUITMENT_APPS, C_RELATIONSHIP };
static const int grp_exploit[] = { C_EXPLOITATION_TYPES, C_FORCED_LABOUR_INDUSTRY, C_SEX_EXPLOITATION_TYPES,
				   C_METHODS_OF_CONTROL, C_COUNTRY_OF_ORIGIN, C_COUNTRIES_OF_TRANSIT,
				   C_COUNTRIES_OF_EXPLOITATION, C_EXPLOITATION_FROM, C_EXPLOITATION_TO,
				   C_AGE_WHEN_TRAFFICKED };
static const int grp_needs[] = { C_NEEDS, C_NEEDS_NOTES };
#define N(a) (sizeof a / sizeof a[0])

static void edit_form(struct request *req, const struct case_rec *c, int64_t version, const char *const *values,
		      const char *const *errors, const char *problem, int status)
{
	struct buf *o = &req->out;
	req->status = status;
	const char *title = arena_printf(req->arena, _("Edit case %s"), c->code);
	page_begin(req, title);
	ui_h1(req, title);
	if (problem)
		notice(req, "error", problem);
	ui_case_error_summary(req, &case_record, errors, NULL, NULL);
	form_begin(req, ui_case_path(req, c->id, "/edit"));
	ui_version_hidden(req, version);
	ui_case_fieldset(req, _("Status of the case"), &case_record, grp_status, N(grp_status), values, errors);
	ui_case_fieldset(req, _("Identification"), &case_record, grp_ident, N(grp_ident), values, errors);
	ui_case_fieldset(req, _("Trafficking status"), &case_record, grp_tstatus, N(grp_tstatus), values, errors);
	ui_case_fieldset(req, _("Recruitment"), &case_record, grp_recruit, N(grp_recruit), values, errors);
	ui_case_fieldset(req, _("Exploitation"), &case_record, grp_exploit, N(grp_exploit), values, errors);
	ui_case_fieldset(req, _("Needs"), &case_record, grp_needs, N(grp_needs), values, errors);
	form_end(req, _("Save changes"));
	html_raw(o, "<p><a href=\"");
	html_attr(o, ui_case_path(req, c->id, ""));
	html_raw(o, "\">");
	html_txt(o, _("Back to the case"));
	html_raw(o, "</a></p>\n");
	page_end(req);
}

/* The case with its free text opened for editing (audited by case_get); false after answering. */
static bool load_for_edit(struct request *req, int64_t id, bool open, struct case_rec *c)
{
	struct svc s = web_svc(req);
	int rc = case_get(&s, id, false, c);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return false;
	}
	if (!web_may(req, A_CASE_EDIT, &(struct resource){ .org_id = c->owner_org_id, .assigned = c->assigned }))
		return false;
	if (open && (rc = case_get(&s, id, true, c)) != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return false;
	}
	return true;
}

void ui_case_edit_page(struct request *req)
{
	int64_t id = ui_case_path_id(req);
	struct case_rec c;
	if (id == 0 || !load_for_edit(req, id, true, &c))
		return;
	edit_form(req, &c, c.version, c.v, NULL, NULL, 200);
}

void ui_case_edit(struct request *req)
{
	int64_t id = ui_case_path_id(req);
	struct case_rec c;
	int64_t version;
	if (id == 0 || !load_for_edit(req, id, false, &c) || !ui_version_read(req, &version))
		return;
	const char *values[C__COUNT], *errors[C__COUNT];
	if (record_read_form(&case_record, &req->form, false, req->arena, values, errors) > 0) {
		edit_form(req, &c, version, values, errors, NULL, 422);
		return;
	}
	struct svc s = web_svc(req);
	int rc = case_update(&s, id, version, values);
	if (rc == SVC_OK) {
		req_redirect(req, ui_case_path(req, id, "?done=saved"));
		return;
	}
	if (rc == SVC_CONFLICT) {
		/* Keep what this person typed, on top of the newer version, and say so. */
		struct case_rec now;
		struct svc s2 = web_svc(req);
		if (case_get(&s2, id, false, &now) == SVC_OK)
			version = now.version;
		edit_form(req, &c, version, values, errors,
			  _("Someone else saved changes to this case while you were editing. Your entries are kept "
			    "below: compare them with the case's page and save again."),
			  409);
		return;
	}
	if (rc == SVC_INVALID) {
		if (ui_case_place_problem(&case_record, s.problem_field, s.problem, errors))
			edit_form(req, &c, version, values, errors, NULL, 422);
		else
			edit_form(req, &c, version, values, errors, gettext(s.problem), 422);
		return;
	}
	web_svc_fail(req, &s, rc);
}
