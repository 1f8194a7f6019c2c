/* ui-inbox.c — what is waiting: the inbox page (the organization's items and
 * one's own, newest first, with marking read), its entry in the navigation
 * with the unread count, and the overdue referrals of the network (or of a
 * manager's organization), without personal data. */
#include "base/str.h"
#include "model/inbox.h"
#include "model/referral-stats.h"
#include "model/referral.h"
#include "web/forms.h"
#include "web/session-web.h"
#include "web/ui-case.h"
#include "web/ui-common.h"
#include "web/ui.h"
#include "web/web.h"

#include <string.h>
#include <time.h>

#define INBOX_PAGE 50

static const struct {
	const char *kind, *label;
} kinds[] = {
	{ "referral.new", N_("New referral to your organization") },
	{ "referral.accepted", N_("Your referral was accepted") },
	{ "referral.declined", N_("Your referral was declined") },
	{ "referral.in_progress", N_("Work on your referral has started") },
	{ "referral.completed", N_("Your referral was completed") },
	{ "referral.closed_unfinished", N_("Your referral was closed unfinished") },
	{ "referral.cancelled", N_("A referral to your organization was cancelled") },
	{ "referral.expired", N_("Your referral expired without an answer") },
	{ "referral.overdue", N_("A referral of your organization is overdue") },
	{ "referral.deadline_soon", N_("The answer to a referral is due soon") },
	{ "followup.overdue", N_("A follow-up of your organization is overdue") },
};

static const char *kind_label(const char *kind)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (str_eq(kinds[i].kind, kind))
			return gettext(kinds[i].label);
	return kind;
}

static void th(struct buf *o, const char *label)
{
	html_raw(o, "<th scope=\"col\">");
	html_txt(o, label);
	html_raw(o, "</th>");
}

/* Service codes as labels, "a, b". */
static const char *service_labels(struct request *req, const char *set)
{
	struct buf b;
	buf_init_arena(&b, req->arena);
	buf_puts(&b, "");
	for (const char *p = set; p && *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (b.len)
			buf_puts(&b, ", ");
		buf_puts(&b, picklist_label(&pl_service, arena_strndup(req->arena, p, l)));
		p += l + (e ? 1 : 0);
	}
	return b.data;
}

/* ---- the navigation ------------------------------------------------------------ */

void ui_inbox_nav_item(struct request *req)
{
	struct buf *o = &req->out;
	/* Counted with the session (session.c): no query of its own. */
	int64_t n = req->actor ? req->actor->inbox_unread : 0;
	html_raw(o, str_starts(req->path, "/inbox") ? "<li><a href=\"/inbox\" aria-current=\"page\">"
						     : "<li><a href=\"/inbox\">");
	html_txt(o, _("Inbox"));
	if (n > 0) {
		html_raw(o, " <span class=\"tag\">");
		html_int(o, n);
		html_raw(o, "</span>");
	}
	html_raw(o, "</a></li>");
}

/* ---- the inbox ---------------------------------------------------------------- */

static void mark_read_button(struct request *req, int64_t id, const char *label)
{
	struct buf *o = &req->out;
	html_raw(o, "<form method=\"post\" action=\"/inbox/read\" class=\"inline\">");
	html_hidden(o, "csrf", req->csrf ? req->csrf : "");
	if (id)
		html_hidden(o, "id", arena_printf(req->arena, "%lld", (long long)id));
	html_raw(o, "<button type=\"submit\" class=\"secondary\">");
	html_txt(o, label);
	html_raw(o, "</button></form>");
}

void ui_inbox(struct request *req)
{
	struct buf *o = &req->out;
	bool unread_only = str_eq(req_query(req, "unread"), "1");
	int64_t offset = 0;
	const char *off = req_query(req, "offset");
	if (off && str_to_i64(off, 0, 1000000, &offset) < 0) {
		web_error(req, 400, N_("This page number is not valid."), "offset");
		return;
	}
	struct svc s = web_svc(req);
	struct inbox_item *items;
	int n;
	bool more;
	int rc = inbox_list(&s, unread_only, INBOX_PAGE, (int)offset, &items, &n, &more);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	page_begin(req, _("Inbox"));
	ui_h1(req, _("Inbox"));
	if (str_eq(req_query(req, "done"), "read"))
		notice(req, "ok", _("Marked as read."));
	html_raw(o, "<p>");
	html_txt(o, _("Referrals to your organization, answers to the ones it sent, and deadlines. Items name "
		      "only the case code and the organizations: open the referral to see more."));
	html_raw(o, "</p>\n<div class=\"actions\">");
	html_raw(o, unread_only ? "<a class=\"button secondary\" href=\"/inbox\">" : "<a class=\"button secondary\" href=\"/inbox?unread=1\">");
	html_txt(o, unread_only ? _("Show all") : _("Show unread only"));
	html_raw(o, "</a> ");
	if (policy_may(req->actor, A_REFERRAL_OVERVIEW, NULL)) {
		html_raw(o, "<a class=\"button secondary\" href=\"/referrals/overdue\">");
		html_txt(o, _("Overdue referrals"));
		html_raw(o, "</a> <a class=\"button secondary\" href=\"/referrals/indicators\">");
		html_txt(o, _("Referral indicators"));
		html_raw(o, "</a> ");
	}
	if (n > 0)
		mark_read_button(req, 0, _("Mark all as read"));
	html_raw(o, "</div>\n");
	if (n == 0) {
		html_raw(o, "<p>");
		html_txt(o, unread_only ? _("Nothing unread.") : _("The inbox is empty."));
		html_raw(o, "</p>\n");
		page_end(req);
		return;
	}
	html_raw(o, "<div class=\"table-wrap\"><table>\n<caption>");
	html_txt(o, arena_printf(req->arena, ngettext("%d item on this page", "%d items on this page", (unsigned long)n), n));
	html_raw(o, "</caption>\n<thead><tr>");
	th(o, _("When (UTC)"));
	th(o, _("What"));
	th(o, _("Case"));
	th(o, _("From"));
	th(o, _("To"));
	th(o, _("Services"));
	th(o, _("Read"));
	html_raw(o, "</tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		const struct inbox_item *x = &items[i];
		html_raw(o, "<tr><td>");
		ui_time_utc(o, x->created_at, false);
		html_raw(o, "</td><td>");
		if (x->referral_id) {
			html_raw(o, "<a href=\"");
			html_attr(o, arena_printf(req->arena, "/referrals/%lld", (long long)x->referral_id));
			html_raw(o, "\">");
			html_txt(o, kind_label(x->kind));
			html_raw(o, "</a>");
		} else {
			html_txt(o, kind_label(x->kind));
		}
		if (x->personal) {
			html_raw(o, " ");
			ui_tag(o, true, _("for you"));
		}
		html_raw(o, "</td><td class=\"mono\">");
		html_txt(o, x->case_code);
		html_raw(o, "</td><td class=\"mono\">");
		html_txt(o, x->from_org);
		html_raw(o, "</td><td class=\"mono\">");
		html_txt(o, x->to_org);
		html_raw(o, "</td><td>");
		html_txt(o, service_labels(req, x->services));
		html_raw(o, "</td><td>");
		if (x->read_at)
			html_txt(o, _("read"));
		else
			mark_read_button(req, x->id, _("Mark as read"));
		html_raw(o, "</td></tr>\n");
	}
	html_raw(o, "</tbody></table></div>\n");
	if (more || offset > 0) {
		ui_pager_begin(req);
		const char *base = unread_only ? "/inbox?unread=1&offset=" : "/inbox?offset=";
		if (offset > 0)
			ui_pager_link(req, "prev", arena_printf(req->arena, "%s%lld", base,
								(long long)(offset > INBOX_PAGE ? offset - INBOX_PAGE : 0)),
				      _("Newer"));
		if (more)
			ui_pager_link(req, "next", arena_printf(req->arena, "%s%lld", base, (long long)(offset + INBOX_PAGE)),
				      _("Older"));
		ui_pager_end(req);
	}
	page_end(req);
}

void ui_inbox_read(struct request *req)
{
	const char *id_text = req_form(req, "id");
	int64_t id = 0;
	if (id_text && str_to_i64(id_text, 1, INT64_MAX, &id) < 0) {
		web_error(req, 400, N_("The form is incomplete. Reload the page and try again."), "id");
		return;
	}
	struct svc s = web_svc(req);
	int marked;
	int rc = inbox_mark_read(&s, id, &marked);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	req_redirect(req, "/inbox?done=read");
}

/* ---- overdue referrals --------------------------------------------------------------- */

/* An age as people say it: days, or hours under two days. */
static const char *age_text(struct request *req, int64_t seconds)
{
	int64_t hours = seconds / 3600;
	if (hours < 48)
		return arena_printf(req->arena, ngettext("%lld hour", "%lld hours", (unsigned long)hours), (long long)hours);
	int64_t days = hours / 24;
	return arena_printf(req->arena, ngettext("%lld day", "%lld days", (unsigned long)days), (long long)days);
}

void ui_referral_overdue(struct request *req)
{
	struct buf *o = &req->out;
	struct svc s = web_svc(req);
	struct overdue_referral *rows;
	int n;
	int64_t now = (int64_t)time(NULL);
	int rc = referral_overdue(&s, now, &rows, &n);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	bool network = policy_scope(req->actor, A_REFERRAL_OVERVIEW) == SCOPE_ANY;
	page_begin(req, _("Overdue referrals"));
	ui_h1(req, _("Overdue referrals"));
	html_raw(o, "<p>");
	html_txt(o, arena_printf(req->arena,
				 network ? _("Referrals of the network not answered by their deadline: still waiting, or "
					     "expired in the last %d days. No personal data is shown.")
					 : _("Referrals sent or received by your organization not answered by their "
					     "deadline: still waiting, or expired in the last %d days."),
				 OVERDUE_WINDOW_DAYS));
	html_raw(o, "</p>\n");
	if (n == 0) {
		html_raw(o, "<p>");
		html_txt(o, _("No referral is overdue."));
		html_raw(o, "</p>\n");
		page_end(req);
		return;
	}
	html_raw(o, "<div class=\"table-wrap\"><table>\n<caption>");
	html_txt(o, arena_printf(req->arena, ngettext("%d overdue referral", "%d overdue referrals", (unsigned long)n), n));
	html_raw(o, "</caption>\n<thead><tr>");
	th(o, _("From"));
	th(o, _("To"));
	th(o, _("Services"));
	th(o, _("Urgency"));
	th(o, _("Sent (UTC)"));
	th(o, _("Deadline (UTC)"));
	th(o, _("Age"));
	th(o, _("State"));
	if (!network)
		th(o, _("Case"));
	html_raw(o, "</tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		const struct overdue_referral *x = &rows[i];
		html_raw(o, "<tr><td class=\"mono\">");
		html_txt(o, x->from_org);
		html_raw(o, "</td><td class=\"mono\">");
		html_txt(o, x->to_org);
		html_raw(o, "</td><td>");
		html_txt(o, service_labels(req, x->services));
		html_raw(o, "</td><td>");
		html_txt(o, picklist_label(&pl_urgency, x->urgency));
		html_raw(o, "</td><td>");
		ui_time_utc(o, x->created_at, false);
		html_raw(o, "</td><td>");
		ui_time_utc(o, x->deadline_at, false);
		html_raw(o, "</td><td>");
		html_txt(o, age_text(req, x->age_seconds));
		html_raw(o, "</td><td>");
		ui_tag(o, false, str_eq(x->state, "expired") ? _("expired") : _("waiting past the deadline"));
		if (!network) {
			html_raw(o, "</td><td class=\"mono\">");
			html_txt(o, x->case_code);
		}
		html_raw(o, "</td></tr>\n");
	}
	html_raw(o, "</tbody></table></div>\n");
	page_end(req);
}
