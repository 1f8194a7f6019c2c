#include "model/consent.h"
#include "base/buf.h"
#include "base/intl.h"
#include "base/str.h"
#include "model/case.h"
#include "model/sealed.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

PL_DEFINE(pl_consent_purpose, "consent_purpose",
	  { "processing", N_("Processing of her personal data") },
	  { "referral", N_("Referral to other organizations or services") },
	  { "statistics", N_("Use in anonymized statistics") });

PL_DEFINE(pl_consent_method, "consent_method",
	  { "signed_form", N_("Signed consent form") }, { "verbal_witness", N_("Verbal, with a witness") });

static const struct field consent_fields[K__COUNT] = {
	[K_PURPOSE] = { "purpose", "purpose", FT_PICK, &pl_consent_purpose, F_REQUIRED, 0, 0, N_("Purpose"), NULL },
	[K_ORGS] = { "orgs", "organizations", FT_TEXT, NULL, 0, 0, 2000, N_("Organizations (codes)"),
		     N_("For a referral: the organizations she agreed to, by code, separated by commas. Empty: any.") },
	[K_SERVICES] = { "services", "services", FT_PICKSET, &pl_service, 0, 0, 0, N_("Services"),
			 N_("For a referral: the services she agreed to. None checked: any.") },
	[K_METHOD] = { "method", "method", FT_PICK, &pl_consent_method, F_REQUIRED, 0, 0, N_("How consent was given"), NULL },
	[K_GIVEN_ON] = { "given_on", "given_on", FT_DATE, NULL, 0, 0, 0, N_("Date of consent"), NULL },
	[K_WITNESS] = { "witness", "witness", FT_TEXT, NULL, F_PERSONAL, 0, 200, N_("Witness"),
			N_("Required for verbal consent.") },
	[K_NOTE] = { "note", "note", FT_LONGTEXT, NULL, F_PERSONAL, 0, 2000, N_("Note"), NULL },
};

const struct record_type consent_record = { "consent", consent_fields, K__COUNT };

DB_QUERY(q_consent_insert, "INSERT INTO consents (case_id, purpose, scope_orgs, scope_services, method, given_on,"
			   " recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
DB_QUERY(q_consent_case, "SELECT case_id FROM consents WHERE id = ?");
DB_QUERY(q_consent_withdraw, "UPDATE consents SET withdrawn_on = ?, withdrawn_by = ?, withdrawn_at = ?"
			     " WHERE id = ? AND withdrawn_on = ''");
DB_QUERY(q_consent_list, "SELECT k.id, k.purpose, k.scope_orgs, k.scope_services, k.method, k.given_on,"
			 " k.recorded_at, COALESCE(u.display_name, 'console'), k.withdrawn_on, COALESCE(k.withdrawn_at, 0)"
			 " FROM consents k LEFT JOIN users u ON u.id = k.recorded_by WHERE k.case_id = ? ORDER BY k.id DESC");
DB_QUERY(q_consent_referral, "SELECT scope_orgs, scope_services FROM consents WHERE case_id = ?"
			     " AND purpose = 'referral' AND withdrawn_on = ''");
DB_QUERY(q_org_exists, "SELECT COUNT(*) FROM organizations WHERE code = ?");

static const char *today(struct arena *a)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	return arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

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

/* Normalizes "a, b ,c" to "a,b,c" and checks every code is an organization. */
static int check_orgs(struct svc *s, struct db_conn *c, const char *in, const char **out_r)
{
	struct buf b;
	buf_init_arena(&b, s->arena);
	char *copy = arena_strdup(s->arena, in ? in : ""), *save = NULL;
	for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		int64_t n = 0;
		if (db_query_int(c, &q_org_exists, DB_PARAMS(db_text(t)), &n, &s->error) < 0)
			return SVC_ERROR;
		if (n == 0)
			return svc_invalid(s, N_("There is no organization with this code."), "orgs");
		if (!list_has(b.data, t)) {
			buf_puts(&b, b.len ? "," : "");
			buf_puts(&b, t);
		}
	}
	*out_r = b.len ? b.data : "";
	return SVC_OK;
}

int consent_record_add(struct svc *s, int64_t case_id, const char *const *in, int64_t *id_r)
{
	const char *v[K__COUNT];
	for (int i = 0; i < K__COUNT; i++)
		v[i] = in[i] ? in[i] : "";
	if (!picklist_has(&pl_consent_purpose, v[K_PURPOSE]))
		return svc_invalid(s, N_("Choose one of the listed values."), "purpose");
	if (!picklist_has(&pl_consent_method, v[K_METHOD]))
		return svc_invalid(s, N_("Choose one of the listed values."), "method");
	if (str_eq(v[K_METHOD], "verbal_witness") && !*v[K_WITNESS])
		return svc_invalid(s, N_("A verbal consent needs the name of its witness."), "witness");
	if (!str_eq(v[K_PURPOSE], "referral") && (*v[K_ORGS] || *v[K_SERVICES]))
		return svc_invalid(s, N_("Organizations and services belong to a referral consent only."), "orgs");
	if (!*v[K_GIVEN_ON])
		v[K_GIVEN_ON] = today(s->arena);
	if (strcmp(v[K_GIVEN_ON], today(s->arena)) > 0)
		return svc_invalid(s, N_("Consent cannot be dated in the future."), "given_on");
	struct db_conn *c;
	struct resource res;
	int rc = case_open(s, case_id, A_CONSENT_RECORD, true, &c, &res);
	if (rc != SVC_OK || (rc = check_orgs(s, c, v[K_ORGS], &v[K_ORGS])) != SVC_OK)
		goto out;
	rc = SVC_ERROR;
	int64_t id = 0, uid = s->actor->user_id;
	if (db_query_int(c, &q_consent_insert,
			 DB_PARAMS(db_int(case_id), db_text(v[K_PURPOSE]), db_text(v[K_ORGS]), db_text(v[K_SERVICES]),
				   db_text(v[K_METHOD]), db_text(v[K_GIVEN_ON]), uid ? db_int(uid) : db_null(),
				   db_int((int64_t)time(NULL))),
			 &id, &s->error) != 1)
		goto out;
	if (sealed_put_record(c, s->key, SEALED_CONSENT, id, &consent_record, v, &s->error) < 0 ||
	    svc_audit(s, c, "consent.record", "case", arena_printf(s->arena, "%lld", (long long)case_id), "ok",
		      arena_printf(s->arena, "consent=%lld purpose=%s method=%s", (long long)id, v[K_PURPOSE],
				   v[K_METHOD])) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
	if (rc == SVC_OK && id_r)
		*id_r = id;
out:
	svc_abort(s, &c);
	return rc;
}

int consent_withdraw(struct svc *s, int64_t consent_id, const char *withdrawn_on)
{
	const char *on = withdrawn_on && *withdrawn_on ? withdrawn_on : today(s->arena);
	if (strcmp(on, today(s->arena)) > 0)
		return svc_invalid(s, N_("A withdrawal cannot be dated in the future."), "withdrawn_on");
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	int64_t case_id = 0;
	int found = db_query_int(c, &q_consent_case, DB_PARAMS(db_int(consent_id)), &case_id, &s->error);
	int rc = found < 0 ? SVC_ERROR : found == 0 ? SVC_NOT_FOUND : SVC_OK;
	struct resource res;
	if (rc == SVC_OK && (rc = case_resource(s, c, case_id, &res, NULL)) == SVC_OK &&
	    !policy_may(s->actor, A_CONSENT_RECORD, &res)) {
		svc_abort(s, &c);
		return svc_may(s, A_CONSENT_RECORD, &res);
	}
	if (rc != SVC_OK)
		goto out;
	rc = SVC_ERROR;
	int64_t n = 0, uid = s->actor->user_id;
	if (db_exec(c, &q_consent_withdraw,
		    DB_PARAMS(db_text(on), uid ? db_int(uid) : db_null(), db_int((int64_t)time(NULL)), db_int(consent_id)),
		    &n, &s->error) < 0)
		goto out;
	if (n == 0) {
		rc = svc_invalid(s, N_("This consent was already withdrawn."), "consent");
		rc = SVC_CONFLICT;
		goto out;
	}
	if (svc_audit(s, c, "consent.withdraw", "case", arena_printf(s->arena, "%lld", (long long)case_id), "ok",
		      arena_printf(s->arena, "consent=%lld", (long long)consent_id)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
out:
	svc_abort(s, &c);
	return rc;
}

int consent_list(struct svc *s, int64_t case_id, bool open_sealed, struct consent **rows_r, int *n_r)
{
	*n_r = 0;
	struct db_conn *c;
	struct resource res;
	int rc = case_open(s, case_id, A_CASE_RECORDS, open_sealed, &c, &res);
	if (rc != SVC_OK)
		return rc;
	rc = SVC_ERROR;
	struct db_rows *r;
	if (db_query(c, &q_consent_list, DB_PARAMS(db_int(case_id)), &r, &s->error) < 0)
		goto out;
	size_t cap = 8;
	int n = 0, q;
	struct consent *rows = arena_alloc(s->arena, sizeof *rows * cap);
	while ((q = db_rows_next(r, &s->error)) == 1) {
		rows = arena_grow(s->arena, rows, sizeof *rows, (size_t)n, &cap);
		struct consent *k = &rows[n++];
		memset(k, 0, sizeof *k);
		k->id = db_rows_int(r, 0);
		k->case_id = case_id;
		for (int i = 0; i < 5; i++)
			k->v[i] = arena_strdup(s->arena, db_rows_text(r, 1 + i));
		k->recorded_at = db_rows_int(r, 6);
		k->recorded_by = arena_strdup(s->arena, db_rows_text(r, 7));
		k->withdrawn_on = arena_strdup(s->arena, db_rows_text(r, 8));
		k->withdrawn_at = db_rows_int(r, 9);
		k->active = *k->withdrawn_on == '\0';
		k->v[K_WITNESS] = k->v[K_NOTE] = "";
	}
	db_rows_free(&r);
	if (q < 0)
		goto out;
	if (open_sealed) {
		for (int i = 0; i < n; i++)
			if (sealed_get_record(c, s->key, SEALED_CONSENT, rows[i].id, &consent_record, s->arena, rows[i].v,
					      &s->error) < 0)
				goto out;
		if (n > 0 && svc_audit(s, c, "consent.view-sealed", "case",
				       arena_printf(s->arena, "%lld", (long long)case_id), "ok", "") != SVC_OK)
			goto out;
		if (svc_commit(s, &c) != SVC_OK)
			goto out;
	}
	*rows_r = rows;
	*n_r = n;
	rc = SVC_OK;
out:
	svc_abort(s, &c);
	return rc;
}

int consent_covers_referral(struct db_conn *c, int64_t case_id, const char *org_code, const char *services,
			    const char **error_r)
{
	struct db_rows *r;
	if (db_query(c, &q_consent_referral, DB_PARAMS(db_int(case_id)), &r, error_r) < 0)
		return -1;
	int rc, covered = 0;
	while (!covered && (rc = db_rows_next(r, error_r)) == 1) {
		const char *orgs = db_rows_text(r, 0), *svcs = db_rows_text(r, 1);
		bool org_ok = *orgs == '\0' || list_has(orgs, org_code);
		bool svc_ok = true;
		for (const char *p = services ? services : ""; *p && svc_ok;) {
			const char *e = strchr(p, ',');
			size_t l = e ? (size_t)(e - p) : strlen(p);
			char one[64];
			snprintf(one, sizeof one, "%.*s", (int)l, p);
			svc_ok = *svcs == '\0' || list_has(svcs, one);
			p += l + (e ? 1 : 0);
		}
		covered = org_ok && svc_ok;
	}
	db_rows_free(&r);
	if (!covered && rc < 0)
		return -1;
	return covered;
}
