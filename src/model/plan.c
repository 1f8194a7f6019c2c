#include "model/plan.h"
#include "base/intl.h"
#include "base/str.h"
#include "crypto/seal.h"
#include "model/case.h"
#include "model/followup.h"
#include "model/sealed.h"
#include "model/survey.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

PL_DEFINE(pl_reint_dimension, "reint_dimension",
	  { "economic", N_("Economic") }, { "social", N_("Social") }, { "psychosocial", N_("Psychosocial") });
PL_DEFINE(pl_plan_state, "plan_state",
	  { "draft", N_("Draft") }, { "pending", N_("Waiting for approval") }, { "approved", N_("Approved") },
	  { "superseded", N_("Superseded") });

const struct record_type plan_form = { "plan", (const struct field[PF__COUNT]){
	[PF_RESPONSIBLE] = { "responsible_user_id", "responsible_user_id", FT_INT, NULL, 0, 1, INT64_MAX,
			     N_("Responsible caseworker"), NULL },
	[PF_START] = { "start_on", "start_on", FT_DATE, NULL, 0, 0, 0, N_("Start of assistance"),
		       N_("Empty: the date of the first assistance given, else today.") },
	[PF_REVIEW] = { "review_on", "review_on", FT_DATE, NULL, 0, 0, 0, N_("Review date"), NULL },
}, PF__COUNT };

#define PLAN_COLS "p.id, p.case_id, p.version_no, p.state, COALESCE(p.responsible_user_id, 0), p.start_on," \
	" p.review_on, p.created_at, COALESCE(p.approved_at, 0), p.updated_at, p.version, c.code," \
	" COALESCE(ru.display_name, ''), COALESCE(cu.display_name, 'console'), COALESCE(au.display_name, '')" \
	" FROM plans p JOIN cases c ON c.id = p.case_id LEFT JOIN users ru ON ru.id = p.responsible_user_id" \
	" LEFT JOIN users cu ON cu.id = p.created_by LEFT JOIN users au ON au.id = p.approved_by"

DB_QUERY(q_plan_get, "SELECT " PLAN_COLS " WHERE p.id = ?");
DB_QUERY(q_plan_list, "SELECT " PLAN_COLS " WHERE p.case_id = ? ORDER BY p.version_no DESC");
DB_QUERY(q_plan_case, "SELECT case_id FROM plans WHERE id = ?");
DB_QUERY(q_plan_count, "SELECT COUNT(*) FROM plans WHERE case_id = ?");
DB_QUERY(q_plan_open, "SELECT COUNT(*) FROM plans WHERE case_id = ? AND state IN ('draft', 'pending')");
DB_QUERY(q_plan_next_no, "SELECT COALESCE(MAX(version_no), 0) + 1 FROM plans WHERE case_id = ?");
DB_QUERY(q_plan_insert, "INSERT INTO plans (case_id, version_no, state, responsible_user_id, start_on, review_on,"
			" created_by, created_at, updated_at) VALUES (?, ?, 'draft', ?, ?, ?, ?, ?, ?) RETURNING id");
DB_QUERY(q_plan_update, "UPDATE plans SET responsible_user_id = ?, start_on = ?, review_on = ?, state = 'draft',"
			" updated_at = ?, version = version + 1 WHERE id = ? AND version = ?");
DB_QUERY(q_plan_submit, "UPDATE plans SET state = 'pending', updated_at = ?, version = version + 1"
			" WHERE id = ? AND state = 'draft'");
DB_QUERY(q_plan_approve, "UPDATE plans SET state = 'approved', approved_by = ?, approved_at = ?, updated_at = ?,"
			 " version = version + 1 WHERE id = ? AND state = 'pending'");
DB_QUERY(q_plan_supersede, "UPDATE plans SET state = 'superseded', updated_at = ?, version = version + 1"
			   " WHERE case_id = ? AND state = 'approved' AND id <> ?");
DB_QUERY(q_goals_del, "DELETE FROM plan_goals WHERE plan_id = ?");
DB_QUERY(q_goal_insert, "INSERT INTO plan_goals (plan_id, dimension, services, referral_id, key_id, sealed)"
			" VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
DB_QUERY(q_goal_seal, "UPDATE plan_goals SET sealed = ? WHERE id = ?");
DB_QUERY(q_goals, "SELECT id, dimension, services, COALESCE(referral_id, 0), sealed FROM plan_goals"
		  " WHERE plan_id = ? ORDER BY id");
DB_QUERY(q_goal_count, "SELECT COUNT(*) FROM plan_goals WHERE plan_id = ?");
DB_QUERY(q_first_assistance, "SELECT COALESCE(MIN(delivered_on), '') FROM assistance WHERE case_id = ?");
DB_QUERY(q_referral_of_case, "SELECT COUNT(*) FROM referrals WHERE id = ? AND case_id = ?");
DB_QUERY(q_plan_user, "SELECT org_id, role, status FROM users WHERE id = ?");
DB_QUERY(q_plan_case_state, "SELECT status, COALESCE(primary_caseworker_id, 0) FROM cases WHERE id = ?");

static const char *id_str(struct svc *s, int64_t id)
{
	return arena_printf(s->arena, "%lld", (long long)id);
}

static void read_plan(struct svc *s, struct db_rows *r, struct plan *p)
{
	memset(p, 0, sizeof *p);
	p->id = db_rows_int(r, 0);
	p->case_id = db_rows_int(r, 1);
	p->version_no = db_rows_int(r, 2);
	p->state = arena_strdup(s->arena, db_rows_text(r, 3));
	p->responsible_user_id = db_rows_int(r, 4);
	p->start_on = arena_strdup(s->arena, db_rows_text(r, 5));
	p->review_on = arena_strdup(s->arena, db_rows_text(r, 6));
	p->created_at = db_rows_int(r, 7);
	p->approved_at = db_rows_int(r, 8);
	p->updated_at = db_rows_int(r, 9);
	p->version = db_rows_int(r, 10);
	p->case_code = arena_strdup(s->arena, db_rows_text(r, 11));
	p->responsible = arena_strdup(s->arena, db_rows_text(r, 12));
	p->created_by = arena_strdup(s->arena, db_rows_text(r, 13));
	p->approved_by = arena_strdup(s->arena, db_rows_text(r, 14));
}

static int load_plan(struct svc *s, struct db_conn *c, int64_t id, struct plan *p)
{
	struct db_rows *r;
	if (db_query(c, &q_plan_get, DB_PARAMS(db_int(id)), &r, &s->error) < 0)
		return SVC_ERROR;
	int rc = db_rows_next(r, &s->error);
	if (rc == 1)
		read_plan(s, r, p);
	db_rows_free(&r);
	return rc < 0 ? SVC_ERROR : rc == 0 ? SVC_NOT_FOUND : SVC_OK;
}

/* Goals of a plan; their words opened when open is set. */
static int load_goals(struct svc *s, struct db_conn *c, struct plan *p, bool open)
{
	struct db_rows *r;
	if (db_query(c, &q_goals, DB_PARAMS(db_int(p->id)), &r, &s->error) < 0)
		return SVC_ERROR;
	struct plan_goal *g = arena_alloc(s->arena, sizeof *g * PLAN_MAX_GOALS);
	int n = 0, rc;
	while ((rc = db_rows_next(r, &s->error)) == 1 && n < PLAN_MAX_GOALS) {
		g[n].id = db_rows_int(r, 0);
		g[n].dimension = arena_strdup(s->arena, db_rows_text(r, 1));
		g[n].services = arena_strdup(s->arena, db_rows_text(r, 2));
		g[n].referral_id = db_rows_int(r, 3);
		g[n].text = "";
		if (open) {
			size_t len;
			const void *sealed = db_rows_blob(r, 4, &len);
			g[n].text = seal_open(s->key, s->arena, "plan_goals", g[n].id, "text", sealed, len, NULL);
			if (g[n].text == NULL) {
				db_rows_free(&r);
				return svc_fail(s, "a plan goal does not open with this key");
			}
		}
		n++;
	}
	db_rows_free(&r);
	if (rc < 0)
		return SVC_ERROR;
	p->goals = g;
	p->ngoals = n;
	return SVC_OK;
}

/* The case of a plan and the policy resource of that case. */
static int plan_resource(struct svc *s, struct db_conn *c, int64_t plan_id, int64_t *case_id_r, struct resource *res)
{
	int found = db_query_int(c, &q_plan_case, DB_PARAMS(db_int(plan_id)), case_id_r, &s->error);
	if (found <= 0)
		return found < 0 ? SVC_ERROR : SVC_NOT_FOUND;
	return case_resource(s, c, *case_id_r, res, NULL);
}

/* Refuses a closed case: its plan is history until a manager reopens it. */
static int check_case_open(struct svc *s, struct db_conn *c, int64_t case_id, int64_t *primary_r)
{
	struct db_rows *r;
	if (db_query(c, &q_plan_case_state, DB_PARAMS(db_int(case_id)), &r, &s->error) < 0)
		return SVC_ERROR;
	int rc = db_rows_next(r, &s->error);
	bool closed = rc == 1 && str_starts(db_rows_text(r, 0), "Closed");
	if (rc == 1 && primary_r)
		*primary_r = db_rows_int(r, 1);
	db_rows_free(&r);
	if (rc <= 0)
		return rc < 0 ? SVC_ERROR : SVC_NOT_FOUND;
	if (closed) {
		s->problem = N_("The case is closed; a manager must reopen it first.");
		s->problem_field = "case_id";
		return SVC_CONFLICT;
	}
	return SVC_OK;
}

static int check_responsible(struct svc *s, struct db_conn *c, int64_t user_id, int64_t org_id)
{
	struct db_rows *r;
	if (db_query(c, &q_plan_user, DB_PARAMS(db_int(user_id)), &r, &s->error) < 0)
		return SVC_ERROR;
	int found = db_rows_next(r, &s->error);
	bool ok = found == 1 && db_rows_int(r, 0) == org_id && str_eq(db_rows_text(r, 2), "active") &&
		  (str_eq(db_rows_text(r, 1), "caseworker") || str_eq(db_rows_text(r, 1), "manager"));
	db_rows_free(&r);
	if (found < 0)
		return SVC_ERROR;
	return ok ? SVC_OK
		  : svc_invalid(s, N_("The responsible person must be an active caseworker or manager of the case's organization."),
				"responsible_user_id");
}

static bool services_valid(const char *set)
{
	char one[64];
	for (const char *p = set ? set : ""; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		snprintf(one, sizeof one, "%.*s", (int)l, p);
		if (l >= sizeof one || !picklist_has(&pl_service, one))
			return false;
		p += l + (e ? 1 : 0);
	}
	return true;
}

/* Checks goals and dates before anything is written. */
static int check_input(struct svc *s, struct db_conn *c, int64_t case_id, const struct plan_input *in)
{
	if (in->start_on && *in->start_on && date_days(in->start_on) == INT64_MIN)
		return svc_invalid(s, N_("Enter a date as YYYY-MM-DD."), "start_on");
	if (in->review_on && *in->review_on && date_days(in->review_on) == INT64_MIN)
		return svc_invalid(s, N_("Enter a date as YYYY-MM-DD."), "review_on");
	if (in->goals_given && (in->ngoals < 0 || in->ngoals > PLAN_MAX_GOALS))
		return svc_invalid(s, N_("A plan has at most 30 goals."), "goals");
	for (int i = 0; in->goals_given && i < in->ngoals; i++) {
		const struct plan_goal *g = &in->goals[i];
		if (!picklist_has(&pl_reint_dimension, g->dimension ? g->dimension : ""))
			return svc_invalid(s, N_("Choose the goal's dimension: economic, social or psychosocial."),
					   "goals.dimension");
		size_t blank = g->text ? strspn(g->text, " \t\r\n") : 0;
		if (g->text == NULL || g->text[blank] == '\0')
			return svc_invalid(s, N_("Write the goal."), "goals.text");
		if (strlen(g->text) > 2000 || !str_valid_utf8_text(g->text, strlen(g->text), true))
			return svc_invalid(s, N_("The goal is too long (at most 2000 characters)."), "goals.text");
		if (!services_valid(g->services))
			return svc_invalid(s, N_("Choose services from the list."), "goals.services");
		if (g->referral_id) {
			int64_t n = 0;
			if (db_query_int(c, &q_referral_of_case, DB_PARAMS(db_int(g->referral_id), db_int(case_id)), &n,
					 &s->error) < 0)
				return SVC_ERROR;
			if (n == 0)
				return svc_invalid(s, N_("This referral is not one of the case's."), "goals.referral_id");
		}
	}
	return SVC_OK;
}

static int write_goals(struct svc *s, struct db_conn *c, int64_t plan_id, const struct plan_goal *goals, int n)
{
	char kid[17];
	sealed_key_id(s->key, kid);
	if (db_exec(c, &q_goals_del, DB_PARAMS(db_int(plan_id)), NULL, &s->error) < 0)
		return SVC_ERROR;
	for (int i = 0; i < n; i++) {
		int64_t gid = 0;
		const struct plan_goal *g = &goals[i];
		/* The goal's own id is part of its associated data: insert, then seal. */
		if (db_query_int(c, &q_goal_insert,
				 DB_PARAMS(db_int(plan_id), db_text(g->dimension), db_text(g->services ? g->services : ""),
					   g->referral_id ? db_int(g->referral_id) : db_null(), db_text(kid), db_blob("", 0)),
				 &gid, &s->error) != 1)
			return SVC_ERROR;
		size_t len;
		unsigned char *sealed = seal_field(s->key, s->arena, "plan_goals", gid, "text", g->text, strlen(g->text), &len);
		if (db_exec(c, &q_goal_seal, DB_PARAMS(db_blob(sealed, len), db_int(gid)), NULL, &s->error) < 0)
			return SVC_ERROR;
	}
	return SVC_OK;
}

int plan_create(struct svc *s, const struct plan_input *in, int64_t *id_r)
{
	struct db_conn *c;
	struct resource res;
	int rc = case_open(s, in->case_id, A_PLAN_EDIT, true, &c, &res);
	if (rc == SVC_NOT_FOUND)
		return svc_invalid(s, N_("There is no such case."), "case_id");
	if (rc != SVC_OK)
		return rc;
	int64_t primary = 0, n = 0;
	if ((rc = check_case_open(s, c, in->case_id, &primary)) != SVC_OK ||
	    (rc = check_input(s, c, in->case_id, in)) != SVC_OK)
		goto out;
	rc = SVC_ERROR;
	if (db_query_int(c, &q_plan_count, DB_PARAMS(db_int(in->case_id)), &n, &s->error) != 1)
		goto out;
	if (n > 0) {
		s->problem = N_("This case already has a plan; edit it instead.");
		s->problem_field = "case_id";
		rc = SVC_CONFLICT;
		goto out;
	}
	int64_t resp = in->responsible_user_id;
	if (resp == 0)
		resp = s->actor->role == ROLE_CASEWORKER || s->actor->role == ROLE_MANAGER ? s->actor->user_id : primary;
	if (resp && (rc = check_responsible(s, c, resp, res.org_id)) != SVC_OK)
		goto out;
	rc = SVC_ERROR;
	/* The start of assistance: the first assistance recorded, else today. */
	const char *start = in->start_on && *in->start_on ? in->start_on : NULL;
	if (start == NULL) {
		struct db_rows *r;
		if (db_query(c, &q_first_assistance, DB_PARAMS(db_int(in->case_id)), &r, &s->error) < 0)
			goto out;
		if (db_rows_next(r, &s->error) == 1 && *db_rows_text(r, 0))
			start = arena_strdup(s->arena, db_rows_text(r, 0));
		db_rows_free(&r);
		if (start == NULL)
			start = date_of(s->arena, (int64_t)time(NULL));
	}
	const char *review = in->review_on ? in->review_on : "";
	if (*review && strcmp(review, start) < 0) {
		rc = svc_invalid(s, N_("The review date is before the start."), "review_on");
		goto out;
	}
	int64_t id = 0, now = (int64_t)time(NULL), uid = s->actor->user_id;
	if (db_query_int(c, &q_plan_insert,
			 DB_PARAMS(db_int(in->case_id), db_int(1), resp ? db_int(resp) : db_null(), db_text(start),
				   db_text(review), uid ? db_int(uid) : db_null(), db_int(now), db_int(now)),
			 &id, &s->error) != 1)
		goto out;
	if ((in->goals_given && write_goals(s, c, id, in->goals, in->ngoals) != SVC_OK) ||
	    svc_audit(s, c, "plan.create", "case", id_str(s, in->case_id), "ok",
		      arena_printf(s->arena, "plan=%lld goals=%d", (long long)id, in->goals_given ? in->ngoals : 0)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
	if (rc == SVC_OK && id_r)
		*id_r = id;
out:
	svc_abort(s, &c);
	return rc;
}

int plan_update(struct svc *s, int64_t id, int64_t version, const struct plan_input *in, int64_t *id_r)
{
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	struct resource res;
	int64_t case_id = 0;
	int rc = plan_resource(s, c, id, &case_id, &res);
	if (rc == SVC_OK && !policy_may(s->actor, A_PLAN_EDIT, &res)) {
		svc_abort(s, &c);
		return svc_may(s, A_PLAN_EDIT, &res);
	}
	struct plan cur;
	if (rc != SVC_OK || (rc = load_plan(s, c, id, &cur)) != SVC_OK ||
	    (rc = check_case_open(s, c, case_id, NULL)) != SVC_OK || (rc = check_input(s, c, case_id, in)) != SVC_OK)
		goto out;
	rc = SVC_CONFLICT;
	if (version && version != cur.version)
		goto out;
	int64_t open = 0;
	if (db_query_int(c, &q_plan_open, DB_PARAMS(db_int(case_id)), &open, &s->error) != 1) {
		rc = SVC_ERROR;
		goto out;
	}
	if (str_eq(cur.state, "superseded") || (str_eq(cur.state, "approved") && open > 0)) {
		s->problem = str_eq(cur.state, "superseded") ? N_("This version was superseded; edit the current one.")
							     : N_("A newer version of this plan is being prepared; edit that one.");
		goto out;
	}
	int64_t resp = in->responsible_user_id ? in->responsible_user_id : cur.responsible_user_id;
	if (in->responsible_user_id && (rc = check_responsible(s, c, resp, res.org_id)) != SVC_OK)
		goto out;
	rc = SVC_ERROR;
	const char *start = in->start_on && *in->start_on ? in->start_on : cur.start_on;
	const char *review = in->review_on ? in->review_on : cur.review_on;
	if (*review && strcmp(review, start) < 0) {
		rc = svc_invalid(s, N_("The review date is before the start."), "review_on");
		goto out;
	}
	int64_t now = (int64_t)time(NULL), target = id, uid = s->actor->user_id;
	bool new_version = str_eq(cur.state, "approved");
	if (new_version) {
		/* An approved plan stays as it was agreed: the change is a new version, to be approved again. */
		int64_t no = 0;
		if (db_query_int(c, &q_plan_next_no, DB_PARAMS(db_int(case_id)), &no, &s->error) != 1 ||
		    db_query_int(c, &q_plan_insert,
				 DB_PARAMS(db_int(case_id), db_int(no), resp ? db_int(resp) : db_null(), db_text(start),
					   db_text(review), uid ? db_int(uid) : db_null(), db_int(now), db_int(now)),
				 &target, &s->error) != 1)
			goto out;
		const struct plan_goal *goals = in->goals;
		int ngoals = in->ngoals;
		if (!in->goals_given) {
			if (load_goals(s, c, &cur, true) != SVC_OK)
				goto out;
			goals = cur.goals;
			ngoals = cur.ngoals;
		}
		if (write_goals(s, c, target, goals, ngoals) != SVC_OK)
			goto out;
	} else {
		int64_t n = 0;
		if (db_exec(c, &q_plan_update,
			    DB_PARAMS(resp ? db_int(resp) : db_null(), db_text(start), db_text(review), db_int(now), db_int(id),
				      db_int(cur.version)),
			    &n, &s->error) < 0)
			goto out;
		if (n != 1) {
			rc = SVC_CONFLICT;
			goto out;
		}
		if (in->goals_given && write_goals(s, c, id, in->goals, in->ngoals) != SVC_OK)
			goto out;
	}
	if (svc_audit(s, c, new_version ? "plan.new-version" : "plan.edit", "case", id_str(s, case_id), "ok",
		      arena_printf(s->arena, "plan=%lld from=%lld", (long long)target, (long long)id)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
	if (rc == SVC_OK && id_r)
		*id_r = target;
out:
	svc_abort(s, &c);
	return rc;
}

int plan_submit(struct svc *s, int64_t id)
{
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	struct resource res;
	int64_t case_id = 0, goals = 0, n = 0;
	int rc = plan_resource(s, c, id, &case_id, &res);
	if (rc == SVC_OK && !policy_may(s->actor, A_PLAN_EDIT, &res)) {
		svc_abort(s, &c);
		return svc_may(s, A_PLAN_EDIT, &res);
	}
	struct plan cur;
	if (rc != SVC_OK || (rc = load_plan(s, c, id, &cur)) != SVC_OK ||
	    (rc = check_case_open(s, c, case_id, NULL)) != SVC_OK)
		goto out;
	rc = SVC_ERROR;
	if (db_query_int(c, &q_goal_count, DB_PARAMS(db_int(id)), &goals, &s->error) != 1)
		goto out;
	if (goals == 0) {
		rc = svc_invalid(s, N_("Add at least one goal before submitting the plan."), "goals");
		goto out;
	}
	if (cur.responsible_user_id == 0) {
		rc = svc_invalid(s, N_("Choose the responsible caseworker."), "responsible_user_id");
		goto out;
	}
	if (db_exec(c, &q_plan_submit, DB_PARAMS(db_int((int64_t)time(NULL)), db_int(id)), &n, &s->error) < 0)
		goto out;
	if (n != 1) {
		s->problem = N_("Only a draft plan can be submitted.");
		rc = SVC_CONFLICT;
		goto out;
	}
	if (svc_audit(s, c, "plan.submit", "case", id_str(s, case_id), "ok",
		      arena_printf(s->arena, "plan=%lld", (long long)id)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
out:
	svc_abort(s, &c);
	return rc;
}

int plan_approve(struct svc *s, int64_t id, int *scheduled_r)
{
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	struct resource res;
	int64_t case_id = 0, n = 0;
	int rc = plan_resource(s, c, id, &case_id, &res);
	if (rc == SVC_OK && !policy_may(s->actor, A_PLAN_APPROVE, &res)) {
		svc_abort(s, &c);
		return svc_may(s, A_PLAN_APPROVE, &res);
	}
	struct plan cur;
	if (rc != SVC_OK || (rc = load_plan(s, c, id, &cur)) != SVC_OK ||
	    (rc = check_case_open(s, c, case_id, NULL)) != SVC_OK)
		goto out;
	rc = SVC_ERROR;
	int64_t now = (int64_t)time(NULL), uid = s->actor->user_id;
	if (db_exec(c, &q_plan_approve, DB_PARAMS(uid ? db_int(uid) : db_null(), db_int(now), db_int(now), db_int(id)), &n,
		    &s->error) < 0)
		goto out;
	if (n != 1) {
		s->problem = N_("Only a plan waiting for approval can be approved.");
		rc = SVC_CONFLICT;
		goto out;
	}
	int scheduled = 0;
	if (db_exec(c, &q_plan_supersede, DB_PARAMS(db_int(now), db_int(case_id), db_int(id)), NULL, &s->error) < 0 ||
	    followup_schedule_tx(s, c, case_id, id, cur.start_on, &scheduled) != SVC_OK ||
	    svc_audit(s, c, "plan.approve", "case", id_str(s, case_id), "ok",
		      arena_printf(s->arena, "plan=%lld followups=%d", (long long)id, scheduled)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
	if (rc == SVC_OK && scheduled_r)
		*scheduled_r = scheduled;
out:
	svc_abort(s, &c);
	return rc;
}

int plan_get(struct svc *s, int64_t id, struct plan *p)
{
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	struct resource res;
	int64_t case_id = 0, open = 0;
	int rc = plan_resource(s, c, id, &case_id, &res);
	if (rc == SVC_OK && !policy_may(s->actor, A_CASE_RECORDS, &res)) {
		svc_abort(s, &c);
		return svc_may(s, A_CASE_RECORDS, &res);
	}
	if (rc != SVC_OK || (rc = load_plan(s, c, id, p)) != SVC_OK || (rc = load_goals(s, c, p, true)) != SVC_OK)
		goto out;
	rc = SVC_ERROR;
	if (db_query_int(c, &q_plan_open, DB_PARAMS(db_int(case_id)), &open, &s->error) != 1 ||
	    svc_audit(s, c, "plan.view", "case", id_str(s, case_id), "ok",
		      arena_printf(s->arena, "plan=%lld", (long long)id)) != SVC_OK)
		goto out;
	bool edit = policy_may(s->actor, A_PLAN_EDIT, &res);
	p->may_edit = edit && (str_eq(p->state, "draft") || str_eq(p->state, "pending") ||
			       (str_eq(p->state, "approved") && open == 0));
	p->may_submit = edit && str_eq(p->state, "draft");
	p->may_approve = policy_may(s->actor, A_PLAN_APPROVE, &res) && str_eq(p->state, "pending");
	rc = svc_commit(s, &c);
out:
	svc_abort(s, &c);
	return rc;
}

int plan_list(struct svc *s, int64_t case_id, struct plan **rows_r, int *n_r)
{
	*n_r = 0;
	struct db_conn *c;
	struct resource res;
	int rc = case_open(s, case_id, A_CASE_RECORDS, false, &c, &res);
	if (rc != SVC_OK)
		return rc;
	rc = SVC_ERROR;
	struct db_rows *r;
	if (db_query(c, &q_plan_list, DB_PARAMS(db_int(case_id)), &r, &s->error) < 0)
		goto out;
	size_t cap = 8;
	int n = 0, q;
	struct plan *rows = arena_alloc(s->arena, sizeof *rows * cap);
	while ((q = db_rows_next(r, &s->error)) == 1) {
		rows = arena_grow(s->arena, rows, sizeof *rows, (size_t)n, &cap);
		read_plan(s, r, &rows[n++]);
	}
	db_rows_free(&r);
	if (q < 0)
		goto out;
	for (int i = 0; i < n; i++)
		if (load_goals(s, c, &rows[i], false) != SVC_OK)
			goto out;
	*rows_r = rows;
	*n_r = n;
	rc = SVC_OK;
out:
	svc_abort(s, &c);
	return rc;
}
