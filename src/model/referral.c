#include "model/referral.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/embedded.h"
#include "base/intl.h"
#include "base/str.h"
#include "model/case.h"
#include "model/consent.h"
#include "model/person.h"
#include "model/sealed.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

PL_DEFINE(pl_urgency, "urgency",
	  { "emergency", N_("Emergency") }, { "urgent", N_("Urgent") }, { "normal", N_("Normal") });

PL_DEFINE(pl_referral_state, "referral_state",
	  { "sent", N_("Sent") }, { "accepted", N_("Accepted") }, { "declined", N_("Declined") },
	  { "expired", N_("Expired") }, { "cancelled", N_("Cancelled") }, { "in_progress", N_("In progress") },
	  { "completed", N_("Completed") }, { "closed_unfinished", N_("Closed unfinished") });

/* What a referral may carry.  The first six are the minimum. */
PL_DEFINE(pl_shareable, "shareable",
	  { "case_code", N_("Case code") }, { "age_band", N_("Age band") }, { "gender", N_("Gender") },
	  { "languages", N_("Languages") }, { "needs", N_("Needs") }, { "safe_contact", N_("Safe way to contact her") },
	  { "names", N_("Names") }, { "birthdate", N_("Date of birth") }, { "phones", N_("Phones") },
	  { "address", N_("Address") }, { "citizenship", N_("Citizenship") }, { "region", N_("Region of residence") },
	  { "experience", N_("Trafficking experience") }, { "id_document", N_("Identity document") });

/* How long the receiving organization keeps seeing the shared fields after a referral ends. */
#define VISIBLE_AFTER_CLOSE (30 * 24 * 3600)

DB_QUERY(q_ref_org, "SELECT id, status, services FROM organizations WHERE code = ?");
DB_QUERY(q_ref_dir_offers, "SELECT COUNT(*) FROM directory WHERE org_id = ? AND service = ?");
DB_QUERY(q_ref_insert,
	 "INSERT INTO referrals (case_id, from_org_id, to_org_id, services, urgency, state, shared_fields,"
	 " consent_override, deadline_at, created_by, created_at, updated_at)"
	 " VALUES (?, ?, ?, ?, ?, 'sent', ?, ?, ?, ?, ?, ?) RETURNING id");
DB_QUERY(q_ref_event, "INSERT INTO referral_events (referral_id, at, by_user_id, from_state, to_state)"
		      " VALUES (?, ?, ?, ?, ?)");
DB_QUERY(q_ref_inbox, "INSERT INTO inbox (org_id, user_id, kind, referral_id, created_at) VALUES (?, ?, ?, ?, ?)");
DB_QUERY(q_ref_managers, "SELECT id FROM users WHERE org_id = ? AND role = 'manager' AND status = 'active'");
#define REF_COLS "r.id, r.case_id, r.from_org_id, r.to_org_id, r.deadline_at, COALESCE(r.answered_at, 0)," \
	" COALESCE(r.closed_at, 0), COALESCE(r.visible_until, 0), r.created_at, r.version, c.code, fo.code, to2.code," \
	" r.services, r.urgency, r.state, r.shared_fields, r.consent_override"
#define REF_FROM " FROM referrals r JOIN cases c ON c.id = r.case_id JOIN organizations fo ON fo.id = r.from_org_id" \
	" JOIN organizations to2 ON to2.id = r.to_org_id"
DB_QUERY(q_ref_get, "SELECT " REF_COLS REF_FROM " WHERE r.id = ?");
/* Lists: the organization's own (0: the console, every one), in either or one direction, of one case or all. */
DB_QUERY(q_ref_list, "SELECT " REF_COLS REF_FROM " WHERE (? = 0 OR r.to_org_id = ? OR r.from_org_id = ?)"
		     " AND (? = '' OR (? = 'in' AND r.to_org_id = ?) OR (? = 'out' AND r.from_org_id = ?))"
		     " AND (? = 0 OR r.case_id = ?) AND (? = '' OR r.state = ?)"
		     " ORDER BY r.id DESC LIMIT ? OFFSET ?");
DB_QUERY(q_ref_events, "SELECT e.at, COALESCE(u.display_name, 'console'), COALESCE(o.code, ''), e.from_state,"
		       " e.to_state FROM referral_events e LEFT JOIN users u ON u.id = e.by_user_id"
		       " LEFT JOIN organizations o ON o.id = u.org_id WHERE e.referral_id = ? ORDER BY e.id LIMIT 100");
DB_QUERY(q_ref_move, "UPDATE referrals SET state = ?, answered_at = COALESCE(answered_at, ?), closed_at = ?,"
		     " visible_until = ?, updated_at = ?, version = version + 1"
		     " WHERE id = ? AND (state = ? OR state = ? OR state = ?)");
DB_QUERY(q_ref_state, "SELECT state FROM referrals WHERE id = ?");
DB_QUERY(q_ref_due, "SELECT id, case_id, from_org_id, to_org_id FROM referrals WHERE state = 'sent' AND deadline_at < ?"
		    " ORDER BY id LIMIT 200");
DB_QUERY(q_ref_expire, "UPDATE referrals SET state = 'expired', closed_at = ?, visible_until = ?, updated_at = ?,"
		       " version = version + 1 WHERE id = ? AND state = 'sent'");
DB_QUERY(q_ref_person_access, "SELECT r.shared_fields FROM referrals r JOIN cases c ON c.id = r.case_id"
			       " WHERE c.person_id = ? AND r.to_org_id = ?"
			       " AND (r.state IN ('sent', 'accepted', 'in_progress') OR COALESCE(r.visible_until, 0) > ?)");
DB_QUERY(q_ref_access, "SELECT shared_fields FROM referrals WHERE case_id = ? AND to_org_id = ?"
		       " AND (state IN ('sent', 'accepted', 'in_progress') OR COALESCE(visible_until, 0) > ?)");

static bool list_has(const char *list, const char *item, size_t n)
{
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l == n && strncmp(p, item, n) == 0)
			return true;
		p += l + (e ? 1 : 0);
	}
	return false;
}

/* Each item of a comma list, in turn: for (const char *it = list; next_item(&it, buf, sizeof buf);) */
static bool next_item(const char **p, char *out, size_t cap)
{
	while (**p == ',')
		(*p)++;
	if (**p == '\0')
		return false;
	const char *e = strchr(*p, ',');
	size_t l = e ? (size_t)(e - *p) : strlen(*p);
	snprintf(out, cap, "%.*s", (int)l, *p);
	*p += l;
	return true;
}

int64_t referral_deadline_hours(const char *services, const char *urgency)
{
	const struct embedded_file *f = embedded_find(embedded_data, "referral_deadlines.csv");
	int64_t best = 0;
	if (f) {
		struct arena *a = arena_new(4096);
		const char *pos = (const char *)f->data, *end = pos + f->len;
		const char *fl[CSV_MAX_FIELDS];
		int k;
		while ((k = csv_next(a, &pos, end, fl, CSV_MAX_FIELDS)) > 0) {
			if (k < 3 || fl[0][0] == '#' || str_eq(fl[0], "service"))
				continue;
			bool svc_ok = str_eq(fl[0], "*") || list_has(services, fl[0], strlen(fl[0]));
			bool urg_ok = str_eq(fl[1], "*") || str_eq(fl[1], urgency);
			if (svc_ok && urg_ok) {
				best = strtoll(fl[2], NULL, 10);
				break;
			}
		}
		arena_free(&a);
	}
	return best > 0 ? best : 168;
}

static int add_event(struct svc *s, struct db_conn *c, int64_t id, const char *from, const char *to, int64_t now)
{
	int64_t uid = s->actor->user_id;
	return db_exec(c, &q_ref_event, DB_PARAMS(db_int(id), db_int(now), uid ? db_int(uid) : db_null(), db_text(from),
						  db_text(to)),
		       NULL, &s->error) < 0 ? SVC_ERROR : SVC_OK;
}

/* An inbox item for an organization (user 0) or one user. */
static int notify(struct svc *s, struct db_conn *c, int64_t org, int64_t user, const char *kind, int64_t id, int64_t now)
{
	return db_exec(c, &q_ref_inbox, DB_PARAMS(db_int(org), user ? db_int(user) : db_null(), db_text(kind), db_int(id),
						  db_int(now)),
		       NULL, &s->error) < 0 ? SVC_ERROR : SVC_OK;
}

int referral_create(struct svc *s, const struct referral_new *n, int64_t *id_r)
{
	const char *urgency = n->urgency && *n->urgency ? n->urgency : "normal";
	const char *shared = n->shared_fields ? n->shared_fields : REFERRAL_MINIMUM_FIELDS;
	char item[64];
	if (!picklist_has(&pl_urgency, urgency))
		return svc_invalid(s, N_("Choose one of the listed values."), "urgency");
	if (n->services == NULL || *n->services == '\0')
		return svc_invalid(s, N_("Choose at least one service."), "services");
	for (const char *p = n->services; next_item(&p, item, sizeof item);)
		if (!picklist_has(&pl_service, item))
			return svc_invalid(s, N_("Choose only listed values, each once."), "services");
	for (const char *p = shared; next_item(&p, item, sizeof item);)
		if (!picklist_has(&pl_shareable, item))
			return svc_invalid(s, N_("Choose only listed values, each once."), "shared_fields");
	if (!list_has(shared, "case_code", 9))
		shared = arena_printf(s->arena, "case_code%s%s", *shared ? "," : "", shared);
	const char *reason = n->reason ? n->reason : "";
	if (strspn(reason, " \t\r\n") == strlen(reason))
		return svc_invalid(s, N_("Say why she is referred."), "reason");
	if (n->override_consent && (n->override_reason == NULL || strspn(n->override_reason, " \t\r\n") == strlen(n->override_reason)))
		return svc_invalid(s, N_("An override of consent needs a written reason."), "override_reason");
	struct db_conn *c;
	struct resource res;
	int rc = case_open(s, n->case_id, A_REFERRAL_SEND, true, &c, &res);
	if (rc != SVC_OK)
		return rc;
	/* The receiving organization: in the network, active, offering every service asked for. */
	struct db_rows *r;
	rc = SVC_ERROR;
	if (db_query(c, &q_ref_org, DB_PARAMS(db_text(n->to_org ? n->to_org : "")), &r, &s->error) < 0)
		goto out;
	int found = db_rows_next(r, &s->error);
	int64_t to_id = found == 1 ? db_rows_int(r, 0) : 0;
	bool active = found == 1 && str_eq(db_rows_text(r, 1), "active");
	char *offered = found == 1 ? arena_strdup(s->arena, db_rows_text(r, 2)) : "";
	db_rows_free(&r);
	if (found < 0)
		goto out;
	if (found == 0) {
		rc = svc_invalid(s, N_("There is no organization with this code."), "to_org");
		goto out;
	}
	if (to_id == res.org_id) {
		rc = svc_invalid(s, N_("A case is referred to another organization, not to its own."), "to_org");
		goto out;
	}
	if (!active) {
		rc = svc_invalid(s, N_("This organization is suspended or has left the network: it cannot receive referrals."),
				 "to_org");
		goto out;
	}
	for (const char *p = n->services; next_item(&p, item, sizeof item);) {
		int64_t in_dir = 0;
		if (db_query_int(c, &q_ref_dir_offers, DB_PARAMS(db_int(to_id), db_text(item)), &in_dir, &s->error) < 0)
			goto out;
		if (in_dir == 0 && !list_has(offered, item, strlen(item))) {
			rc = svc_invalid(s, N_("This organization does not offer one of the services asked for."), "services");
			goto out;
		}
	}
	/* Consent first: without a referral consent that covers the organization and the services,
	 * nothing is shared, unless a manager overrides with a reason (and a recent password). */
	int covered = consent_covers_referral(c, n->case_id, n->to_org, n->services, &s->error);
	if (covered < 0)
		goto out;
	if (!covered && !n->override_consent) {
		rc = svc_invalid(s, N_("She has not consented to this referral. Record her consent first; only a manager may override it, with a reason."),
				 "consent");
		goto out;
	}
	bool overriding = !covered;
	if (overriding) {
		if (!policy_may(s->actor, A_CONSENT_OVERRIDE, &res)) {
			svc_abort(s, &c);
			return svc_may(s, A_CONSENT_OVERRIDE, &res);
		}
		if ((int64_t)time(NULL) - s->actor->reauth_at > REAUTH_SECONDS && s->actor->role != ROLE_SYSTEM) {
			rc = svc_invalid(s, N_("Confirm your password first, then repeat the action."), "password");
			goto out;
		}
	}
	int64_t now = (int64_t)time(NULL), id = 0, uid = s->actor->user_id;
	int64_t deadline = now + referral_deadline_hours(n->services, urgency) * 3600;
	if (db_query_int(c, &q_ref_insert,
			 DB_PARAMS(db_int(n->case_id), db_int(res.org_id), db_int(to_id), db_text(n->services),
				   db_text(urgency), db_text(shared), db_int(overriding), db_int(deadline),
				   uid ? db_int(uid) : db_null(), db_int(now), db_int(now)),
			 &id, &s->error) != 1)
		goto out;
	if (sealed_put(c, s->key, SEALED_REFERRAL, id, "reason", reason, &s->error) < 0 ||
	    (overriding && sealed_put(c, s->key, SEALED_REFERRAL, id, "override_reason", n->override_reason, &s->error) < 0) ||
	    add_event(s, c, id, "", "sent", now) != SVC_OK || notify(s, c, to_id, 0, "referral.new", id, now) != SVC_OK)
		goto out;
	const char *oid = arena_printf(s->arena, "%lld", (long long)id);
	if (overriding && svc_audit(s, c, "consent.override", "referral", oid, "ok",
				    arena_printf(s->arena, "case=%lld", (long long)n->case_id)) != SVC_OK)
		goto out;
	if (svc_audit(s, c, "referral.send", "referral", oid, "ok",
		      arena_printf(s->arena, "case=%lld to=%s services=%s shared=%s urgency=%s", (long long)n->case_id,
				   n->to_org, n->services, shared, urgency)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
	if (rc == SVC_OK)
		*id_r = id;
out:
	svc_abort(s, &c);
	return rc;
}

static void read_ref(struct svc *s, struct db_rows *r, struct referral *x)
{
	memset(x, 0, sizeof *x);
	x->id = db_rows_int(r, 0);
	x->case_id = db_rows_int(r, 1);
	x->from_org_id = db_rows_int(r, 2);
	x->to_org_id = db_rows_int(r, 3);
	x->deadline_at = db_rows_int(r, 4);
	x->answered_at = db_rows_int(r, 5);
	x->closed_at = db_rows_int(r, 6);
	x->visible_until = db_rows_int(r, 7);
	x->created_at = db_rows_int(r, 8);
	x->version = db_rows_int(r, 9);
	x->case_code = arena_strdup(s->arena, db_rows_text(r, 10));
	x->from_org = arena_strdup(s->arena, db_rows_text(r, 11));
	x->to_org = arena_strdup(s->arena, db_rows_text(r, 12));
	x->services = arena_strdup(s->arena, db_rows_text(r, 13));
	x->urgency = arena_strdup(s->arena, db_rows_text(r, 14));
	x->state = arena_strdup(s->arena, db_rows_text(r, 15));
	x->shared_fields = arena_strdup(s->arena, db_rows_text(r, 16));
	x->consent_override = db_rows_int(r, 17) != 0;
	x->reason = x->decline_reason = x->outcome = x->override_reason = "";
}

/* Sender or receiver: the only organizations that see a referral. */
static bool party(const struct svc *s, const struct referral *x)
{
	return s->actor->role == ROLE_SYSTEM || s->actor->org_id == x->from_org_id || s->actor->org_id == x->to_org_id;
}

static int load_ref(struct svc *s, struct db_conn *c, int64_t id, struct referral *x)
{
	struct db_rows *r;
	if (db_query(c, &q_ref_get, DB_PARAMS(db_int(id)), &r, &s->error) < 0)
		return SVC_ERROR;
	int rc = db_rows_next(r, &s->error);
	if (rc == 1)
		read_ref(s, r, x);
	db_rows_free(&r);
	return rc < 0 ? SVC_ERROR : rc == 0 ? SVC_NOT_FOUND : SVC_OK;
}

/* The transitions of a referral, oldest first, in the caller's transaction. */
static int load_events(struct svc *s, struct db_conn *c, struct referral *x)
{
	struct db_rows *r;
	if (db_query(c, &q_ref_events, DB_PARAMS(db_int(x->id)), &r, &s->error) < 0)
		return SVC_ERROR;
	struct referral_event *ev = arena_alloc(s->arena, sizeof *ev * 100);
	int n = 0, q;
	while ((q = db_rows_next(r, &s->error)) == 1 && n < 100) {
		ev[n].at = db_rows_int(r, 0);
		ev[n].by = arena_strdup(s->arena, db_rows_text(r, 1));
		ev[n].by_org = arena_strdup(s->arena, db_rows_text(r, 2));
		ev[n].from_state = arena_strdup(s->arena, db_rows_text(r, 3));
		ev[n].to_state = arena_strdup(s->arena, db_rows_text(r, 4));
		n++;
	}
	db_rows_free(&r);
	x->events = ev;
	x->nevents = n;
	return q < 0 ? SVC_ERROR : SVC_OK;
}

int referral_get(struct svc *s, int64_t id, struct referral *x)
{
	int rc = svc_may(s, A_REFERRAL_LIST, NULL);
	if (rc != SVC_OK)
		return rc;
	/* A write transaction: opening the sealed texts is recorded in the audit trail. */
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	if ((rc = load_ref(s, c, id, x)) == SVC_OK && !party(s, x))
		rc = SVC_NOT_FOUND; /* another organization's referral is not confirmed to exist */
	if (rc != SVC_OK)
		goto out;
	const char *v[4] = { "", "", "", "" };
	static const struct field ff[4] = {
		{ "reason", "reason", FT_LONGTEXT, NULL, F_PERSONAL, 0, 0, "", NULL },
		{ "decline_reason", "decline_reason", FT_LONGTEXT, NULL, F_PERSONAL, 0, 0, "", NULL },
		{ "outcome", "outcome", FT_LONGTEXT, NULL, F_PERSONAL, 0, 0, "", NULL },
		{ "override_reason", "override_reason", FT_LONGTEXT, NULL, F_PERSONAL, 0, 0, "", NULL },
	};
	static const struct record_type rt = { "referral", ff, 4 };
	rc = SVC_ERROR;
	if (sealed_get_record(c, s->key, SEALED_REFERRAL, id, &rt, s->arena, v, &s->error) < 0 ||
	    load_events(s, c, x) != SVC_OK)
		goto out;
	bool sender = s->actor->role == ROLE_SYSTEM || s->actor->org_id == x->from_org_id;
	x->reason = v[0];
	x->decline_reason = v[1];
	x->outcome = v[2];
	/* Why her consent was overridden is the sending organization's own justification. */
	x->override_reason = sender ? v[3] : "";
	/* What the actor may do now, asked of policy as referral_transition will ask it (nothing audited). */
	struct resource ans = { .org_id = x->from_org_id, .referred = s->actor->org_id == x->to_org_id };
	x->may_answer = s->actor->org_id == x->to_org_id && policy_may(s->actor, A_REFERRAL_ANSWER, &ans);
	if (sender && s->actor->role != ROLE_SYSTEM) {
		struct resource cres;
		if (case_resource(s, c, x->case_id, &cres, NULL) != SVC_OK)
			goto out;
		x->may_cancel = policy_may(s->actor, A_REFERRAL_CANCEL, &cres);
	}
	if (svc_audit(s, c, "referral.view", "referral", arena_printf(s->arena, "%lld", (long long)id), "ok", "") !=
	    SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
out:
	svc_abort(s, &c);
	return rc;
}

int referral_list(struct svc *s, const struct referral_filter *f, struct referral **rows_r, int *n_r, bool *more_r)
{
	*n_r = 0;
	*more_r = false;
	int rc = svc_may(s, A_REFERRAL_LIST, NULL);
	if (rc != SVC_OK)
		return rc;
	int limit = f->limit > 0 && f->limit <= 200 ? f->limit : 50;
	const char *st = f->state ? f->state : "";
	if (*st && !picklist_has(&pl_referral_state, st))
		return svc_invalid(s, N_("Choose one of the listed values."), "state");
	if (f->direction && *f->direction && !str_eq(f->direction, "in") && !str_eq(f->direction, "out"))
		return svc_invalid(s, N_("Choose one of the listed values."), "direction");
	struct db_conn *c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	struct db_rows *r;
	/* The console sees every organization's referrals, so a direction means nothing to it. */
	int64_t org = s->actor->role == ROLE_SYSTEM ? 0 : s->actor->org_id;
	const char *dir = org && f->direction ? f->direction : "";
	int q = db_query(c, &q_ref_list,
			 DB_PARAMS(db_int(org), db_int(org), db_int(org), db_text(dir), db_text(dir), db_int(org), db_text(dir),
				   db_int(org), db_int(f->case_id), db_int(f->case_id), db_text(st), db_text(st),
				   db_int(limit + 1), db_int(f->offset > 0 ? f->offset : 0)),
			 &r, &s->error);
	if (q < 0) {
		svc_abort(s, &c);
		return SVC_ERROR;
	}
	struct referral *rows = arena_alloc(s->arena, sizeof *rows * (size_t)(limit + 1));
	int n = 0;
	while ((q = db_rows_next(r, &s->error)) == 1) {
		if (n == limit) {
			*more_r = true;
			break;
		}
		read_ref(s, r, &rows[n++]);
	}
	db_rows_free(&r);
	svc_abort(s, &c);
	if (q < 0)
		return SVC_ERROR;
	*rows_r = rows;
	*n_r = n;
	return SVC_OK;
}

struct move {
	const char *action, *to;
	const char *from[3];
	bool receiver;   /* the receiving organization acts; else the sender */
	const char *text_field; /* sealed text this transition requires, or NULL */
	bool closes;
};

static const struct move moves[] = {
	{ "accept", "accepted", { "sent", "sent", "sent" }, true, NULL, false },
	{ "decline", "declined", { "sent", "sent", "sent" }, true, "decline_reason", true },
	{ "start", "in_progress", { "accepted", "accepted", "accepted" }, true, NULL, false },
	{ "complete", "completed", { "accepted", "in_progress", "in_progress" }, true, "outcome", true },
	{ "close", "closed_unfinished", { "accepted", "in_progress", "in_progress" }, true, "outcome", true },
	{ "cancel", "cancelled", { "sent", "accepted", "in_progress" }, false, NULL, true },
};

int referral_transition(struct svc *s, int64_t id, const char *action, const char *text)
{
	const struct move *m = NULL;
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
		if (str_eq(moves[i].action, action))
			m = &moves[i];
	if (m == NULL)
		return svc_invalid(s, N_("There is no such step for a referral."), "action");
	if (m->text_field && (text == NULL || strspn(text, " \t\r\n") == strlen(text)))
		return svc_invalid(s, str_eq(m->text_field, "outcome") ? N_("Describe the outcome of the service.")
								   : N_("Give the reason."),
				   m->text_field);
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	struct referral x;
	int rc = load_ref(s, c, id, &x);
	if (rc == SVC_OK && !party(s, &x))
		rc = SVC_NOT_FOUND;
	if (rc != SVC_OK)
		goto out;
	/* The receiver acts through the referral; the sender on its own case. */
	struct resource res = { .org_id = m->receiver ? x.to_org_id : x.from_org_id };
	if (m->receiver) {
		res.referred = s->actor->org_id == x.to_org_id;
		res.org_id = x.from_org_id;
	} else {
		struct resource cres;
		if ((rc = case_resource(s, c, x.case_id, &cres, NULL)) != SVC_OK)
			goto out;
		res = cres;
	}
	enum action act = m->receiver ? A_REFERRAL_ANSWER : A_REFERRAL_CANCEL;
	if (!policy_may(s->actor, act, &res)) {
		svc_abort(s, &c);
		return svc_may(s, act, &res);
	}
	int64_t now = (int64_t)time(NULL), changed = 0;
	int64_t closed = m->closes ? now : 0;
	/* Declined or cancelled: the receiver's view ends now; finished work stays visible a while. */
	int64_t visible = str_eq(m->to, "declined") || str_eq(m->to, "cancelled") ? now
			  : m->closes ? now + VISIBLE_AFTER_CLOSE : 0;
	rc = SVC_ERROR;
	if (db_exec(c, &q_ref_move,
		    DB_PARAMS(db_text(m->to), db_int(now), closed ? db_int(closed) : db_null(),
			      visible ? db_int(visible) : db_null(), db_int(now), db_int(id), db_text(m->from[0]),
			      db_text(m->from[1]), db_text(m->from[2])),
		    &changed, &s->error) < 0)
		goto out;
	if (changed == 0) {
		/* Someone else answered first, or the sender cancelled, or it expired: say what it is now. */
		char now_state[32] = "";
		struct db_rows *r;
		if (db_query(c, &q_ref_state, DB_PARAMS(db_int(id)), &r, &s->error) == 0) {
			if (db_rows_next(r, &s->error) == 1)
				snprintf(now_state, sizeof now_state, "%s", db_rows_text(r, 0));
			db_rows_free(&r);
		}
		s->problem = N_("The referral is no longer in a state that allows this step; reload it.");
		s->problem_field = arena_strdup(s->arena, now_state);
		rc = SVC_CONFLICT;
		goto out;
	}
	if ((m->text_field && sealed_put(c, s->key, SEALED_REFERRAL, id, m->text_field, text, &s->error) < 0) ||
	    add_event(s, c, id, x.state, m->to, now) != SVC_OK ||
	    notify(s, c, m->receiver ? x.from_org_id : x.to_org_id, 0, arena_printf(s->arena, "referral.%s", m->to), id,
		   now) != SVC_OK ||
	    svc_audit(s, c, arena_printf(s->arena, "referral.%s", m->action), "referral",
		      arena_printf(s->arena, "%lld", (long long)id), "ok",
		      arena_printf(s->arena, "from=%s to=%s", x.state, m->to)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
out:
	svc_abort(s, &c);
	return rc;
}

int referral_expire_due(struct svc *s, int64_t now, int *expired_r)
{
	*expired_r = 0;
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	struct db_rows *r;
	int rc = SVC_ERROR;
	if (db_query(c, &q_ref_due, DB_PARAMS(db_int(now)), &r, &s->error) < 0)
		goto out;
	int64_t due[200][3];
	int n = 0;
	while (n < 200 && db_rows_next(r, &s->error) == 1) {
		due[n][0] = db_rows_int(r, 0);
		due[n][1] = db_rows_int(r, 2);
		due[n][2] = db_rows_int(r, 3);
		n++;
	}
	db_rows_free(&r);
	for (int i = 0; i < n; i++) {
		int64_t changed = 0;
		/* Conditional: with several processes, each referral expires exactly once. */
		if (db_exec(c, &q_ref_expire, DB_PARAMS(db_int(now), db_int(now), db_int(now), db_int(due[i][0])), &changed,
			    &s->error) < 0)
			goto out;
		if (changed == 0)
			continue;
		if (add_event(s, c, due[i][0], "sent", "expired", now) != SVC_OK ||
		    notify(s, c, due[i][1], 0, "referral.expired", due[i][0], now) != SVC_OK)
			goto out;
		/* Escalation: every manager of the sending organization hears of it. */
		struct db_rows *mr;
		if (db_query(c, &q_ref_managers, DB_PARAMS(db_int(due[i][1])), &mr, &s->error) < 0)
			goto out;
		int64_t managers[64];
		int nm = 0;
		while (nm < 64 && db_rows_next(mr, &s->error) == 1)
			managers[nm++] = db_rows_int(mr, 0);
		db_rows_free(&mr);
		for (int k = 0; k < nm; k++)
			if (notify(s, c, due[i][1], managers[k], "referral.overdue", due[i][0], now) != SVC_OK)
				goto out;
		if (svc_audit(s, c, "referral.expire", "referral", arena_printf(s->arena, "%lld", (long long)due[i][0]), "ok",
			      "") != SVC_OK)
			goto out;
		(*expired_r)++;
	}
	rc = svc_commit(s, &c);
out:
	svc_abort(s, &c);
	return rc;
}

static int access_of(struct db_conn *c, const struct db_query *q, int64_t id, int64_t org_id, int64_t now,
		     const char **fields_r, struct arena *a, const char **error_r)
{
	struct db_rows *r;
	*fields_r = NULL;
	if (db_query(c, q, DB_PARAMS(db_int(id), db_int(org_id), db_int(now)), &r, error_r) < 0)
		return -1;
	struct buf b;
	buf_init_arena(&b, a);
	int rc, found = 0;
	while ((rc = db_rows_next(r, error_r)) == 1) {
		found = 1;
		const char *p = db_rows_text(r, 0);
		char item[64];
		while (next_item(&p, item, sizeof item))
			if (!list_has(b.data, item, strlen(item))) {
				buf_puts(&b, b.len ? "," : "");
				buf_puts(&b, item);
			}
	}
	db_rows_free(&r);
	if (rc < 0)
		return -1;
	*fields_r = found ? (b.len ? b.data : "case_code") : NULL;
	return found;
}

bool referral_shares(const char *shared, const char *field)
{
	return shared && list_has(shared, field, strlen(field));
}

int referral_access(struct db_conn *c, int64_t case_id, int64_t org_id, int64_t now, const char **fields_r,
		    struct arena *a, const char **error_r)
{
	return access_of(c, &q_ref_access, case_id, org_id, now, fields_r, a, error_r);
}

int referral_person_access(struct db_conn *c, int64_t person_id, int64_t org_id, int64_t now, const char **fields_r,
			   struct arena *a, const char **error_r)
{
	return access_of(c, &q_ref_person_access, person_id, org_id, now, fields_r, a, error_r);
}

void referral_mask_person(const char *shared, const char **v)
{
	static const struct {
		const char *share;
		int fields[6];
	} groups[] = {
		{ "names", { P_FIRST_NAME, P_MIDDLE_NAME, P_SECOND_NAME, P_FIRST_NAME_LATIN, P_SECOND_NAME_LATIN, -1 } },
		/* The year of birth goes with the date; an age band is answered as the band alone. */
		{ "birthdate", { P_BIRTHDATE, P_BIRTH_YEAR, -1 } },
		{ "phones", { P_MOBILE_PHONE, P_HOME_PHONE, P_EMAIL, -1 } },
		{ "address", { P_STREET, P_CITY, P_STATE, P_POSTAL_CODE, P_MAILING_COUNTRY, -1 } },
		{ "id_document", { P_ID_DOCUMENT, P_ID_NUMBER, -1 } },
		{ "safe_contact", { P_SAFE_CONTACT, -1 } },
		{ "gender", { P_GENDER, -1 } },
		{ "citizenship", { P_CITIZENSHIP, -1 } },
		{ "region", { P_REGION, -1 } },
		{ "languages", { P_LANGUAGES, -1 } },
	};
	bool keep[P__COUNT] = { false };
	for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++)
		if (referral_shares(shared, groups[g].share))
			for (int k = 0; k < 6 && groups[g].fields[k] >= 0; k++)
				keep[groups[g].fields[k]] = true;
	for (int i = 0; i < P__COUNT; i++)
		if (!keep[i])
			v[i] = "";
}
