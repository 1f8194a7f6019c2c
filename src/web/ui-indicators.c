/* ui-indicators.c — the referral indicators page: per service, for a period,
 * how many referrals were sent, accepted, declined and expired, how quickly
 * they were answered and completed, and the services delivered under them,
 * each with the counts it comes from.  Managers see their organization
 * (what it sent, or what it received); network coordinators the whole
 * network or one organization, as aggregates only. */
#include "base/str.h"
#include "model/referral-stats.h"
#include "web/session-web.h"
#include "web/ui-case.h"
#include "web/ui-common.h"
#include "web/ui.h"
#include "web/web.h"

#include <string.h>

static const struct pick direction_items[] = { { "out", N_("Sent by the organization") },
					       { "in", N_("Received by the organization") } };
static const struct picklist pl_direction = { "direction", direction_items, 2 };

enum { IF_FROM, IF_TO, IF_SERVICE, IF_DIRECTION, IF_ORG, IF__COUNT };

/* The page's filters, declared once for the form and the reader. */
static const struct field filter_fields[IF__COUNT] = {
	[IF_FROM] = { "from", "from", FT_DATE, NULL, 0, 0, 0, N_("Sent from"), NULL },
	[IF_TO] = { "to", "to", FT_DATE, NULL, 0, 0, 0, N_("Sent until"), NULL },
	[IF_SERVICE] = { "service", "service", FT_PICK, &pl_service, 0, 0, 0, N_("Service"), NULL },
	[IF_DIRECTION] = { "direction", "direction", FT_PICK, &pl_direction, 0, 0, 0, N_("Referrals"), NULL },
	[IF_ORG] = { "org", "org", FT_TEXT, NULL, 0, 0, 40, N_("Organization (code)"), NULL },
};
static const struct record_type filter_rt = { "indicator_filter", filter_fields, IF__COUNT };

static void th(struct buf *o, const char *label)
{
	html_raw(o, "<th scope=\"col\" class=\"num\">");
	html_txt(o, label);
	html_raw(o, "</th>");
}

/* A value, and for rates and medians the counts it comes from. */
static void cell(struct request *req, int k, const struct indicator *ind)
{
	struct buf *o = &req->out;
	html_raw(o, "<td class=\"num\">");
	if (!ind->has_value)
		html_txt(o, "—");
	else if (k == RI_ACCEPTANCE_RATE)
		html_txt(o, arena_printf(req->arena, "%.1f%%", ind->value * 100));
	else if (k == RI_MEDIAN_HOURS_TO_ANSWER || k == RI_MEDIAN_HOURS_TO_COMPLETION)
		html_txt(o, arena_printf(req->arena, "%.2f", ind->value));
	else
		html_txt(o, arena_printf(req->arena, "%lld", (long long)ind->numerator));
	if (k == RI_ACCEPTANCE_RATE || k == RI_MEDIAN_HOURS_TO_ANSWER || k == RI_MEDIAN_HOURS_TO_COMPLETION ||
	    k == RI_SERVICES_DELIVERED) {
		html_raw(o, "<br><span class=\"hint\">");
		html_txt(o, arena_printf(req->arena, "%lld / %lld", (long long)ind->numerator, (long long)ind->denominator));
		html_raw(o, "</span>");
	}
	html_raw(o, "</td>");
}

void ui_referral_indicators(struct request *req)
{
	struct buf *o = &req->out;
	const char *values[IF__COUNT], *errors[IF__COUNT];
	bool network = policy_scope(req->actor, A_REFERRAL_OVERVIEW) == SCOPE_ANY;
	int nerr = record_read_form(&filter_rt, &req->query, true, req->arena, values, errors);
	if (!network) {
		values[IF_ORG] = "";
		nerr -= errors[IF_ORG] != NULL;
		errors[IF_ORG] = NULL;
	}
	struct svc s = web_svc(req);
	struct referral_stats_row *rows = NULL;
	int n = 0;
	const char *org = "";
	if (nerr == 0) {
		struct referral_stats_filter f = { .from = values[IF_FROM], .to = values[IF_TO], .service = values[IF_SERVICE],
						   .direction = values[IF_DIRECTION], .org = values[IF_ORG] };
		int rc = referral_indicators(&s, &f, &rows, &n, &org);
		if (rc == SVC_INVALID) {
			int i = record_field_index(&filter_rt, s.problem_field ? s.problem_field : "");
			errors[i >= 0 ? i : IF_FROM] = s.problem;
			nerr++;
		} else if (rc != SVC_OK) {
			web_svc_fail(req, &s, rc);
			return;
		}
	}
	req->status = nerr ? 400 : 200;
	page_begin(req, _("Referral indicators"));
	ui_h1(req, _("Referral indicators"));
	html_raw(o, "<p>");
	html_txt(o, network ? _("Referrals of the whole network, or of one organization: counts only, no personal data.")
			    : _("Referrals of your organization: those it sent, or those it received."));
	html_raw(o, " ");
	html_txt(o, _("The acceptance rate counts referrals that were answered or expired; medians are in hours from "
		      "sending, with the referrals measured out of those that could be."));
	html_raw(o, "</p>\n");
	ui_filters_begin(req, "/referrals/indicators", _("Period and service"));
	for (int i = 0; i < IF__COUNT; i++)
		if (i != IF_ORG || network)
			ui_case_filter_field(req, &filter_fields[i], values[i], errors[i]);
	ui_filters_end(req, _("Show"), "/referrals/indicators", _("Clear"));
	if (nerr) {
		page_end(req);
		return;
	}
	ui_h2(req, *org ? arena_printf(req->arena, _("Organization %s"), org) : _("The whole network"));
	html_raw(o, "<div class=\"table-wrap\"><table>\n<caption>");
	html_txt(o, _("Indicators by service"));
	html_raw(o, "</caption>\n<thead><tr><th scope=\"col\">");
	html_txt(o, _("Service"));
	html_raw(o, "</th>");
	for (int k = 0; k < RI__COUNT; k++)
		th(o, gettext(referral_indicator_labels[k]));
	html_raw(o, "</tr></thead>\n<tbody>\n");
	for (int i = 0; i < n; i++) {
		html_raw(o, "<tr><th scope=\"row\">");
		html_txt(o, str_eq(rows[i].service, "all") ? _("All services") : picklist_label(&pl_service, rows[i].service));
		html_raw(o, "</th>");
		for (int k = 0; k < RI__COUNT; k++)
			cell(req, k, &rows[i].ind[k]);
		html_raw(o, "</tr>\n");
	}
	html_raw(o, "</tbody></table></div>\n");
	page_end(req);
}
