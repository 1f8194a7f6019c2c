/* assistance.c — the services delivered to a person (see assistance.h).
 *
 * Assistance records hold no victim data of their own (a service code,
 * organizations, a date, numbers and a funding source), so they are stored in
 * clear; who may read them still follows the case.  The audit entry names the
 * case, the record, the service and the organizations, never amounts or text.
 */
#include "model/assistance.h"
#include "base/intl.h"
#include "base/str.h"
#include "model/case.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

PL_DEFINE(pl_assistance_unit, "assistance_unit",
	  { "sessions", N_("sessions") }, { "days", N_("days") }, { "nights", N_("nights") },
	  { "hours", N_("hours") }, { "items", N_("items") });

PL_DEFINE(pl_currency, "currency",
	  { "UAH", N_("Ukrainian hryvnia (UAH)") }, { "EUR", N_("Euro (EUR)") }, { "USD", N_("US dollar (USD)") },
	  { "PLN", N_("Polish zloty (PLN)") }, { "GBP", N_("Pound sterling (GBP)") }, { "CHF", N_("Swiss franc (CHF)") },
	  { "CZK", N_("Czech koruna (CZK)") }, { "MDL", N_("Moldovan leu (MDL)") }, { "RON", N_("Romanian leu (RON)") },
	  { "HUF", N_("Hungarian forint (HUF)") });

/* clang-format off */
static const struct field as_fields[AS__COUNT] = {
	[AS_CASE] = { "case_id", "case_id", FT_INT, NULL, F_REQUIRED, 1, INT64_MAX, N_("Case"), NULL },
	[AS_SERVICE] = { "service", "service", FT_PICK, &pl_service, F_REQUIRED, 0, 0, N_("Service delivered"), NULL },
	[AS_PROVIDER] = { "provider", "provider", FT_TEXT, NULL, 0, 0, 40, N_("Provider (organization code)"),
			  N_("Empty: your own organization.") },
	[AS_DELIVERED_ON] = { "delivered_on", "delivered_on", FT_DATE, NULL, 0, 0, 0, N_("Delivered on"),
			      N_("YYYY-MM-DD; empty means today.") },
	[AS_QUANTITY] = { "quantity", "quantity", FT_INT, NULL, 0, 1, 100000, N_("Quantity or duration"), NULL },
	[AS_UNIT] = { "unit", "unit", FT_PICK, &pl_assistance_unit, 0, 0, 0, N_("Unit"), NULL },
	[AS_COST] = { "cost", "cost", FT_TEXT, NULL, 0, 0, 16, N_("Cost"), N_("An amount like 1250.50.") },
	[AS_CURRENCY] = { "currency", "currency", FT_PICK, &pl_currency, 0, 0, 0, N_("Currency"), NULL },
	[AS_FUNDING] = { "funding_source", "funding_source", FT_TEXT, NULL, 0, 0, 200, N_("Funding source"),
			 N_("Who paid for it: a grant, a donor, the organization's own funds.") },
	[AS_REFERRAL] = { "referral_id", "referral_id", FT_INT, NULL, 0, 1, INT64_MAX, N_("Referral"),
			  N_("The referral it was given under, if any.") },
};
/* clang-format on */

const struct record_type assistance_record = { "assistance", as_fields, AS__COUNT };

DB_QUERY(q_as_org, "SELECT id FROM organizations WHERE code = ?");
DB_QUERY(q_as_ref, "SELECT case_id, to_org_id, state FROM referrals WHERE id = ?");
DB_QUERY(q_as_live_ref, "SELECT id FROM referrals WHERE case_id = ? AND to_org_id = ?"
			" AND state IN ('accepted', 'in_progress') ORDER BY id DESC LIMIT 1");
DB_QUERY(q_as_insert,
	 "INSERT INTO assistance (case_id, referral_id, service, provider_org_id, delivered_on, quantity, unit,"
	 " cost_cents, currency, funding_source, recorded_by, recorded_at)"
	 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
/* A receiving organization (? = the actor's organization, 0 for the owner) reads what it gave or recorded. */
DB_QUERY(q_as_list,
	 "SELECT a.id, a.case_id, COALESCE(a.referral_id, 0), a.service, a.provider_org_id, o.code, a.delivered_on,"
	 " COALESCE(a.quantity, -1), a.unit, COALESCE(a.cost_cents, -1), a.currency, a.funding_source,"
	 " COALESCE(u.display_name, 'console'), a.recorded_at"
	 " FROM assistance a JOIN organizations o ON o.id = a.provider_org_id LEFT JOIN users u ON u.id = a.recorded_by"
	 " WHERE a.case_id = ? AND (? = 0 OR a.provider_org_id = ?"
	 " OR a.referral_id IN (SELECT r.id FROM referrals r WHERE r.to_org_id = ?))"
	 " ORDER BY a.delivered_on DESC, a.id DESC LIMIT 1000");

static const char *today(struct arena *a)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	return arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int64_t assistance_parse_cost(const char *t)
{
	int64_t whole = 0, frac = 0;
	int digits = 0, places = -1;
	if (t == NULL || *t == '\0')
		return -1;
	for (const char *p = t; *p; p++) {
		if (*p == '.' && places < 0 && digits > 0) {
			places = 0;
			continue;
		}
		if (*p < '0' || *p > '9')
			return -1;
		if (places >= 0) {
			if (++places > 2)
				return -1;
			frac = frac * 10 + (*p - '0');
		} else {
			if (++digits > 12)
				return -1;
			whole = whole * 10 + (*p - '0');
		}
	}
	if (places == 0) /* "12." */
		return -1;
	if (places == 1)
		frac *= 10;
	return whole * 100 + frac;
}

const char *assistance_cost_text(struct arena *a, int64_t cents)
{
	return arena_printf(a, "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
}

/* The referral to record under, for a receiving organization: the one named (checked) or its live one. */
static int receiver_referral(struct svc *s, struct db_conn *c, int64_t case_id, int64_t named, int64_t *ref_r)
{
	if (named == 0) {
		int found = db_query_int(c, &q_as_live_ref, DB_PARAMS(db_int(case_id), db_int(s->actor->org_id)), ref_r,
					 &s->error);
		if (found < 0)
			return SVC_ERROR;
		if (found == 0) {
			s->problem = N_("Assistance is recorded under a referral your organization has accepted; this case has "
					"none that is accepted and still open.");
			s->problem_field = "referral_id";
			return SVC_CONFLICT;
		}
		return SVC_OK;
	}
	struct db_rows *r;
	if (db_query(c, &q_as_ref, DB_PARAMS(db_int(named)), &r, &s->error) < 0)
		return SVC_ERROR;
	int found = db_rows_next(r, &s->error);
	bool ours = found == 1 && db_rows_int(r, 0) == case_id && db_rows_int(r, 1) == s->actor->org_id;
	bool live = found == 1 && (str_eq(db_rows_text(r, 2), "accepted") || str_eq(db_rows_text(r, 2), "in_progress"));
	db_rows_free(&r);
	if (found < 0)
		return SVC_ERROR;
	if (!ours)
		return svc_invalid(s, N_("This is not a referral of this case to your organization."), "referral_id");
	if (!live) {
		s->problem = N_("Assistance is recorded under an accepted referral; this one is not accepted or is already "
				"closed.");
		s->problem_field = "referral_id";
		return SVC_CONFLICT;
	}
	*ref_r = named;
	return SVC_OK;
}

int assistance_record_add(struct svc *s, const char *const *in, int64_t *id_r)
{
	const char *v[AS__COUNT];
	for (int i = 0; i < AS__COUNT; i++) {
		const char *err = field_validate(&as_fields[i], in[i] ? in[i] : "", s->arena, &v[i]);
		if (err)
			return svc_invalid(s, err, as_fields[i].name);
	}
	if (*v[AS_QUANTITY] && *v[AS_UNIT] == '\0')
		return svc_invalid(s, N_("Say what the quantity counts."), "unit");
	if (*v[AS_UNIT] && *v[AS_QUANTITY] == '\0')
		return svc_invalid(s, N_("Give the quantity or duration."), "quantity");
	int64_t cents = -1;
	if (*v[AS_COST] && (cents = assistance_parse_cost(v[AS_COST])) < 0)
		return svc_invalid(s, N_("Enter an amount like 1250.50: digits, at most two after the point."), "cost");
	if (cents >= 0 && *v[AS_CURRENCY] == '\0')
		return svc_invalid(s, N_("Choose the currency of the cost."), "currency");
	if (cents < 0 && *v[AS_CURRENCY])
		return svc_invalid(s, N_("Give the cost in this currency, or no currency."), "cost");
	if (*v[AS_DELIVERED_ON] == '\0')
		v[AS_DELIVERED_ON] = today(s->arena);
	if (strcmp(v[AS_DELIVERED_ON], today(s->arena)) > 0)
		return svc_invalid(s, N_("This date is in the future."), "delivered_on");
	int64_t case_id = strtoll(v[AS_CASE], NULL, 10);
	int64_t named_ref = *v[AS_REFERRAL] ? strtoll(v[AS_REFERRAL], NULL, 10) : 0;
	struct db_conn *c;
	struct resource res;
	int rc = case_open(s, case_id, A_ASSISTANCE_RECORD, true, &c, &res);
	if (rc != SVC_OK)
		return rc;
	bool owner = s->actor->role == ROLE_SYSTEM || res.org_id == s->actor->org_id;
	int64_t provider = s->actor->org_id, ref = 0;
	rc = SVC_ERROR;
	if (*v[AS_PROVIDER]) {
		int found = db_query_int(c, &q_as_org, DB_PARAMS(db_text(v[AS_PROVIDER])), &provider, &s->error);
		if (found < 0)
			goto out;
		if (found == 0) {
			rc = svc_invalid(s, N_("There is no organization with this code."), "provider");
			goto out;
		}
	} else if (provider == 0) {
		rc = svc_invalid(s, N_("This is required."), "provider");
		goto out;
	}
	if (owner) {
		if (named_ref) {
			/* The owner may name any referral of the case, whatever its state: it records after the fact. */
			struct db_rows *r;
			if (db_query(c, &q_as_ref, DB_PARAMS(db_int(named_ref)), &r, &s->error) < 0)
				goto out;
			int found = db_rows_next(r, &s->error);
			bool of_case = found == 1 && db_rows_int(r, 0) == case_id;
			db_rows_free(&r);
			if (found < 0)
				goto out;
			if (!of_case) {
				rc = svc_invalid(s, N_("This is not a referral of this case."), "referral_id");
				goto out;
			}
			ref = named_ref;
		}
	} else {
		if (provider != s->actor->org_id) {
			rc = svc_invalid(s, N_("Record only the assistance your own organization gave."), "provider");
			goto out;
		}
		if ((rc = receiver_referral(s, c, case_id, named_ref, &ref)) != SVC_OK)
			goto out;
		rc = SVC_ERROR;
	}
	int64_t id = 0, uid = s->actor->user_id;
	if (db_query_int(c, &q_as_insert,
			 DB_PARAMS(db_int(case_id), ref ? db_int(ref) : db_null(), db_text(v[AS_SERVICE]), db_int(provider),
				   db_text(v[AS_DELIVERED_ON]),
				   *v[AS_QUANTITY] ? db_int(strtoll(v[AS_QUANTITY], NULL, 10)) : db_null(),
				   db_text(v[AS_UNIT]), cents >= 0 ? db_int(cents) : db_null(), db_text(v[AS_CURRENCY]),
				   db_text(v[AS_FUNDING]), uid ? db_int(uid) : db_null(), db_int((int64_t)time(NULL))),
			 &id, &s->error) != 1)
		goto out;
	if (svc_audit(s, c, "assistance.record", "case", arena_printf(s->arena, "%lld", (long long)case_id), "ok",
		      arena_printf(s->arena, "assistance=%lld service=%s provider_org=%lld referral=%lld", (long long)id,
				   v[AS_SERVICE], (long long)provider, (long long)ref)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
	if (rc == SVC_OK && id_r)
		*id_r = id;
out:
	svc_abort(s, &c);
	return rc;
}

int assistance_list(struct svc *s, int64_t case_id, struct assistance **rows_r, int *n_r, bool *may_record_r)
{
	*n_r = 0;
	*rows_r = NULL;
	if (may_record_r)
		*may_record_r = false;
	struct db_conn *c;
	struct resource res;
	int rc = case_open(s, case_id, A_CASE_VIEW, false, &c, &res);
	if (rc != SVC_OK)
		return rc;
	bool owner = s->actor->role == ROLE_SYSTEM || res.org_id == s->actor->org_id;
	int64_t reader = owner ? 0 : s->actor->org_id;
	rc = SVC_ERROR;
	if (may_record_r && policy_may(s->actor, A_ASSISTANCE_RECORD, &res)) {
		int64_t ref = 0;
		int found = owner ? 1
				  : db_query_int(c, &q_as_live_ref, DB_PARAMS(db_int(case_id), db_int(s->actor->org_id)),
						 &ref, &s->error);
		if (found < 0)
			goto out;
		*may_record_r = found == 1;
	}
	struct db_rows *r;
	if (db_query(c, &q_as_list, DB_PARAMS(db_int(case_id), db_int(reader), db_int(reader), db_int(reader)), &r,
		     &s->error) < 0)
		goto out;
	size_t cap = 8;
	int n = 0, q;
	struct assistance *rows = arena_alloc(s->arena, sizeof *rows * cap);
	while ((q = db_rows_next(r, &s->error)) == 1) {
		rows = arena_grow(s->arena, rows, sizeof *rows, (size_t)n, &cap);
		struct assistance *x = &rows[n++];
		x->id = db_rows_int(r, 0);
		x->case_id = db_rows_int(r, 1);
		x->referral_id = db_rows_int(r, 2);
		x->service = arena_strdup(s->arena, db_rows_text(r, 3));
		x->provider_org_id = db_rows_int(r, 4);
		x->provider = arena_strdup(s->arena, db_rows_text(r, 5));
		x->delivered_on = arena_strdup(s->arena, db_rows_text(r, 6));
		x->quantity = db_rows_int(r, 7);
		x->unit = arena_strdup(s->arena, db_rows_text(r, 8));
		x->cost_cents = db_rows_int(r, 9);
		x->currency = arena_strdup(s->arena, db_rows_text(r, 10));
		x->funding_source = arena_strdup(s->arena, db_rows_text(r, 11));
		x->recorded_by = arena_strdup(s->arena, db_rows_text(r, 12));
		x->recorded_at = db_rows_int(r, 13);
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
