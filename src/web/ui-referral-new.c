/* ui-referral-new.c — "Refer her": the form that sends a referral from a case.
 *
 *   GET/POST /cases/{id}/refer   the receiving organization (from the service directory, nearest to
 *                                where she lives first, then the registry), the services, exactly
 *                                which fields go with it (the minimum pre-checked), the reason and
 *                                the urgency.  Her referral consents are listed; when none covers
 *                                the referral the form says so, and a manager may override it with
 *                                a written reason after confirming the password.
 *
 * referral_create checks everything again (policy, consent, the organization and its services):
 * this page only offers the choices and puts each problem next to its field.
 */
#include "base/str.h"
#include "model/case.h"
#include "model/consent.h"
#include "model/directory.h"
#include "model/org.h"
#include "model/referral.h"
#include "web/forms.h"
#include "web/session-web.h"
#include "web/ui-case.h"
#include "web/ui-common.h"
#include "web/ui-referral.h"
#include "web/ui.h"
#include "web/web.h"

#include <string.h>

/* ---- the refer form -------------------------------------------------------------------------------- */

/* The form's values (indexed like referral_form_rt: RN_x is x - 1) and what came back wrong. */
struct refer_opts {
	const char *const *values;
	const char *const *errors;
	const char *problem;    /* a problem not of one field (msgid), or NULL */
	bool consent_missing;   /* the service said her consent does not cover it */
	bool needs_password;    /* an override was asked for with a stale password */
	int status;
};

#define FV(rn) ((rn) - 1) /* index of RN_x in the form's values */

/* The case to refer and whether the actor may refer it; false after answering. */
static bool load_case(struct request *req, int64_t id, struct case_rec *c, struct resource *res)
{
	struct svc s = web_svc(req);
	int rc = case_get(&s, id, false, c);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return false;
	}
	*res = (struct resource){ .org_id = c->owner_org_id, .assigned = c->assigned };
	/* A receiving organization sees the case but never refers it on. */
	if (c->shared_fields)
		res->referred = true;
	return web_may(req, A_REFERRAL_SEND, res);
}

/* Her referral consents in force, as a list; false when there is none. */
static bool consent_summary(struct request *req, int64_t case_id)
{
	struct buf *o = &req->out;
	struct svc s = web_svc(req);
	struct consent *rows = NULL;
	int n = 0;
	if (consent_list(&s, case_id, false, &rows, &n) != SVC_OK) {
		notice(req, "error", _("Her consents could not be read. The service checks them when you send."));
		return true;
	}
	int shown = 0;
	for (int i = 0; i < n; i++) {
		const struct consent *k = &rows[i];
		if (!k->active || !str_eq(k->v[K_PURPOSE], "referral"))
			continue;
		if (shown++ == 0) {
			html_raw(o, "<p>");
			html_txt(o, _("She has consented to be referred:"));
			html_raw(o, "</p>\n<ul>");
		}
		html_raw(o, "<li>");
		html_txt(o, arena_printf(req->arena, _("to %s, for %s"),
					 *k->v[K_ORGS] ? k->v[K_ORGS] : _("any organization"),
					 *k->v[K_SERVICES] ? ui_referral_labels(req, &pl_service, k->v[K_SERVICES]) : _("any service")));
		if (*k->v[K_GIVEN_ON]) {
			html_raw(o, " (");
			html_txt(o, arena_printf(req->arena, _("given on %s"), k->v[K_GIVEN_ON]));
			html_raw(o, ")");
		}
		html_raw(o, "</li>");
	}
	if (shown) {
		html_raw(o, "</ul>\n");
		return true;
	}
	notice(req, "warn",
	       _("She has not consented to any referral. Record her consent on the case's page first; only a manager "
		 "may refer her without it, with a written reason."));
	return false;
}

/*
 * The organizations to choose from: first the service directory's entries
 * (nearest to where she lives first, then fresh before stale, then free
 * places), then the registry's active organizations that declare the
 * service but have no directory entry yet.  Never her own organization.
 */
static void org_choices(struct request *req, const struct case_rec *c, const char *service, const char *chosen,
			const char *error)
{
	struct buf *o = &req->out;
	const struct field *f = &referral_new_rt.fields[RN_TO_ORG];
	html_raw(o, error ? "<div class=\"field invalid\"><label for=\"f-to_org\">" : "<div class=\"field\"><label for=\"f-to_org\">");
	html_txt(o, gettext(f->label));
	html_raw(o, "</label><span class=\"hint\" id=\"h-to_org\">");
	html_txt(o, _("Organizations that list the service in the directory come first, nearest to where she lives."));
	html_raw(o, "</span>");
	if (error) {
		html_raw(o, "<span class=\"field-error\" id=\"e-to_org\">");
		html_txt(o, gettext(error));
		html_raw(o, "</span>");
	}
	html_raw(o, error ? "<select id=\"f-to_org\" name=\"to_org\" required aria-invalid=\"true\" "
			    "aria-describedby=\"h-to_org e-to_org\"><option value=\"\">"
			  : "<select id=\"f-to_org\" name=\"to_org\" required aria-describedby=\"h-to_org\"><option value=\"\">");
	html_txt(o, _("— choose —"));
	html_raw(o, "</option>");
	struct buf seen; /* ",code,code," of the organizations listed */
	buf_init_arena(&seen, req->arena);
	buf_putc(&seen, ',');
	buf_puts(&seen, c->owner_org_code);
	buf_putc(&seen, ',');
	struct svc s = web_svc(req);
	struct dir_entry *de = NULL;
	int nd = 0;
	struct dir_filter df = { .service = service, .region = c->residence_region };
	if (directory_list(&s, &df, &de, &nd) != SVC_OK)
		nd = 0;
	for (int i = 0; i < nd; i++) {
		const char *mark = arena_printf(req->arena, ",%s,", de[i].org_code);
		if (strstr(seen.data, mark))
			continue;
		buf_puts(&seen, de[i].org_code);
		buf_putc(&seen, ',');
		html_raw(o, "<option value=\"");
		html_attr(o, de[i].org_code);
		html_raw(o, str_eq(chosen, de[i].org_code) ? "\" selected>" : "\">");
		const char *name = str_eq(req->lang, "en") && *de[i].org_name_en ? de[i].org_name_en : de[i].org_name_uk;
		html_txt(o, arena_printf(req->arena, "%s (%s)", name, de[i].org_code));
		if (*service && de[i].distance_km >= 0)
			html_txt(o, arena_printf(req->arena, _(" — %lld km"), (long long)de[i].distance_km));
		if (*service && *de[i].v[D_CAP_FREE])
			html_txt(o, arena_printf(req->arena, _(" — free places: %s"), de[i].v[D_CAP_FREE]));
		if (de[i].stale)
			html_txt(o, _(" — not verified recently"));
		html_raw(o, "</option>");
	}
	/* The registry: active organizations declaring the service, page by page. */
	const char *after = NULL;
	for (int page = 0; page < 10; page++) {
		struct svc s2 = web_svc(req);
		struct org_filter of = { .status = "active", .service = service, .after = after, .limit = ORG_LIST_MAX };
		struct org **orgs;
		size_t n;
		const char *next;
		if (org_list(&s2, &of, &orgs, &n, &next) != SVC_OK)
			break;
		for (size_t i = 0; i < n; i++) {
			const char *code = orgs[i]->v[ORG_CODE];
			if (strstr(seen.data, arena_printf(req->arena, ",%s,", code)))
				continue;
			buf_puts(&seen, code);
			buf_putc(&seen, ',');
			html_raw(o, "<option value=\"");
			html_attr(o, code);
			html_raw(o, str_eq(chosen, code) ? "\" selected>" : "\">");
			html_txt(o, arena_printf(req->arena, "%s (%s)", org_display_name(orgs[i], req->lang), code));
			if (*orgs[i]->v[ORG_SERVICES])
				html_txt(o, arena_printf(req->arena, " — %s", ui_referral_labels(req, &pl_service, orgs[i]->v[ORG_SERVICES])));
			html_raw(o, "</option>");
		}
		if (next == NULL)
			break;
		after = next;
	}
	html_raw(o, "</select></div>\n");
}

static void refer_page(struct request *req, const struct case_rec *c, const struct resource *res,
		       const struct refer_opts *ro)
{
	struct buf *o = &req->out;
	req->status = ro->status ? ro->status : 200;
	const char *service = req_query(req, "service");
	if (service == NULL || !picklist_has(&pl_service, service))
		service = "";
	const char *path = ui_case_path(req, c->id, "/refer");
	const char *title = arena_printf(req->arena, _("Refer her — case %s"), c->code);
	page_begin(req, title);
	ui_h1(req, title);
	html_raw(o, "<p class=\"lead\">");
	html_txt(o, _("Refer her to another organization for what yours cannot give. Only the fields you choose go with "
		      "the referral, and only while it is open."));
	html_raw(o, "</p>\n");
	ui_case_h2(req, "consent", _("Her consent"));
	bool has_consent = consent_summary(req, c->id);
	/* Narrowing the organizations by a service changes nothing: a GET form. */
	ui_filters_begin(req, path, _("Organizations offering a service"));
	html_raw(o, "<div class=\"field\"><label for=\"q-service\">");
	html_txt(o, _("Organizations offering"));
	html_raw(o, "</label><select id=\"q-service\" name=\"service\"><option value=\"\">");
	html_txt(o, _("any service"));
	html_raw(o, "</option>");
	for (size_t i = 0; i < pl_service.n; i++) {
		html_raw(o, "<option value=\"");
		html_attr(o, pl_service.items[i].code);
		html_raw(o, str_eq(service, pl_service.items[i].code) ? "\" selected>" : "\">");
		html_txt(o, gettext(pl_service.items[i].label));
		html_raw(o, "</option>");
	}
	html_raw(o, "</select></div>\n");
	ui_filters_end(req, _("Show"), path, _("All organizations"));

	ui_case_h2(req, "referral", _("The referral"));
	if (ro->errors)
		form_error_summary(req, &referral_form_rt, ro->errors);
	if (ro->consent_missing)
		notice(req, "error",
		       _("She has not consented to this referral. Record her consent first; only a manager may override it, "
			 "with a reason."));
	if (ro->problem)
		notice(req, "error", gettext(ro->problem));
	const char *const *v = ro->values;
	const char *const *e = ro->errors;
	/* The service narrowing the organizations goes with the POST, so a form sent back with an error
	 * still offers the same organizations (service is a picklist code: nothing to escape). */
	form_begin(req, *service ? arena_printf(req->arena, "%s?service=%s", path, service) : path);
	org_choices(req, c, service, v ? v[FV(RN_TO_ORG)] : NULL, e ? e[FV(RN_TO_ORG)] : NULL);
	form_field(req, &referral_form_rt.fields[FV(RN_SERVICES)], v ? v[FV(RN_SERVICES)] : service,
		   e ? e[FV(RN_SERVICES)] : NULL);
	form_field(req, &referral_form_rt.fields[FV(RN_SHARED)], v ? v[FV(RN_SHARED)] : REFERRAL_MINIMUM_FIELDS,
		   e ? e[FV(RN_SHARED)] : NULL);
	form_field(req, &referral_form_rt.fields[FV(RN_REASON)], v ? v[FV(RN_REASON)] : NULL, e ? e[FV(RN_REASON)] : NULL);
	form_field(req, &referral_form_rt.fields[FV(RN_URGENCY)], v && *v[FV(RN_URGENCY)] ? v[FV(RN_URGENCY)] : "normal",
		   e ? e[FV(RN_URGENCY)] : NULL);
	/* Referring without a matching consent is a manager's decision, with a reason and a fresh password:
	 * offered when there is no referral consent at all, or when the one there did not cover it. */
	bool overriding = v && str_eq(v[FV(RN_OVERRIDE)], "1");
	if (policy_may(req->actor, A_CONSENT_OVERRIDE, res) && (!has_consent || ro->consent_missing || overriding)) {
		html_raw(o, "<fieldset id=\"override\"><legend>");
		html_txt(o, _("Without her consent"));
		html_raw(o, "</legend>\n<p class=\"hint\">");
		html_txt(o, _("Only when she cannot consent and the referral cannot wait. The override and its reason are "
			      "recorded in the audit trail."));
		html_raw(o, "</p>\n");
		if (ro->needs_password || !ui_case_reauth_fresh(req)) {
			html_raw(o, ro->needs_password ? "<div class=\"notice error\" role=\"alert\"><p>"
						       : "<div class=\"notice warn\" role=\"status\"><p>");
			html_txt(o, _("An override needs your password confirmed in the last few minutes."));
			html_raw(o, " ");
			ui_reauth_link(o, req->path);
			html_raw(o, "</p></div>\n");
		}
		form_field(req, &referral_form_rt.fields[FV(RN_OVERRIDE)], overriding ? "1" : "0",
			   e ? e[FV(RN_OVERRIDE)] : NULL);
		form_field(req, &referral_form_rt.fields[FV(RN_OVERRIDE_REASON)], v ? v[FV(RN_OVERRIDE_REASON)] : NULL,
			   e ? e[FV(RN_OVERRIDE_REASON)] : NULL);
		html_raw(o, "</fieldset>\n");
	}
	form_end(req, _("Send the referral"));
	html_raw(o, "<p><a href=\"");
	html_attr(o, ui_case_path(req, c->id, "#referrals"));
	html_raw(o, "\">");
	html_txt(o, _("Back to the case"));
	html_raw(o, "</a></p>\n");
	page_end(req);
}

void ui_referral_new(struct request *req)
{
	int64_t id = ui_case_path_id(req);
	struct case_rec c;
	struct resource res;
	if (id == 0 || !load_case(req, id, &c, &res))
		return;
	struct refer_opts ro = { 0 };
	refer_page(req, &c, &res, &ro);
}

void ui_referral_create(struct request *req)
{
	int64_t id = ui_case_path_id(req);
	struct case_rec c;
	struct resource res;
	if (id == 0 || !load_case(req, id, &c, &res))
		return;
	const char **values = arena_alloc(req->arena, sizeof *values * referral_form_rt.n);
	const char **errors = arena_alloc(req->arena, sizeof *errors * referral_form_rt.n);
	struct refer_opts ro = { .values = values, .errors = errors, .status = 422 };
	if (record_read_form(&referral_form_rt, &req->form, true, req->arena, values, errors) > 0) {
		refer_page(req, &c, &res, &ro);
		return;
	}
	const char *all[RN__COUNT];
	all[RN_CASE_ID] = "";
	for (size_t i = 0; i < referral_form_rt.n; i++)
		all[i + 1] = values[i];
	struct referral_new n;
	/* The checkboxes always say which fields go: none checked is the case code alone. */
	referral_new_from_values(all, true, &n);
	n.case_id = id;
	struct svc s = web_svc(req);
	int64_t rid = 0;
	int rc = referral_create(&s, &n, &rid);
	if (rc == SVC_OK) {
		req_redirect(req, ui_referral_path(req, rid, "?done=sent"));
		return;
	}
	if (rc != SVC_INVALID) {
		web_svc_fail(req, &s, rc);
		return;
	}
	if (str_eq(s.problem_field, "consent"))
		ro.consent_missing = true;
	else if (str_eq(s.problem_field, "password"))
		ro.needs_password = true;
	else if (!ui_case_place_problem(&referral_form_rt, s.problem_field, s.problem, errors))
		ro.problem = s.problem;
	refer_page(req, &c, &res, &ro);
}
