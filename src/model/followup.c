#include "model/followup.h"
#include "base/buf.h"
#include "base/intl.h"
#include "base/log.h"
#include "base/str.h"
#include "model/case.h"
#include "model/record.h"
#include "model/sealed.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

PL_DEFINE(pl_followup_method, "followup_method",
	  { "visit", N_("Visit") }, { "phone", N_("Phone") }, { "online", N_("Online") },
	  { "third_party", N_("Through a third party") });
PL_DEFINE(pl_followup_outcome, "followup_outcome",
	  { "reintegrating", N_("Reintegrating") }, { "reintegrated", N_("Reintegrated") },
	  { "returned_abroad", N_("Returned abroad") }, { "re_trafficked", N_("Trafficked again") },
	  { "lost_contact", N_("Lost contact") }, { "deceased", N_("Deceased") });
PL_DEFINE(pl_risk_flag, "risk_flag",
	  { "recruiter_contact", N_("Contact with the recruiter") }, { "debt", N_("Debt") },
	  { "unsafe_migration_intent", N_("Intends to migrate again without safe channels") },
	  { "threats", N_("Threats") });

PL_DEFINE(pl_yes_no, "yes_no", { "yes", N_("Yes") }, { "no", N_("No") });

const struct record_type followup_form = { "followup", (const struct field[FF__COUNT]){
	[FF_DONE_ON] = { "done_on", "done_on", FT_DATE, NULL, F_REQUIRED, 0, 0, N_("Date of the follow-up"), NULL },
	[FF_METHOD] = { "method", "method", FT_PICK, &pl_followup_method, F_REQUIRED, 0, 0, N_("How"), NULL },
	[FF_CONTACT] = { "contact_made", "contact_made", FT_PICK, &pl_yes_no, F_REQUIRED, 0, 0, N_("Contact made"), NULL },
	[FF_RISK] = { "risk_flags", "risk_flags", FT_PICKSET, &pl_risk_flag, 0, 0, 0, N_("Risk flags"), NULL },
	[FF_OUTCOME] = { "outcome", "outcome", FT_PICK, &pl_followup_outcome, F_REQUIRED, 0, 0, N_("Outcome"), NULL },
	[FF_COUNTRY] = { "outcome_country", "outcome_country", FT_COUNTRY, NULL, 0, 0, 0, N_("Country she went to"),
			 N_("For a return abroad: the two-letter country code.") },
	[FF_SAFE] = { "safe_channels", "safe_channels", FT_PICK, &pl_yes_no, 0, 0, 0,
		      N_("Through safe, legal channels"), N_("For a return abroad.") },
	[FF_SITUATION] = { "situation", "situation", FT_LONGTEXT, NULL, F_PERSONAL, 0, 4000, N_("Her situation"),
			   N_("Where she lives, work or study, income against needs, housing, health, support, legal matters.") },
}, FF__COUNT };

static int yes_no(const char *v)
{
	return str_eq(v, "yes") ? 1 : str_eq(v, "no") ? 0 : -1;
}

void followup_input_from(const char *const *v, const char *answers, struct followup_input *in)
{
	memset(in, 0, sizeof *in);
	in->done_on = v[FF_DONE_ON] ? v[FF_DONE_ON] : "";
	in->method = v[FF_METHOD] ? v[FF_METHOD] : "";
	in->contact_made = yes_no(v[FF_CONTACT]);
	in->risk_flags = v[FF_RISK] ? v[FF_RISK] : "";
	in->outcome = v[FF_OUTCOME] ? v[FF_OUTCOME] : "";
	in->outcome_country = v[FF_COUNTRY] ? v[FF_COUNTRY] : "";
	in->safe_channels = yes_no(v[FF_SAFE]);
	in->situation = v[FF_SITUATION] ? v[FF_SITUATION] : "";
	in->answers = answers ? answers : "";
}

/* The record of the sealed fields: only her situation, in her words. */
static const struct field followup_sealed_fields[] = {
	{ "situation", "situation", FT_LONGTEXT, NULL, F_PERSONAL, 0, 4000, N_("Her situation"), NULL },
};
static const struct record_type followup_sealed = { "followup", followup_sealed_fields, 1 };

#define FOLLOWUP_MAX_OFFSETS 12
static int schedule[FOLLOWUP_MAX_OFFSETS] = { 1, 3, 6, 12 };
static int nschedule = 4;

#define FU_COLS "f.id, f.case_id, COALESCE(f.plan_id, 0), f.offset_months, f.due_on, f.done_on, f.method," \
	" COALESCE(f.contact_made, -1), f.answers, COALESCE(f.score_economic, -1), COALESCE(f.score_social, -1)," \
	" COALESCE(f.score_psychosocial, -1), COALESCE(f.score_composite, -1), f.risk_flags, f.outcome," \
	" f.outcome_country, COALESCE(f.safe_channels, -1), COALESCE(f.recorded_at, 0), COALESCE(f.alerted_at, 0)," \
	" c.code, COALESCE(p.responsible_user_id, 0), COALESCE(ru.display_name, ''), COALESCE(rb.display_name, '')" \
	" FROM followups f JOIN cases c ON c.id = f.case_id LEFT JOIN plans p ON p.id = f.plan_id" \
	" LEFT JOIN users ru ON ru.id = p.responsible_user_id LEFT JOIN users rb ON rb.id = f.recorded_by"

DB_QUERY(q_fu_get, "SELECT " FU_COLS " WHERE f.id = ?");
DB_QUERY(q_fu_case, "SELECT " FU_COLS " WHERE f.case_id = ? ORDER BY f.due_on, f.id");
/* Open cases only: a closed case keeps its history but is no longer followed. */
DB_QUERY(q_fu_due, "SELECT " FU_COLS " WHERE f.done_on = '' AND c.status NOT IN ('Closed', 'ClosedReferred')"
		   " AND f.due_on >= ? AND f.due_on <= ? AND (? = 0 OR c.owner_org_id = ?)"
		   " AND (? = 0 OR EXISTS (SELECT 1 FROM case_workers w WHERE w.case_id = c.id AND w.user_id = ?))"
		   " AND (? = 0 OR p.responsible_user_id = ?) ORDER BY f.due_on, f.id LIMIT 1000");
DB_QUERY(q_fu_recorded_offsets, "SELECT offset_months FROM followups WHERE case_id = ? AND done_on <> ''");
DB_QUERY(q_fu_drop_open, "DELETE FROM followups WHERE case_id = ? AND done_on = ''");
DB_QUERY(q_fu_insert, "INSERT INTO followups (case_id, plan_id, offset_months, due_on) VALUES (?, ?, ?, ?)");
DB_QUERY(q_fu_case_dates, "SELECT identified_on, registered_on, status FROM cases WHERE id = ?");
DB_QUERY(q_fu_record,
	 "UPDATE followups SET done_on = ?, method = ?, contact_made = ?, answers = ?, score_economic = ?,"
	 " score_social = ?, score_psychosocial = ?, score_composite = ?, risk_flags = ?, outcome = ?,"
	 " outcome_country = ?, safe_channels = ?, recorded_by = ?, recorded_at = ? WHERE id = ? AND done_on = ''");
DB_QUERY(q_fu_overdue, "SELECT f.id, c.owner_org_id, f.case_id FROM followups f JOIN cases c ON c.id = f.case_id"
		       " WHERE f.done_on = '' AND f.due_on < ? AND f.alerted_at IS NULL"
		       " AND c.status NOT IN ('Closed', 'ClosedReferred') ORDER BY f.id LIMIT 500");
DB_QUERY(q_fu_mark_alerted, "UPDATE followups SET alerted_at = ? WHERE id = ? AND alerted_at IS NULL");
DB_QUERY(q_fu_managers, "SELECT id FROM users WHERE org_id = ? AND role = 'manager' AND status = 'active'");
DB_QUERY(q_fu_inbox_add, "INSERT INTO inbox (org_id, user_id, kind, created_at) VALUES (?, ?, 'followup.overdue', ?)");

int followup_set_schedule(const char *months)
{
	int tmp[FOLLOWUP_MAX_OFFSETS], n = 0;
	if (months == NULL || *months == '\0')
		return -1;
	for (const char *p = months; *p;) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p || v < 1 || v > 120 || n == FOLLOWUP_MAX_OFFSETS || (n > 0 && v <= tmp[n - 1]))
			return -1;
		tmp[n++] = (int)v;
		while (*end == ' ')
			end++;
		if (*end == ',')
			end++;
		else if (*end != '\0')
			return -1;
		p = end;
		while (*p == ' ')
			p++;
	}
	memcpy(schedule, tmp, sizeof tmp[0] * (size_t)n);
	nschedule = n;
	return 0;
}

const int *followup_schedule(int *n_r)
{
	*n_r = nschedule;
	return schedule;
}

static const char *id_str(struct svc *s, int64_t id)
{
	return arena_printf(s->arena, "%lld", (long long)id);
}

static void read_fu(struct svc *s, struct db_rows *r, struct followup *f, const char *today)
{
	memset(f, 0, sizeof *f);
	f->id = db_rows_int(r, 0);
	f->case_id = db_rows_int(r, 1);
	f->plan_id = db_rows_int(r, 2);
	f->offset_months = db_rows_int(r, 3);
	f->due_on = arena_strdup(s->arena, db_rows_text(r, 4));
	f->done_on = arena_strdup(s->arena, db_rows_text(r, 5));
	f->method = arena_strdup(s->arena, db_rows_text(r, 6));
	f->contact_made = (int)db_rows_int(r, 7);
	f->answers = arena_strdup(s->arena, db_rows_text(r, 8));
	for (int d = 0; d < SD__COUNT; d++)
		f->scores[d] = db_rows_int(r, 9 + d);
	f->risk_flags = arena_strdup(s->arena, db_rows_text(r, 13));
	f->outcome = arena_strdup(s->arena, db_rows_text(r, 14));
	f->outcome_country = arena_strdup(s->arena, db_rows_text(r, 15));
	f->safe_channels = (int)db_rows_int(r, 16);
	f->recorded_at = db_rows_int(r, 17);
	f->alerted_at = db_rows_int(r, 18);
	f->case_code = arena_strdup(s->arena, db_rows_text(r, 19));
	f->responsible_user_id = db_rows_int(r, 20);
	f->responsible = arena_strdup(s->arena, db_rows_text(r, 21));
	f->recorded_by = arena_strdup(s->arena, db_rows_text(r, 22));
	f->situation = "";
	f->overdue = !*f->done_on && strcmp(f->due_on, today) < 0;
}

int followup_schedule_tx(struct svc *s, struct db_conn *c, int64_t case_id, int64_t plan_id, const char *start_on,
			 int *n_r)
{
	*n_r = 0;
	int done[FOLLOWUP_MAX_OFFSETS * 4], ndone = 0, rc;
	struct db_rows *r;
	if (db_query(c, &q_fu_recorded_offsets, DB_PARAMS(db_int(case_id)), &r, &s->error) < 0)
		return SVC_ERROR;
	while ((rc = db_rows_next(r, &s->error)) == 1)
		if (ndone < (int)(sizeof done / sizeof done[0]))
			done[ndone++] = (int)db_rows_int(r, 0);
	db_rows_free(&r);
	if (rc < 0 || db_exec(c, &q_fu_drop_open, DB_PARAMS(db_int(case_id)), NULL, &s->error) < 0)
		return SVC_ERROR;
	for (int i = 0; i < nschedule; i++) {
		bool recorded = false;
		for (int k = 0; k < ndone; k++)
			recorded |= done[k] == schedule[i];
		if (recorded)
			continue;
		const char *due = date_add_months(s->arena, start_on, schedule[i]);
		if (db_exec(c, &q_fu_insert, DB_PARAMS(db_int(case_id), db_int(plan_id), db_int(schedule[i]), db_text(due)),
			    NULL, &s->error) < 0)
			return SVC_ERROR;
		(*n_r)++;
	}
	return SVC_OK;
}

static bool set_valid(const struct picklist *pl, const char *set)
{
	char one[64];
	for (const char *p = set ? set : ""; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		snprintf(one, sizeof one, "%.*s", (int)l, p);
		if (l >= sizeof one || !picklist_has(pl, one))
			return false;
		p += l + (e ? 1 : 0);
	}
	return true;
}

/* Everything that can be checked without the store; fills scores. */
static int check_input(struct svc *s, const struct followup_input *in, const char *today, int64_t scores[SD__COUNT])
{
	if (in->done_on == NULL || !*in->done_on)
		return svc_invalid(s, N_("Enter the date of the follow-up."), "done_on");
	if (date_days(in->done_on) == INT64_MIN)
		return svc_invalid(s, N_("Enter a date as YYYY-MM-DD."), "done_on");
	if (strcmp(in->done_on, today) > 0)
		return svc_invalid(s, N_("A follow-up cannot be dated in the future."), "done_on");
	if (!picklist_has(&pl_followup_method, in->method ? in->method : ""))
		return svc_invalid(s, N_("Choose how she was followed up: visit, phone, online or through a third party."),
				   "method");
	if (in->contact_made < 0)
		return svc_invalid(s, N_("Say whether contact was made."), "contact_made");
	const char *bad;
	const char *msg = survey_score(in->answers, scores, &bad, s->arena);
	if (msg)
		return svc_invalid(s, msg, "answers");
	if (!set_valid(&pl_risk_flag, in->risk_flags))
		return svc_invalid(s, N_("Choose risk flags from the list."), "risk_flags");
	if (!picklist_has(&pl_followup_outcome, in->outcome ? in->outcome : ""))
		return svc_invalid(s, N_("Choose the outcome."), "outcome");
	bool abroad = str_eq(in->outcome, "returned_abroad");
	const char *country = in->outcome_country ? in->outcome_country : "";
	if (abroad && !*country)
		return svc_invalid(s, N_("A return abroad needs the country."), "outcome_country");
	if (abroad && (strlen(country) != 2 || country[0] < 'A' || country[0] > 'Z' || country[1] < 'A' || country[1] > 'Z'))
		return svc_invalid(s, N_("Enter a two-letter ISO 3166 country code, e.g. PL."), "outcome_country");
	if (abroad && str_eq(country, "UA"))
		return svc_invalid(s, N_("A return abroad is to another country than Ukraine."), "outcome_country");
	if (abroad && in->safe_channels < 0)
		return svc_invalid(s, N_("Say whether she went through safe, legal channels."), "safe_channels");
	if (!abroad && (*country || in->safe_channels >= 0))
		return svc_invalid(s, N_("Only a return abroad has a country and channels."), "outcome_country");
	if (in->situation && (strlen(in->situation) > 4000 ||
			      !str_valid_utf8_text(in->situation, strlen(in->situation), true)))
		return svc_invalid(s, N_("The text is too long (at most 4000 characters)."), "situation");
	return SVC_OK;
}

static struct db_val score_val(int64_t v)
{
	return v >= 0 ? db_int(v) : db_null();
}

int followup_record(struct svc *s, int64_t id, const struct followup_input *in)
{
	const char *today = date_of(s->arena, (int64_t)time(NULL));
	int64_t scores[SD__COUNT];
	int rc = check_input(s, in, today, scores);
	if (rc != SVC_OK)
		return rc;
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	struct followup f;
	struct db_rows *r;
	rc = SVC_ERROR;
	if (db_query(c, &q_fu_get, DB_PARAMS(db_int(id)), &r, &s->error) < 0)
		goto out;
	int found = db_rows_next(r, &s->error);
	if (found == 1)
		read_fu(s, r, &f, today);
	db_rows_free(&r);
	if (found <= 0) {
		rc = found < 0 ? SVC_ERROR : SVC_NOT_FOUND;
		goto out;
	}
	struct resource res;
	if ((rc = case_resource(s, c, f.case_id, &res, NULL)) != SVC_OK)
		goto out;
	if (!policy_may(s->actor, A_FOLLOWUP_RECORD, &res)) {
		svc_abort(s, &c);
		return svc_may(s, A_FOLLOWUP_RECORD, &res);
	}
	rc = SVC_ERROR;
	if (db_query(c, &q_fu_case_dates, DB_PARAMS(db_int(f.case_id)), &r, &s->error) < 0)
		goto out;
	const char *opened = "", *status = "";
	if (db_rows_next(r, &s->error) == 1) {
		opened = arena_strdup(s->arena, *db_rows_text(r, 0) ? db_rows_text(r, 0) : db_rows_text(r, 1));
		status = arena_strdup(s->arena, db_rows_text(r, 2));
	}
	db_rows_free(&r);
	if (str_starts(status, "Closed")) {
		s->problem = N_("The case is closed; a manager must reopen it first.");
		rc = SVC_CONFLICT;
		goto out;
	}
	if (*opened && strcmp(in->done_on, opened) < 0) {
		rc = svc_invalid(s, N_("A follow-up cannot be dated before the case was opened."), "done_on");
		goto out;
	}
	int64_t n = 0, uid = s->actor->user_id;
	bool abroad = str_eq(in->outcome, "returned_abroad");
	if (db_exec(c, &q_fu_record,
		    DB_PARAMS(db_text(in->done_on), db_text(in->method), db_int(in->contact_made ? 1 : 0),
			      db_text(in->answers ? in->answers : ""), score_val(scores[SD_ECONOMIC]),
			      score_val(scores[SD_SOCIAL]), score_val(scores[SD_PSYCHOSOCIAL]),
			      score_val(scores[SD_COMPOSITE]), db_text(in->risk_flags ? in->risk_flags : ""),
			      db_text(in->outcome), db_text(abroad ? in->outcome_country : ""),
			      abroad ? db_int(in->safe_channels ? 1 : 0) : db_null(), uid ? db_int(uid) : db_null(),
			      db_int((int64_t)time(NULL)), db_int(id)),
		    &n, &s->error) < 0)
		goto out;
	if (n != 1) {
		s->problem = N_("This follow-up was already recorded.");
		rc = SVC_CONFLICT;
		goto out;
	}
	if (sealed_put(c, s->key, SEALED_FOLLOWUP, id, "situation", in->situation, &s->error) < 0 ||
	    svc_audit(s, c, "followup.record", "case", id_str(s, f.case_id), "ok",
		      arena_printf(s->arena, "followup=%lld outcome=%s", (long long)id, in->outcome)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
out:
	svc_abort(s, &c);
	return rc;
}

int followup_get(struct svc *s, int64_t id, bool open_sealed, struct followup *f)
{
	const char *today = date_of(s->arena, (int64_t)time(NULL));
	struct db_conn *c = svc_begin(s, open_sealed);
	if (c == NULL)
		return SVC_ERROR;
	struct db_rows *r;
	int rc = SVC_ERROR;
	if (db_query(c, &q_fu_get, DB_PARAMS(db_int(id)), &r, &s->error) < 0)
		goto out;
	int found = db_rows_next(r, &s->error);
	if (found == 1)
		read_fu(s, r, f, today);
	db_rows_free(&r);
	if (found <= 0) {
		rc = found < 0 ? SVC_ERROR : SVC_NOT_FOUND;
		goto out;
	}
	struct resource res;
	if ((rc = case_resource(s, c, f->case_id, &res, NULL)) != SVC_OK)
		goto out;
	if (!policy_may(s->actor, A_CASE_RECORDS, &res)) {
		svc_abort(s, &c);
		return svc_may(s, A_CASE_RECORDS, &res);
	}
	if (open_sealed) {
		const char *v[1];
		rc = SVC_ERROR;
		if (sealed_get_record(c, s->key, SEALED_FOLLOWUP, id, &followup_sealed, s->arena, v, &s->error) < 0 ||
		    svc_audit(s, c, "followup.view-sealed", "case", id_str(s, f->case_id), "ok",
			      arena_printf(s->arena, "followup=%lld", (long long)id)) != SVC_OK)
			goto out;
		f->situation = v[0];
		rc = svc_commit(s, &c);
	}
out:
	svc_abort(s, &c);
	return rc;
}

static int read_list(struct svc *s, struct db_rows *r, const char *today, struct followup **rows_r, int *n_r)
{
	size_t cap = 16;
	int n = 0, q;
	struct followup *rows = arena_alloc(s->arena, sizeof *rows * cap);
	while ((q = db_rows_next(r, &s->error)) == 1) {
		rows = arena_grow(s->arena, rows, sizeof *rows, (size_t)n, &cap);
		read_fu(s, r, &rows[n++], today);
	}
	if (q < 0)
		return SVC_ERROR;
	*rows_r = rows;
	*n_r = n;
	return SVC_OK;
}

int followup_list_case(struct svc *s, int64_t case_id, struct followup **rows_r, int *n_r)
{
	*n_r = 0;
	const char *today = date_of(s->arena, (int64_t)time(NULL));
	struct db_conn *c;
	struct resource res;
	int rc = case_open(s, case_id, A_CASE_RECORDS, false, &c, &res);
	struct db_rows *r;
	if (rc == SVC_OK) {
		rc = SVC_ERROR;
		if (db_query(c, &q_fu_case, DB_PARAMS(db_int(case_id)), &r, &s->error) == 0) {
			rc = read_list(s, r, today, rows_r, n_r);
			db_rows_free(&r);
		}
	}
	svc_abort(s, &c);
	return rc;
}

int followup_list_due(struct svc *s, bool overdue, int64_t caseworker_id, struct followup **rows_r, int *n_r)
{
	*n_r = 0;
	int rc = svc_may(s, A_FOLLOWUP_RECORD, NULL);
	if (rc != SVC_OK)
		return rc;
	enum scope sc = policy_scope(s->actor, A_FOLLOWUP_RECORD);
	int64_t org = sc == SCOPE_ANY ? 0 : s->actor->org_id;
	int64_t mine = sc == SCOPE_ASSIGNED ? s->actor->user_id : 0;
	int64_t now = (int64_t)time(NULL);
	const char *today = date_of(s->arena, now);
	const char *from = overdue ? "0000-01-01" : today;
	const char *to = overdue ? date_of(s->arena, now - 86400) : date_of(s->arena, now + 86400 * FOLLOWUP_DUE_AHEAD_DAYS);
	struct db_conn *c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	struct db_rows *r;
	rc = SVC_ERROR;
	if (db_query(c, &q_fu_due,
		     DB_PARAMS(db_text(from), db_text(to), db_int(org), db_int(org), db_int(mine), db_int(mine),
			       db_int(caseworker_id), db_int(caseworker_id)),
		     &r, &s->error) == 0) {
		rc = read_list(s, r, today, rows_r, n_r);
		db_rows_free(&r);
	}
	svc_abort(s, &c);
	return rc;
}

int followup_alert_overdue(struct svc *s, int64_t now, int *alerted_r)
{
	if (alerted_r)
		*alerted_r = 0;
	const char *today = date_of(s->arena, now);
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	struct item {
		int64_t id, org_id;
	} items[500];
	int n = 0, rc = SVC_ERROR, q, alerted = 0;
	struct db_rows *r;
	if (db_query(c, &q_fu_overdue, DB_PARAMS(db_text(today)), &r, &s->error) < 0)
		goto out;
	while (n < 500 && (q = db_rows_next(r, &s->error)) == 1)
		items[n++] = (struct item){ db_rows_int(r, 0), db_rows_int(r, 1) };
	db_rows_free(&r);
	if (q < 0)
		goto out;
	for (int i = 0; i < n; i++) {
		int64_t changed = 0;
		/* Conditional: another process may have alerted it since the select. */
		if (db_exec(c, &q_fu_mark_alerted, DB_PARAMS(db_int(now), db_int(items[i].id)), &changed, &s->error) < 0)
			goto out;
		if (changed != 1)
			continue;
		int64_t managers[64];
		int nm = 0;
		if (db_query(c, &q_fu_managers, DB_PARAMS(db_int(items[i].org_id)), &r, &s->error) < 0)
			goto out;
		while (nm < 64 && (q = db_rows_next(r, &s->error)) == 1)
			managers[nm++] = db_rows_int(r, 0);
		db_rows_free(&r);
		if (q < 0)
			goto out;
		for (int k = 0; k < nm; k++)
			if (db_exec(c, &q_fu_inbox_add, DB_PARAMS(db_int(items[i].org_id), db_int(managers[k]), db_int(now)),
				    NULL, &s->error) < 0)
				goto out;
		alerted++;
	}
	if (alerted > 0 && svc_audit(s, c, "followup.overdue-alert", "followup", "", "ok",
				     arena_printf(s->arena, "followups=%d", alerted)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
	if (rc == SVC_OK && alerted_r)
		*alerted_r = alerted;
out:
	svc_abort(s, &c);
	return rc;
}

int followup_timer_pass(struct svc *s, int64_t now)
{
	int alerted = 0;
	int rc = followup_alert_overdue(s, now, &alerted);
	if (rc != SVC_OK)
		log_error("msg=\"timer: follow-up alerts failed\" error=\"%s\"", s->error ? s->error : "?");
	else if (alerted > 0)
		log_info("msg=\"timer: overdue follow-ups alerted\" count=%d", alerted);
	return rc;
}
