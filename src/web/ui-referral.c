/* ui-referral.c — referrals in the browser.
 *
 *   the case page's section "Referrals"   (ui_case_section_referrals, called by case_page)
 *   GET /referrals                        incoming and outgoing (tabs), filtered by state
 *   GET /referrals/{id}                   one referral: its state and history, the answer buttons of the
 *                                         receiving organization, cancel for the sender, and what the
 *                                         receiver may see of the case (the shared fields only)
 *   POST /referrals/{id}/reveal           the shared personal data (sealed) for the receiver: password
 *                                         confirmed, audited by the person service
 *   POST /referrals/{id}/{step}           accept, decline, start, complete, close, cancel
 *
 * The form that sends a referral ("Refer her", /cases/{id}/refer) is in ui-referral-new.c.
 *
 * Every page is plain HTML: a reload shows the current state, and every
 * change is a POST form with the CSRF token.  The services decide who may do
 * what (referral_get says what the actor may do now) and mask what a
 * receiving organization may see; these pages only render.
 */
#include "base/str.h"
#include "model/case.h"
#include "model/person.h"
#include "model/referral.h"
#include "web/forms.h"
#include "web/session-web.h"
#include "web/ui-case.h"
#include "web/ui-common.h"
#include "web/ui-referral.h"
#include "web/ui.h"
#include "web/web.h"

#include <string.h>
#include <time.h>

#define LIST_PAGE 50

/* ---- small pieces ------------------------------------------------------------------------------ */

const char *ui_referral_labels(struct request *req, const struct picklist *pl, const char *list)
{
	struct buf b;
	buf_init_arena(&b, req->arena);
	for (const char *p = list ? list : ""; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l) {
			buf_puts(&b, b.len ? ", " : "");
			buf_puts(&b, picklist_label(pl, arena_strndup(req->arena, p, l)));
		}
		p += l + (e ? 1 : 0);
	}
	return b.len ? b.data : "";
}

/* The state as a tag: green while help goes on or was given, red when it ended without, plain when waiting. */
static void state_tag(struct buf *o, const char *state)
{
	const char *label = picklist_label(&pl_referral_state, state);
	if (str_eq(state, "sent")) {
		html_raw(o, "<span class=\"tag\">");
		html_txt(o, label);
		html_raw(o, "</span>");
		return;
	}
	ui_tag(o, str_eq(state, "accepted") || str_eq(state, "in_progress") || str_eq(state, "completed"), label);
}

static bool is_open(const char *state)
{
	return str_eq(state, "sent") || str_eq(state, "accepted") || str_eq(state, "in_progress");
}

const char *ui_referral_path(struct request *req, int64_t id, const char *suffix)
{
	return arena_printf(req->arena, "/referrals/%lld%s", (long long)id, suffix ? suffix : "");
}

/* A fact whose value may be empty ("not given"). */
static void fact_or_not(struct request *req, const char *term, const char *value)
{
	struct buf *o = &req->out;
	ui_fact_begin(o, term);
	if (value && *value)
		html_txt(o, value);
	else
		ui_case_not_given(o);
	ui_fact_end(o);
}

/* A fact with a moment, or "not given" for 0. */
static void fact_time(struct request *req, const char *term, int64_t at)
{
	struct buf *o = &req->out;
	ui_fact_begin(o, term);
	if (at)
		ui_time_utc(o, at, true);
	else
		ui_case_not_given(o);
	ui_fact_end(o);
}

/* Text of several lines, each line escaped. */
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

static void fact_text(struct request *req, const char *term, const char *text)
{
	if (text == NULL || *text == '\0')
		return;
	struct buf *o = &req->out;
	ui_fact_begin(o, term);
	text_lines(o, text);
	ui_fact_end(o);
}

/* One table of referrals: each row links to its page. */
static void referral_table(struct request *req, const struct referral *rows, int n, const char *caption)
{
	struct buf *o = &req->out;
	html_raw(o, "<div class=\"table-wrap\"><table>\n");
	if (caption) {
		html_raw(o, "<caption>");
		html_txt(o, caption);
		html_raw(o, "</caption>\n");
	}
	html_raw(o, "<thead><tr><th scope=\"col\">");
	html_txt(o, _("Case"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("From"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("To"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Services"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Urgency"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("State"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Sent"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Answer by"));
	html_raw(o, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		const struct referral *r = &rows[i];
		html_raw(o, "<tr><td><a href=\"");
		html_attr(o, ui_referral_path(req, r->id, ""));
		html_raw(o, "\">");
		html_txt(o, r->case_code);
		html_raw(o, "</a></td><td>");
		html_txt(o, r->from_org);
		html_raw(o, "</td><td>");
		html_txt(o, r->to_org);
		html_raw(o, "</td><td>");
		html_txt(o, ui_referral_labels(req, &pl_service, r->services));
		html_raw(o, "</td><td>");
		html_txt(o, picklist_label(&pl_urgency, r->urgency));
		html_raw(o, "</td><td>");
		state_tag(o, r->state);
		html_raw(o, "</td><td>");
		ui_time_utc(o, r->created_at, false);
		html_raw(o, "</td><td>");
		if (str_eq(r->state, "sent"))
			ui_time_utc(o, r->deadline_at, false);
		html_raw(o, "</td></tr>\n");
	}
	html_raw(o, "</tbody></table></div>\n");
}

/* ---- the case page's section -------------------------------------------------------------------- */

void ui_case_section_referrals(struct request *req, int64_t case_id, const struct resource *res, const char *shared)
{
	struct buf *o = &req->out;
	/* Hotline operators, administrators and the like do not work referrals: no section at all. */
	if (!policy_may(req->actor, A_REFERRAL_LIST, NULL))
		return;
	ui_case_h2(req, "referrals", _("Referrals"));
	struct svc s = web_svc(req);
	struct referral_filter f = { .case_id = case_id, .limit = 200 };
	struct referral *rows = NULL;
	int n = 0;
	bool more = false;
	if (referral_list(&s, &f, &rows, &n, &more) != SVC_OK) {
		notice(req, "error", _("The referrals of this case could not be shown. Reload the page to try again."));
		return;
	}
	if (n == 0) {
		html_raw(o, "<p>");
		html_txt(o, _("No referrals yet."));
		html_raw(o, "</p>\n");
	} else {
		/* A plain reload shows each referral's current state: nothing here is cached. */
		referral_table(req, rows, n, NULL);
	}
	if (shared == NULL && policy_may(req->actor, A_REFERRAL_SEND, res)) {
		html_raw(o, "<p class=\"actions\"><a class=\"button secondary\" href=\"");
		html_attr(o, ui_case_path(req, case_id, "/refer"));
		html_raw(o, "\">");
		html_txt(o, _("Refer her"));
		html_raw(o, "</a></p>\n");
	}
}

/* ---- incoming and outgoing ------------------------------------------------------------------------- */

static const char *list_href(struct request *req, const char *dir, const char *state, int offset)
{
	struct buf b;
	buf_init_arena(&b, req->arena);
	buf_puts(&b, "/referrals?dir=");
	html_url_arg(&b, dir);
	if (*state) {
		buf_puts(&b, "&state=");
		html_url_arg(&b, state);
	}
	if (offset > 0)
		buf_printf(&b, "&offset=%d", offset);
	return b.data;
}

void ui_referral_list(struct request *req)
{
	struct buf *o = &req->out;
	const char *dir = req_query(req, "dir");
	const char *state = req_query(req, "state");
	const char *off = req_query(req, "offset");
	dir = dir && *dir ? dir : "in";
	state = state ? state : "";
	int64_t offset = 0;
	bool bad_dir = !str_eq(dir, "in") && !str_eq(dir, "out");
	bool bad_state = *state && !picklist_has(&pl_referral_state, state);
	bool bad_offset = off && *off && str_to_i64(off, 0, 10000000, &offset) < 0;
	if (bad_dir || bad_offset) {
		web_error(req, 400, N_("This address is not valid: go back to the list and try again."), bad_dir ? "dir" : "offset");
		return;
	}
	struct svc s = web_svc(req);
	struct referral_filter f = { .direction = dir, .state = bad_state ? "" : state, .limit = LIST_PAGE,
				     .offset = (int)offset };
	struct referral *rows = NULL;
	int n = 0;
	bool more = false;
	int rc = referral_list(&s, &f, &rows, &n, &more);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	req->status = bad_state ? 400 : 200;
	page_begin(req, _("Referrals"));
	ui_h1(req, _("Referrals"));
	html_raw(o, "<nav class=\"pager\" aria-label=\"");
	html_attr(o, _("Direction"));
	html_raw(o, "\">");
	static const struct {
		const char *dir, *label;
	} tabs[] = { { "in", N_("Incoming: to my organization") }, { "out", N_("Outgoing: from my organization") } };
	for (size_t i = 0; i < 2; i++) {
		html_raw(o, "<a href=\"");
		html_attr(o, list_href(req, tabs[i].dir, bad_state ? "" : state, 0));
		html_raw(o, str_eq(dir, tabs[i].dir) ? "\" aria-current=\"page\"><strong>" : "\">");
		html_txt(o, gettext(tabs[i].label));
		html_raw(o, str_eq(dir, tabs[i].dir) ? "</strong></a>" : "</a>");
	}
	html_raw(o, "</nav>\n");
	ui_filters_begin(req, "/referrals", _("Filter the referrals"));
	html_hidden(o, "dir", dir);
	html_raw(o, bad_state ? "<div class=\"field invalid\">" : "<div class=\"field\">");
	html_raw(o, "<label for=\"q-state\">");
	html_txt(o, _("State"));
	html_raw(o, "</label>");
	if (bad_state) {
		html_raw(o, "<span class=\"field-error\">");
		html_txt(o, _("Choose one of the listed values."));
		html_raw(o, "</span>");
	}
	html_raw(o, "<select id=\"q-state\" name=\"state\"><option value=\"\">");
	html_txt(o, _("All"));
	html_raw(o, "</option>");
	for (size_t i = 0; i < pl_referral_state.n; i++) {
		html_raw(o, "<option value=\"");
		html_attr(o, pl_referral_state.items[i].code);
		html_raw(o, str_eq(state, pl_referral_state.items[i].code) ? "\" selected>" : "\">");
		html_txt(o, gettext(pl_referral_state.items[i].label));
		html_raw(o, "</option>");
	}
	html_raw(o, "</select></div>\n");
	ui_filters_end(req, _("Filter"), list_href(req, dir, "", 0), _("Clear"));
	if (n == 0) {
		html_raw(o, "<p>");
		html_txt(o, str_eq(dir, "in") ? _("No referrals to your organization match.")
					      : _("No referrals from your organization match."));
		html_raw(o, "</p>\n");
	} else {
		referral_table(req, rows, n,
			       arena_printf(req->arena,
					    ngettext("%d referral on this page", "%d referrals on this page", (unsigned long)n), n));
	}
	if (offset > 0 || more) {
		ui_pager_begin(req);
		if (offset > 0)
			ui_pager_link(req, "prev", list_href(req, dir, state, offset > LIST_PAGE ? (int)offset - LIST_PAGE : 0),
				      _("Newer"));
		if (more)
			ui_pager_link(req, "next", list_href(req, dir, state, (int)offset + LIST_PAGE), _("Older"));
		ui_pager_end(req);
	}
	page_end(req);
}

/* ---- one referral ------------------------------------------------------------------------------------ */

struct view_opts {
	const char *step;       /* the step whose form came back, or NULL */
	const char *text;       /* what was typed into it */
	const char *text_error; /* msgid */
	const char *conflict;   /* the state found when the step no longer applied */
	bool reveal;            /* open the shared personal data (password fresh, checked) */
	bool stale;             /* the reveal was asked for: the password must be confirmed first */
	int status;
};

/* The texts the answers need: where each is kept and how it is asked for. */
static const struct field f_decline = { "reason", "reason", FT_LONGTEXT, NULL, F_REQUIRED, 0, 4000,
					N_("Why your organization declines"), N_("The sending organization reads this.") };
static const struct field f_outcome = { "outcome", "outcome", FT_LONGTEXT, NULL, F_REQUIRED, 0, 4000,
					N_("Outcome of the service"), N_("What she received. The sending organization reads this.") };
static const struct field f_close = { "reason", "reason", FT_LONGTEXT, NULL, F_REQUIRED, 0, 4000,
				      N_("Why it ends unfinished"), N_("The sending organization reads this.") };

static const struct field *step_field(const char *step)
{
	return str_eq(step, "decline") ? &f_decline : str_eq(step, "complete") ? &f_outcome
						  : str_eq(step, "close")  ? &f_close
									   : NULL;
}

/* A form with one button (accept, start, cancel). */
static void button_form(struct request *req, int64_t id, const char *step, const char *label, const char *cls)
{
	struct buf *o = &req->out;
	html_raw(o, "<form method=\"post\" class=\"inline\" action=\"");
	html_attr(o, ui_referral_path(req, id, arena_printf(req->arena, "/%s", step)));
	html_raw(o, "\">");
	html_hidden(o, "csrf", req->csrf ? req->csrf : "");
	html_raw(o, "<button type=\"submit\"");
	if (cls) {
		html_raw(o, " class=\"");
		html_attr(o, cls);
		html_raw(o, "\"");
	}
	html_raw(o, ">");
	html_txt(o, label);
	html_raw(o, "</button></form>\n");
}

/* A form with the step's text (decline, complete, close), keeping what was typed. */
static void text_form(struct request *req, int64_t id, const char *step, const char *label, const struct view_opts *vo)
{
	bool mine = vo->step && str_eq(vo->step, step);
	form_begin(req, ui_referral_path(req, id, arena_printf(req->arena, "/%s", step)));
	form_field(req, step_field(step), mine ? vo->text : NULL, mine ? vo->text_error : NULL);
	form_end(req, label);
}

static void section_actions(struct request *req, const struct referral *r, const struct view_opts *vo)
{
	struct buf *o = &req->out;
	bool answer = r->may_answer && is_open(r->state);
	bool cancel = r->may_cancel && is_open(r->state);
	if (!answer && !cancel)
		return;
	ui_case_h2(req, "answer", answer ? _("Answer") : _("Cancel the referral"));
	if (answer && str_eq(r->state, "sent")) {
		html_raw(o, "<div class=\"actions\">");
		button_form(req, r->id, "accept", _("Accept the referral"), NULL);
		html_raw(o, "</div>\n");
		text_form(req, r->id, "decline", _("Decline"), vo);
	} else if (answer) {
		if (str_eq(r->state, "accepted")) {
			html_raw(o, "<div class=\"actions\">");
			button_form(req, r->id, "start", _("Start the service"), NULL);
			html_raw(o, "</div>\n");
		}
		text_form(req, r->id, "complete", _("Complete"), vo);
		text_form(req, r->id, "close", _("Close unfinished"), vo);
	}
	if (cancel) {
		html_raw(o, "<p class=\"hint\">");
		html_txt(o, _("Cancelling ends the receiving organization's view of her data at once."));
		html_raw(o, "</p>\n<div class=\"actions\">");
		button_form(req, r->id, "cancel", _("Cancel the referral"), "danger");
		html_raw(o, "</div>\n");
	}
}

/* The shared fields' values, for the receiving organization: what its referral shares, nothing else. */
struct share_map {
	const char *share;
	bool person; /* a field of the person (else of the case) */
	int idx[6];  /* -1 ends */
};

static const struct share_map share_map[] = {
	{ "names", true, { P_FIRST_NAME, P_MIDDLE_NAME, P_SECOND_NAME, P_FIRST_NAME_LATIN, P_SECOND_NAME_LATIN, -1 } },
	{ "birthdate", true, { P_BIRTHDATE, -1 } },
	{ "gender", true, { P_GENDER, -1 } },
	{ "languages", true, { P_LANGUAGES, -1 } },
	{ "safe_contact", true, { P_SAFE_CONTACT, -1 } },
	{ "phones", true, { P_MOBILE_PHONE, P_HOME_PHONE, P_EMAIL, -1 } },
	{ "address", true, { P_STREET, P_CITY, P_STATE, P_POSTAL_CODE, P_MAILING_COUNTRY, -1 } },
	{ "citizenship", true, { P_CITIZENSHIP, -1 } },
	{ "region", true, { P_REGION, -1 } },
	{ "id_document", true, { P_ID_DOCUMENT, P_ID_NUMBER, -1 } },
	{ "needs", false, { C_NEEDS, -1 } },
};

static void shared_values(struct request *req, const struct referral *r, const struct view_opts *vo)
{
	struct buf *o = &req->out;
	struct svc s = web_svc(req);
	struct case_rec c;
	struct person p;
	int rc = case_get(&s, r->case_id, false, &c);
	if (rc == SVC_OK)
		rc = person_get(&s, c.person_id, vo->reveal, &p);
	if (rc != SVC_OK) {
		notice(req, "error", _("The shared fields could not be shown. Reload the page to try again."));
		return;
	}
	if (vo->stale)
		ui_case_reauth_notice(req, ui_referral_path(req, r->id, ""));
	bool sealed_shared = false;
	html_raw(o, "<dl class=\"facts\">\n");
	for (const char *q = r->shared_fields; *q;) {
		const char *e = strchr(q, ',');
		size_t l = e ? (size_t)(e - q) : strlen(q);
		const char *code = arena_strndup(req->arena, q, l);
		q += l + (e ? 1 : 0);
		if (str_eq(code, "case_code")) {
			fact_or_not(req, _("Case code"), r->case_code);
			continue;
		}
		if (str_eq(code, "age_band")) {
			fact_or_not(req, _("Age"), c.age_band);
			continue;
		}
		if (str_eq(code, "experience")) {
			for (int i = C_TRAFFICKING_STATUS; i <= C_AGE_WHEN_TRAFFICKED; i++)
				fact_or_not(req, gettext(case_record.fields[i].label), ui_case_value(req, &case_record.fields[i], c.v[i]));
			continue;
		}
		for (size_t m = 0; m < sizeof share_map / sizeof share_map[0]; m++) {
			if (!str_eq(share_map[m].share, code))
				continue;
			for (int k = 0; k < 6 && share_map[m].idx[k] >= 0; k++) {
				int i = share_map[m].idx[k];
				const struct field *f = share_map[m].person ? &person_record.fields[i] : &case_record.fields[i];
				const char *v = share_map[m].person ? p.v[i] : c.v[i];
				if (share_map[m].person && (f->flags & F_PERSONAL) && !p.opened) {
					sealed_shared = true;
					ui_fact_begin(o, gettext(f->label));
					html_raw(o, "<span class=\"hint\">");
					html_txt(o, _("hidden"));
					html_raw(o, "</span>");
					ui_fact_end(o);
				} else {
					fact_or_not(req, gettext(f->label), ui_case_value(req, f, v));
				}
			}
		}
	}
	html_raw(o, "</dl>\n");
	if (sealed_shared && policy_may(req->actor, A_CASE_REVEAL, NULL)) {
		form_begin(req, ui_referral_path(req, r->id, "/reveal"));
		html_raw(o, "<p class=\"hint\">");
		html_txt(o, _("Personal data is hidden. Showing it is recorded in the audit trail."));
		html_raw(o, "</p><button type=\"submit\" class=\"secondary\">");
		html_txt(o, _("Show the shared personal data"));
		html_raw(o, "</button></form>\n");
	}
}

static void section_shared(struct request *req, const struct referral *r, const struct view_opts *vo)
{
	struct buf *o = &req->out;
	bool receiver = req->actor->org_id == r->to_org_id;
	ui_case_h2(req, "shared", _("What goes with the referral"));
	html_raw(o, "<p>");
	html_txt(o, ui_referral_labels(req, &pl_shareable, r->shared_fields));
	html_raw(o, "</p>\n");
	if (!receiver) {
		html_raw(o, "<p><a href=\"");
		html_attr(o, ui_case_path(req, r->case_id, ""));
		html_raw(o, "\">");
		html_txt(o, _("Open the case"));
		html_raw(o, "</a></p>\n");
		return;
	}
	/* The receiver sees the shared fields while the referral is open and for a while after it ends. */
	if (!is_open(r->state) && r->visible_until <= (int64_t)time(NULL)) {
		notice(req, "", _("The shared fields are no longer visible to your organization."));
		return;
	}
	shared_values(req, r, vo);
	html_raw(o, "<p><a href=\"");
	html_attr(o, ui_case_path(req, r->case_id, ""));
	html_raw(o, "\">");
	html_txt(o, _("Open the case (only the shared fields)"));
	html_raw(o, "</a></p>\n");
}

static void section_history(struct request *req, const struct referral *r)
{
	struct buf *o = &req->out;
	ui_case_h2(req, "history", _("History"));
	html_raw(o, "<div class=\"table-wrap\"><table>\n<thead><tr><th scope=\"col\">");
	html_txt(o, _("When"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Who"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("What"));
	html_raw(o, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < r->nevents; i++) {
		const struct referral_event *e = &r->events[i];
		html_raw(o, "<tr><td>");
		ui_time_utc(o, e->at, true);
		html_raw(o, "</td><td>");
		if (str_eq(e->by, "console") && !*e->by_org)
			html_txt(o, _("the system (deadline passed)"));
		else
			html_txt(o, arena_printf(req->arena, "%s (%s)", e->by, e->by_org));
		html_raw(o, "</td><td>");
		if (*e->from_state)
			html_txt(o, arena_printf(req->arena, _("%s → %s"), picklist_label(&pl_referral_state, e->from_state),
						 picklist_label(&pl_referral_state, e->to_state)));
		else
			html_txt(o, picklist_label(&pl_referral_state, e->to_state));
		html_raw(o, "</td></tr>\n");
	}
	html_raw(o, "</tbody></table></div>\n");
}

static const char *done_text(const char *done)
{
	static const struct {
		const char *done, *text;
	} t[] = {
		{ "sent", N_("The referral was sent to the organization's inbox.") },
		{ "accept", N_("The referral was accepted.") },
		{ "decline", N_("The referral was declined.") },
		{ "start", N_("The service has started.") },
		{ "complete", N_("The referral was completed.") },
		{ "close", N_("The referral was closed unfinished.") },
		{ "cancel", N_("The referral was cancelled.") },
	};
	for (size_t i = 0; done && i < sizeof t / sizeof t[0]; i++)
		if (str_eq(done, t[i].done))
			return gettext(t[i].text);
	return NULL;
}

static void referral_page(struct request *req, int64_t id, const struct view_opts *vo)
{
	struct buf *o = &req->out;
	struct svc s = web_svc(req);
	struct referral r;
	int rc = referral_get(&s, id, &r);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	req->status = vo->status ? vo->status : 200;
	const char *title = arena_printf(req->arena, _("Referral of case %s"), r.case_code);
	page_begin(req, title);
	ui_h1(req, title);
	const char *done = done_text(req_query(req, "done"));
	if (done)
		notice(req, "ok", done);
	if (vo->conflict)
		notice(req, "error",
		       arena_printf(req->arena,
				    _("This step no longer applies: the referral is now “%s” (someone else answered first, the "
				      "sender cancelled it, or its deadline passed)."),
				    picklist_label(&pl_referral_state, vo->conflict)));
	if (vo->reveal)
		notice(req, "warn", _("Personal data is shown. This view is recorded in the audit trail."));
	html_raw(o, "<p>");
	state_tag(o, r.state);
	html_raw(o, "</p>\n<dl class=\"facts\">\n");
	ui_fact_begin(o, _("Case"));
	html_raw(o, "<a href=\"");
	html_attr(o, ui_case_path(req, r.case_id, ""));
	html_raw(o, "\">");
	html_txt(o, r.case_code);
	html_raw(o, "</a>");
	ui_fact_end(o);
	fact_or_not(req, _("From"), r.from_org);
	fact_or_not(req, _("To"), r.to_org);
	fact_or_not(req, _("Services"), ui_referral_labels(req, &pl_service, r.services));
	fact_or_not(req, _("Urgency"), picklist_label(&pl_urgency, r.urgency));
	fact_time(req, _("Sent"), r.created_at);
	fact_time(req, _("Answer by"), r.deadline_at);
	fact_time(req, _("Answered"), r.answered_at);
	if (r.closed_at)
		fact_time(req, _("Ended"), r.closed_at);
	if (!is_open(r.state) && r.visible_until)
		fact_time(req, _("Shared fields visible to the receiver until"), r.visible_until);
	fact_or_not(req, _("Consent"), r.consent_override ? _("Sent without her consent: a manager's override")
							  : _("Covered by her consent"));
	fact_text(req, _("Why her consent was overridden"), r.override_reason);
	fact_text(req, _("Why she is referred"), r.reason);
	fact_text(req, _("Why it was declined"), r.decline_reason);
	fact_text(req, str_eq(r.state, "closed_unfinished") ? _("Why it ended unfinished") : _("Outcome of the service"),
		  r.outcome);
	html_raw(o, "</dl>\n");
	section_actions(req, &r, vo);
	section_shared(req, &r, vo);
	section_history(req, &r);
	html_raw(o, "<p><a href=\"");
	html_attr(o, list_href(req, req->actor->org_id == r.from_org_id ? "out" : "in", "", 0));
	html_raw(o, "\">");
	html_txt(o, _("All referrals"));
	html_raw(o, "</a></p>\n");
	page_end(req);
}

/* The referral's id of the path; 0 after answering 404 when it is not a positive integer. */
static int64_t path_id(struct request *req)
{
	int64_t id = 0;
	if (str_to_i64(req_param(req, 0), 1, INT64_MAX, &id) < 0) {
		web_error(req, 404, N_("There is no such record."), NULL);
		return 0;
	}
	return id;
}

void ui_referral_view(struct request *req)
{
	int64_t id = path_id(req);
	if (id == 0)
		return;
	struct view_opts vo = { 0 };
	referral_page(req, id, &vo);
}

void ui_referral_reveal(struct request *req)
{
	int64_t id = path_id(req);
	if (id == 0 || !web_may(req, A_CASE_REVEAL, NULL))
		return;
	struct view_opts vo = { 0 };
	if (ui_case_reauth_fresh(req))
		vo.reveal = true;
	else
		vo.stale = true;
	referral_page(req, id, &vo);
}

void ui_referral_step(struct request *req)
{
	int64_t id = path_id(req);
	if (id == 0)
		return;
	static const char *const steps[] = { "accept", "decline", "start", "complete", "close", "cancel" };
	const char *step = req_param(req, 1);
	bool known = false;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
		known = known || str_eq(step, steps[i]);
	if (!known) {
		web_error(req, 404, N_("There is no such page."), NULL);
		return;
	}
	const struct field *f = step_field(step);
	const char *text = NULL, *err = NULL;
	if (f)
		err = field_validate(f, req_form(req, f->name), req->arena, &text);
	struct svc s = web_svc(req);
	int rc = err ? SVC_INVALID : referral_transition(&s, id, step, text);
	if (rc == SVC_OK) {
		req_redirect(req, ui_referral_path(req, id, arena_printf(req->arena, "?done=%s", step)));
		return;
	}
	struct view_opts vo = { .step = step, .text = f ? req_form(req, f->name) : NULL };
	if (rc == SVC_INVALID && f) {
		vo.text_error = err ? err : s.problem;
		vo.status = 422;
		referral_page(req, id, &vo);
		return;
	}
	if (rc == SVC_CONFLICT) {
		vo.conflict = s.problem_field && *s.problem_field ? s.problem_field : "sent";
		vo.status = 409;
		referral_page(req, id, &vo);
		return;
	}
	web_svc_fail(req, &s, rc);
}
