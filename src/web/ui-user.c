/* ui-user.c — the pages of user accounts: the list with its filters, a new
 * account, one account with its actions (edit, role, disable/enable, reset).
 *
 * Handlers only read the form, call the services of model/user.c and render.
 * Role changes, disabling and resets need the password confirmed within the
 * last REAUTH_SECONDS: the route guard refuses a stale POST with 401, and the
 * account page says so beforehand with a link to /reauth that comes back here.
 */
#include "base/str.h"
#include "model/user.h"
#include "web/forms.h"
#include "web/session-web.h"
#include "web/ui-common.h"
#include "web/ui.h"
#include "web/web.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

/* Order matters: UF_* index values[] and errors[]. */
enum { UF_Q, UF_ORG, UF_ROLE, UF_STATUS, UF_PAGE, UF_PER_PAGE, UF__COUNT };

static const struct field user_filter_fields[UF__COUNT] = {
	[UF_Q] = { "q", "q", FT_TEXT, NULL, 0, 0, 100, N_("Name or e-mail contains"), NULL },
	[UF_ORG] = { "org", "org", FT_TEXT, NULL, 0, 0, 40, N_("Organization"), NULL },
	[UF_ROLE] = { "role", "role", FT_PICK, &pl_role, 0, 0, 0, N_("Role"), NULL },
	[UF_STATUS] = { "status", "status", FT_PICK, &pl_user_status, 0, 0, 0, N_("Status"), NULL },
	/* Paging: links carry them, the form does not show them. */
	[UF_PAGE] = { "page", "page", FT_INT, NULL, 0, 1, 1000000, N_("Page"), NULL },
	[UF_PER_PAGE] = { "per_page", "per_page", FT_INT, NULL, 0, 1, USER_LIST_MAX, N_("Accounts per page"), NULL },
};

_Static_assert(UF__COUNT == USER_FILTER_FIELDS, "ui.h must agree on the number of filters");
const struct record_type user_filter_rt = { "user_filter", user_filter_fields, UF__COUNT };

int user_filter_read(struct request *req, struct user_filter *f, const char **values, const char **errors)
{
	int nerr = record_read_form(&user_filter_rt, &req->query, true, req->arena, values, errors);
	memset(f, 0, sizeof *f);
	f->q = errors[UF_Q] ? "" : values[UF_Q];
	f->org = errors[UF_ORG] ? "" : values[UF_ORG];
	f->role = errors[UF_ROLE] ? "" : values[UF_ROLE];
	f->status = errors[UF_STATUS] ? "" : values[UF_STATUS];
	int64_t n = 0;
	if (!errors[UF_PAGE] && *values[UF_PAGE] && str_to_i64(values[UF_PAGE], 1, 1000000, &n) == 0)
		f->page = n;
	if (!errors[UF_PER_PAGE] && *values[UF_PER_PAGE] && str_to_i64(values[UF_PER_PAGE], 1, USER_LIST_MAX, &n) == 0)
		f->per_page = (int)n;
	return nerr;
}

int64_t user_path_id(struct request *req)
{
	int64_t id = 0;
	if (str_to_i64(req_param(req, 0), 1, INT64_MAX, &id) < 0) {
		web_error(req, 404, N_("There is no such record."), NULL);
		return 0;
	}
	return id;
}

/* ---- small pieces ---------------------------------------------------------- */

static void status_tag(struct buf *o, const char *status)
{
	ui_tag(o, str_eq(status, "active"), picklist_label(&pl_user_status, status));
}

static const char *org_choice_name(const struct user_org_choice *c, const char *lang)
{
	return str_eq(lang, "en") && *c->name_en ? c->name_en : c->name_uk;
}

/*
 * The organization as a <select> of the network's members, marked up like
 * form_field's widgets.  Members that left the network are offered only when
 * already chosen.  filter: an "all" choice instead of "choose".
 */
static void org_select(struct request *req, const struct user_org_choice *orgs, size_t n, const char *value,
		       const char *error, bool filter)
{
	struct buf *o = &req->out;
	const char *v = value ? value : "";
	html_raw(o, error ? "<div class=\"field invalid\"><label for=\"f-org\">" : "<div class=\"field\"><label for=\"f-org\">");
	html_txt(o, _("Organization"));
	html_raw(o, "</label>");
	if (error) {
		html_raw(o, "<span class=\"field-error\" id=\"e-org\">");
		html_txt(o, gettext(error));
		html_raw(o, "</span>");
	}
	html_raw(o, "<select id=\"f-org\" name=\"org\"");
	if (!filter)
		html_raw(o, " required");
	if (error)
		html_raw(o, " aria-invalid=\"true\" aria-describedby=\"e-org\"");
	html_raw(o, "><option value=\"\">");
	html_txt(o, filter ? _("All") : _("— choose —"));
	html_raw(o, "</option>");
	bool seen = false;
	for (size_t i = 0; i < n; i++) {
		bool chosen = str_eq(v, orgs[i].code);
		if (str_eq(orgs[i].status, "left") && !chosen && !filter)
			continue;
		seen = seen || chosen;
		html_raw(o, "<option value=\"");
		html_attr(o, orgs[i].code);
		html_raw(o, chosen ? "\" selected>" : "\">");
		html_txt(o, org_choice_name(&orgs[i], req->lang));
		html_raw(o, " (");
		html_txt(o, orgs[i].code);
		html_raw(o, ")</option>");
	}
	/* A code typed into a URL or sent by an old form stays visible, so the error makes sense. */
	if (*v && !seen) {
		html_raw(o, "<option value=\"");
		html_attr(o, v);
		html_raw(o, "\" selected>");
		html_txt(o, v);
		html_raw(o, "</option>");
	}
	html_raw(o, "</select></div>\n");
}

/* The organizations for a form; false after answering an error. */
static bool load_orgs(struct request *req, struct user_org_choice **orgs, size_t *n)
{
	struct svc s = web_svc(req);
	int rc = user_org_choices(&s, orgs, n);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return false;
	}
	return true;
}

/* The service's problem next to its field; true when the field is one of the form's. */
static bool field_problem(const struct svc *s, const char **errors)
{
	int i = s->problem_field ? record_field_index(&user_record, s->problem_field) : -1;
	if (i < 0 || s->problem == NULL)
		return false;
	errors[i] = s->problem;
	return true;
}

/* ---- the list -------------------------------------------------------------- */

/* The list's address with the filters and a page. */
static const char *list_href(struct request *req, const char *const *values, int64_t page)
{
	struct buf b;
	buf_init_arena(&b, req->arena);
	buf_puts(&b, "/users");
	bool first = true;
	for (size_t i = 0; i < UF__COUNT; i++) {
		if (i == UF_PAGE || values[i] == NULL || values[i][0] == '\0')
			continue;
		buf_puts(&b, first ? "?" : "&");
		first = false;
		buf_puts(&b, user_filter_fields[i].name);
		buf_putc(&b, '=');
		html_url_arg(&b, values[i]);
	}
	if (page > 1)
		buf_printf(&b, "%spage=%lld", first ? "?" : "&", (long long)page);
	return b.data;
}

static void users_table(struct request *req, struct user **users, size_t n)
{
	struct buf *o = &req->out;
	html_raw(o, "<div class=\"table-wrap\"><table>\n<caption>");
	html_txt(o, _("Accounts, by e-mail address"));
	html_raw(o, "</caption>\n<thead><tr>");
	static const char *const heads[] = { N_("Name"), N_("E-mail address"), N_("Organization"), N_("Role"),
					     N_("Status"), N_("Second factor") };
	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
		html_raw(o, "<th scope=\"col\">");
		html_txt(o, gettext(heads[i]));
		html_raw(o, "</th>");
	}
	html_raw(o, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++) {
		const struct user *u = users[i];
		html_raw(o, "<tr><td><a href=\"/users/");
		html_int(o, u->id);
		html_raw(o, "\">");
		html_txt(o, u->v[USER_DISPLAY_NAME]);
		html_raw(o, "</a></td><td>");
		html_txt(o, u->v[USER_EMAIL]);
		html_raw(o, "</td><td>");
		html_txt(o, user_org_name(u, req->lang));
		html_raw(o, "</td><td>");
		html_txt(o, picklist_label(&pl_role, u->v[USER_ROLE]));
		html_raw(o, "</td><td>");
		status_tag(o, u->v[USER_STATUS]);
		html_raw(o, "</td><td>");
		html_txt(o, u->totp_enabled ? _("set up") : _("not set up"));
		html_raw(o, "</td></tr>\n");
	}
	html_raw(o, "</tbody></table></div>\n");
}

void ui_user_list(struct request *req)
{
	struct buf *o = &req->out;
	const char *values[UF__COUNT], *errors[UF__COUNT];
	struct user_filter f;
	int nerr = user_filter_read(req, &f, values, errors);
	bool any_org = policy_scope(req->actor, A_USER_LIST) == SCOPE_ANY;
	struct user_org_choice *orgs = NULL;
	size_t norgs = 0;
	if (any_org && !load_orgs(req, &orgs, &norgs))
		return;
	struct user **users = NULL;
	size_t n = 0;
	int64_t total = 0;
	struct svc s = web_svc(req);
	/* Invalid filters show the form with the errors and no rows, rather than rows the filter did not mean. */
	if (nerr == 0) {
		int rc = user_list(&s, &f, &users, &n, &total);
		if (rc == SVC_INVALID && field_problem(&s, errors)) {
			nerr = 1;
		} else if (rc != SVC_OK) {
			web_svc_fail(req, &s, rc);
			return;
		}
	}
	if (nerr > 0)
		req->status = 422;
	page_begin(req, _("Users"));
	ui_h1(req, _("Users"));
	if (!any_org) {
		html_raw(o, "<p class=\"lead\">");
		html_txt(o, _("The accounts of your organization."));
		html_raw(o, "</p>\n");
	}
	if (policy_may(req->actor, A_USER_CREATE, NULL)) {
		html_raw(o, "<p><a class=\"button\" href=\"/users/new\">");
		html_txt(o, _("New account"));
		html_raw(o, "</a></p>\n");
	}
	if (nerr > 0)
		form_error_summary(req, &user_filter_rt, errors);
	ui_filters_begin(req, "/users", _("Filter the accounts"));
	form_field(req, &user_filter_fields[UF_Q], values[UF_Q], errors[UF_Q]);
	if (any_org)
		org_select(req, orgs, norgs, values[UF_ORG], errors[UF_ORG], true);
	form_field(req, &user_filter_fields[UF_ROLE], values[UF_ROLE], errors[UF_ROLE]);
	form_field(req, &user_filter_fields[UF_STATUS], values[UF_STATUS], errors[UF_STATUS]);
	ui_filters_end(req, _("Show"), "/users", _("Clear filters"));
	if (nerr == 0) {
		html_raw(o, "<p>");
		html_txt(o, arena_printf(req->arena,
					 ngettext("%lld account found.", "%lld accounts found.", (unsigned long)total),
					 (long long)total));
		html_raw(o, "</p>\n");
	}
	if (n > 0)
		users_table(req, users, n);
	int per_page = f.per_page > 0 ? f.per_page : USER_LIST_DEFAULT;
	int64_t page = f.page > 0 ? f.page : 1, pages = (total + per_page - 1) / per_page;
	if (nerr == 0 && pages > 1) {
		ui_pager_begin(req);
		if (page > 1)
			ui_pager_link(req, "prev", list_href(req, values, page - 1), _("Previous page"));
		html_raw(o, "<span>");
		html_txt(o, arena_printf(req->arena, _("Page %lld of %lld"), (long long)page, (long long)pages));
		html_raw(o, "</span>");
		if (page < pages)
			ui_pager_link(req, "next", list_href(req, values, page + 1), _("Next page"));
		ui_pager_end(req);
	}
	page_end(req);
}

/* ---- a new account --------------------------------------------------------- */

static void new_form(struct request *req, const char *const *values, const char *const *errors, int status)
{
	struct user_org_choice *orgs = NULL;
	size_t norgs = 0;
	if (!load_orgs(req, &orgs, &norgs))
		return;
	req->status = status;
	page_begin(req, _("New account"));
	ui_h1(req, _("New account"));
	html_raw(&req->out, "<p>");
	html_txt(&req->out, _("Managers, coordinators, auditors and administrators set up a second factor "
			      "(an authenticator app) when they first sign in."));
	html_raw(&req->out, "</p>\n");
	form_error_summary(req, &user_record, errors);
	form_begin(req, "/users");
	for (int i = 0; i < USER__NFIELDS; i++) {
		if (!user_field_editable((enum user_field)i, true))
			continue;
		if (i == USER_ORG)
			org_select(req, orgs, norgs, values ? values[i] : NULL, errors ? errors[i] : NULL, false);
		else
			form_field(req, &user_record.fields[i], values ? values[i] : NULL, errors ? errors[i] : NULL);
	}
	form_end(req, _("Create account"));
	page_end(req);
}

void ui_user_new(struct request *req)
{
	const char *errors[USER__NFIELDS] = { 0 };
	new_form(req, NULL, errors, 200);
}

void ui_user_create(struct request *req)
{
	const char *values[USER__NFIELDS], *errors[USER__NFIELDS];
	int nerr = record_read_form(&user_record, &req->form, true, req->arena, values, errors);
	/* Status is not part of this form: whatever was sent for it is ignored, not an error. */
	if (errors[USER_STATUS]) {
		errors[USER_STATUS] = NULL;
		nerr--;
	}
	if (nerr > 0) {
		new_form(req, values, errors, 422);
		return;
	}
	struct svc s = web_svc(req);
	struct user *u = NULL;
	int rc = user_create(&s, values, false, &u, NULL);
	if ((rc == SVC_INVALID || rc == SVC_CONFLICT) && field_problem(&s, errors)) {
		new_form(req, values, errors, rc == SVC_CONFLICT ? 409 : 422);
		return;
	}
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	req_redirect(req, arena_printf(req->arena, "/users/%lld?done=created", (long long)u->id));
}

/* ---- one account ----------------------------------------------------------- */

static void time_fact(struct buf *o, const char *term, int64_t at)
{
	ui_fact_begin(o, term);
	ui_time_utc(o, at, true);
	ui_fact_end(o);
}

static const char *done_message(const char *done)
{
	static const struct {
		const char *code, *msgid;
	} msgs[] = {
		{ "created", N_("The account was created. Give the person the temporary password in a safe way.") },
		{ "saved", N_("The changes were saved.") },
		{ "role", N_("The role was changed. The person's sessions have ended.") },
		{ "disabled", N_("The account was disabled and its sessions have ended.") },
		{ "enabled", N_("The account was enabled. The person can sign in again.") },
		{ "reset", N_("The password was reset and the second factor removed. The person signs in with the "
			      "temporary password and sets up the second factor again.") },
	};
	for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++)
		if (str_eq(done, msgs[i].code))
			return gettext(msgs[i].msgid);
	return NULL;
}

/* An action's own small form: POST to /users/ID/WHAT with the CSRF token. */
static void action_form_begin(struct request *req, const struct user *u, const char *what)
{
	form_begin(req, arena_printf(req->arena, "/users/%lld/%s", (long long)u->id, what));
}

/*
 * The account page.  problem (a msgid) and problem_field ("role", "password"
 * or NULL for the status actions) come back from a refused action, shown next
 * to its form; role_value keeps the role that was chosen.
 */
static void view_page(struct request *req, const struct user *u, const char *problem, const char *problem_field,
		      const char *role_value, int status)
{
	struct buf *o = &req->out;
	struct resource res = { .org_id = u->org_id, .user_id = u->id };
	bool may_edit = policy_may(req->actor, A_USER_EDIT, &res);
	bool may_role = policy_may(req->actor, A_USER_SET_ROLE, &res);
	bool may_disable = policy_may(req->actor, A_USER_DISABLE, &res);
	bool may_reset = policy_may(req->actor, A_USER_RESET, &res);
	bool self = req->actor->user_id == u->id;
	req->status = status;
	page_begin(req, u->v[USER_DISPLAY_NAME]);
	ui_h1(req, u->v[USER_DISPLAY_NAME]);
	const char *done = problem ? NULL : done_message(req_query(req, "done"));
	if (done)
		notice(req, "ok", done);
	if (problem && problem_field == NULL)
		notice(req, "error", gettext(problem));
	html_raw(o, "<dl class=\"facts\">\n");
	ui_fact(o, _("E-mail address"), u->v[USER_EMAIL]);
	ui_fact(o, _("Organization"), arena_printf(req->arena, "%s (%s)", user_org_name(u, req->lang), u->v[USER_ORG]));
	ui_fact(o, _("Role"), picklist_label(&pl_role, u->v[USER_ROLE]));
	ui_fact_begin(o, _("Status"));
	status_tag(o, u->v[USER_STATUS]);
	ui_fact_end(o);
	ui_fact(o, _("Language"), *u->v[USER_LANG] ? picklist_label(&pl_user_lang, u->v[USER_LANG]) : _("as the browser"));
	ui_fact(o, _("Second factor"), u->totp_enabled ? _("set up") : _("not set up"));
	time_fact(o, _("Password changed"), u->password_changed_at);
	time_fact(o, _("Created"), u->created_at);
	time_fact(o, _("Last changed"), u->updated_at);
	html_raw(o, "</dl>\n");
	if (may_edit) {
		html_raw(o, "<p><a class=\"button secondary\" href=\"/users/");
		html_int(o, u->id);
		html_raw(o, "/edit\">");
		html_txt(o, _("Edit"));
		html_raw(o, "</a></p>\n");
	}
	if (self || !(may_role || may_disable || may_reset)) {
		page_end(req);
		return;
	}
	/* Say before the click that the password must be confirmed; the guard refuses a stale POST anyway. */
	if ((int64_t)time(NULL) - req->actor->reauth_at > REAUTH_SECONDS) {
		html_raw(o, "<div class=\"notice warn\" role=\"status\"><p>");
		html_txt(o, _("Changing the role, disabling and resetting an account need your password confirmed "
			      "within the last five minutes."));
		html_raw(o, " ");
		ui_reauth_link(o, arena_printf(req->arena, "/users/%lld", (long long)u->id));
		html_raw(o, "</p></div>\n");
	}
	if (may_role) {
		ui_h2(req, _("Role"));
		action_form_begin(req, u, "role");
		const char *err = problem && str_eq(problem_field, "role") ? problem : NULL;
		form_field(req, &user_record.fields[USER_ROLE], role_value ? role_value : u->v[USER_ROLE], err);
		form_end(req, _("Change role"));
	}
	if (may_disable) {
		bool active = str_eq(u->v[USER_STATUS], "active");
		ui_h2(req, _("Access"));
		html_raw(o, "<p>");
		html_txt(o, active ? _("Disabling ends the person's sessions at once; they cannot sign in until the "
				       "account is enabled again.")
				   : _("This account is disabled: the person cannot sign in."));
		html_raw(o, "</p>\n");
		action_form_begin(req, u, active ? "disable" : "enable");
		form_end(req, active ? _("Disable account") : _("Enable account"));
	}
	if (may_reset) {
		ui_h2(req, _("Reset password and second factor"));
		html_raw(o, "<p>");
		html_txt(o, _("For a person who lost their password or phone: sets a temporary password, removes "
			      "the second factor and ends their sessions."));
		html_raw(o, "</p>\n");
		action_form_begin(req, u, "reset");
		const char *err = problem && str_eq(problem_field, "password") ? problem : NULL;
		form_field(req, &user_record.fields[USER_PASSWORD], NULL, err);
		form_end(req, _("Reset"));
	}
	page_end(req);
}

/* Loads the account of the path; NULL after answering. */
static struct user *path_user(struct request *req)
{
	int64_t id = user_path_id(req);
	if (id == 0)
		return NULL;
	struct svc s = web_svc(req);
	struct user *u = NULL;
	int rc = user_get(&s, id, &u);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return NULL;
	}
	return u;
}

void ui_user_view(struct request *req)
{
	struct user *u = path_user(req);
	if (u)
		view_page(req, u, NULL, NULL, NULL, 200);
}

/* ---- editing --------------------------------------------------------------- */

static void edit_form(struct request *req, const struct user *u, const char *const *values,
		      const char *const *errors, const char *problem, int64_t version, int status)
{
	struct user_org_choice *orgs = NULL;
	size_t norgs = 0;
	if (!load_orgs(req, &orgs, &norgs))
		return;
	req->status = status;
	const char *title = arena_printf(req->arena, _("Edit %s"), u->v[USER_DISPLAY_NAME]);
	page_begin(req, title);
	ui_h1(req, title);
	if (problem)
		notice(req, "error", gettext(problem));
	form_error_summary(req, &user_record, errors);
	form_begin(req, arena_printf(req->arena, "/users/%lld/edit", (long long)u->id));
	ui_version_hidden(req, version);
	for (int i = 0; i < USER__NFIELDS; i++) {
		if (!user_field_editable((enum user_field)i, false))
			continue;
		if (i == USER_ORG)
			org_select(req, orgs, norgs, values[i], errors[i], false);
		else
			form_field(req, &user_record.fields[i], values[i], errors[i]);
	}
	html_raw(&req->out, "<p>");
	html_txt(&req->out, _("Moving the person to another organization ends their sessions."));
	html_raw(&req->out, "</p>\n");
	form_end(req, _("Save"));
	page_end(req);
}

void ui_user_edit_page(struct request *req)
{
	struct user *u = path_user(req);
	if (u == NULL)
		return;
	struct resource res = { .org_id = u->org_id, .user_id = u->id };
	if (!web_may(req, A_USER_EDIT, &res))
		return;
	const char *errors[USER__NFIELDS] = { 0 };
	edit_form(req, u, u->v, errors, NULL, u->version, 200);
}

void ui_user_edit(struct request *req)
{
	struct user *u = path_user(req);
	if (u == NULL)
		return;
	const char *values[USER__NFIELDS], *errors[USER__NFIELDS];
	int nerr = record_read_form(&user_record, &req->form, false, req->arena, values, errors);
	if (errors[USER_STATUS]) {
		errors[USER_STATUS] = NULL;
		nerr--;
	}
	int64_t version = 0;
	if (!ui_version_read(req, &version))
		return;
	if (nerr > 0) {
		edit_form(req, u, values, errors, NULL, version, 422);
		return;
	}
	struct svc s = web_svc(req);
	struct user *saved = NULL;
	int rc = user_update(&s, u->id, values, version, &saved);
	if ((rc == SVC_INVALID || rc == SVC_CONFLICT) && field_problem(&s, errors)) {
		edit_form(req, u, values, errors, NULL, version, rc == SVC_CONFLICT ? 409 : 422);
		return;
	}
	if (rc == SVC_CONFLICT) {
		edit_form(req, u, values, errors,
			  N_("Someone else changed this account meanwhile. Reload the page to see their changes, "
			     "then edit again."),
			  version, 409);
		return;
	}
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	req_redirect(req, arena_printf(req->arena, "/users/%lld?done=saved", (long long)saved->id));
}

/* ---- role, access, reset --------------------------------------------------- */

enum user_act { ACT_ROLE, ACT_DISABLE, ACT_ENABLE, ACT_RESET };

static void user_action(struct request *req, enum user_act act)
{
	int64_t id = user_path_id(req);
	if (id == 0)
		return;
	struct svc s = web_svc(req);
	struct user *u = NULL;
	const char *role = req_form(req, "role");
	int rc;
	static const char *const done[] = { "role", "disabled", "enabled", "reset" };
	switch (act) {
	case ACT_ROLE:
		rc = user_set_role(&s, id, role ? role : "", &u);
		break;
	case ACT_DISABLE:
		rc = user_disable(&s, id, &u);
		break;
	case ACT_ENABLE:
		rc = user_enable(&s, id, &u);
		break;
	default:
		rc = user_reset(&s, id, req_form(req, "password") ? req_form(req, "password") : "", &u);
	}
	if (rc == SVC_INVALID) {
		/* The page again, with the problem next to the form it came from. */
		struct svc g = web_svc(req);
		if (user_get(&g, id, &u) != SVC_OK) {
			web_svc_fail(req, &s, rc);
			return;
		}
		view_page(req, u, s.problem, s.problem_field, act == ACT_ROLE ? role : NULL, 422);
		return;
	}
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	req_redirect(req, arena_printf(req->arena, "/users/%lld?done=%s", (long long)id, done[act]));
}

void ui_user_role(struct request *req)
{
	user_action(req, ACT_ROLE);
}

void ui_user_disable(struct request *req)
{
	user_action(req, ACT_DISABLE);
}

void ui_user_enable(struct request *req)
{
	user_action(req, ACT_ENABLE);
}

void ui_user_reset(struct request *req)
{
	user_action(req, ACT_RESET);
}
