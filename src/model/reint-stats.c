#include "model/reint-stats.h"
#include "base/intl.h"
#include "base/str.h"
#include "model/followup.h"
#include "model/picklist.h"
#include "model/survey.h"
#include "store/db.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Cases with an approved plan (any version that was approved), and the start of assistance. */
DB_QUERY(q_rx_cases, "SELECT c.id, c.person_id, c.region, c.closed_on, MIN(p.start_on) FROM cases c"
		     " JOIN plans p ON p.case_id = c.id AND p.approved_at IS NOT NULL"
		     " WHERE (? = 0 OR c.owner_org_id = ?) AND (? = '' OR c.region = ?)"
		     " GROUP BY c.id, c.person_id, c.region, c.closed_on ORDER BY c.id");
DB_QUERY(q_rx_followups, "SELECT f.case_id, f.due_on, f.done_on, f.outcome, COALESCE(f.score_economic, -1),"
			 " COALESCE(f.score_social, -1), COALESCE(f.score_psychosocial, -1),"
			 " COALESCE(f.score_composite, -1) FROM followups f JOIN cases c ON c.id = f.case_id"
			 " WHERE (? = 0 OR c.owner_org_id = ?) AND (? = '' OR c.region = ?)"
			 " ORDER BY f.case_id, f.done_on, f.id");
DB_QUERY(q_rx_org, "SELECT id FROM organizations WHERE code = ?");

static const char *const names[RX__COUNT] = {
	"persons_monitored", "followups_on_time", "returned_abroad_12m", "re_trafficked", "lost_contact",
	"score_economic_first", "score_economic_latest", "score_economic_change",
	"score_social_first", "score_social_latest", "score_social_change",
	"score_psychosocial_first", "score_psychosocial_latest", "score_psychosocial_change",
	"score_composite_first", "score_composite_latest", "score_composite_change",
};
static const char *const labels[RX__COUNT] = {
	N_("Persons under monitoring"), N_("Follow-ups done on time"),
	N_("Returned abroad within 12 months of assistance"), N_("Trafficked again"), N_("Lost to contact"),
	N_("Economic score at the first follow-up"), N_("Economic score at the latest follow-up"),
	N_("Change of the economic score"),
	N_("Social score at the first follow-up"), N_("Social score at the latest follow-up"),
	N_("Change of the social score"),
	N_("Psychosocial score at the first follow-up"), N_("Psychosocial score at the latest follow-up"),
	N_("Change of the psychosocial score"),
	N_("Composite score at the first follow-up"), N_("Composite score at the latest follow-up"),
	N_("Change of the composite score"),
};

const char *reint_indicator_name(int i)
{
	return i >= 0 && i < RX__COUNT ? names[i] : "";
}

const char *reint_indicator_label(int i)
{
	return i >= 0 && i < RX__COUNT ? labels[i] : "";
}

struct kcase {
	int64_t id, person;
	const char *region, *closed_on, *start;
};
struct kfu {
	int64_t case_id;
	const char *due, *done, *outcome;
	int64_t sc[SD__COUNT];
};
/* One person's story within a selection. */
struct kperson {
	int64_t id;
	const char *start, *latest_done, *latest_outcome;
	const char *first_at[SD__COUNT], *latest_at[SD__COUNT];
	int64_t first[SD__COUNT], latest[SD__COUNT];
	bool due, on_time, abroad, retrafficked;
};

static int cmp_case(const void *a, const void *b)
{
	int64_t x = ((const struct kcase *)a)->id, y = ((const struct kcase *)b)->id;
	return x < y ? -1 : x > y;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

static void cell(struct reint_cell *c, int64_t num, int64_t den, bool has_den, int64_t persons_num, int64_t persons_den,
		 bool aggregate, double scale)
{
	memset(c, 0, sizeof *c);
	c->numerator = num;
	c->denominator = den;
	c->has_denominator = has_den;
	c->has_value = !has_den || den > 0;
	c->value = !has_den ? (double)num : den > 0 ? (double)num / (double)den / scale : 0;
	c->suppressed = aggregate && (persons_num < REINT_MIN_CELL || (has_den && persons_den < REINT_MIN_CELL));
}

/* The indicators over the cases of one selection (region NULL: all loaded). */
static void compute(struct svc *s, const struct kcase *cases, int ncases, const struct kfu *fus, int nfus,
		    const char *region, const char *from, const char *to, const char *today, bool aggregate,
		    struct reint_stats *out)
{
	memset(out, 0, sizeof *out);
	out->region = region ? region : "";
	const char *due_until = strcmp(to, today) < 0 ? to : today;
	/* The monitored cases, and their persons (sorted, unique). */
	bool *in = arena_zalloc(s->arena, sizeof *in * (size_t)(ncases ? ncases : 1));
	int64_t *pids = arena_alloc(s->arena, sizeof *pids * (size_t)(ncases ? ncases : 1));
	int np = 0;
	for (int i = 0; i < ncases; i++) {
		const struct kcase *k = &cases[i];
		in[i] = (region == NULL || str_eq(k->region, region)) && strcmp(k->start, to) <= 0 &&
			(!*k->closed_on || strcmp(k->closed_on, from) >= 0);
		if (in[i])
			pids[np++] = k->person;
	}
	qsort(pids, (size_t)np, sizeof *pids, cmp_i64);
	int u = 0;
	for (int i = 0; i < np; i++)
		if (u == 0 || pids[u - 1] != pids[i])
			pids[u++] = pids[i];
	np = u;
	struct kperson *ps = arena_zalloc(s->arena, sizeof *ps * (size_t)(np ? np : 1));
	for (int i = 0; i < np; i++) {
		ps[i].id = pids[i];
		for (int d = 0; d < SD__COUNT; d++)
			ps[i].first[d] = ps[i].latest[d] = -1;
	}
	for (int i = 0; i < ncases; i++) {
		if (!in[i])
			continue;
		int64_t *hit = bsearch(&cases[i].person, pids, (size_t)np, sizeof *pids, cmp_i64);
		struct kperson *p = &ps[hit - pids];
		if (p->start == NULL || strcmp(cases[i].start, p->start) < 0)
			p->start = cases[i].start;
	}
	int64_t due = 0, on_time = 0;
	for (int i = 0; i < nfus; i++) {
		const struct kfu *f = &fus[i];
		struct kcase key = { .id = f->case_id };
		const struct kcase *k = bsearch(&key, cases, (size_t)ncases, sizeof *cases, cmp_case);
		if (k == NULL || !in[k - cases])
			continue;
		int64_t *hit = bsearch(&k->person, pids, (size_t)np, sizeof *pids, cmp_i64);
		struct kperson *p = &ps[hit - pids];
		if (strcmp(f->due, from) >= 0 && strcmp(f->due, due_until) <= 0) {
			due++;
			p->due = true;
			if (*f->done && date_days(f->done) <= date_days(f->due) + FOLLOWUP_GRACE_DAYS) {
				on_time++;
				p->on_time = true;
			}
		}
		if (!*f->done || strcmp(f->done, to) > 0)
			continue;
		if (str_eq(f->outcome, "returned_abroad") &&
		    strcmp(f->done, date_add_months(s->arena, p->start, 12)) <= 0)
			p->abroad = true;
		if (str_eq(f->outcome, "re_trafficked"))
			p->retrafficked = true;
		/* Rows come by done date: the last one seen is the latest. */
		if (p->latest_done == NULL || strcmp(f->done, p->latest_done) >= 0) {
			p->latest_done = f->done;
			p->latest_outcome = f->outcome;
		}
		for (int d = 0; d < SD__COUNT; d++) {
			if (f->sc[d] < 0)
				continue;
			if (p->first_at[d] == NULL || strcmp(f->done, p->first_at[d]) < 0) {
				p->first_at[d] = f->done;
				p->first[d] = f->sc[d];
			}
			if (p->latest_at[d] == NULL || strcmp(f->done, p->latest_at[d]) >= 0) {
				p->latest_at[d] = f->done;
				p->latest[d] = f->sc[d];
			}
		}
	}
	int64_t p_due = 0, p_on_time = 0, abroad = 0, retraf = 0, lost = 0;
	int64_t scored[SD__COUNT] = { 0 }, sum_first[SD__COUNT] = { 0 }, sum_latest[SD__COUNT] = { 0 };
	for (int i = 0; i < np; i++) {
		p_due += ps[i].due;
		p_on_time += ps[i].on_time;
		abroad += ps[i].abroad;
		retraf += ps[i].retrafficked;
		lost += ps[i].latest_outcome && str_eq(ps[i].latest_outcome, "lost_contact");
		for (int d = 0; d < SD__COUNT; d++)
			if (ps[i].first[d] >= 0) {
				scored[d]++;
				sum_first[d] += ps[i].first[d];
				sum_latest[d] += ps[i].latest[d];
			}
	}
	cell(&out->cells[RX_MONITORED], np, 0, false, np, 0, aggregate, 1);
	cell(&out->cells[RX_ON_TIME], on_time, due, true, p_on_time, p_due, aggregate, 1);
	cell(&out->cells[RX_RETURNED_ABROAD], abroad, np, true, abroad, np, aggregate, 1);
	cell(&out->cells[RX_RE_TRAFFICKED], retraf, np, true, retraf, np, aggregate, 1);
	cell(&out->cells[RX_LOST_CONTACT], lost, np, true, lost, np, aggregate, 1);
	for (int d = 0; d < SD__COUNT; d++) {
		/* A sum of scores is not a count of persons: the persons scored decide suppression. */
		cell(&out->cells[RX_SCORE_FIRST + 3 * d], sum_first[d], scored[d], true, scored[d], scored[d], aggregate, 1000);
		cell(&out->cells[RX_SCORE_LATEST + 3 * d], sum_latest[d], scored[d], true, scored[d], scored[d], aggregate,
		     1000);
		cell(&out->cells[RX_SCORE_CHANGE + 3 * d], sum_latest[d] - sum_first[d], scored[d], true, scored[d],
		     scored[d], aggregate, 1000);
	}
}

static int load(struct svc *s, struct db_conn *c, int64_t org, const char *region, struct kcase **cases_r, int *nc_r,
		struct kfu **fus_r, int *nf_r)
{
	struct db_rows *r;
	int cap = 64, n = 0, q;
	struct kcase *cases = arena_alloc(s->arena, sizeof *cases * (size_t)cap);
	if (db_query(c, &q_rx_cases, DB_PARAMS(db_int(org), db_int(org), db_text(region), db_text(region)), &r,
		     &s->error) < 0)
		return SVC_ERROR;
	while ((q = db_rows_next(r, &s->error)) == 1) {
		if (n == cap) {
			struct kcase *nc = arena_alloc(s->arena, sizeof *nc * (size_t)cap * 2);
			memcpy(nc, cases, sizeof *nc * (size_t)n);
			cases = nc;
			cap *= 2;
		}
		cases[n++] = (struct kcase){ db_rows_int(r, 0), db_rows_int(r, 1), arena_strdup(s->arena, db_rows_text(r, 2)),
					     arena_strdup(s->arena, db_rows_text(r, 3)),
					     arena_strdup(s->arena, db_rows_text(r, 4)) };
	}
	db_rows_free(&r);
	if (q < 0)
		return SVC_ERROR;
	*cases_r = cases;
	*nc_r = n;
	cap = 64;
	n = 0;
	struct kfu *fus = arena_alloc(s->arena, sizeof *fus * (size_t)cap);
	if (db_query(c, &q_rx_followups, DB_PARAMS(db_int(org), db_int(org), db_text(region), db_text(region)), &r,
		     &s->error) < 0)
		return SVC_ERROR;
	while ((q = db_rows_next(r, &s->error)) == 1) {
		if (n == cap) {
			struct kfu *nf = arena_alloc(s->arena, sizeof *nf * (size_t)cap * 2);
			memcpy(nf, fus, sizeof *nf * (size_t)n);
			fus = nf;
			cap *= 2;
		}
		struct kfu *f = &fus[n++];
		f->case_id = db_rows_int(r, 0);
		f->due = arena_strdup(s->arena, db_rows_text(r, 1));
		f->done = arena_strdup(s->arena, db_rows_text(r, 2));
		f->outcome = arena_strdup(s->arena, db_rows_text(r, 3));
		for (int d = 0; d < SD__COUNT; d++)
			f->sc[d] = db_rows_int(r, 4 + d);
	}
	db_rows_free(&r);
	if (q < 0)
		return SVC_ERROR;
	*fus_r = fus;
	*nf_r = n;
	return SVC_OK;
}

/* Aggregate viewers asking for one organization: refused, and the refusal audited like any other. */
static int deny(struct svc *s)
{
	struct db_conn *c = svc_begin(s, true);
	if (c) {
		if (svc_audit(s, c, "reintegration.indicators", "policy", "", "denied", "org") == SVC_OK)
			svc_commit(s, &c);
		else
			svc_abort(s, &c);
	}
	return SVC_DENIED;
}

int reint_indicators(struct svc *s, const struct reint_filter *f, struct reint_stats *total,
		     struct reint_stats **by_region_r, int *nregions_r, bool *aggregate_r, const char **from_r,
		     const char **to_r)
{
	*nregions_r = 0;
	*by_region_r = NULL;
	int64_t now = (int64_t)time(NULL);
	const char *today = date_of(s->arena, now);
	const char *to = f->to && *f->to ? f->to : today;
	if (date_days(to) == INT64_MIN)
		return svc_invalid(s, N_("Enter a date as YYYY-MM-DD."), "to");
	const char *from = f->from && *f->from ? f->from : date_add_months(s->arena, to, -12);
	if (date_days(from) == INT64_MIN)
		return svc_invalid(s, N_("Enter a date as YYYY-MM-DD."), "from");
	if (strcmp(from, to) > 0)
		return svc_invalid(s, N_("The end of the period is before its start."), "to");
	const char *region = f->region ? f->region : "";
	if (*region && !picklist_has(&pl_region, region))
		return svc_invalid(s, N_("Choose one of the listed values."), "region");
	int rc = svc_may(s, A_REINT_INDICATORS, NULL);
	if (rc != SVC_OK)
		return rc;
	enum scope sc = policy_scope(s->actor, A_REINT_INDICATORS);
	/* Coordinators and donors: aggregates only, never one organization's figures. */
	bool aggregate = sc == SCOPE_ANY && s->actor->role != ROLE_SYSTEM;
	struct db_conn *c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	int64_t org = sc == SCOPE_ANY ? 0 : s->actor->org_id;
	if (f->org && *f->org) {
		int64_t id = 0;
		int found = db_query_int(c, &q_rx_org, DB_PARAMS(db_text(f->org)), &id, &s->error);
		if (found < 0) {
			rc = SVC_ERROR;
			goto out;
		}
		if (found == 0) {
			rc = svc_invalid(s, N_("There is no organization with this code."), "org");
			goto out;
		}
		if (aggregate) {
			svc_abort(s, &c);
			return deny(s);
		}
		if (sc != SCOPE_ANY && id != s->actor->org_id) {
			svc_abort(s, &c);
			return svc_may(s, A_REINT_INDICATORS, &(struct resource){ .org_id = id });
		}
		org = id;
	}
	struct kcase *cases;
	struct kfu *fus;
	int nc, nf;
	if ((rc = load(s, c, org, region, &cases, &nc, &fus, &nf)) != SVC_OK)
		goto out;
	qsort(cases, (size_t)nc, sizeof *cases, cmp_case);
	compute(s, cases, nc, fus, nf, NULL, from, to, today, aggregate, total);
	total->region = region;
	if (aggregate) {
		struct reint_stats *rows = arena_alloc(s->arena, sizeof *rows * pl_region.n);
		int n = 0;
		for (size_t i = 0; i < pl_region.n; i++) {
			const char *code = pl_region.items[i].code;
			bool any = false;
			for (int k = 0; k < nc && !any; k++)
				any = str_eq(cases[k].region, code);
			if (any && (!*region || str_eq(region, code)))
				compute(s, cases, nc, fus, nf, code, from, to, today, true, &rows[n++]);
		}
		*by_region_r = rows;
		*nregions_r = n;
	}
	*aggregate_r = aggregate;
	*from_r = from;
	*to_r = to;
	rc = SVC_OK;
out:
	svc_abort(s, &c);
	return rc;
}
