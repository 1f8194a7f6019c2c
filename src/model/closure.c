#include "model/closure.h"
#include "base/intl.h"
#include "base/str.h"
#include "model/case.h"
#include "model/record.h"
#include "model/sealed.h"
#include "model/survey.h"
#include "store/db.h"

#include <string.h>
#include <time.h>

static const struct field closure_sealed_fields[] = {
	{ "note", "note", FT_LONGTEXT, NULL, F_PERSONAL, 0, 4000, N_("Details"), NULL },
	{ "decision_note", "decision_note", FT_LONGTEXT, NULL, F_PERSONAL, 0, 4000, N_("Why"), NULL },
};
static const struct record_type closure_sealed = { "closure", closure_sealed_fields, 2 };

PL_DEFINE(pl_reopen_status, "reopen_status", { "FollowUp", N_("Follow Up") }, { "Active", N_("Active") });

const struct record_type closure_request_form = { "closure", (const struct field[CR__COUNT]){
	[CR_REASON] = { "closure_reason", "reason", FT_PICK, &pl_closure_reason, F_REQUIRED, 0, 0, N_("Reason for closing"), NULL },
	[CR_NOTE] = { "closure_note", "note", FT_LONGTEXT, NULL, F_PERSONAL, 0, 4000, N_("Details"), NULL },
}, CR__COUNT };
const struct record_type closure_decision_form = { "closure_decision", (const struct field[1]){
	{ "decision_note", "note", FT_LONGTEXT, NULL, F_PERSONAL, 0, 4000, N_("Why (for a rejection)"), NULL },
}, 1 };
const struct record_type closure_reopen_form = { "reopen", (const struct field[CO__COUNT]){
	[CO_STATUS] = { "reopen_status", "status", FT_PICK, &pl_reopen_status, 0, 0, 0, N_("Status after reopening"), NULL },
	[CO_REASON] = { "reopen_reason", "reason", FT_LONGTEXT, NULL, F_REQUIRED | F_PERSONAL, 0, 4000, N_("Why reopen"), NULL },
}, CO__COUNT };

DB_QUERY(q_cl_case, "SELECT status FROM cases WHERE id = ?");
DB_QUERY(q_cl_pending, "SELECT id, reason FROM closures WHERE case_id = ? AND kind = 'close' AND state = 'pending'");
DB_QUERY(q_cl_insert, "INSERT INTO closures (case_id, kind, reason, to_status, state, requested_by, requested_at,"
		      " decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
DB_QUERY(q_cl_decide, "UPDATE closures SET state = ?, decided_by = ?, decided_at = ? WHERE id = ? AND state = 'pending'");
DB_QUERY(q_cl_case_set, "UPDATE cases SET status = ?, closed_on = ?, closure_reason = ?, updated_at = ?,"
			" version = version + 1 WHERE id = ?");
DB_QUERY(q_cl_history, "INSERT INTO case_history (case_id, at, by_user_id, change) VALUES (?, ?, ?, ?)");
DB_QUERY(q_cl_list, "SELECT l.id, l.kind, l.reason, l.to_status, l.state, l.requested_at, COALESCE(l.decided_at, 0),"
		    " COALESCE(ru.display_name, 'console'), COALESCE(du.display_name, '') FROM closures l"
		    " LEFT JOIN users ru ON ru.id = l.requested_by LEFT JOIN users du ON du.id = l.decided_by"
		    " WHERE l.case_id = ? ORDER BY l.id DESC LIMIT 200");

static const char *id_str(struct svc *s, int64_t id)
{
	return arena_printf(s->arena, "%lld", (long long)id);
}

static bool blank(const char *t)
{
	return t == NULL || t[strspn(t, " \t\r\n")] == '\0';
}

static int check_text(struct svc *s, const char *t, const char *field)
{
	if (t && (strlen(t) > 4000 || !str_valid_utf8_text(t, strlen(t), true)))
		return svc_invalid(s, N_("The text is too long (at most 4000 characters)."), field);
	return SVC_OK;
}

/* Opens the transaction, finds the case and asks policy; *status_r the case's status. */
static struct db_conn *begin_for(struct svc *s, int64_t case_id, enum action act, const char **status_r, int *rc_r)
{
	struct db_conn *c;
	struct resource res;
	int rc = case_open(s, case_id, act, true, &c, &res);
	struct db_rows *r;
	if (rc == SVC_OK && db_query(c, &q_cl_case, DB_PARAMS(db_int(case_id)), &r, &s->error) == 0) {
		rc = db_rows_next(r, &s->error) == 1 ? SVC_OK : SVC_ERROR;
		*status_r = arena_strdup(s->arena, db_rows_text(r, 0));
		db_rows_free(&r);
	} else if (rc == SVC_OK) {
		rc = SVC_ERROR;
	}
	if (rc != SVC_OK) {
		svc_abort(s, &c);
		*rc_r = rc;
		return NULL;
	}
	return c;
}

static int history(struct svc *s, struct db_conn *c, int64_t case_id, const char *change)
{
	int64_t uid = s->actor->user_id;
	return db_exec(c, &q_cl_history,
		       DB_PARAMS(db_int(case_id), db_int((int64_t)time(NULL)), uid ? db_int(uid) : db_null(), db_text(change)),
		       NULL, &s->error) < 0 ? SVC_ERROR : SVC_OK;
}

int closure_request(struct svc *s, int64_t case_id, const char *reason, const char *note, int64_t *id_r)
{
	if (!picklist_has(&pl_closure_reason, reason ? reason : ""))
		return svc_invalid(s, N_("Choose the reason for closing the case."), "reason");
	int rc = check_text(s, note, "note");
	if (rc != SVC_OK)
		return rc;
	const char *status = "";
	struct db_conn *c = begin_for(s, case_id, A_CASE_CLOSE_REQUEST, &status, &rc);
	if (c == NULL)
		return rc;
	rc = SVC_CONFLICT;
	if (str_starts(status, "Closed")) {
		s->problem = N_("The case is already closed.");
		goto out;
	}
	struct db_rows *r;
	if (db_query(c, &q_cl_pending, DB_PARAMS(db_int(case_id)), &r, &s->error) < 0) {
		rc = SVC_ERROR;
		goto out;
	}
	int pending = db_rows_next(r, &s->error);
	db_rows_free(&r);
	if (pending != 0) {
		rc = pending < 0 ? SVC_ERROR : SVC_CONFLICT;
		s->problem = N_("A request to close this case is already waiting for a manager.");
		goto out;
	}
	rc = SVC_ERROR;
	int64_t id = 0, uid = s->actor->user_id;
	if (db_query_int(c, &q_cl_insert,
			 DB_PARAMS(db_int(case_id), db_text("close"), db_text(reason), db_text(""), db_text("pending"),
				   uid ? db_int(uid) : db_null(), db_int((int64_t)time(NULL)), db_null(), db_null()),
			 &id, &s->error) != 1 ||
	    sealed_put(c, s->key, SEALED_CLOSURE, id, "note", blank(note) ? "" : note, &s->error) < 0 ||
	    svc_audit(s, c, "case.close_request", "case", id_str(s, case_id), "ok",
		      arena_printf(s->arena, "closure=%lld reason=%s", (long long)id, reason)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
	if (rc == SVC_OK && id_r)
		*id_r = id;
out:
	svc_abort(s, &c);
	return rc;
}

int closure_decide(struct svc *s, int64_t case_id, bool approve, const char *note)
{
	int rc = check_text(s, note, "note");
	if (rc != SVC_OK)
		return rc;
	const char *status = "";
	struct db_conn *c = begin_for(s, case_id, A_CASE_CLOSE_APPROVE, &status, &rc);
	if (c == NULL)
		return rc;
	rc = SVC_ERROR;
	struct db_rows *r;
	if (db_query(c, &q_cl_pending, DB_PARAMS(db_int(case_id)), &r, &s->error) < 0)
		goto out;
	int found = db_rows_next(r, &s->error);
	int64_t id = found == 1 ? db_rows_int(r, 0) : 0;
	const char *reason = found == 1 ? arena_strdup(s->arena, db_rows_text(r, 1)) : "";
	db_rows_free(&r);
	if (found < 0)
		goto out;
	if (found == 0) {
		s->problem = N_("There is no request to close this case.");
		rc = SVC_CONFLICT;
		goto out;
	}
	int64_t now = (int64_t)time(NULL), uid = s->actor->user_id, n = 0;
	if (db_exec(c, &q_cl_decide, DB_PARAMS(db_text(approve ? "approved" : "rejected"), uid ? db_int(uid) : db_null(),
					       db_int(now), db_int(id)),
		    &n, &s->error) < 0)
		goto out;
	if (n != 1) {
		rc = SVC_CONFLICT;
		goto out;
	}
	if (approve &&
	    (db_exec(c, &q_cl_case_set, DB_PARAMS(db_text("Closed"), db_text(date_of(s->arena, now)), db_text(reason),
						  db_int(now), db_int(case_id)),
		     NULL, &s->error) < 0 ||
	     history(s, c, case_id, arena_printf(s->arena, "{\"closed\":\"%s\"}", reason)) != SVC_OK))
		goto out;
	if (sealed_put(c, s->key, SEALED_CLOSURE, id, "decision_note", blank(note) ? "" : note, &s->error) < 0 ||
	    svc_audit(s, c, approve ? "case.close_approve" : "case.close_reject", "case", id_str(s, case_id), "ok",
		      arena_printf(s->arena, "closure=%lld reason=%s", (long long)id, reason)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
out:
	svc_abort(s, &c);
	return rc;
}

int closure_reopen(struct svc *s, int64_t case_id, const char *to_status, const char *reason)
{
	const char *to = to_status && *to_status ? to_status : "FollowUp";
	if (!str_eq(to, "FollowUp") && !str_eq(to, "Active"))
		return svc_invalid(s, N_("A reopened case is followed up or active."), "status");
	if (blank(reason))
		return svc_invalid(s, N_("Say why the case is reopened."), "reason");
	int rc = check_text(s, reason, "reason");
	if (rc != SVC_OK)
		return rc;
	const char *status = "";
	struct db_conn *c = begin_for(s, case_id, A_CASE_REOPEN, &status, &rc);
	if (c == NULL)
		return rc;
	rc = SVC_CONFLICT;
	if (!str_starts(status, "Closed")) {
		s->problem = N_("Only a closed case can be reopened.");
		goto out;
	}
	rc = SVC_ERROR;
	int64_t id = 0, now = (int64_t)time(NULL), uid = s->actor->user_id;
	if (db_query_int(c, &q_cl_insert,
			 DB_PARAMS(db_int(case_id), db_text("reopen"), db_text(""), db_text(to), db_text("approved"),
				   uid ? db_int(uid) : db_null(), db_int(now), uid ? db_int(uid) : db_null(), db_int(now)),
			 &id, &s->error) != 1 ||
	    sealed_put(c, s->key, SEALED_CLOSURE, id, "note", reason, &s->error) < 0 ||
	    db_exec(c, &q_cl_case_set, DB_PARAMS(db_text(to), db_text(""), db_text(""), db_int(now), db_int(case_id)), NULL,
		    &s->error) < 0 ||
	    history(s, c, case_id, arena_printf(s->arena, "{\"reopened\":\"%s\"}", to)) != SVC_OK ||
	    svc_audit(s, c, "case.reopen", "case", id_str(s, case_id), "ok",
		      arena_printf(s->arena, "closure=%lld status=%s", (long long)id, to)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
out:
	svc_abort(s, &c);
	return rc;
}

int closure_list(struct svc *s, int64_t case_id, bool open_sealed, struct closure **rows_r, int *n_r)
{
	*n_r = 0;
	struct db_conn *c;
	struct resource res;
	int rc = case_open(s, case_id, A_CASE_RECORDS, open_sealed, &c, &res);
	if (rc != SVC_OK)
		return rc;
	rc = SVC_ERROR;
	struct db_rows *r;
	if (db_query(c, &q_cl_list, DB_PARAMS(db_int(case_id)), &r, &s->error) < 0)
		goto out;
	struct closure *rows = arena_alloc(s->arena, sizeof *rows * 200);
	int n = 0, q;
	while ((q = db_rows_next(r, &s->error)) == 1 && n < 200) {
		struct closure *x = &rows[n++];
		memset(x, 0, sizeof *x);
		x->id = db_rows_int(r, 0);
		x->case_id = case_id;
		x->kind = arena_strdup(s->arena, db_rows_text(r, 1));
		x->reason = arena_strdup(s->arena, db_rows_text(r, 2));
		x->to_status = arena_strdup(s->arena, db_rows_text(r, 3));
		x->state = arena_strdup(s->arena, db_rows_text(r, 4));
		x->requested_at = db_rows_int(r, 5);
		x->decided_at = db_rows_int(r, 6);
		x->requested_by = arena_strdup(s->arena, db_rows_text(r, 7));
		x->decided_by = arena_strdup(s->arena, db_rows_text(r, 8));
		x->note = x->decision_note = "";
	}
	db_rows_free(&r);
	if (q < 0)
		goto out;
	if (open_sealed && n > 0) {
		for (int i = 0; i < n; i++) {
			const char *v[2];
			if (sealed_get_record(c, s->key, SEALED_CLOSURE, rows[i].id, &closure_sealed, s->arena, v, &s->error) < 0)
				goto out;
			rows[i].note = v[0];
			rows[i].decision_note = v[1];
		}
		if (svc_audit(s, c, "closure.view-sealed", "case", id_str(s, case_id), "ok", "") != SVC_OK ||
		    svc_commit(s, &c) != SVC_OK)
			goto out;
	}
	*rows_r = rows;
	*n_r = n;
	rc = SVC_OK;
out:
	svc_abort(s, &c);
	return rc;
}
