#include "web/nav.h"
#include "base/str.h"
#include "model/actor.h"
#include "policy/policy.h"
#include "web/ui.h"
#include "web/web.h"

struct nav_item {
	const char *href;
	const char *label; /* msgid */
};

static void item(struct request *req, const char *href, const char *label)
{
	struct buf *o = &req->out;
	bool here = str_eq(req->path, href) || (href[1] && str_starts(req->path, href));
	html_raw(o, "<li><a href=\"");
	html_attr(o, href);
	html_raw(o, here ? "\" aria-current=\"page\">" : "\">");
	html_txt(o, gettext(label));
	html_raw(o, "</a></li>");
}

void nav_render(struct request *req)
{
	struct buf *o = &req->out;
	html_raw(o, "<nav aria-label=\"");
	html_attr(o, _("Main"));
	html_raw(o, "\"><ul>");
	item(req, "/", N_("Home"));
	if (req->actor == NULL)
		item(req, "/signin", N_("Sign in"));
	bool full = req->actor && str_eq(req->session_state, "full");
	(void)full;
	if (full && policy_may(req->actor, A_CASE_LIST, NULL))
		item(req, "/cases", N_("Cases"));
	if (full && policy_may(req->actor, A_REFERRAL_LIST, NULL))
		item(req, "/referrals", N_("Referrals"));
	if (full && policy_may(req->actor, A_FOLLOWUP_RECORD, NULL))
		item(req, "/followups", N_("Follow-ups"));
	if (full && policy_may(req->actor, A_REINT_INDICATORS, NULL))
		item(req, "/indicators/reintegration", N_("Reintegration"));
	if (full)
		ui_inbox_nav_item(req); /* "Inbox" with the unread count (ui-inbox.c) */
	if (full && policy_may(req->actor, A_DIRECTORY_VIEW, NULL))
		item(req, "/directory", N_("Service directory"));
	if (full)
		item(req, "/orgs", N_("Organizations"));
	if (full && policy_may(req->actor, A_NETWORK_GROWTH, NULL))
		item(req, "/network", N_("Network"));
	if (full && policy_may(req->actor, A_USER_LIST, NULL))
		item(req, "/users", N_("Users"));
	if (full && policy_may(req->actor, A_AUDIT_VIEW, NULL))
		item(req, "/audit", N_("Audit trail"));
	html_raw(o, "</ul></nav>\n");
	if (req->actor) {
		/* Who is signed in, their account, and signing out (a POST form: it changes state). */
		html_raw(o, "<div class=\"who\">");
		if (full) {
			html_raw(o, "<a href=\"/account\">");
			html_txt(o, req->actor->display_name);
			html_raw(o, "</a> ");
		}
		html_raw(o, "<form method=\"post\" action=\"/signout\" class=\"inline\">");
		html_hidden(o, "csrf", req->csrf ? req->csrf : "");
		html_raw(o, "<button type=\"submit\" class=\"link\">");
		html_txt(o, _("Sign out"));
		html_raw(o, "</button></form></div>\n");
	}
}
