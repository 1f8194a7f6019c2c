#include "model/case.h"
#include "base/buf.h"
#include "base/intl.h"
#include "base/str.h"
#include "crypto/seal.h"
#include "model/htcds.h"
#include "model/person.h"
#include "model/referral.h"
#include "model/sealed.h"
#include "store/db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

PL_DEFINE(pl_identification_method, "identification_method",
	  { "ngo_outreach", N_("NGO outreach") }, { "hotline", N_("Hotline") }, { "police", N_("Police") },
	  { "border_guard", N_("Border guard") }, { "consulate", N_("Consulate abroad") }, { "iom", N_("IOM") },
	  { "self_referral", N_("Self-referral") }, { "family_friends", N_("Family or friends") },
	  { "other", N_("Other way") });

/* IOM-coded reasons for closing a case. */
PL_DEFINE(pl_closure_reason, "closure_reason",
	  { "support_completed", N_("Support completed") }, { "person_chose_to_stop", N_("The person chose to stop") },
	  { "moved_away", N_("Moved away") }, { "lost_contact", N_("Lost contact") },
	  { "re_migrated", N_("Migrated again") }, { "deceased", N_("Deceased") }, { "other", N_("Other reason") });

static const struct field case_fields[C__COUNT] = {
	[C_STATUS] = { "status", "cas_Status", FT_PICK, &pl_cas_Status, 0, 0, 0, N_("Case status"), NULL },
	[C_CLOSURE_REASON] = { "closure_reason", "closure_reason", FT_PICK, &pl_closure_reason, 0, 0, 0,
			       N_("Reason for closing"), NULL },
	[C_IDENTIFIED_ON] = { "identified_on", "identified_on", FT_DATE, NULL, 0, 0, 0, N_("Identified on"), NULL },
	[C_REGISTERED_ON] = { "registered_on", "registered_on", FT_DATE, NULL, 0, 0, 0, N_("Registered on"), NULL },
	[C_CLOSED_ON] = { "closed_on", "closed_on", FT_DATE, NULL, 0, 0, 0, N_("Closed on"), NULL },
	[C_IDENTIFICATION_METHOD] = { "identification_method", "identification_method", FT_PICK,
				      &pl_identification_method, 0, 0, 0, N_("How she was identified"), NULL },
	[C_IDENTIFIED_BY_ORG] = { "identified_by", "identified_by_org", FT_SLUG, NULL, 0, 0, 0,
				  N_("Identified by (organization code)"), NULL },
	[C_TRAFFICKING_STATUS] = { "trafficking_status", "vic_TraffickingStatus", FT_PICK, &pl_vic_TraffickingStatus, 0,
				   0, 0, N_("Trafficking status"), N_("A screening never decides this; the competent body does.") },
	[C_TRAFFICKING_STATUS_BY] = { "trafficking_status_by", "vic_TraffickingStatusDecisionMakingOrg", FT_PICK,
				      &pl_vic_TraffickingStatusDecisionMakingOrg, 0, 0, 0, N_("Decided by"), NULL },
	[C_RECRUITMENT_METHODS] = { "recruitment_methods", "vic_MethodOfRecruitment", FT_PICKSET,
				    &pl_vic_MethodOfRecruitment, 0, 0, 0, N_("How she was recruited"), NULL },
	[C_RECRUITMENT_REGION] = { "recruitment_region", "recruitment_region", FT_PICK, &pl_region, 0, 0, 0,
				   N_("Region of recruitment"), NULL },
	[C_RECRUITMENT_COUNTRY] = { "recruitment_country", "recruitment_country", FT_COUNTRY, NULL, 0, 0, 0,
				    N_("Country of recruitment"), NULL },
	[C_RECRUITMENT_APPS] = { "recruitment_apps", "vic_RecruitmentWebsitesAndApps", FT_PICKSET,
				 &pl_vic_RecruitmentWebsitesAndApps, 0, 0, 0, N_("Websites and apps used to recruit"), NULL },
	[C_EXPLOITATION_TYPES] = { "exploitation_types", "vic_TypeOfExploitation", FT_PICKSET, &pl_vic_TypeOfExploitation,
				   0, 0, 0, N_("Types of exploitation"), NULL },
	[C_FORCED_LABOUR_INDUSTRY] = { "forced_labour_industry", "vic_ForcedLabourIndustry", FT_PICK,
				       &pl_vic_ForcedLabourIndustry, 0, 0, 0, N_("Forced labour industry"), NULL },
	[C_SEX_EXPLOITATION_TYPES] = { "sex_exploitation_types", "vic_TypeOfSexExploitation", FT_PICKSET,
				       &pl_vic_TypeOfSexExploitation, 0, 0, 0, N_("Types of sexual exploitation"), NULL },
	[C_METHODS_OF_CONTROL] = { "methods_of_control", "vic_MethodsOfControl", FT_PICKSET, &pl_vic_MethodsOfControl, 0,
				   0, 0, N_("Methods of control"), NULL },
	[C_RELATIONSHIP] = { "relationship", "vic_RelationshipToTrafficker", FT_PICK, &pl_vic_RelationshipToTrafficker,
			     0, 0, 0, N_("Relationship to the trafficker"), NULL },
	[C_COUNTRY_OF_ORIGIN] = { "country_of_origin", "country_of_origin", FT_COUNTRY, NULL, 0, 0, 0,
				  N_("Country of origin"), NULL },
	[C_COUNTRIES_OF_TRANSIT] = { "countries_of_transit", "countries_of_transit", FT_PICKSET, &pl_country, 0, 0, 0,
				     N_("Countries of transit"), NULL },
	[C_COUNTRIES_OF_EXPLOITATION] = { "countries_of_exploitation", "countries_of_exploitation", FT_PICKSET,
					  &pl_country, 0, 0, 0, N_("Countries of exploitation"), NULL },
	[C_EXPLOITATION_FROM] = { "exploitation_from", "exploitation_from", FT_DATE, NULL, 0, 0, 0,
				  N_("Exploited from"), NULL },
	[C_EXPLOITATION_TO] = { "exploitation_to", "exploitation_to", FT_DATE, NULL, 0, 0, 0, N_("Exploited until"), NULL },
	[C_AGE_WHEN_TRAFFICKED] = { "age_when_trafficked", "vic_AgeWhenTrafficked", FT_INT, NULL, 0, 0, 120,
				    N_("Age when trafficked"), NULL },
	[C_NEEDS] = { "needs", "needs", FT_PICKSET, &pl_service, 0, 0, 0, N_("Needs"), N_("The services she needs now.") },
	[C_IDENTIFICATION_PLACE] = { "identification_place", "identification_place", FT_TEXT, NULL, F_PERSONAL, 0, 200,
				     N_("Where she was identified"), NULL },
	[C_CLOSURE_DETAILS] = { "closure_details", "cas_ReasonForCaseClosure", FT_LONGTEXT, NULL, F_PERSONAL, 0, 4000,
				N_("Closure details"), NULL },
	[C_NEEDS_NOTES] = { "needs_notes", "needs_notes", FT_LONGTEXT, NULL, F_PERSONAL, 0, 4000,
			    N_("Needs assessment notes"), NULL },
};

const struct record_type case_record = { "case", case_fields, C__COUNT };

/* The plain columns, in case_field order up to C_NEEDS. */
/* Qualified: organizations and persons, joined in, have columns of the same names (status). */
#define CASE_PLAIN "c.status, c.closure_reason, c.identified_on, c.registered_on, c.closed_on," \
	" c.identification_method, COALESCE((SELECT code FROM organizations WHERE id = c.identified_by_org_id), '')," \
	" c.trafficking_status, c.trafficking_status_by, c.recruitment_methods, c.recruitment_region," \
	" c.recruitment_country, c.recruitment_apps, c.exploitation_types, c.forced_labour_industry," \
	" c.sex_exploitation_types, c.methods_of_control, c.relationship_to_trafficker, c.country_of_origin," \
	" c.countries_of_transit, c.countries_of_exploitation, c.exploitation_from, c.exploitation_to," \
	" COALESCE(CAST(c.age_when_trafficked AS TEXT), ''), c.needs"
#define CASE_HEAD "c.id, c.code, c.person_id, c.owner_org_id, COALESCE(c.primary_caseworker_id, 0), c.version," \
	" c.created_at, c.updated_at, o.code, o.region, p.gender, COALESCE(p.birth_year, 0), p.residence_region," \
	" COALESCE((SELECT display_name FROM users WHERE id = c.primary_caseworker_id), '')," \
	" (SELECT COUNT(*) FROM case_workers w WHERE w.case_id = c.id AND w.user_id = ?), "
#define CASE_FROM " FROM cases c JOIN organizations o ON o.id = c.owner_org_id JOIN persons p ON p.id = c.person_id"
#define CASE_HEAD_COLS 15

DB_QUERY(q_case_get, "SELECT " CASE_HEAD CASE_PLAIN CASE_FROM " WHERE c.id = ?");
DB_QUERY(q_case_by_code, "SELECT id FROM cases WHERE code = ?");
DB_QUERY(q_case_access, "SELECT owner_org_id, person_id,"
			" (SELECT COUNT(*) FROM case_workers w WHERE w.case_id = cases.id AND w.user_id = ?)"
			" FROM cases WHERE id = ?");
DB_QUERY(q_case_seq, "INSERT INTO case_seq (prefix, next) VALUES (?, 1)"
		     " ON CONFLICT (prefix) DO UPDATE SET next = case_seq.next + 1 RETURNING next");
DB_QUERY(q_org_region, "SELECT region FROM organizations WHERE id = ?");
DB_QUERY(q_org_by_code, "SELECT id FROM organizations WHERE code = ?");
DB_QUERY(q_case_insert,
	 "INSERT INTO cases (code, person_id, owner_org_id, status, closure_reason, identified_on, registered_on,"
	 " closed_on, identification_method, identified_by_org_id, trafficking_status, trafficking_status_by,"
	 " recruitment_methods, recruitment_region, recruitment_country, recruitment_apps, exploitation_types,"
	 " forced_labour_industry, sex_exploitation_types, methods_of_control, relationship_to_trafficker,"
	 " country_of_origin, countries_of_transit, countries_of_exploitation, exploitation_from, exploitation_to,"
	 " age_when_trafficked, needs, region, primary_caseworker_id, created_by, created_at, updated_at)"
	 " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
DB_QUERY(q_case_update,
	 "UPDATE cases SET status = ?, closure_reason = ?, identified_on = ?, registered_on = ?, closed_on = ?,"
	 " identification_method = ?, identified_by_org_id = ?, trafficking_status = ?, trafficking_status_by = ?,"
	 " recruitment_methods = ?, recruitment_region = ?, recruitment_country = ?, recruitment_apps = ?,"
	 " exploitation_types = ?, forced_labour_industry = ?, sex_exploitation_types = ?, methods_of_control = ?,"
	 " relationship_to_trafficker = ?, country_of_origin = ?, countries_of_transit = ?,"
	 " countries_of_exploitation = ?, exploitation_from = ?, exploitation_to = ?, age_when_trafficked = ?,"
	 " needs = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?");
DB_QUERY(q_case_history_add, "INSERT INTO case_history (case_id, at, by_user_id, change) VALUES (?, ?, ?, ?)");
DB_QUERY(q_case_history, "SELECT h.at, COALESCE(u.display_name, 'console'), h.change FROM case_history h"
			 " LEFT JOIN users u ON u.id = h.by_user_id WHERE h.case_id = ? ORDER BY h.id DESC LIMIT 200");
DB_QUERY(q_cw_add, "INSERT INTO case_workers (case_id, user_id, assigned_at, assigned_by) VALUES (?, ?, ?, ?)"
		   " ON CONFLICT (case_id, user_id) DO NOTHING");
DB_QUERY(q_cw_del, "DELETE FROM case_workers WHERE case_id = ? AND user_id = ?");
DB_QUERY(q_cw_names, "SELECT u.display_name FROM case_workers w JOIN users u ON u.id = w.user_id"
		     " WHERE w.case_id = ? ORDER BY u.display_name");
DB_QUERY(q_case_primary_next, "UPDATE cases SET primary_caseworker_id ="
			      " (SELECT MIN(user_id) FROM case_workers WHERE case_id = ?) WHERE id = ? AND"
			      " (primary_caseworker_id IS NULL OR primary_caseworker_id = ?)");
DB_QUERY(q_assignable, "SELECT id, display_name, role FROM users WHERE org_id = ? AND status = 'active'"
		       " AND role IN ('manager', 'caseworker', 'hotline') ORDER BY display_name");
DB_QUERY(q_user_org_role, "SELECT org_id, role, status FROM users WHERE id = ?");
DB_QUERY(q_note_insert, "INSERT INTO case_notes (case_id, at, author_id, key_id, sealed) VALUES (?, ?, ?, ?, ?)"
			" RETURNING id");
DB_QUERY(q_note_seal, "UPDATE case_notes SET sealed = ? WHERE id = ?");
DB_QUERY(q_notes, "SELECT n.id, n.at, COALESCE(n.author_id, 0), COALESCE(u.display_name, 'console'), n.sealed"
		  " FROM case_notes n LEFT JOIN users u ON u.id = n.author_id WHERE n.case_id = ?"
		  " ORDER BY n.id DESC LIMIT 500");

/*
 * Lists: the same filters under four orders, two scopes, with or without a
 * status, and two sets of columns, built once into list_queries (each its own
 * prepared statement).  The scope is its own statement so the organization is
 * a plain equality the index can use: "(? = 0 OR c.owner_org_id = ?)" made
 * SQLite read every case of the network for every page; a status, when given,
 * is a plain equality too, so (owner_org_id, status, registered_on) gives the
 * page in order without reading the cases of other statuses.  The brief
 * columns are what a list page shows; the full ones make whole records (API).
 * Every variant takes the same parameters.
 */
#define CASE_LIST_FILTERS                                                                                 \
	" AND (? = 0 OR EXISTS (SELECT 1 FROM case_workers w WHERE w.case_id = c.id AND w.user_id = ?))"  \
	" AND (? = 0 OR EXISTS (SELECT 1 FROM case_workers w2 WHERE w2.case_id = c.id AND w2.user_id = ?))" \
	" AND (? = '' OR p.residence_region = ?)"                                                         \
	" AND (? = '' OR (',' || c.exploitation_types || ',') LIKE ?)"                                    \
	" AND (? = '' OR (',' || c.countries_of_exploitation || ',') LIKE ?)"                             \
	" AND (? = '' OR c.registered_on >= ?) AND (? = '' OR c.registered_on <= ?)"                      \
	" AND (? = '' OR (c.identified_on <> '' AND c.identified_on >= ?))"                               \
	" AND (? = '' OR (c.identified_on <> '' AND c.identified_on <= ?))"                               \
	" AND (? = '' OR c.code = ?)"
/* The list page's columns: read_brief_row. */
#define CASE_BRIEF "c.id, c.code, c.person_id, c.owner_org_id, c.status, c.registered_on, c.identified_on," \
	" p.gender, COALESCE(p.birth_year, 0), p.residence_region, c.exploitation_types," \
	" COALESCE((SELECT display_name FROM users WHERE id = c.primary_caseworker_id), '')," \
	" (SELECT COUNT(*) FROM case_workers w WHERE w.case_id = c.id AND w.user_id = ?)"

enum { LQ_REGISTERED, LQ_CODE, LQ_STATUS, LQ_IDENTIFIED, LQ__ORDERS };
static const char *const list_orders[LQ__ORDERS] = {
	[LQ_REGISTERED] = "c.registered_on DESC, c.id DESC",
	[LQ_CODE] = "c.code",
	[LQ_STATUS] = "c.status, c.registered_on DESC, c.id DESC",
	[LQ_IDENTIFIED] = "c.identified_on DESC, c.id DESC",
};
/* [brief][status given][every organization][order] */
static struct db_query list_queries[2][2][2][LQ__ORDERS];
static pthread_once_t list_queries_once = PTHREAD_ONCE_INIT;

static void list_queries_build(void)
{
	for (int b = 0; b < 2; b++)
		for (int st = 0; st < 2; st++)
			for (int all = 0; all < 2; all++)
				for (int o = 0; o < LQ__ORDERS; o++) {
					char name[64], *sql = NULL;
					snprintf(name, sizeof name, "q_case_list_%s_%s_%s_%d", b ? "brief" : "full",
						 st ? "status" : "any", all ? "all" : "org", o);
					if (asprintf(&sql, "SELECT %s FROM cases c JOIN organizations o ON o.id = c.owner_org_id"
							   " JOIN persons p ON p.id = c.person_id WHERE %s%s" CASE_LIST_FILTERS
							   " ORDER BY %s LIMIT ? OFFSET ?",
						     b ? CASE_BRIEF : CASE_HEAD CASE_PLAIN,
						     all ? "? = 0" : "c.owner_org_id = ?",
						     st ? " AND ? <> '' AND c.status = ?" : " AND ? = '' AND ? = ''",
						     list_orders[o]) < 0)
						abort();
					/* Built once per process and kept for its life (the drivers cache by address). */
					list_queries[b][st][all][o] = (struct db_query){ strdup(name), sql };
					if (list_queries[b][st][all][o].name == NULL)
						abort();
				}
}

static const char *today(struct arena *a)
{
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	return arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int case_resource(struct svc *s, struct db_conn *c, int64_t id, struct resource *res_r, int64_t *person_id_r)
{
	struct db_rows *r;
	memset(res_r, 0, sizeof *res_r);
	int64_t uid = s->actor ? s->actor->user_id : 0;
	if (db_query(c, &q_case_access, DB_PARAMS(db_int(uid), db_int(id)), &r, &s->error) < 0)
		return SVC_ERROR;
	int rc = db_rows_next(r, &s->error);
	if (rc == 1) {
		res_r->org_id = db_rows_int(r, 0);
		res_r->assigned = db_rows_int(r, 2) > 0;
		if (person_id_r)
			*person_id_r = db_rows_int(r, 1);
	}
	db_rows_free(&r);
	if (rc == 1 && s->actor && s->actor->org_id && res_r->org_id != s->actor->org_id) {
		/* Another organization sees the case only through a live referral to it. */
		const char *shared;
		int ref = referral_access(c, id, s->actor->org_id, (int64_t)time(NULL), &shared, s->arena, &s->error);
		if (ref < 0)
			return SVC_ERROR;
		res_r->referred = ref > 0;
	}
	return rc < 0 ? SVC_ERROR : rc == 0 ? SVC_NOT_FOUND : SVC_OK;
}

int case_open(struct svc *s, int64_t case_id, enum action act, bool write, struct db_conn **c_r, struct resource *res_r)
{
	*c_r = svc_begin(s, write);
	if (*c_r == NULL)
		return SVC_ERROR;
	int rc = case_resource(s, *c_r, case_id, res_r, NULL);
	if (rc == SVC_OK && !policy_may(s->actor, act, res_r)) {
		/* The denial is audited in its own transaction, so this one must not stay open. */
		svc_abort(s, c_r);
		return svc_may(s, act, res_r);
	}
	if (rc != SVC_OK)
		svc_abort(s, c_r);
	return rc;
}

/* What a receiving organization may see of a case: only the fields its referrals share. */
static void mask_for_receiver(struct svc *s, struct db_conn *c, struct case_rec *r)
{
	const char *shared = NULL;
	if (referral_access(c, r->id, s->actor->org_id, (int64_t)time(NULL), &shared, s->arena, &s->error) <= 0)
		shared = "case_code";
	bool exp = referral_shares(shared, "experience"), needs = referral_shares(shared, "needs");
	for (int i = 0; i < C__COUNT; i++) {
		bool keep = (i == C_NEEDS && needs) || (i == C_NEEDS_NOTES && needs) ||
			    (exp && i >= C_TRAFFICKING_STATUS && i <= C_AGE_WHEN_TRAFFICKED) || i == C_STATUS;
		if (!keep)
			r->v[i] = "";
	}
	if (!referral_shares(shared, "gender"))
		r->gender = "";
	if (!referral_shares(shared, "age_band"))
		r->age_band = "";
	if (!referral_shares(shared, "region"))
		r->residence_region = "";
	r->caseworkers = "";
	r->primary_caseworker_id = 0;
	r->shared_fields = shared;
}

static void read_row(struct svc *s, struct db_rows *r, struct case_rec *x)
{
	memset(x, 0, sizeof *x);
	x->id = db_rows_int(r, 0);
	x->code = arena_strdup(s->arena, db_rows_text(r, 1));
	x->person_id = db_rows_int(r, 2);
	x->owner_org_id = db_rows_int(r, 3);
	x->primary_caseworker_id = db_rows_int(r, 4);
	x->version = db_rows_int(r, 5);
	x->created_at = db_rows_int(r, 6);
	x->updated_at = db_rows_int(r, 7);
	x->owner_org_code = arena_strdup(s->arena, db_rows_text(r, 8));
	x->region = arena_strdup(s->arena, db_rows_text(r, 9));
	x->gender = arena_strdup(s->arena, db_rows_text(r, 10));
	x->age_band = person_age_band(db_rows_int(r, 11), NULL);
	x->residence_region = arena_strdup(s->arena, db_rows_text(r, 12));
	x->caseworkers = arena_strdup(s->arena, db_rows_text(r, 13));
	x->assigned = db_rows_int(r, 14) > 0;
	for (int i = 0; i <= C_NEEDS; i++)
		x->v[i] = arena_strdup(s->arena, db_rows_text(r, CASE_HEAD_COLS + i));
	for (int i = C_NEEDS + 1; i < C__COUNT; i++)
		x->v[i] = "";
}

/* A row of CASE_BRIEF: what a list page shows; the other fields are "". */
static void read_brief_row(struct svc *s, struct db_rows *r, struct case_rec *x)
{
	memset(x, 0, sizeof *x);
	x->id = db_rows_int(r, 0);
	x->code = arena_strdup(s->arena, db_rows_text(r, 1));
	x->person_id = db_rows_int(r, 2);
	x->owner_org_id = db_rows_int(r, 3);
	for (int i = 0; i < C__COUNT; i++)
		x->v[i] = "";
	x->v[C_STATUS] = arena_strdup(s->arena, db_rows_text(r, 4));
	x->v[C_REGISTERED_ON] = arena_strdup(s->arena, db_rows_text(r, 5));
	x->v[C_IDENTIFIED_ON] = arena_strdup(s->arena, db_rows_text(r, 6));
	x->gender = arena_strdup(s->arena, db_rows_text(r, 7));
	x->age_band = person_age_band(db_rows_int(r, 8), NULL);
	x->residence_region = arena_strdup(s->arena, db_rows_text(r, 9));
	x->v[C_EXPLOITATION_TYPES] = arena_strdup(s->arena, db_rows_text(r, 10));
	x->caseworkers = arena_strdup(s->arena, db_rows_text(r, 11));
	x->assigned = db_rows_int(r, 12) > 0;
	x->owner_org_code = x->region = "";
}

static struct db_val text_or_empty(const char *v)
{
	return db_text(v ? v : "");
}

static struct db_val int_or_null(const char *v)
{
	return v && *v ? db_int(strtoll(v, NULL, 10)) : db_null();
}

/* Cross-field rules and the organization code; *org_id_r gets identified_by's id (0 when none). */
static int check_values(struct svc *s, struct db_conn *c, const char **v, int64_t *org_id_r)
{
	*org_id_r = 0;
	if (v[C_IDENTIFIED_BY_ORG] && *v[C_IDENTIFIED_BY_ORG]) {
		int found = db_query_int(c, &q_org_by_code, DB_PARAMS(db_text(v[C_IDENTIFIED_BY_ORG])), org_id_r, &s->error);
		if (found < 0)
			return SVC_ERROR;
		if (found == 0)
			return svc_invalid(s, N_("There is no organization with this code."), "identified_by");
	}
	if (!*v[C_REGISTERED_ON])
		return svc_invalid(s, N_("This is required."), "registered_on");
	if (*v[C_EXPLOITATION_FROM] && *v[C_EXPLOITATION_TO] && strcmp(v[C_EXPLOITATION_FROM], v[C_EXPLOITATION_TO]) > 0)
		return svc_invalid(s, N_("The end of exploitation is before its start."), "exploitation_to");
	if (*v[C_IDENTIFIED_ON] && strcmp(v[C_IDENTIFIED_ON], v[C_REGISTERED_ON]) > 0)
		return svc_invalid(s, N_("She cannot be registered before she was identified."), "registered_on");
	bool closed = str_eq(v[C_STATUS], "Closed") || str_eq(v[C_STATUS], "ClosedReferred");
	if (closed && !*v[C_CLOSURE_REASON])
		return svc_invalid(s, N_("Choose the reason for closing the case."), "closure_reason");
	if (closed && !*v[C_CLOSED_ON])
		v[C_CLOSED_ON] = today(s->arena);
	if (!closed && (*v[C_CLOSED_ON] || *v[C_CLOSURE_REASON]))
		return svc_invalid(s, N_("Only a closed case has a closing date and reason."), "status");
	return SVC_OK;
}

int case_check(struct svc *s, const char *const *in)
{
	const char *v[C__COUNT];
	for (int i = 0; i < C__COUNT; i++)
		v[i] = in[i] ? in[i] : "";
	if (!*v[C_REGISTERED_ON])
		v[C_REGISTERED_ON] = today(s->arena);
	struct db_conn *c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	int64_t ident_org;
	int rc = check_values(s, c, v, &ident_org);
	svc_abort(s, &c);
	return rc;
}

static const char *changed_fields(struct svc *s, const char *const *old, const char *const *nw)
{
	struct buf b;
	buf_init_arena(&b, s->arena);
	for (int i = 0; i < C__COUNT; i++)
		if (nw[i] && !str_eq(nw[i], old[i] ? old[i] : "")) {
			buf_puts(&b, b.len ? "," : "");
			buf_puts(&b, case_fields[i].name);
		}
	return b.data;
}

static int add_history(struct svc *s, struct db_conn *c, int64_t id, const char *change)
{
	int64_t uid = s->actor->user_id;
	return db_exec(c, &q_case_history_add,
		       DB_PARAMS(db_int(id), db_int((int64_t)time(NULL)), uid ? db_int(uid) : db_null(), db_text(change)),
		       NULL, &s->error) < 0 ? SVC_ERROR : SVC_OK;
}

int case_create(struct svc *s, int64_t person_id, const char *const *in, struct case_rec *r)
{
	const char *v[C__COUNT];
	for (int i = 0; i < C__COUNT; i++)
		v[i] = in[i] ? in[i] : "";
	if (!*v[C_STATUS])
		v[C_STATUS] = "Active";
	if (!*v[C_REGISTERED_ON])
		v[C_REGISTERED_ON] = today(s->arena);
	if (!*v[C_TRAFFICKING_STATUS])
		v[C_TRAFFICKING_STATUS] = "PossibleVictimOfTrafficking";
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	struct resource pres;
	int rc = person_resource(s, c, person_id, &pres);
	if (rc == SVC_NOT_FOUND) {
		rc = svc_invalid(s, N_("There is no such person."), "person_id");
		goto out;
	}
	if (rc != SVC_OK)
		goto out;
	/* A case belongs to the person's organization, and the actor must be able to see her. */
	struct resource own = { .org_id = pres.org_id, .assigned = true };
	if (!policy_may(s->actor, A_CASE_VIEW, &pres) || !policy_may(s->actor, A_CASE_CREATE, &own) ||
	    (s->actor->role != ROLE_SYSTEM && pres.org_id != s->actor->org_id)) {
		svc_abort(s, &c);
		return svc_may(s, A_CASE_VIEW, &(struct resource){ .org_id = -1 });
	}
	int64_t ident_org;
	if ((rc = check_values(s, c, v, &ident_org)) != SVC_OK)
		goto out;
	rc = SVC_ERROR;
	int64_t id = 0;
	bool assign_me = s->actor->role == ROLE_CASEWORKER || s->actor->role == ROLE_HOTLINE;
	if (case_insert_tx(s, c, person_id, pres.org_id, v, ident_org, assign_me ? s->actor->user_id : 0, &id, NULL) !=
	    SVC_OK)
		goto out;
	if ((rc = svc_commit(s, &c)) == SVC_OK && r)
		rc = case_get(s, id, false, r);
out:
	svc_abort(s, &c);
	return rc;
}

int case_insert_tx(struct svc *s, struct db_conn *c, int64_t person_id, int64_t owner_org_id, const char *const *v,
		   int64_t ident_org, int64_t assign_user, int64_t *id_r, const char **code_r)
{
	char region[16] = "";
	struct db_rows *rr;
	if (db_query(c, &q_org_region, DB_PARAMS(db_int(owner_org_id)), &rr, &s->error) < 0)
		return SVC_ERROR;
	if (db_rows_next(rr, &s->error) == 1)
		snprintf(region, sizeof region, "%s", db_rows_text(rr, 0));
	db_rows_free(&rr);
	const char *prefix = arena_printf(s->arena, "UA-%s-%.4s", region_abbrev(region), v[C_REGISTERED_ON]);
	int64_t seq = 0, id = 0, now = (int64_t)time(NULL);
	if (db_query_int(c, &q_case_seq, DB_PARAMS(db_text(prefix)), &seq, &s->error) != 1)
		return SVC_ERROR;
	const char *code = arena_printf(s->arena, "%s-%05lld", prefix, (long long)seq);
	int64_t uid = s->actor->user_id;
	if (db_query_int(c, &q_case_insert,
			 DB_PARAMS(db_text(code), db_int(person_id), db_int(owner_org_id), text_or_empty(v[C_STATUS]),
				   text_or_empty(v[C_CLOSURE_REASON]), text_or_empty(v[C_IDENTIFIED_ON]),
				   text_or_empty(v[C_REGISTERED_ON]), text_or_empty(v[C_CLOSED_ON]),
				   text_or_empty(v[C_IDENTIFICATION_METHOD]), ident_org ? db_int(ident_org) : db_null(),
				   text_or_empty(v[C_TRAFFICKING_STATUS]), text_or_empty(v[C_TRAFFICKING_STATUS_BY]),
				   text_or_empty(v[C_RECRUITMENT_METHODS]), text_or_empty(v[C_RECRUITMENT_REGION]),
				   text_or_empty(v[C_RECRUITMENT_COUNTRY]), text_or_empty(v[C_RECRUITMENT_APPS]),
				   text_or_empty(v[C_EXPLOITATION_TYPES]), text_or_empty(v[C_FORCED_LABOUR_INDUSTRY]),
				   text_or_empty(v[C_SEX_EXPLOITATION_TYPES]), text_or_empty(v[C_METHODS_OF_CONTROL]),
				   text_or_empty(v[C_RELATIONSHIP]), text_or_empty(v[C_COUNTRY_OF_ORIGIN]),
				   text_or_empty(v[C_COUNTRIES_OF_TRANSIT]), text_or_empty(v[C_COUNTRIES_OF_EXPLOITATION]),
				   text_or_empty(v[C_EXPLOITATION_FROM]), text_or_empty(v[C_EXPLOITATION_TO]),
				   int_or_null(v[C_AGE_WHEN_TRAFFICKED]), text_or_empty(v[C_NEEDS]), db_text(region),
				   assign_user ? db_int(assign_user) : db_null(), uid ? db_int(uid) : db_null(), db_int(now),
				   db_int(now)),
			 &id, &s->error) != 1)
		return SVC_ERROR;
	if (sealed_put_record(c, s->key, SEALED_CASE, id, &case_record, v, &s->error) < 0)
		return SVC_ERROR;
	if (assign_user && db_exec(c, &q_cw_add,
				   DB_PARAMS(db_int(id), db_int(assign_user), db_int(now), uid ? db_int(uid) : db_null()),
				   NULL, &s->error) < 0)
		return SVC_ERROR;
	const char *empty[C__COUNT] = { 0 };
	const char *names = changed_fields(s, empty, v);
	if (add_history(s, c, id, arena_printf(s->arena, "{\"created\":true,\"fields\":\"%s\"}", names)) != SVC_OK ||
	    svc_audit(s, c, "case.create", "case", code, "ok", arena_printf(s->arena, "fields=%s", names)) != SVC_OK)
		return SVC_ERROR;
	*id_r = id;
	if (code_r)
		*code_r = code;
	return SVC_OK;
}

static int load_case(struct svc *s, struct db_conn *c, int64_t id, struct case_rec *r)
{
	struct db_rows *rows;
	if (db_query(c, &q_case_get, DB_PARAMS(db_int(s->actor->user_id), db_int(id)), &rows, &s->error) < 0)
		return SVC_ERROR;
	int rc = db_rows_next(rows, &s->error);
	if (rc == 1)
		read_row(s, rows, r);
	db_rows_free(&rows);
	if (rc != 1)
		return rc < 0 ? SVC_ERROR : SVC_NOT_FOUND;
	/* Every assigned caseworker, for the case page. */
	struct buf b;
	buf_init_arena(&b, s->arena);
	if (db_query(c, &q_cw_names, DB_PARAMS(db_int(id)), &rows, &s->error) < 0)
		return SVC_ERROR;
	while ((rc = db_rows_next(rows, &s->error)) == 1) {
		buf_puts(&b, b.len ? ", " : "");
		buf_puts(&b, db_rows_text(rows, 0));
	}
	db_rows_free(&rows);
	r->caseworkers = b.len ? b.data : "";
	return rc < 0 ? SVC_ERROR : SVC_OK;
}

int case_get(struct svc *s, int64_t id, bool open_sealed, struct case_rec *r)
{
	struct db_conn *c;
	struct resource res;
	int rc = case_open(s, id, A_CASE_VIEW, open_sealed, &c, &res);
	if (rc != SVC_OK || (rc = load_case(s, c, id, r)) != SVC_OK)
		goto out;
	bool receiver = s->actor->role != ROLE_SYSTEM && res.org_id != s->actor->org_id;
	if (open_sealed) {
		if (sealed_get_record(c, s->key, SEALED_CASE, id, &case_record, s->arena, r->v, &s->error) < 0 ||
		    svc_audit(s, c, "case.view-sealed", "case", r->code, "ok", "") != SVC_OK) {
			rc = SVC_ERROR;
			goto out;
		}
		r->opened = true;
		if (receiver)
			mask_for_receiver(s, c, r);
		rc = svc_commit(s, &c);
	} else if (receiver) {
		mask_for_receiver(s, c, r);
	}
out:
	svc_abort(s, &c);
	return rc;
}

int case_id_by_code(struct svc *s, const char *code, int64_t *id_r)
{
	struct db_conn *c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	int found = db_query_int(c, &q_case_by_code, DB_PARAMS(db_text(code)), id_r, &s->error);
	int rc = found < 0 ? SVC_ERROR : found == 0 ? SVC_NOT_FOUND : SVC_OK;
	struct resource res;
	if (rc == SVC_OK && (rc = case_resource(s, c, *id_r, &res, NULL)) == SVC_OK &&
	    !policy_may(s->actor, A_CASE_VIEW, &res))
		rc = SVC_NOT_FOUND; /* a code the actor may not see is not confirmed to exist */
	svc_abort(s, &c);
	return rc;
}

int case_update(struct svc *s, int64_t id, int64_t version, const char *const *in)
{
	struct db_conn *c;
	struct resource res;
	int rc = case_open(s, id, A_CASE_EDIT, true, &c, &res);
	struct case_rec cur;
	if (rc != SVC_OK || (rc = load_case(s, c, id, &cur)) != SVC_OK)
		goto out;
	rc = SVC_ERROR;
	if (sealed_get_record(c, s->key, SEALED_CASE, id, &case_record, s->arena, cur.v, &s->error) < 0)
		goto out;
	const char *v[C__COUNT];
	for (int i = 0; i < C__COUNT; i++)
		v[i] = in[i] ? in[i] : cur.v[i];
	/* Reopening clears the closure; closing without a date closes today. */
	if (in[C_STATUS] && !str_eq(in[C_STATUS], "Closed") && !str_eq(in[C_STATUS], "ClosedReferred")) {
		if (!in[C_CLOSED_ON])
			v[C_CLOSED_ON] = "";
		if (!in[C_CLOSURE_REASON])
			v[C_CLOSURE_REASON] = "";
	}
	int64_t ident_org;
	if ((rc = check_values(s, c, v, &ident_org)) != SVC_OK)
		goto out;
	/* Closing is a manager's decision (a manager's edit is the approval; others request it,
	 * closure.c), and reopening needs a manager's reason: an edit cannot reopen. */
	bool was_closed = str_eq(cur.v[C_STATUS], "Closed") || str_eq(cur.v[C_STATUS], "ClosedReferred");
	bool to_closed = str_eq(v[C_STATUS], "Closed") || str_eq(v[C_STATUS], "ClosedReferred");
	if (was_closed && !to_closed) {
		rc = svc_invalid(s, N_("A closed case is reopened by a manager, with a reason."), "status");
		goto out;
	}
	if (!was_closed && to_closed && !policy_may(s->actor, A_CASE_CLOSE_APPROVE, &res)) {
		rc = svc_invalid(s, N_("Closing a case needs a manager's approval: request the closure."), "status");
		goto out;
	}
	rc = SVC_ERROR;
	int64_t n = 0;
	if (db_exec(c, &q_case_update,
		    DB_PARAMS(text_or_empty(v[C_STATUS]), text_or_empty(v[C_CLOSURE_REASON]), text_or_empty(v[C_IDENTIFIED_ON]),
			      text_or_empty(v[C_REGISTERED_ON]), text_or_empty(v[C_CLOSED_ON]),
			      text_or_empty(v[C_IDENTIFICATION_METHOD]), ident_org ? db_int(ident_org) : db_null(),
			      text_or_empty(v[C_TRAFFICKING_STATUS]), text_or_empty(v[C_TRAFFICKING_STATUS_BY]),
			      text_or_empty(v[C_RECRUITMENT_METHODS]), text_or_empty(v[C_RECRUITMENT_REGION]),
			      text_or_empty(v[C_RECRUITMENT_COUNTRY]), text_or_empty(v[C_RECRUITMENT_APPS]),
			      text_or_empty(v[C_EXPLOITATION_TYPES]), text_or_empty(v[C_FORCED_LABOUR_INDUSTRY]),
			      text_or_empty(v[C_SEX_EXPLOITATION_TYPES]), text_or_empty(v[C_METHODS_OF_CONTROL]),
			      text_or_empty(v[C_RELATIONSHIP]), text_or_empty(v[C_COUNTRY_OF_ORIGIN]),
			      text_or_empty(v[C_COUNTRIES_OF_TRANSIT]), text_or_empty(v[C_COUNTRIES_OF_EXPLOITATION]),
			      text_or_empty(v[C_EXPLOITATION_FROM]), text_or_empty(v[C_EXPLOITATION_TO]),
			      int_or_null(v[C_AGE_WHEN_TRAFFICKED]), text_or_empty(v[C_NEEDS]),
			      db_int((int64_t)time(NULL)), db_int(id), db_int(version ? version : cur.version)),
		    &n, &s->error) < 0)
		goto out;
	if (n != 1) {
		rc = SVC_CONFLICT;
		goto out;
	}
	const char *changed[C__COUNT];
	for (int i = 0; i < C__COUNT; i++)
		changed[i] = !str_eq(v[i], cur.v[i]) ? v[i] : NULL;
	const char *names = changed_fields(s, cur.v, changed);
	if (sealed_put_record(c, s->key, SEALED_CASE, id, &case_record, changed, &s->error) < 0 ||
	    add_history(s, c, id, arena_printf(s->arena, "{\"fields\":\"%s\"}", names)) != SVC_OK ||
	    svc_audit(s, c, "case.edit", "case", cur.code, "ok", arena_printf(s->arena, "fields=%s", names)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
out:
	svc_abort(s, &c);
	return rc;
}

int case_assign(struct svc *s, int64_t id, int64_t user_id, bool add)
{
	struct db_conn *c;
	struct resource res;
	int rc = case_open(s, id, A_CASE_ASSIGN, true, &c, &res);
	if (rc != SVC_OK)
		return rc;
	rc = SVC_ERROR;
	struct db_rows *r;
	if (db_query(c, &q_user_org_role, DB_PARAMS(db_int(user_id)), &r, &s->error) < 0)
		goto out;
	int found = db_rows_next(r, &s->error);
	bool ok = found == 1 && db_rows_int(r, 0) == res.org_id && str_eq(db_rows_text(r, 2), "active") &&
		  (str_eq(db_rows_text(r, 1), "caseworker") || str_eq(db_rows_text(r, 1), "hotline") ||
		   str_eq(db_rows_text(r, 1), "manager"));
	db_rows_free(&r);
	if (found < 0)
		goto out;
	if (add && !ok) {
		rc = svc_invalid(s, N_("Only an active caseworker, hotline operator or manager of the case's organization can be assigned."),
				 "user_id");
		goto out;
	}
	int64_t now = (int64_t)time(NULL), changes = 0, me = s->actor->user_id;
	if (add) {
		if (db_exec(c, &q_cw_add, DB_PARAMS(db_int(id), db_int(user_id), db_int(now), me ? db_int(me) : db_null()),
			    &changes, &s->error) < 0 ||
		    db_exec(c, &q_case_primary_next, DB_PARAMS(db_int(id), db_int(id), db_int(0)), NULL, &s->error) < 0)
			goto out;
	} else {
		if (db_exec(c, &q_cw_del, DB_PARAMS(db_int(id), db_int(user_id)), &changes, &s->error) < 0 ||
		    db_exec(c, &q_case_primary_next, DB_PARAMS(db_int(id), db_int(id), db_int(user_id)), NULL, &s->error) < 0)
			goto out;
	}
	const char *change = arena_printf(s->arena, "{\"%s\":%lld}", add ? "assigned" : "unassigned", (long long)user_id);
	if (changes > 0 && (add_history(s, c, id, change) != SVC_OK ||
			    svc_audit(s, c, add ? "case.assign" : "case.unassign", "case",
				      arena_printf(s->arena, "%lld", (long long)id), "ok",
				      arena_printf(s->arena, "user=%lld", (long long)user_id)) != SVC_OK))
		goto out;
	rc = svc_commit(s, &c);
out:
	svc_abort(s, &c);
	return rc;
}

static const char *like_item(struct svc *s, const char *v)
{
	return v && *v ? arena_printf(s->arena, "%%,%s,%%", v) : "";
}

int case_list(struct svc *s, const struct case_filter *f, struct case_rec **rows_r, int *n_r, bool *more_r)
{
	*n_r = 0;
	*more_r = false;
	int rc = svc_may(s, A_CASE_LIST, NULL);
	if (rc != SVC_OK)
		return rc;
	enum scope sc = policy_scope(s->actor, A_CASE_LIST);
	int64_t org = sc == SCOPE_ANY ? 0 : s->actor->org_id;
	int64_t mine = sc == SCOPE_ASSIGNED ? s->actor->user_id : 0;
	int limit = f->limit > 0 && f->limit <= 200 ? f->limit : 50;
	int order = str_eq(f->sort, "code")	    ? LQ_CODE
		    : str_eq(f->sort, "status")	    ? LQ_STATUS
		    : str_eq(f->sort, "identified") ? LQ_IDENTIFIED
						    : LQ_REGISTERED;
	pthread_once(&list_queries_once, list_queries_build);
	const struct db_query *q = &list_queries[f->brief][f->status && *f->status][org == 0][order];
#define T(x) db_text((x) ? (x) : "")
	const char *et = like_item(s, f->exploitation_type), *ce = like_item(s, f->country_of_exploitation);
	struct db_conn *c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	struct db_rows *r;
	if (db_query(c, q,
		     DB_PARAMS(db_int(s->actor->user_id), db_int(org), T(f->status), T(f->status), db_int(mine),
			       db_int(mine), db_int(f->caseworker_id), db_int(f->caseworker_id), T(f->region), T(f->region),
			       db_text(et), db_text(et), db_text(ce), db_text(ce), T(f->registered_from), T(f->registered_from),
			       T(f->registered_to), T(f->registered_to), T(f->identified_from), T(f->identified_from),
			       T(f->identified_to), T(f->identified_to), T(f->code), T(f->code), db_int(limit + 1),
			       db_int(f->offset > 0 ? f->offset : 0)),
		     &r, &s->error) < 0) {
		svc_abort(s, &c);
		return SVC_ERROR;
	}
#undef T
	struct case_rec *rows = arena_alloc(s->arena, sizeof *rows * (size_t)(limit + 1));
	int n = 0;
	while ((rc = db_rows_next(r, &s->error)) == 1) {
		if (n == limit) {
			*more_r = true;
			break;
		}
		(f->brief ? read_brief_row : read_row)(s, r, &rows[n++]);
	}
	db_rows_free(&r);
	svc_abort(s, &c);
	if (rc < 0)
		return SVC_ERROR;
	*rows_r = rows;
	*n_r = n;
	return SVC_OK;
}

int case_note_add(struct svc *s, int64_t case_id, const char *text, int64_t *note_id_r)
{
	/* Only white space is no note either. */
	size_t blank = text ? strspn(text, " \t\r\n") : 0;
	if (text == NULL || text[blank] == '\0')
		return svc_invalid(s, N_("Write the note first."), "text");
	struct db_conn *c;
	struct resource res;
	int rc = case_open(s, case_id, A_CASE_NOTE, true, &c, &res);
	if (rc != SVC_OK)
		return rc;
	rc = SVC_ERROR;
	char kid[17];
	sealed_key_id(s->key, kid);
	int64_t id = 0, uid = s->actor->user_id;
	/* The note's own id is part of its associated data: insert, then seal. */
	if (db_query_int(c, &q_note_insert,
			 DB_PARAMS(db_int(case_id), db_int((int64_t)time(NULL)), uid ? db_int(uid) : db_null(), db_text(kid),
				   db_blob("", 0)),
			 &id, &s->error) != 1)
		goto out;
	size_t len;
	unsigned char *sealed = seal_field(s->key, s->arena, "case_notes", id, "text", text, strlen(text), &len);
	if (db_exec(c, &q_note_seal, DB_PARAMS(db_blob(sealed, len), db_int(id)), NULL, &s->error) < 0 ||
	    svc_audit(s, c, "case.note", "case", arena_printf(s->arena, "%lld", (long long)case_id), "ok",
		      arena_printf(s->arena, "note=%lld", (long long)id)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
	if (rc == SVC_OK && note_id_r)
		*note_id_r = id;
out:
	svc_abort(s, &c);
	return rc;
}

int case_notes(struct svc *s, int64_t case_id, struct case_note **notes_r, int *n_r)
{
	*n_r = 0;
	struct db_conn *c;
	struct resource res;
	/* The timeline is the owner organization's: a receiving organization sees only what its referral shares. */
	int rc = case_open(s, case_id, A_CASE_RECORDS, true, &c, &res);
	if (rc != SVC_OK)
		return rc;
	rc = SVC_ERROR;
	struct db_rows *r;
	if (db_query(c, &q_notes, DB_PARAMS(db_int(case_id)), &r, &s->error) < 0)
		goto out;
	size_t cap = 16;
	int n = 0, qrc;
	struct case_note *notes = arena_alloc(s->arena, sizeof *notes * cap);
	while ((qrc = db_rows_next(r, &s->error)) == 1) {
		notes = arena_grow(s->arena, notes, sizeof *notes, (size_t)n, &cap);
		struct case_note *x = &notes[n];
		x->id = db_rows_int(r, 0);
		x->at = db_rows_int(r, 1);
		x->author_id = db_rows_int(r, 2);
		x->author = arena_strdup(s->arena, db_rows_text(r, 3));
		size_t len;
		const void *sealed = db_rows_blob(r, 4, &len);
		x->text = seal_open(s->key, s->arena, "case_notes", x->id, "text", sealed, len, NULL);
		if (x->text == NULL) {
			s->error = "a case note does not open with this key";
			db_rows_free(&r);
			goto out;
		}
		n++;
	}
	db_rows_free(&r);
	if (qrc < 0)
		goto out;
	if (n > 0 && svc_audit(s, c, "case.notes-view", "case", arena_printf(s->arena, "%lld", (long long)case_id), "ok",
			       arena_printf(s->arena, "notes=%d", n)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
	*notes_r = notes;
	*n_r = n;
out:
	svc_abort(s, &c);
	return rc;
}

int case_history(struct svc *s, int64_t case_id, struct case_change **rows_r, int *n_r)
{
	*n_r = 0;
	struct db_conn *c;
	struct resource res;
	/* The history is the owner's, as the notes. */
	int rc = case_open(s, case_id, A_CASE_RECORDS, false, &c, &res);
	if (rc != SVC_OK)
		return rc;
	struct db_rows *r;
	rc = SVC_ERROR;
	if (db_query(c, &q_case_history, DB_PARAMS(db_int(case_id)), &r, &s->error) < 0)
		goto out;
	struct case_change *rows = arena_alloc(s->arena, sizeof *rows * 200);
	int n = 0, qrc;
	while ((qrc = db_rows_next(r, &s->error)) == 1 && n < 200) {
		rows[n].at = db_rows_int(r, 0);
		rows[n].who = arena_strdup(s->arena, db_rows_text(r, 1));
		rows[n].change = arena_strdup(s->arena, db_rows_text(r, 2));
		n++;
	}
	db_rows_free(&r);
	if (qrc < 0)
		goto out;
	*rows_r = rows;
	*n_r = n;
	rc = SVC_OK;
out:
	svc_abort(s, &c);
	return rc;
}

int case_worker_choices(struct svc *s, int64_t org_id, struct case_worker_choice **rows_r, int *n_r)
{
	*n_r = 0;
	/* The names of an organization's staff, only for someone who works on its cases. */
	int rc = svc_may(s, A_CASE_LIST, &(struct resource){ .org_id = org_id, .assigned = true });
	if (rc != SVC_OK)
		return rc;
	struct db_conn *c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	struct db_rows *r;
	rc = SVC_ERROR;
	if (db_query(c, &q_assignable, DB_PARAMS(db_int(org_id)), &r, &s->error) < 0)
		goto out;
	struct case_worker_choice *rows = arena_alloc(s->arena, sizeof *rows * 500);
	int n = 0, qrc;
	while ((qrc = db_rows_next(r, &s->error)) == 1 && n < 500) {
		rows[n].id = db_rows_int(r, 0);
		rows[n].name = arena_strdup(s->arena, db_rows_text(r, 1));
		rows[n].role = arena_strdup(s->arena, db_rows_text(r, 2));
		n++;
	}
	db_rows_free(&r);
	if (qrc >= 0) {
		*rows_r = rows;
		*n_r = n;
		rc = SVC_OK;
	}
out:
	svc_abort(s, &c);
	return rc;
}

int case_intake(struct svc *s, const char *const *pin, const char *const *cin, struct case_rec *r)
{
	const char *pv[P__COUNT], *v[C__COUNT];
	struct resource res = { .org_id = s->actor->org_id, .assigned = true };
	int rc = svc_may(s, A_CASE_CREATE, &res);
	if (rc != SVC_OK)
		return rc;
	if ((rc = person_prepare(s, pin, pv)) != SVC_OK)
		return rc;
	for (int i = 0; i < C__COUNT; i++)
		v[i] = cin[i] ? cin[i] : "";
	if (!*v[C_STATUS])
		v[C_STATUS] = "Active";
	if (!*v[C_REGISTERED_ON])
		v[C_REGISTERED_ON] = today(s->arena);
	if (!*v[C_TRAFFICKING_STATUS])
		v[C_TRAFFICKING_STATUS] = "PossibleVictimOfTrafficking";
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	int64_t ident_org = 0, pid = 0, id = 0;
	if ((rc = check_values(s, c, v, &ident_org)) != SVC_OK)
		goto out;
	rc = SVC_ERROR;
	int bits = person_blind_bits(c, &s->error);
	bool assign_me = s->actor->role == ROLE_CASEWORKER || s->actor->role == ROLE_HOTLINE;
	/* Person and case in one transaction: an intake is all or nothing. */
	if (bits < 0 || person_insert_tx(s, c, s->actor->org_id, pv, bits, &pid) != SVC_OK ||
	    case_insert_tx(s, c, pid, s->actor->org_id, v, ident_org, assign_me ? s->actor->user_id : 0, &id, NULL) !=
		    SVC_OK)
		goto out;
	if ((rc = svc_commit(s, &c)) == SVC_OK && r)
		rc = case_get(s, id, false, r);
out:
	svc_abort(s, &c);
	return rc;
}
