/* ui-screening.c — the screening and the consents of a case, in the browser.
 *
 * Two sections of the case page (ui-case.c's case_page calls them after the
 * person): "Screening" lists the screenings recorded on the case and leads to
 * the screening page; "Consent" lists the consents, records one and withdraws
 * one.
 *
 * The screening page shows the ILO/EC indicators of one profile as a
 * checklist, a fieldset per dimension, each indicator with its strength as a
 * tag in words.  Posting it evaluates and records the screening
 * (screening_record, the rule table of data/ilo_rules.csv) and redirects to
 * the recorded screening, which shows the result per dimension and overall.
 * The overall result is worded by the service (screening_outcome_message):
 * "possible victim — refer for formal identification", never a legal finding.
 * Indicator labels come from the data in the page's language (the CSV's
 * Ukrainian column on Ukrainian pages).
 *
 * A consent's witness and note are sealed: the section opens them (and the
 * service audits it) only when the case page is revealed, after the same
 * re-authentication as the person's data; otherwise they read "hidden".
 */
#include "base/log.h"
#include "base/str.h"
#include "model/case.h"
#include "model/consent.h"
#include "model/screening.h"
#include "web/forms.h"
#include "web/session-web.h"
#include "web/ui-case.h"
#include "web/ui-common.h"
#include "web/ui.h"
#include "web/web.h"

#include <jansson.h>
#include <string.h>

/* ---- words for the data's codes ---------------------------------------------- */

static const struct pick profile_names[] = {
	{ "adult_labour", N_("Adults: labour exploitation") },
	{ "child_labour", N_("Children: labour exploitation") },
};

static const struct pick dimension_names[] = {
	{ "deceptive_recruitment", N_("Deceptive recruitment") },
	{ "coercive_recruitment", N_("Coercive recruitment") },
	{ "recruitment_abuse_of_vulnerability", N_("Recruitment by abuse of vulnerability") },
	{ "exploitative_conditions", N_("Exploitative conditions of work") },
	{ "coercion_at_destination", N_("Coercion at destination") },
	{ "abuse_of_vulnerability_at_destination", N_("Abuse of vulnerability at destination") },
};

#define NELEM(a) (sizeof a / sizeof a[0])

/* The translated name of a code, or the code itself for what the data added later. */
static const char *pick_name(const struct pick *names, size_t n, const char *code)
{
	for (size_t i = 0; i < n; i++)
		if (str_eq(names[i].code, code))
			return gettext(names[i].label);
	return code;
}

static const char *profile_label(const char *name)
{
	return pick_name(profile_names, NELEM(profile_names), name);
}

static const char *dimension_label(const char *name)
{
	return pick_name(dimension_names, NELEM(dimension_names), name);
}

/* The strength as a tag: the letter of the ILO list and the word, so it is read, not only seen. */
static void strength_tag(struct buf *o, char strength)
{
	const char *word = strength == 'S' ? _("strong") : strength == 'M' ? _("medium") : _("weak");
	char letter[2] = { strength, 0 };
	html_raw(o, "<span class=\"tag\">");
	html_txt(o, letter);
	html_raw(o, " · ");
	html_txt(o, word);
	html_raw(o, "</span>");
}

/* Whether the list "a,b,c" holds code; array_has: whether codes[0..n) does. */
static bool list_has(const char *list, const char *code)
{
	size_t cl = strlen(code);
	for (const char *p = list ? list : ""; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == cl && strncmp(p, code, cl) == 0)
			return true;
		p += l + (e ? 1 : 0);
	}
	return false;
}

static bool array_has(const char *const *codes, int n, const char *code)
{
	for (int i = 0; i < n; i++)
		if (str_eq(codes[i], code))
			return true;
	return false;
}

static const char *who(const char *by)
{
	return str_eq(by, "console") ? _("console (command line)") : by;
}

/* A section could not load what it lists: the page stays, the section says so, the log says why. */
static void section_failed(struct request *req, const struct svc *s, const char *what)
{
	log_error("id=%s msg=\"case page section failed\" section=%s error=\"%s\"", req->id, what,
		  s->error ? s->error : "?");
	notice(req, "error", _("This part of the case could not be shown. Reload the page to try again."));
}

static void back_to_case(struct request *req, int64_t case_id, const char *anchor)
{
	struct buf *o = &req->out;
	html_raw(o, "<p><a href=\"");
	html_attr(o, ui_case_path(req, case_id, anchor));
	html_raw(o, "\">");
	html_txt(o, _("Back to the case"));
	html_raw(o, "</a></p>\n");
}

/* The case of the path for a page about it, with its policy resource; false after answering. */
static bool load_case(struct request *req, int64_t id, enum action act, struct case_rec *c, struct resource *res)
{
	struct svc s = web_svc(req);
	int rc = case_get(&s, id, false, c);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return false;
	}
	*res = (struct resource){ .org_id = c->owner_org_id, .assigned = c->assigned };
	return web_may(req, act, res);
}

/* ---- the screening section of the case page ------------------------------------ */

void ui_case_section_screening(struct request *req, int64_t case_id, const struct resource *res)
{
	struct buf *o = &req->out;
	ui_case_h2(req, "screening", _("Screening"));
	struct svc s = web_svc(req);
	struct screening_row *rows = NULL;
	int n = 0;
	if (screening_list(&s, case_id, &rows, &n) != SVC_OK) {
		section_failed(req, &s, "screening");
		return;
	}
	if (n == 0) {
		html_raw(o, "<p>");
		html_txt(o, _("No screening recorded yet."));
		html_raw(o, "</p>\n");
	} else {
		html_raw(o, "<div class=\"table-wrap\"><table>\n<thead><tr><th scope=\"col\">");
		html_txt(o, _("When"));
		html_raw(o, "</th><th scope=\"col\">");
		html_txt(o, _("Who"));
		html_raw(o, "</th><th scope=\"col\">");
		html_txt(o, _("Profile"));
		html_raw(o, "</th><th scope=\"col\">");
		html_txt(o, _("Result"));
		html_raw(o, "</th></tr></thead>\n<tbody>\n");
		for (int i = 0; i < n; i++) {
			html_raw(o, "<tr><td><a href=\"");
			html_attr(o, ui_case_path(req, case_id,
						  arena_printf(req->arena, "/screenings/%lld", (long long)rows[i].id)));
			html_raw(o, "\">");
			ui_time_utc(o, rows[i].at, true);
			html_raw(o, "</a></td><td>");
			html_txt(o, who(rows[i].by));
			html_raw(o, "</td><td>");
			html_txt(o, profile_label(rows[i].profile));
			html_raw(o, "</td><td>");
			if (str_eq(rows[i].outcome, "possible_victim"))
				ui_tag(o, false, _("Possible victim — refer for formal identification"));
			else
				html_txt(o, _("The indicators do not meet the rule"));
			html_raw(o, "</td></tr>\n");
		}
		html_raw(o, "</tbody></table></div>\n");
	}
	if (policy_may(req->actor, A_SCREENING_RECORD, res)) {
		html_raw(o, "<p class=\"actions\"><a class=\"button secondary\" href=\"");
		html_attr(o, ui_case_path(req, case_id, "/screening"));
		html_raw(o, "\">");
		html_txt(o, _("Screen with the ILO/EC indicators"));
		html_raw(o, "</a></p>\n");
	}
}

/* ---- the screening page: a checklist per profile ---------------------------------- */

struct checklist {
	const struct ilo_profile *profile; /* NULL: the profile asked for does not exist */
	const char *profile_error;         /* msgid, next to the profile chooser */
	const char *problem;               /* msgid, above the checklist */
	const char *const *ticked;
	int nticked;
};

static void profile_chooser(struct request *req, int64_t case_id, const struct checklist *cl)
{
	struct buf *o = &req->out;
	int np;
	const struct ilo_profile *all = screening_profiles(&np);
	html_raw(o, "<form method=\"get\" class=\"filters\" action=\"");
	html_attr(o, ui_case_path(req, case_id, "/screening"));
	html_raw(o, cl->profile_error ? "\">\n<div class=\"field invalid\">" : "\">\n<div class=\"field\">");
	html_raw(o, "<label for=\"f-profile\">");
	html_txt(o, _("Profile"));
	html_raw(o, "</label>");
	if (cl->profile_error) {
		html_raw(o, "<span class=\"field-error\" id=\"e-profile\">");
		html_txt(o, gettext(cl->profile_error));
		html_raw(o, "</span><select id=\"f-profile\" name=\"profile\" aria-invalid=\"true\" "
			    "aria-describedby=\"e-profile\">");
	} else {
		html_raw(o, "<select id=\"f-profile\" name=\"profile\">");
	}
	for (int i = 0; i < np; i++) {
		html_raw(o, "<option value=\"");
		html_attr(o, all[i].name);
		html_raw(o, cl->profile == &all[i] ? "\" selected>" : "\">");
		html_txt(o, profile_label(all[i].name));
		html_raw(o, "</option>");
	}
	html_raw(o, "</select></div>\n<div class=\"actions\"><button type=\"submit\" class=\"secondary\">");
	html_txt(o, _("Show its indicators"));
	html_raw(o, "</button></div>\n</form>\n");
}

static void checklist_form(struct request *req, int64_t case_id, const struct checklist *cl)
{
	struct buf *o = &req->out;
	const struct ilo_profile *p = cl->profile;
	form_begin(req, ui_case_path(req, case_id, "/screening"));
	html_hidden(o, "profile", p->name);
	html_raw(o, "\n");
	for (int d = 0; d < p->ndims; d++) {
		html_raw(o, "<fieldset class=\"field checks\" id=\"dim-");
		html_attr(o, p->dims[d]);
		html_raw(o, "\"><legend>");
		html_txt(o, dimension_label(p->dim_names[d]));
		html_raw(o, " (");
		html_txt(o, p->dims[d]);
		html_raw(o, ")</legend>\n");
		for (int k = 0; k < p->n; k++) {
			const struct ilo_indicator *x = &p->indicators[k];
			if (!str_eq(x->dimension, p->dims[d]))
				continue;
			html_raw(o, "<label><input type=\"checkbox\" name=\"indicator\" value=\"");
			html_attr(o, x->code);
			html_raw(o, array_has(cl->ticked, cl->nticked, x->code) ? "\" checked> " : "\"> ");
			strength_tag(o, x->strength);
			html_raw(o, " <span>");
			html_txt(o, ilo_indicator_label(x, req->lang));
			html_raw(o, "</span></label>\n");
		}
		html_raw(o, "</fieldset>\n");
	}
	form_end(req, _("Evaluate and record"));
}

static void screening_page(struct request *req, const struct case_rec *c, const struct checklist *cl, int status)
{
	struct buf *o = &req->out;
	req->status = status;
	const char *title = arena_printf(req->arena, _("Screening — case %s"), c->code);
	page_begin(req, title);
	ui_h1(req, title);
	html_raw(o, "<p class=\"lead\">");
	html_txt(o, _("Tick every indicator present in what she told you or what you saw. The rule decides each "
		      "dimension from its strong, medium and weak indicators, then the profile from the dimensions. "
		      "A positive result is a reason to refer her for formal identification, never a legal finding."));
	html_raw(o, "</p>\n");
	profile_chooser(req, c->id, cl);
	if (cl->problem)
		notice(req, "error", gettext(cl->problem));
	if (cl->profile)
		checklist_form(req, c->id, cl);
	back_to_case(req, c->id, "#screening");
	page_end(req);
}

void ui_screening_page(struct request *req)
{
	int64_t id = ui_case_path_id(req);
	struct case_rec c;
	struct resource res;
	if (id == 0 || !load_case(req, id, A_SCREENING_RECORD, &c, &res))
		return;
	int np;
	const struct ilo_profile *all = screening_profiles(&np);
	if (np == 0) {
		web_error(req, 500, N_("Something went wrong"), NULL);
		return;
	}
	const char *want = req_query(req, "profile");
	struct checklist cl = { .profile = &all[0] };
	if (want && *want) {
		cl.profile = screening_profile(want);
		if (cl.profile == NULL)
			cl.profile_error = N_("Choose one of the screening profiles.");
	}
	screening_page(req, &c, &cl, cl.profile ? 200 : 400);
}

void ui_screening_record(struct request *req)
{
	int64_t id = ui_case_path_id(req);
	struct case_rec c;
	struct resource res;
	if (id == 0 || !load_case(req, id, A_SCREENING_RECORD, &c, &res))
		return;
	/* Every ticked box comes as one "indicator" key; the form parser bounds their number. */
	const char **codes = arena_alloc(req->arena, sizeof *codes * (req->form.n ? req->form.n : 1));
	int n = 0;
	for (size_t i = 0; i < req->form.n; i++)
		if (str_eq(req->form.items[i].key, "indicator"))
			codes[n++] = req->form.items[i].value;
	const char *profile = req_form(req, "profile");
	struct svc s = web_svc(req);
	struct screening_result r;
	int64_t sid = 0;
	int rc = screening_record(&s, id, profile, codes, n, &r, &sid);
	if (rc == SVC_OK) {
		req_redirect(req, ui_case_path(req, id,
					       arena_printf(req->arena, "/screenings/%lld?done=recorded", (long long)sid)));
		return;
	}
	if (rc != SVC_INVALID) {
		web_svc_fail(req, &s, rc);
		return;
	}
	/* Back to the checklist with what was ticked and the service's reason. */
	struct checklist cl = { .profile = screening_profile(profile ? profile : ""), .ticked = codes, .nticked = n };
	if (str_eq(s.problem_field, "profile"))
		cl.profile_error = s.problem;
	else
		cl.problem = s.problem;
	screening_page(req, &c, &cl, 422);
}

/* ---- a recorded screening ---------------------------------------------------------- */

static void dimension_table(struct request *req, json_t *dims)
{
	struct buf *o = &req->out;
	html_raw(o, "<div class=\"table-wrap\"><table>\n<caption>");
	html_txt(o, _("Step 1: each dimension"));
	html_raw(o, "</caption>\n<thead><tr><th scope=\"col\">");
	html_txt(o, _("Dimension"));
	html_raw(o, "</th><th scope=\"col\" class=\"num\">");
	html_txt(o, _("Strong"));
	html_raw(o, "</th><th scope=\"col\" class=\"num\">");
	html_txt(o, _("Medium"));
	html_raw(o, "</th><th scope=\"col\" class=\"num\">");
	html_txt(o, _("Weak"));
	html_raw(o, "</th><th scope=\"col\">");
	html_txt(o, _("Result"));
	html_raw(o, "</th></tr></thead>\n<tbody>\n");
	size_t i;
	json_t *d;
	json_array_foreach(dims, i, d)
	{
		const char *code = json_string_value(json_object_get(d, "code"));
		const char *name = json_string_value(json_object_get(d, "name"));
		bool positive = json_is_true(json_object_get(d, "positive"));
		html_raw(o, positive ? "<tr><th scope=\"row\"><strong>" : "<tr><th scope=\"row\">");
		html_txt(o, dimension_label(name ? name : ""));
		html_raw(o, " (");
		html_txt(o, code ? code : "");
		html_raw(o, positive ? ")</strong></th>" : ")</th>");
		html_rawf(o, "<td class=\"num\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%lld</td><td>",
			  (long long)json_integer_value(json_object_get(d, "strong")),
			  (long long)json_integer_value(json_object_get(d, "medium")),
			  (long long)json_integer_value(json_object_get(d, "weak")));
		if (positive)
			ui_tag(o, false, _("Positive"));
		else
			html_txt(o, _("Not positive"));
		html_raw(o, "</td></tr>\n");
	}
	html_raw(o, "</tbody></table></div>\n");
}

/* The indicators that were ticked, under their dimensions, in the page's language. */
static void ticked_list(struct request *req, const struct ilo_profile *p, const char *ticked)
{
	struct buf *o = &req->out;
	ui_h2(req, _("Indicators present"));
	if (p == NULL || *ticked == '\0') {
		html_raw(o, "<p>");
		html_txt(o, p ? _("No indicator was ticked.") : ticked);
		html_raw(o, "</p>\n");
		return;
	}
	for (int d = 0; d < p->ndims; d++) {
		bool any = false;
		for (int k = 0; k < p->n; k++) {
			const struct ilo_indicator *x = &p->indicators[k];
			if (!str_eq(x->dimension, p->dims[d]) || !list_has(ticked, x->code))
				continue;
			if (!any) {
				html_raw(o, "<h3>");
				html_txt(o, dimension_label(p->dim_names[d]));
				html_raw(o, "</h3>\n<ul>\n");
				any = true;
			}
			html_raw(o, "<li>");
			strength_tag(o, x->strength);
			html_raw(o, " ");
			html_txt(o, ilo_indicator_label(x, req->lang));
			html_raw(o, "</li>\n");
		}
		if (any)
			html_raw(o, "</ul>\n");
	}
}

void ui_screening_view(struct request *req)
{
	int64_t id = ui_case_path_id(req), sid = 0;
	struct case_rec c;
	struct resource res;
	if (id == 0 || !load_case(req, id, A_CASE_VIEW, &c, &res))
		return;
	struct svc s = web_svc(req);
	struct screening_row row;
	int rc = str_to_i64(req_param(req, 1), 1, INT64_MAX, &sid) == 0 ? screening_get(&s, id, sid, &row)
									 : SVC_NOT_FOUND;
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_t *result = json_loads(row.result_json, 0, NULL);
	json_t *dims = json_object_get(result, "dimensions");
	if (!json_is_array(dims)) {
		json_decref(result);
		log_error("id=%s msg=\"stored screening unreadable\" screening=%lld", req->id, (long long)sid);
		web_error(req, 500, N_("Something went wrong"), NULL);
		return;
	}
	struct buf *o = &req->out;
	const char *title = arena_printf(req->arena, _("Screening — case %s"), c.code);
	page_begin(req, title);
	ui_h1(req, title);
	if (str_eq(req_query(req, "done"), "recorded"))
		notice(req, "ok", _("The screening was recorded on the case."));
	html_raw(o, "<dl class=\"facts\">\n");
	ui_fact_begin(o, _("When"));
	ui_time_utc(o, row.at, true);
	ui_fact_end(o);
	ui_fact(o, _("Who"), who(row.by));
	ui_fact(o, _("Profile"), profile_label(row.profile));
	html_raw(o, "</dl>\n");
	ui_h2(req, _("Result"));
	bool possible = str_eq(row.outcome, "possible_victim");
	notice(req, possible ? "warn" : "", screening_outcome_message(row.outcome));
	dimension_table(req, dims);
	json_decref(result);
	ticked_list(req, screening_profile(row.profile), row.indicators);
	html_raw(o, "<p class=\"actions\">");
	if (policy_may(req->actor, A_SCREENING_RECORD, &res)) {
		html_raw(o, "<a class=\"button secondary\" href=\"");
		html_attr(o, ui_case_path(req, id, "/screening?profile="));
		html_url_arg(o, row.profile);
		html_raw(o, "\">");
		html_txt(o, _("Screen again"));
		html_raw(o, "</a> ");
	}
	html_raw(o, "<a href=\"");
	html_attr(o, ui_case_path(req, id, "#screening"));
	html_raw(o, "\">");
	html_txt(o, _("Back to the case"));
	html_raw(o, "</a></p>\n");
	page_end(req);
}

/* ---- the consent section of the case page --------------------------------------------- */

/* What a consent covers: the organizations and services of a referral. */
static void consent_scope(struct request *req, const struct consent *k)
{
	struct buf *o = &req->out;
	if (!str_eq(k->v[K_PURPOSE], "referral")) {
		html_raw(o, "<span class=\"hint\">");
		html_txt(o, _("not applicable"));
		html_raw(o, "</span>");
		return;
	}
	const char *orgs = k->v[K_ORGS], *svcs = k->v[K_SERVICES];
	html_txt(o, *orgs ? arena_printf(req->arena, _("Organizations: %s"), orgs) : _("Any organization"));
	html_raw(o, "<br>");
	html_txt(o, *svcs ? arena_printf(req->arena, _("Services: %s"),
					 ui_case_value(req, &consent_record.fields[K_SERVICES], svcs))
			  : _("Any service"));
}

static void consent_sealed(struct request *req, const char *value, bool opened)
{
	struct buf *o = &req->out;
	if (opened && *value) {
		html_txt(o, value);
		return;
	}
	html_raw(o, "<span class=\"hint\">");
	html_txt(o, opened ? _("not given") : _("hidden"));
	html_raw(o, "</span>");
}

static void consent_row(struct request *req, const struct consent *k, bool opened, bool may_withdraw)
{
	struct buf *o = &req->out;
	html_rawf(o, "<tr><th scope=\"row\" id=\"consent-%lld\">", (long long)k->id);
	html_txt(o, picklist_label(&pl_consent_purpose, k->v[K_PURPOSE]));
	html_raw(o, "</th><td>");
	consent_scope(req, k);
	html_raw(o, "</td><td>");
	html_txt(o, picklist_label(&pl_consent_method, k->v[K_METHOD]));
	html_raw(o, "</td><td>");
	html_txt(o, k->v[K_GIVEN_ON]);
	html_raw(o, "</td><td>");
	html_txt(o, who(k->recorded_by));
	html_raw(o, "</td><td>");
	consent_sealed(req, k->v[K_WITNESS], opened);
	html_raw(o, "</td><td>");
	consent_sealed(req, k->v[K_NOTE], opened);
	html_raw(o, "</td><td>");
	if (!k->active) {
		ui_tag(o, false, arena_printf(req->arena, _("Withdrawn on %s"), k->withdrawn_on));
	} else {
		ui_tag(o, true, _("In force"));
		if (may_withdraw) {
			form_begin(req, arena_printf(req->arena, "/consents/%lld/withdraw", (long long)k->id));
			html_hidden(o, "case", arena_printf(req->arena, "%lld", (long long)k->case_id));
			html_rawf(o, "\n<button type=\"submit\" class=\"secondary\" aria-describedby=\"consent-%lld\">",
				  (long long)k->id);
			html_txt(o, _("Withdraw"));
			html_raw(o, "</button></form>\n");
		}
	}
	html_raw(o, "</td></tr>\n");
}

static void consent_table(struct request *req, const struct consent *rows, int n, bool opened, bool may_withdraw)
{
	struct buf *o = &req->out;
	static const char *const heads[] = { N_("Purpose"), N_("Scope"), N_("How consent was given"),
					     N_("Date of consent"), N_("Recorded by"), N_("Witness"), N_("Note"),
					     N_("Status") };
	html_raw(o, "<div class=\"table-wrap\"><table>\n<thead><tr>");
	for (size_t i = 0; i < NELEM(heads); i++) {
		html_raw(o, "<th scope=\"col\">");
		html_txt(o, gettext(heads[i]));
		html_raw(o, "</th>");
	}
	html_raw(o, "</tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++)
		consent_row(req, &rows[i], opened, may_withdraw);
	html_raw(o, "</tbody></table></div>\n");
}

static void consent_form(struct request *req, int64_t case_id, const char *const *values, const char *const *errors)
{
	form_begin(req, ui_case_path(req, case_id, "/consents"));
	form_fields(req, &consent_record, values, errors, true);
	form_end(req, _("Record the consent"));
}

void ui_case_section_consent(struct request *req, int64_t case_id, const struct resource *res, bool opened)
{
	struct buf *o = &req->out;
	ui_case_h2(req, "consents", _("Consent"));
	const char *done = req_query(req, "done");
	if (str_eq(done, "consent"))
		notice(req, "ok", _("The consent was recorded."));
	else if (str_eq(done, "withdrawn"))
		notice(req, "ok", _("The consent was withdrawn. It stays on record."));
	struct svc s = web_svc(req);
	struct consent *rows = NULL;
	int n = 0;
	if (consent_list(&s, case_id, opened, &rows, &n) != SVC_OK) {
		section_failed(req, &s, "consent");
		return;
	}
	bool may_record = policy_may(req->actor, A_CONSENT_RECORD, res);
	if (n == 0) {
		html_raw(o, "<p>");
		html_txt(o, _("No consent recorded yet. Nothing is shared by a referral without her consent."));
		html_raw(o, "</p>\n");
	} else {
		if (!opened) {
			html_raw(o, "<p class=\"hint\">");
			html_txt(o, _("Witnesses and notes are sealed: they are shown with the personal data."));
			html_raw(o, "</p>\n");
		}
		consent_table(req, rows, n, opened, may_record);
	}
	if (may_record) {
		html_raw(o, "<h3>");
		html_txt(o, _("Record a consent"));
		html_raw(o, "</h3>\n");
		consent_form(req, case_id, NULL, NULL);
	}
}

/* ---- recording and withdrawing ---------------------------------------------------------- */

/* The form again, with what was typed and each error next to its field. */
static void consent_form_page(struct request *req, const struct case_rec *c, const char *const *values,
			      const char *const *errors, const char *problem)
{
	req->status = 422;
	const char *title = arena_printf(req->arena, _("Record a consent — case %s"), c->code);
	page_begin(req, title);
	ui_h1(req, title);
	if (problem)
		notice(req, "error", gettext(problem));
	form_error_summary(req, &consent_record, errors);
	consent_form(req, c->id, values, errors);
	back_to_case(req, c->id, "#consents");
	page_end(req);
}

void ui_consent_record(struct request *req)
{
	int64_t id = ui_case_path_id(req);
	struct case_rec c;
	struct resource res;
	if (id == 0 || !load_case(req, id, A_CONSENT_RECORD, &c, &res))
		return;
	const char *values[K__COUNT], *errors[K__COUNT];
	if (record_read_form(&consent_record, &req->form, true, req->arena, values, errors) > 0) {
		consent_form_page(req, &c, values, errors, NULL);
		return;
	}
	struct svc s = web_svc(req);
	int rc = consent_record_add(&s, id, values, NULL);
	if (rc == SVC_OK) {
		req_redirect(req, ui_case_path(req, id, "?done=consent#consents"));
		return;
	}
	if (rc != SVC_INVALID) {
		web_svc_fail(req, &s, rc);
		return;
	}
	/* The rules only the service knows (a verbal consent's witness, organization codes, dates): next to the field. */
	if (ui_case_place_problem(&consent_record, s.problem_field, s.problem, errors))
		consent_form_page(req, &c, values, errors, NULL);
	else
		consent_form_page(req, &c, values, errors, s.problem);
}

void ui_consent_withdraw(struct request *req)
{
	int64_t id = ui_case_path_id(req), case_id = 0;
	if (id == 0)
		return;
	if (str_to_i64(req_form(req, "case"), 1, INT64_MAX, &case_id) < 0) {
		web_error(req, 400, N_("The form is incomplete. Reload the page and try again."), "case");
		return;
	}
	/* The case of the form must be the consent's own, so the way back leads to it. */
	struct svc s = web_svc(req);
	struct consent *rows;
	int n;
	int rc = consent_list(&s, case_id, false, &rows, &n);
	bool found = false;
	for (int i = 0; rc == SVC_OK && i < n; i++)
		found |= rows[i].id == id;
	if (rc == SVC_OK && !found)
		rc = SVC_NOT_FOUND;
	if (rc == SVC_OK)
		rc = consent_withdraw(&s, id, NULL);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	req_redirect(req, ui_case_path(req, case_id, "?done=withdrawn#consents"));
}
