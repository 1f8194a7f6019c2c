/* ui-audit.c — the audit trail for auditors: browse and filter it, check
 * that its chain is intact.
 *
 * The filters are declared once (audit_filter_rt) and read from the query
 * string for both this page and GET /api/v1/audit (api-audit.c), so the two
 * accept the same parameters and reject the same mistakes.  The trail holds no
 * personal data (audit.h), so showing it in full to auditors exposes none.
 */
#include "base/str.h"
#include "model/audit.h"
#include "model/record.h"
#include "model/service.h"
#include "web/forms.h"
#include "web/session-web.h"
#include "web/ui-common.h"
#include "web/ui.h"
#include "web/web.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define AUDIT_PAGE 50
#define AUDIT_PAGE_MAX 200

/* Order matters: AF_* index values[] and errors[]. */
enum { AF_ACTION, AF_ACTOR, AF_OBJECT_TYPE, AF_OBJECT_ID, AF_FROM, AF_TO, AF_BEFORE, AF_LIMIT, AF__COUNT };

static const struct field audit_filter_fields[AF__COUNT] = {
	[AF_ACTION] = { "action", "action", FT_TEXT, NULL, 0, 0, 64, N_("Action begins with"),
			N_("e.g. signin or user.") },
	[AF_ACTOR] = { "actor", "actor", FT_TEXT, NULL, 0, 0, 254, N_("Who"), N_("part of the e-mail address") },
	[AF_OBJECT_TYPE] = { "object_type", "object_type", FT_TEXT, NULL, 0, 0, 64, N_("Record type"),
			     N_("e.g. user or organization") },
	[AF_OBJECT_ID] = { "object_id", "object_id", FT_TEXT, NULL, 0, 0, 128, N_("Record id"), NULL },
	[AF_FROM] = { "from", "from", FT_DATE, NULL, 0, 0, 0, N_("From (UTC)"), NULL },
	[AF_TO] = { "to", "to", FT_DATE, NULL, 0, 0, 0, N_("To (UTC, inclusive)"), NULL },
	/* Paging and page size: links carry them, the form does not show them. */
	[AF_BEFORE] = { "before", "before", FT_INT, NULL, 0, 1, INT64_MAX, N_("Older than entry"), NULL },
	/* At most 200, so that the one row more that audit_fetch asks for stays within audit_list's bound. */
	[AF_LIMIT] = { "limit", "limit", FT_INT, NULL, 0, 1, AUDIT_PAGE_MAX, N_("Entries per page"), NULL },
};

_Static_assert(AF__COUNT == AUDIT_FILTER_FIELDS, "ui.h must agree on the number of filters");
const struct record_type audit_filter_rt = { "audit_filter", audit_filter_fields, AF__COUNT };

/* Midnight UTC of a canonical YYYY-MM-DD (already validated). */
static int64_t day_start(const char *ymd)
{
	struct tm tm = { 0 };
	tm.tm_year = (int)strtol(ymd, NULL, 10) - 1900;
	tm.tm_mon = (int)strtol(ymd + 5, NULL, 10) - 1;
	tm.tm_mday = (int)strtol(ymd + 8, NULL, 10);
	return (int64_t)timegm(&tm);
}

int audit_filter_read(struct request *req, struct audit_filter *f, const char **values, const char **errors)
{
	int nerr = record_read_form(&audit_filter_rt, &req->query, true, req->arena, values, errors);
	memset(f, 0, sizeof *f);
	f->action_prefix = errors[AF_ACTION] ? "" : values[AF_ACTION];
	f->actor = errors[AF_ACTOR] ? "" : values[AF_ACTOR];
	f->object_type = errors[AF_OBJECT_TYPE] ? "" : values[AF_OBJECT_TYPE];
	f->object_id = errors[AF_OBJECT_ID] ? "" : values[AF_OBJECT_ID];
	if (!errors[AF_FROM] && *values[AF_FROM])
		f->from = day_start(values[AF_FROM]);
	/* "to" is inclusive for people; the service's bound is exclusive. */
	if (!errors[AF_TO] && *values[AF_TO])
		f->to = day_start(values[AF_TO]) + 86400;
	if (f->from && f->to && f->to <= f->from && !errors[AF_TO]) {
		errors[AF_TO] = N_("The end date is before the start date.");
		nerr++;
	}
	if (!errors[AF_BEFORE] && *values[AF_BEFORE])
		str_to_i64(values[AF_BEFORE], 1, INT64_MAX, &f->before_seq);
	int64_t limit = AUDIT_PAGE;
	if (!errors[AF_LIMIT] && *values[AF_LIMIT])
		str_to_i64(values[AF_LIMIT], 1, AUDIT_PAGE_MAX, &limit);
	f->limit = (int)limit;
	return nerr;
}

void audit_filter_query(struct buf *b, const char *const *values, int64_t before)
{
	bool first = true;
	for (size_t i = 0; i < AF__COUNT; i++) {
		if (i == AF_BEFORE || values[i] == NULL || values[i][0] == '\0')
			continue;
		buf_puts(b, first ? "" : "&");
		first = false;
		buf_puts(b, audit_filter_fields[i].name);
		buf_putc(b, '=');
		html_url_arg(b, values[i]);
	}
	if (before > 0)
		buf_printf(b, "%sbefore=%lld", first ? "" : "&", (long long)before);
}

int audit_fetch(struct request *req, const struct audit_filter *f, struct audit_row **rows_r, bool *more_r)
{
	struct svc s = web_svc(req);
	struct audit_filter one_more = *f;
	/* One row beyond the page tells whether an older page exists. */
	one_more.limit = f->limit + 1;
	struct db_conn *c = svc_begin(&s, false);
	if (c == NULL) {
		web_svc_fail(req, &s, SVC_ERROR);
		return -1;
	}
	int n = audit_list(c, &one_more, req->arena, rows_r, &s.error);
	svc_abort(&s, &c);
	if (n < 0) {
		web_svc_fail(req, &s, SVC_ERROR);
		return -1;
	}
	*more_r = n > f->limit;
	return *more_r ? f->limit : n;
}

static void outcome_tag(struct buf *o, const char *outcome)
{
	const char *cls = str_eq(outcome, "ok") ? "tag good"
			  : str_eq(outcome, "denied") || str_eq(outcome, "failed") || str_eq(outcome, "broken")
				  ? "tag bad"
				  : "tag";
	html_raw(o, "<span class=\"");
	html_raw(o, cls);
	html_raw(o, "\">");
	html_txt(o, outcome);
	html_raw(o, "</span>");
}

static void filter_form(struct request *req, const char *const *values, const char *const *errors)
{
	ui_filters_begin(req, "/audit", _("Filter the audit trail"));
	for (size_t i = 0; i <= AF_TO; i++)
		form_field(req, &audit_filter_fields[i], values[i], errors[i]);
	ui_filters_end(req, _("Show"), "/audit", _("Clear filters"));
}

static void entries_table(struct request *req, const struct audit_row *rows, int n)
{
	struct buf *o = &req->out;
	html_raw(o, "<div class=\"table-wrap\"><table>\n<caption>");
	html_txt(o, _("Entries, newest first"));
	html_raw(o, "</caption>\n<thead><tr><th scope=\"col\" class=\"num\">");
	html_txt(o, _("No."));
	static const char *const heads[] = { N_("When (UTC)"), N_("Who"), N_("Action"), N_("Record"),
					     N_("Client address"), N_("Outcome"), N_("Details") };
	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++) {
		html_raw(o, "</th><th scope=\"col\">");
		html_txt(o, gettext(heads[i]));
	}
	html_raw(o, "</th></tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		const struct audit_row *r = &rows[i];
		html_raw(o, "<tr><td class=\"num\">");
		html_int(o, r->seq);
		html_raw(o, "</td><td>");
		/* The column's heading says UTC. */
		ui_time_utc(o, r->at, false);
		html_raw(o, "</td><td>");
		html_txt(o, r->actor_label);
		html_raw(o, "</td><td><code>");
		html_txt(o, r->action);
		html_raw(o, "</code></td><td>");
		html_txt(o, r->object_type);
		if (r->object_id[0]) {
			html_raw(o, " <code>");
			html_txt(o, r->object_id);
			html_raw(o, "</code>");
		}
		html_raw(o, "</td><td>");
		html_txt(o, r->client_ip);
		html_raw(o, "</td><td>");
		outcome_tag(o, r->outcome);
		html_raw(o, "</td><td>");
		html_txt(o, r->detail);
		html_raw(o, "</td></tr>\n");
	}
	html_raw(o, "</tbody></table></div>\n");
}

/* The page's address with the filters, and before=SEQ when > 0. */
static const char *list_href(struct request *req, const char *const *values, int64_t before)
{
	struct buf u;
	buf_init_arena(&u, req->arena);
	buf_puts(&u, "/audit?");
	audit_filter_query(&u, values, before);
	return u.data;
}

void ui_audit_list(struct request *req)
{
	struct buf *o = &req->out;
	const char *values[AF__COUNT], *errors[AF__COUNT];
	struct audit_filter f;
	int nerr = audit_filter_read(req, &f, values, errors);
	struct audit_row *rows = NULL;
	bool more = false;
	int n = 0;
	/* Invalid filters show the form with the errors and no rows, rather than rows the filter did not mean. */
	if (nerr == 0 && (n = audit_fetch(req, &f, &rows, &more)) < 0)
		return;
	if (nerr > 0)
		req->status = 422;
	page_begin(req, _("Audit trail"));
	ui_h1(req, _("Audit trail"));
	html_raw(o, "<p class=\"lead\">");
	html_txt(o, _("Every sign-in, change, export and view of personal data, chained so that any later "
		      "edit, deletion or insertion shows."));
	html_raw(o, "</p>\n");
	if (policy_may(req->actor, A_AUDIT_VERIFY, NULL)) {
		html_raw(o, "<p><a class=\"button secondary\" href=\"/audit/verify\">");
		html_txt(o, _("Check the chain"));
		html_raw(o, "</a></p>\n");
	}
	if (nerr > 0)
		form_error_summary(req, &audit_filter_rt, errors);
	filter_form(req, values, errors);
	if (nerr == 0 && n == 0)
		notice(req, "", f.before_seq ? _("There are no older entries.") : _("No entries match these filters."));
	if (n > 0)
		entries_table(req, rows, n);
	if (nerr == 0 && (more || f.before_seq)) {
		ui_pager_begin(req);
		if (f.before_seq)
			ui_pager_link(req, NULL, list_href(req, values, 0), _("Newest entries"));
		if (more)
			ui_pager_link(req, "next", list_href(req, values, rows[n - 1].seq), _("Older entries"));
		ui_pager_end(req);
	}
	page_end(req);
}

void ui_audit_verify(struct request *req)
{
	struct buf *o = &req->out;
	int64_t count = 0, bad = 0;
	const char *why = NULL;
	int rc = audit_verify_recorded(req, &count, &bad, &why);
	if (rc < 0)
		return;
	page_begin(req, _("Check of the audit trail"));
	ui_h1(req, _("Check of the audit trail"));
	if (rc == 0) {
		char *msg = arena_printf(req->arena,
					 ngettext("The audit trail is intact: %lld entry, each linked to the one before.",
						  "The audit trail is intact: %lld entries, each linked to the one before.",
						  (unsigned long)count),
					 (long long)count);
		notice(req, "ok", msg);
	} else {
		char *msg = arena_printf(req->arena, _("The audit trail is broken at entry %lld: %s."), (long long)bad,
					 gettext(why));
		notice(req, "error", msg);
		html_raw(o, "<p>");
		html_txt(o, _("Entries from this one on cannot be trusted. Compare with the last anchored head "
			      "(nadiya audit head) and a backup, and report it to the network's security contact."));
		html_raw(o, "</p>\n");
	}
	html_raw(o, "<p><a href=\"/audit\">");
	html_txt(o, _("Back to the audit trail"));
	html_raw(o, "</a></p>\n");
	page_end(req);
}
