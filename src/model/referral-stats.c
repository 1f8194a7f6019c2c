/* referral-stats.c — referral indicators and overdue referrals (see referral-stats.h).
 *
 * The indicators read the referrals sent in the period once (with the times of
 * their first accept, decline, expiry and completion from referral_events,
 * which record every transition) and the assistance given under them, then
 * count in C, one service at a time: medians need every duration, and a
 * referral for several services belongs to several rows.
 */
#include "model/referral-stats.h"
#include "base/intl.h"
#include "base/str.h"
#include "model/picklist.h"
#include "model/record.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const referral_indicator_names[RI__COUNT] = {
	"sent", "accepted", "declined", "expired", "acceptance_rate", "median_hours_to_answer",
	"median_hours_to_completion", "services_delivered",
};

const char *const referral_indicator_labels[RI__COUNT] = {
	N_("Referrals sent"), N_("Accepted"), N_("Declined"), N_("Expired"), N_("Acceptance rate"),
	N_("Median time to answer (hours)"), N_("Median time to completion (hours)"), N_("Services delivered"),
};

/* At most this many referrals are counted in one answer; a longer period is asked for in parts. */
#define STATS_MAX_REFERRALS 100000

#define EVENT_AT(st) "COALESCE((SELECT MIN(e.at) FROM referral_events e WHERE e.referral_id = r.id AND e.to_state = '" st "'), 0)"
#define STATS_WHERE " WHERE r.created_at >= ? AND r.created_at < ? AND (? = 0 OR r.from_org_id = ?) AND (? = 0 OR r.to_org_id = ?)"
DB_QUERY(q_rs_org, "SELECT id FROM organizations WHERE code = ?");
DB_QUERY(q_rs_referrals, "SELECT r.id, r.services, r.created_at, " EVENT_AT("accepted") ", " EVENT_AT("declined") ", "
			 EVENT_AT("expired") ", " EVENT_AT("completed") " FROM referrals r" STATS_WHERE
			 " ORDER BY r.id LIMIT 100001");
DB_QUERY(q_rs_assistance, "SELECT a.referral_id, a.service FROM assistance a JOIN referrals r ON r.id = a.referral_id"
			  STATS_WHERE " ORDER BY a.referral_id");
DB_QUERY(q_rs_overdue,
	 "SELECT r.id, r.created_at, r.deadline_at, fo.code, tor.code, r.services, r.urgency, r.state, c.code, r.from_org_id"
	 " FROM referrals r JOIN organizations fo ON fo.id = r.from_org_id JOIN organizations tor ON tor.id = r.to_org_id"
	 " JOIN cases c ON c.id = r.case_id"
	 " WHERE ((r.state = 'sent' AND r.deadline_at < ?) OR (r.state = 'expired' AND COALESCE(r.closed_at, 0) >= ?))"
	 " AND (? = 0 OR r.from_org_id = ? OR r.to_org_id = ?) ORDER BY r.created_at, r.id LIMIT 500");

struct ref_row {
	int64_t id, created_at, accepted_at, declined_at, expired_at, completed_at;
	const char *services;
};

struct assist_row {
	int64_t referral_id;
	const char *service;
};

static bool list_has(const char *list, const char *item)
{
	size_t n = strlen(item);
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == n && strncmp(p, item, n) == 0)
			return true;
		p += l + (e ? 1 : 0);
	}
	return false;
}

/* YYYY-MM-DD at 00:00 UTC; -1 when not a valid date. */
static int64_t day_start(struct svc *s, const char *date)
{
	static const struct field f = { "date", "date", FT_DATE, NULL, 0, 0, 0, "", NULL };
	const char *v;
	if (field_validate(&f, date, s->arena, &v) != NULL)
		return -1;
	struct tm tm = { 0 };
	tm.tm_year = atoi(v) - 1900;
	tm.tm_mon = atoi(v + 5) - 1;
	tm.tm_mday = atoi(v + 8);
	return (int64_t)timegm(&tm);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* Rounded to two or four places, without libm; one division last, so the result is the double nearest
 * the decimal (0.6667, not 0.66670000000000007). */
static double round2(double x)
{
	return (double)(int64_t)(x * 100 + (x < 0 ? -0.5 : 0.5)) / 100;
}

static double round4(double x)
{
	return (double)(int64_t)(x * 10000 + (x < 0 ? -0.5 : 0.5)) / 10000;
}

static struct indicator median_hours(int64_t *d, int64_t n, int64_t denominator)
{
	struct indicator ind = { .numerator = n, .denominator = denominator, .has_value = n > 0 };
	if (n == 0)
		return ind;
	qsort(d, (size_t)n, sizeof *d, cmp_i64);
	double seconds = n % 2 ? (double)d[n / 2] : ((double)d[n / 2 - 1] + (double)d[n / 2]) / 2;
	ind.value = round2(seconds / 3600.0);
	return ind;
}

static struct indicator count_of(int64_t count, int64_t denominator)
{
	return (struct indicator){ .value = (double)count, .numerator = count, .denominator = denominator, .has_value = true };
}

static bool has_referral(const struct ref_row *refs, int n, int64_t id, const char *service)
{
	int lo = 0, hi = n - 1;
	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;
		if (refs[mid].id == id)
			return service == NULL || list_has(refs[mid].services, service);
		if (refs[mid].id < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return false;
}

/* One row: the referrals of `service` (NULL: all of them) and the assistance of that service under them. */
static void compute_row(const struct ref_row *refs, int n, const struct assist_row *as, int nas, const char *service,
			int64_t *scratch_a, int64_t *scratch_b, struct referral_stats_row *row)
{
	int64_t sent = 0, accepted = 0, declined = 0, expired = 0, delivered = 0, na = 0, nc = 0;
	for (int i = 0; i < n; i++) {
		const struct ref_row *r = &refs[i];
		if (service && !list_has(r->services, service))
			continue;
		sent++;
		accepted += r->accepted_at != 0;
		declined += r->declined_at != 0;
		expired += r->expired_at != 0;
		/* The answer is the first of accept and decline (only one of them happens). */
		int64_t answered = r->accepted_at ? r->accepted_at : r->declined_at;
		if (answered)
			scratch_a[na++] = answered - r->created_at;
		if (r->completed_at)
			scratch_b[nc++] = r->completed_at - r->created_at;
	}
	for (int i = 0; i < nas; i++)
		if ((service == NULL || str_eq(as[i].service, service)) && has_referral(refs, n, as[i].referral_id, service))
			delivered++;
	row->ind[RI_SENT] = count_of(sent, sent);
	row->ind[RI_ACCEPTED] = count_of(accepted, sent);
	row->ind[RI_DECLINED] = count_of(declined, sent);
	row->ind[RI_EXPIRED] = count_of(expired, sent);
	int64_t decided = accepted + declined + expired;
	row->ind[RI_ACCEPTANCE_RATE] = (struct indicator){ .numerator = accepted, .denominator = decided,
							    .has_value = decided > 0,
							    .value = decided ? round4((double)accepted / (double)decided) : 0 };
	row->ind[RI_MEDIAN_HOURS_TO_ANSWER] = median_hours(scratch_a, na, sent);
	row->ind[RI_MEDIAN_HOURS_TO_COMPLETION] = median_hours(scratch_b, nc, accepted);
	row->ind[RI_SERVICES_DELIVERED] = count_of(delivered, accepted);
}

/* The organization the answer is about, as policy allows; SVC_OK with *org_id_r 0 for the network. */
static int stats_scope(struct svc *s, struct db_conn *c, const char *code, int64_t *org_id_r, const char **org_r)
{
	*org_id_r = 0;
	*org_r = "";
	if (code && *code) {
		int found = db_query_int(c, &q_rs_org, DB_PARAMS(db_text(code)), org_id_r, &s->error);
		if (found < 0)
			return SVC_ERROR;
		if (found == 0)
			return svc_invalid(s, N_("There is no organization with this code."), "org");
		*org_r = code;
	} else if (policy_scope(s->actor, A_REFERRAL_OVERVIEW) == SCOPE_OWN_ORG) {
		/* A manager's indicators are their own organization's. */
		*org_id_r = s->actor->org_id;
		*org_r = s->actor->org_code ? s->actor->org_code : "";
	}
	struct resource res = { .org_id = *org_id_r };
	if (*org_id_r == 0 && policy_scope(s->actor, A_REFERRAL_OVERVIEW) != SCOPE_ANY)
		return SVC_DENIED;
	return policy_may(s->actor, A_REFERRAL_OVERVIEW, &res) ? SVC_OK : SVC_DENIED;
}

int referral_indicators(struct svc *s, const struct referral_stats_filter *f, struct referral_stats_row **rows_r,
			int *n_r, const char **org_r)
{
	*n_r = 0;
	*rows_r = NULL;
	*org_r = "";
	const char *service = f->service ? f->service : "", *dir = f->direction && *f->direction ? f->direction : "out";
	int64_t from = 0, to = INT64_MAX;
	if (f->from && *f->from && (from = day_start(s, f->from)) < 0)
		return svc_invalid(s, N_("Enter a date as YYYY-MM-DD."), "from");
	if (f->to && *f->to) {
		if ((to = day_start(s, f->to)) < 0)
			return svc_invalid(s, N_("Enter a date as YYYY-MM-DD."), "to");
		to += 86400;
	}
	if (to <= from)
		return svc_invalid(s, N_("The end of the period is before its start."), "to");
	if (*service && !picklist_has(&pl_service, service))
		return svc_invalid(s, N_("Choose one of the listed values."), "service");
	if (!str_eq(dir, "out") && !str_eq(dir, "in"))
		return svc_invalid(s, N_("Choose one of the listed values."), "direction");
	int rc = svc_may(s, A_REFERRAL_OVERVIEW, NULL);
	if (rc != SVC_OK)
		return rc;
	struct db_conn *c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	int64_t org_id;
	if ((rc = stats_scope(s, c, f->org, &org_id, org_r)) != SVC_OK) {
		svc_abort(s, &c);
		return rc == SVC_DENIED ? svc_may(s, A_REFERRAL_OVERVIEW, &(struct resource){ .org_id = org_id ? org_id : -1 })
					: rc;
	}
	int64_t from_org = str_eq(dir, "out") ? org_id : 0, to_org = str_eq(dir, "in") ? org_id : 0;
	rc = SVC_ERROR;
	struct db_rows *r;
	if (db_query(c, &q_rs_referrals,
		     DB_PARAMS(db_int(from), db_int(to), db_int(from_org), db_int(from_org), db_int(to_org), db_int(to_org)),
		     &r, &s->error) < 0)
		goto out;
	int cap = 64, n = 0, q;
	struct ref_row *refs = arena_alloc(s->arena, sizeof *refs * (size_t)cap);
	while ((q = db_rows_next(r, &s->error)) == 1) {
		if (n == STATS_MAX_REFERRALS) {
			db_rows_free(&r);
			rc = svc_invalid(s, N_("Too many referrals in this period: ask for a shorter one."), "from");
			goto out;
		}
		if (n == cap) {
			struct ref_row *more = arena_alloc(s->arena, sizeof *more * (size_t)cap * 2);
			memcpy(more, refs, sizeof *refs * (size_t)n);
			refs = more;
			cap *= 2;
		}
		struct ref_row *x = &refs[n++];
		x->id = db_rows_int(r, 0);
		x->services = arena_strdup(s->arena, db_rows_text(r, 1));
		x->created_at = db_rows_int(r, 2);
		x->accepted_at = db_rows_int(r, 3);
		x->declined_at = db_rows_int(r, 4);
		x->expired_at = db_rows_int(r, 5);
		x->completed_at = db_rows_int(r, 6);
	}
	db_rows_free(&r);
	if (q < 0)
		goto out;
	if (db_query(c, &q_rs_assistance,
		     DB_PARAMS(db_int(from), db_int(to), db_int(from_org), db_int(from_org), db_int(to_org), db_int(to_org)),
		     &r, &s->error) < 0)
		goto out;
	int acap = 64, nas = 0;
	struct assist_row *as = arena_alloc(s->arena, sizeof *as * (size_t)acap);
	while ((q = db_rows_next(r, &s->error)) == 1) {
		if (nas == acap) {
			struct assist_row *more = arena_alloc(s->arena, sizeof *more * (size_t)acap * 2);
			memcpy(more, as, sizeof *as * (size_t)nas);
			as = more;
			acap *= 2;
		}
		as[nas].referral_id = db_rows_int(r, 0);
		as[nas].service = arena_strdup(s->arena, db_rows_text(r, 1));
		nas++;
	}
	db_rows_free(&r);
	if (q < 0)
		goto out;
	int64_t *sa = arena_alloc(s->arena, sizeof *sa * (size_t)(n + 1)), *sb = arena_alloc(s->arena, sizeof *sb * (size_t)(n + 1));
	struct referral_stats_row *rows = arena_zalloc(s->arena, sizeof *rows * (pl_service.n + 1));
	int nrows = 0;
	if (*service) {
		rows[nrows].service = arena_strdup(s->arena, service);
		compute_row(refs, n, as, nas, service, sa, sb, &rows[nrows++]);
	} else {
		rows[nrows].service = "all";
		compute_row(refs, n, as, nas, NULL, sa, sb, &rows[nrows++]);
		for (size_t k = 0; k < pl_service.n; k++) {
			const char *code = pl_service.items[k].code;
			bool any = false;
			for (int i = 0; i < n && !any; i++)
				any = list_has(refs[i].services, code);
			if (!any)
				continue;
			rows[nrows].service = code;
			compute_row(refs, n, as, nas, code, sa, sb, &rows[nrows++]);
		}
	}
	*rows_r = rows;
	*n_r = nrows;
	rc = SVC_OK;
out:
	svc_abort(s, &c);
	return rc;
}

int referral_overdue(struct svc *s, int64_t now, struct overdue_referral **rows_r, int *n_r)
{
	*n_r = 0;
	*rows_r = NULL;
	int rc = svc_may(s, A_REFERRAL_OVERVIEW, NULL);
	if (rc != SVC_OK)
		return rc;
	enum scope scope = policy_scope(s->actor, A_REFERRAL_OVERVIEW);
	int64_t org = scope == SCOPE_ANY ? 0 : s->actor->org_id;
	if (scope != SCOPE_ANY && org == 0)
		return SVC_DENIED;
	struct db_conn *c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	struct db_rows *r;
	rc = SVC_ERROR;
	if (db_query(c, &q_rs_overdue,
		     DB_PARAMS(db_int(now), db_int(now - (int64_t)OVERDUE_WINDOW_DAYS * 86400), db_int(org), db_int(org),
			       db_int(org)),
		     &r, &s->error) < 0)
		goto out;
	struct overdue_referral *rows = arena_alloc(s->arena, sizeof *rows * 500);
	int n = 0, q;
	while ((q = db_rows_next(r, &s->error)) == 1 && n < 500) {
		struct overdue_referral *x = &rows[n++];
		x->id = db_rows_int(r, 0);
		x->created_at = db_rows_int(r, 1);
		x->deadline_at = db_rows_int(r, 2);
		x->age_seconds = now - x->created_at;
		x->from_org = arena_strdup(s->arena, db_rows_text(r, 3));
		x->to_org = arena_strdup(s->arena, db_rows_text(r, 4));
		x->services = arena_strdup(s->arena, db_rows_text(r, 5));
		x->urgency = arena_strdup(s->arena, db_rows_text(r, 6));
		x->state = arena_strdup(s->arena, db_rows_text(r, 7));
		/* A manager of the sender sees which of its cases waits; nobody else learns the case. */
		bool sender = scope == SCOPE_OWN_ORG && db_rows_int(r, 9) == s->actor->org_id;
		x->case_code = sender ? arena_strdup(s->arena, db_rows_text(r, 8)) : "";
	}
	db_rows_free(&r);
	if (q < 0)
		goto out;
	*rows_r = rows;
	*n_r = n;
	rc = SVC_OK;
out:
	svc_abort(s, &c);
	return rc;
}
