/* org.c — the partner-network registry.
 *
 * An organization's fields are described once in org_record; create, edit and
 * status changes validate against it, keep a field-by-field history in
 * org_history (organization data is not victim data, so before and after are
 * stored in clear) and append to the audit trail, all in one transaction.
 * Edits are guarded by the `version` column: whoever saves a form built on an
 * older version gets SVC_CONFLICT instead of silently overwriting a colleague.
 */
#include "model/org.h"
#include "base/buf.h"
#include "base/intl.h"
#include "base/str.h"
#include "base/uni.h"
#include "store/db.h"

#include <stdint.h>
#include <string.h>
#include <time.h>

/* clang-format off */
static const struct field org_fields[ORG__NFIELDS] = {
	[ORG_CODE] = { "code", "code", FT_SLUG, NULL, F_REQUIRED | F_CREATE_ONLY, 2, 40, N_("Code"),
		       N_("Short unique name used in addresses and by the CLI, e.g. revival-ternopil. It cannot be changed later.") },
	[ORG_NAME_UK] = { "name_uk", "name_uk", FT_TEXT, NULL, F_REQUIRED, 2, 200, N_("Name in Ukrainian"), NULL },
	[ORG_NAME_EN] = { "name_en", "name_en", FT_TEXT, NULL, 0, 2, 200, N_("Name in English"), NULL },
	[ORG_KIND] = { "kind", "kind", FT_PICK, &pl_org_kind, F_REQUIRED, 0, 0, N_("Kind"), NULL },
	[ORG_REGION] = { "region", "region", FT_PICK, &pl_region, F_REQUIRED, 0, 0, N_("Region"), NULL },
	[ORG_COUNTRY] = { "country", "country", FT_COUNTRY, NULL, 0, 0, 0, N_("Country"),
			  N_("Two-letter ISO 3166 code. UA for Ukraine; required when the region is Abroad.") },
	[ORG_ADDRESS] = { "address", "address", FT_TEXT, NULL, 0, 0, 300, N_("Address"), NULL },
	[ORG_PHONE] = { "phone", "phone", FT_PHONE, NULL, 0, 0, 0, N_("Phone"), NULL },
	[ORG_EMAIL] = { "email", "email", FT_EMAIL, NULL, 0, 0, 0, N_("E-mail"), NULL },
	[ORG_WEBSITE] = { "website", "website", FT_URL, NULL, 0, 0, 0, N_("Website"), NULL },
	[ORG_CONTACT_PERSON] = { "contact_person", "contact_person", FT_TEXT, NULL, 0, 0, 200,
				 N_("Contact person"), NULL },
	[ORG_JOINED_ON] = { "joined_on", "joined_on", FT_DATE, NULL, 0, 0, 0, N_("Joined the network on"),
			    N_("YYYY-MM-DD; empty means today.") },
	[ORG_STATUS] = { "status", "status", FT_PICK, &pl_org_status, 0, 0, 0, N_("Status"), NULL },
	[ORG_STATUS_REASON] = { "status_reason", "status_reason", FT_TEXT, NULL, 0, 0, 500, N_("Reason"), NULL },
	[ORG_MOU_SIGNED_ON] = { "mou_signed_on", "mou_signed_on", FT_DATE, NULL, 0, 0, 0,
				N_("Memorandum of understanding signed on"), NULL },
	[ORG_MOU_RENEWAL_ON] = { "mou_renewal_on", "mou_renewal_on", FT_DATE, NULL, 0, 0, 0,
				 N_("Memorandum renewal due on"), NULL },
	[ORG_SERVICES] = { "services", "services", FT_PICKSET, &pl_service, 0, 0, 0, N_("Services offered"), NULL },
};
/* clang-format on */

const struct record_type org_record = { "organization", org_fields, ORG__NFIELDS };

#define ORG_COLS                                                                                              \
	"id, version, created_at, updated_at, code, name_uk, name_en, kind, region, country, address, phone," \
	" email, website, contact_person, joined_on, status, status_reason, mou_signed_on, mou_renewal_on, services"

DB_QUERY(q_org_by_code, "SELECT " ORG_COLS " FROM organizations WHERE code = ?");
DB_QUERY(q_org_code_taken, "SELECT count(*) FROM organizations WHERE code = ?");
DB_QUERY(q_org_insert,
	 "INSERT INTO organizations (code, name_uk, name_en, kind, region, country, address, phone, email,"
	 " website, contact_person, joined_on, status, status_reason, mou_signed_on, mou_renewal_on, services,"
	 " created_at, updated_at, version) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,1) RETURNING id");
DB_QUERY(q_org_update,
	 "UPDATE organizations SET name_uk = ?, name_en = ?, kind = ?, region = ?, country = ?, address = ?,"
	 " phone = ?, email = ?, website = ?, contact_person = ?, joined_on = ?, status = ?, status_reason = ?,"
	 " mou_signed_on = ?, mou_renewal_on = ?, services = ?, updated_at = ?, version = version + 1"
	 " WHERE id = ? AND version = ?");
DB_QUERY(q_org_services_clear, "DELETE FROM org_services WHERE org_id = ?");
DB_QUERY(q_org_services_add, "INSERT INTO org_services (org_id, service) VALUES (?, ?)");
DB_QUERY(q_org_history_add, "INSERT INTO org_history (org_id, changed_at, changed_by, change) VALUES (?, ?, ?, ?)");
/* An organization and its history in one statement: the page shows both, and on
 * PostgreSQL each statement is a round trip.  No history: one row of NULLs. */
DB_QUERY(q_org_with_history,
	 "SELECT " ORG_COLS ", h.changed_at, h.change FROM organizations o"
	 " LEFT JOIN (SELECT id AS history_id, org_id, changed_at, change FROM org_history) h ON h.org_id = o.id"
	 " WHERE o.code = ? ORDER BY h.history_id DESC");
/* Optional filters are `? = '' OR ...` so one fixed statement serves every combination. */
#define ORG_LIST_FROM                                                                                \
	" FROM organizations o"                                                                      \
	" WHERE (? = '' OR o.region = ?) AND (? = '' OR o.kind = ?) AND (? = '' OR o.status = ?)"     \
	" AND (? = '' OR EXISTS (SELECT 1 FROM org_services s WHERE s.org_id = o.id AND s.service = ?))" \
	" AND o.code > ? ORDER BY o.code LIMIT ?"
DB_QUERY(q_org_list, "SELECT " ORG_COLS ORG_LIST_FROM);
/* What the registry's page shows, and the text search reads (brief_fields, in this order). */
DB_QUERY(q_org_list_brief, "SELECT id, code, name_uk, name_en, kind, region, country, joined_on, status, services"
			   ORG_LIST_FROM);
static const enum org_field brief_fields[] = { ORG_CODE,	 ORG_NAME_UK, ORG_NAME_EN, ORG_KIND,	ORG_REGION,
					       ORG_COUNTRY,	 ORG_JOINED_ON, ORG_STATUS,  ORG_SERVICES };
DB_QUERY(q_growth_month,
	 "SELECT substr(joined_on, 1, 7), count(*) FROM organizations"
	 " WHERE (? = '' OR kind = ?) AND (? = '' OR region = ?) GROUP BY substr(joined_on, 1, 7) ORDER BY 1");
DB_QUERY(q_growth_year,
	 "SELECT substr(joined_on, 1, 4), count(*) FROM organizations"
	 " WHERE (? = '' OR kind = ?) AND (? = '' OR region = ?) GROUP BY substr(joined_on, 1, 4) ORDER BY 1");

/* ISO 3166-1 alpha-2, officially assigned codes. */
static const char iso_countries[] =
	"AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV "
	"BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES "
	"ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE "
	"IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY "
	"MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU "
	"NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM "
	"SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE "
	"VG VI VN VU WF WS YE YT ZA ZM ZW";

static bool country_known(const char *cc)
{
	if (strlen(cc) != 2)
		return false;
	for (const char *p = iso_countries; *p; p += p[2] ? 3 : 2)
		if (p[0] == cc[0] && p[1] == cc[1])
			return true;
	return false;
}

bool org_field_editable(enum org_field f, bool creating)
{
	if (f == ORG_STATUS || f == ORG_STATUS_REASON)
		return false;
	return creating || !(org_fields[f].flags & F_CREATE_ONLY);
}

const char *org_display_name(const struct org *o, const char *lang)
{
	if (lang && str_eq(lang, "en") && o->v[ORG_NAME_EN][0])
		return o->v[ORG_NAME_EN];
	return o->v[ORG_NAME_UK];
}

static const char *today(struct arena *a)
{
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	return arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static struct org *org_from_row(struct db_rows *r, struct arena *a)
{
	struct org *o = ARENA_NEW(a, struct org);
	o->id = db_rows_int(r, 0);
	o->version = db_rows_int(r, 1);
	o->created_at = db_rows_int(r, 2);
	o->updated_at = db_rows_int(r, 3);
	for (int i = 0; i < ORG__NFIELDS; i++)
		o->v[i] = arena_strdup(a, db_rows_text(r, 4 + i));
	return o;
}

/* A row of q_org_list_brief: the id and brief_fields; the rest "". */
static struct org *org_from_brief_row(struct db_rows *r, struct arena *a)
{
	struct org *o = ARENA_NEW(a, struct org);
	o->id = db_rows_int(r, 0);
	for (int i = 0; i < ORG__NFIELDS; i++)
		o->v[i] = "";
	for (size_t i = 0; i < sizeof brief_fields / sizeof brief_fields[0]; i++)
		o->v[brief_fields[i]] = arena_strdup(a, db_rows_text(r, 1 + (int)i));
	return o;
}

/* 1 found, 0 not found, -1 error (s->error set). */
static int load_by_code(struct svc *s, struct db_conn *c, const char *code, struct org **org_r)
{
	struct db_rows *r;
	if (db_query(c, &q_org_by_code, DB_PARAMS(db_text(code)), &r, &s->error) < 0)
		return -1;
	int rc = db_rows_next(r, &s->error);
	if (rc == 1)
		*org_r = org_from_row(r, s->arena);
	db_rows_free(&r);
	return rc;
}

/*
 * Policy for one organization inside an open transaction.  A denial must be
 * audited in a transaction of its own, so the open one is abandoned first.
 */
static int may_on(struct svc *s, struct db_conn **c, enum action act, const struct org *o)
{
	struct resource res = { .org_id = o->id };
	if (policy_may(s->actor, act, &res))
		return SVC_OK;
	svc_abort(s, c);
	return svc_may(s, act, &res);
}

/*
 * The frame of a change to one organization: opens a write transaction in
 * *c, loads the organization by its code into *cur, asks policy for act and
 * checks that the change was made on the current version (expected_version
 * 0: on any).  SVC_OK to go on; the caller closes *c either way.
 */
static int begin_change(struct svc *s, const char *code, enum action act, int64_t expected_version,
			struct db_conn **c, struct org **cur)
{
	*c = svc_begin(s, true);
	if (*c == NULL)
		return SVC_ERROR;
	int found = load_by_code(s, *c, code, cur);
	if (found <= 0)
		return found == 0 ? SVC_NOT_FOUND : SVC_ERROR;
	int rc = may_on(s, c, act, *cur);
	if (rc != SVC_OK)
		return rc;
	if (expected_version && expected_version != (*cur)->version)
		return SVC_CONFLICT;
	return SVC_OK;
}

/* Validates the given values (NULL = not given) into out[] (canonical). */
static int validate_fields(struct svc *s, const char *const *values, const char **out)
{
	for (int i = 0; i < ORG__NFIELDS; i++) {
		out[i] = NULL;
		if (values[i] == NULL)
			continue;
		const char *err = field_validate(&org_fields[i], values[i], s->arena, &out[i]);
		if (err)
			return svc_invalid(s, err, org_fields[i].name);
	}
	return SVC_OK;
}

/*
 * Rules across fields, on the complete record.  Fills the country when it
 * follows from the region (UA for a Ukrainian region).
 */
static int check_record(struct svc *s, const char **v)
{
	bool abroad = str_eq(v[ORG_REGION], "abroad");
	if (v[ORG_COUNTRY][0] == '\0') {
		if (abroad)
			return svc_invalid(s, N_("Enter the country of an organization abroad, e.g. PL."), "country");
		v[ORG_COUNTRY] = "UA";
	}
	if (!country_known(v[ORG_COUNTRY]))
		return svc_invalid(s, N_("This is not an ISO 3166 country code."), "country");
	if (abroad && str_eq(v[ORG_COUNTRY], "UA"))
		return svc_invalid(s, N_("For an organization in Ukraine choose its region instead of Abroad."),
				   "region");
	if (!abroad && !str_eq(v[ORG_COUNTRY], "UA"))
		return svc_invalid(s, N_("An organization in a Ukrainian region has the country UA; choose Abroad "
					 "as the region for another country."),
				   "country");
	if (v[ORG_MOU_SIGNED_ON][0] && v[ORG_MOU_RENEWAL_ON][0] &&
	    strcmp(v[ORG_MOU_RENEWAL_ON], v[ORG_MOU_SIGNED_ON]) < 0)
		return svc_invalid(s, N_("The renewal date cannot be before the signing date."), "mou_renewal_on");
	if (v[ORG_MOU_RENEWAL_ON][0] && !v[ORG_MOU_SIGNED_ON][0])
		return svc_invalid(s, N_("Enter the signing date of the memorandum first."), "mou_signed_on");
	return SVC_OK;
}

static bool split_next(const char **p, const char **item, size_t *len)
{
	if (**p == '\0')
		return false;
	const char *e = strchr(*p, ',');
	*item = *p;
	*len = e ? (size_t)(e - *p) : strlen(*p);
	*p += *len + (e ? 1 : 0);
	return true;
}

static int write_services(struct svc *s, struct db_conn *c, int64_t org_id, const char *set)
{
	if (db_exec(c, &q_org_services_clear, DB_PARAMS(db_int(org_id)), NULL, &s->error) < 0)
		return SVC_ERROR;
	const char *p = set, *item;
	size_t len;
	while (split_next(&p, &item, &len)) {
		const char *code = arena_strndup(s->arena, item, len);
		if (db_exec(c, &q_org_services_add, DB_PARAMS(db_int(org_id), db_text(code)), NULL, &s->error) < 0)
			return SVC_ERROR;
	}
	return SVC_OK;
}

/*
 * One org_history row and one audit entry for a change.  before may be NULL
 * (creation).  Only fields that differ are recorded; detail names them.
 */
static int record_change(struct svc *s, struct db_conn *c, const struct org *o, const char *action,
			 const char *audit_action, const char *const *before, const char *const *after,
			 int64_t now)
{
	json_t *changes = json_array();
	struct buf fields;
	buf_init_arena(&fields, s->arena);
	for (int i = 0; i < ORG__NFIELDS; i++) {
		const char *b = before ? before[i] : "";
		if (str_eq(b, after[i]))
			continue;
		json_array_append_new(changes, json_pack("{s:s,s:s,s:s}", "field", org_fields[i].name, "before", b,
							 "after", after[i]));
		buf_puts(&fields, fields.len ? "," : "fields=");
		buf_puts(&fields, org_fields[i].name);
	}
	const char *by = s->actor && s->actor->user_id ? s->actor->email : "console";
	json_t *entry = json_pack("{s:s,s:s,s:o}", "action", action, "by", by ? by : "", "changes", changes);
	char *text = json_dumps(entry, JSON_COMPACT);
	json_decref(entry);
	if (text == NULL)
		return svc_fail(s, "cannot serialize org history");
	struct db_val by_id = s->actor && s->actor->user_id ? db_int(s->actor->user_id) : db_null();
	int rc = db_exec(c, &q_org_history_add, DB_PARAMS(db_int(o->id), db_int(now), by_id, db_text(text)), NULL,
			 &s->error) < 0
			 ? SVC_ERROR
			 : SVC_OK;
	free(text);
	if (rc != SVC_OK)
		return rc;
	return svc_audit(s, c, audit_action, "organization", o->v[ORG_CODE], "ok", fields.len ? fields.data : "");
}

/*
 * Writes after[] over cur, which was loaded in c's transaction, records the
 * change (history and audit) and commits.  The update names cur's version:
 * when someone saved a newer one meanwhile it changes nothing and the answer
 * is SVC_CONFLICT.  On success *org_r (optional) is the organization as saved.
 */
static int save_change(struct svc *s, struct db_conn **c, const struct org *cur, const char *const *after,
		       const char *action, const char *audit_action, struct org **org_r)
{
	int64_t now = (int64_t)time(NULL), n = 0;
	int rc;
	if (db_exec(*c, &q_org_update,
		    DB_PARAMS(db_text(after[ORG_NAME_UK]), db_text(after[ORG_NAME_EN]), db_text(after[ORG_KIND]),
			      db_text(after[ORG_REGION]), db_text(after[ORG_COUNTRY]), db_text(after[ORG_ADDRESS]),
			      db_text(after[ORG_PHONE]), db_text(after[ORG_EMAIL]), db_text(after[ORG_WEBSITE]),
			      db_text(after[ORG_CONTACT_PERSON]), db_text(after[ORG_JOINED_ON]),
			      db_text(after[ORG_STATUS]), db_text(after[ORG_STATUS_REASON]),
			      db_text(after[ORG_MOU_SIGNED_ON]), db_text(after[ORG_MOU_RENEWAL_ON]),
			      db_text(after[ORG_SERVICES]), db_int(now), db_int(cur->id), db_int(cur->version)),
		    &n, &s->error) < 0)
		return SVC_ERROR;
	if (n != 1)
		return SVC_CONFLICT;
	if (!str_eq(after[ORG_SERVICES], cur->v[ORG_SERVICES]) &&
	    (rc = write_services(s, *c, cur->id, after[ORG_SERVICES])) != SVC_OK)
		return rc;
	if ((rc = record_change(s, *c, cur, action, audit_action, cur->v, after, now)) != SVC_OK)
		return rc;
	if ((rc = svc_commit(s, c)) != SVC_OK)
		return rc;
	if (org_r) {
		struct org *o = ARENA_NEW(s->arena, struct org);
		*o = *cur;
		o->version = cur->version + 1;
		o->updated_at = now;
		for (int i = 0; i < ORG__NFIELDS; i++)
			o->v[i] = after[i];
		*org_r = o;
	}
	return SVC_OK;
}

static bool code_reserved(const char *code)
{
	/* "/orgs/new" is the creation page. */
	return str_eq(code, "new");
}

int org_create(struct svc *s, const char *const *values, struct org **org_r)
{
	struct db_conn *c = NULL;
	const char *v[ORG__NFIELDS];
	int rc = svc_may(s, A_ORG_CREATE, NULL);
	if (rc != SVC_OK)
		return rc;
	const char *given[ORG__NFIELDS];
	for (int i = 0; i < ORG__NFIELDS; i++)
		given[i] = values[i] ? values[i] : "";
	if ((rc = validate_fields(s, given, v)) != SVC_OK)
		return rc;
	if (v[ORG_STATUS][0] && !str_eq(v[ORG_STATUS], "active"))
		return svc_invalid(s, N_("A new organization is active; change its status afterwards."), "status");
	if (v[ORG_STATUS_REASON][0])
		return svc_invalid(s, N_("A new organization is active; change its status afterwards."),
				   "status_reason");
	v[ORG_STATUS] = "active";
	if (code_reserved(v[ORG_CODE]))
		return svc_invalid(s, N_("This code is reserved; choose another."), "code");
	if (v[ORG_JOINED_ON][0] == '\0')
		v[ORG_JOINED_ON] = today(s->arena);
	if ((rc = check_record(s, v)) != SVC_OK)
		return rc;

	int64_t now = (int64_t)time(NULL), taken = 0;
	c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	rc = SVC_ERROR;
	if (db_query_int(c, &q_org_code_taken, DB_PARAMS(db_text(v[ORG_CODE])), &taken, &s->error) < 0)
		goto out;
	if (taken > 0) {
		s->problem = N_("An organization with this code already exists.");
		s->problem_field = "code";
		rc = SVC_CONFLICT;
		goto out;
	}
	struct db_rows *r;
	if (db_query(c, &q_org_insert,
		     DB_PARAMS(db_text(v[ORG_CODE]), db_text(v[ORG_NAME_UK]), db_text(v[ORG_NAME_EN]),
			       db_text(v[ORG_KIND]), db_text(v[ORG_REGION]), db_text(v[ORG_COUNTRY]),
			       db_text(v[ORG_ADDRESS]), db_text(v[ORG_PHONE]), db_text(v[ORG_EMAIL]),
			       db_text(v[ORG_WEBSITE]), db_text(v[ORG_CONTACT_PERSON]), db_text(v[ORG_JOINED_ON]),
			       db_text(v[ORG_STATUS]), db_text(v[ORG_STATUS_REASON]), db_text(v[ORG_MOU_SIGNED_ON]),
			       db_text(v[ORG_MOU_RENEWAL_ON]), db_text(v[ORG_SERVICES]), db_int(now), db_int(now)),
		     &r, &s->error) < 0) {
		if (db_errcode(c) == DB_E_CONSTRAINT) {
			/* Another writer took the code between our check and the insert. */
			s->problem = N_("An organization with this code already exists.");
			s->problem_field = "code";
			rc = SVC_CONFLICT;
		}
		goto out;
	}
	int step = db_rows_next(r, &s->error);
	struct org *o = ARENA_NEW(s->arena, struct org);
	o->id = step == 1 ? db_rows_int(r, 0) : 0;
	db_rows_free(&r);
	if (step != 1) {
		if (step == 0)
			s->error = "insert returned no id";
		goto out;
	}
	o->version = 1;
	o->created_at = o->updated_at = now;
	for (int i = 0; i < ORG__NFIELDS; i++)
		o->v[i] = v[i];
	if ((rc = write_services(s, c, o->id, v[ORG_SERVICES])) != SVC_OK)
		goto out;
	if ((rc = record_change(s, c, o, "create", "org.create", NULL, v, now)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
	if (rc == SVC_OK && org_r)
		*org_r = o;
out:
	svc_abort(s, &c);
	return rc;
}

int org_update(struct svc *s, const char *code, const char *const *values, int64_t expected_version,
	       struct org **org_r)
{
	struct db_conn *c = NULL;
	const char *v[ORG__NFIELDS];
	struct org *cur = NULL;
	int rc = validate_fields(s, values, v);
	if (rc != SVC_OK)
		return rc;
	if ((rc = begin_change(s, code, A_ORG_EDIT, expected_version, &c, &cur)) != SVC_OK)
		goto out;
	if (v[ORG_CODE] && !str_eq(v[ORG_CODE], cur->v[ORG_CODE])) {
		rc = svc_invalid(s, N_("This cannot be changed after creation."), "code");
		goto out;
	}
	/* Status changes need their own, stronger right: org_set_status. */
	for (int i = ORG_STATUS; i <= ORG_STATUS_REASON; i++)
		if (v[i] && !str_eq(v[i], cur->v[i])) {
			rc = svc_invalid(s, N_("Change the status with the deactivate or reactivate action."),
					 org_fields[i].name);
			goto out;
		}
	/* Moving to a Ukrainian region without naming a country means Ukraine. */
	if (v[ORG_REGION] && !str_eq(v[ORG_REGION], "abroad") && (v[ORG_COUNTRY] == NULL || !v[ORG_COUNTRY][0]))
		v[ORG_COUNTRY] = "UA";
	const char *merged[ORG__NFIELDS];
	for (int i = 0; i < ORG__NFIELDS; i++)
		merged[i] = v[i] ? v[i] : cur->v[i];
	if (merged[ORG_JOINED_ON][0] == '\0') {
		rc = svc_invalid(s, N_("This is required."), "joined_on");
		goto out;
	}
	if ((rc = check_record(s, merged)) != SVC_OK)
		goto out;
	bool changed = false;
	for (int i = 0; i < ORG__NFIELDS; i++)
		if (!str_eq(merged[i], cur->v[i]))
			changed = true;
	if (!changed) {
		rc = SVC_OK;
		if (org_r)
			*org_r = cur;
		goto out;
	}
	rc = save_change(s, &c, cur, merged, "edit", "org.edit", org_r);
out:
	svc_abort(s, &c);
	return rc;
}

int org_set_status(struct svc *s, const char *code, const char *status, const char *reason,
		   int64_t expected_version, struct org **org_r)
{
	struct db_conn *c = NULL;
	struct org *cur = NULL;
	const char *st, *why;
	const char *err = field_validate(&org_fields[ORG_STATUS], status ? status : "", s->arena, &st);
	if (err == NULL && st[0] == '\0')
		err = N_("This is required.");
	if (err)
		return svc_invalid(s, err, "status");
	if ((err = field_validate(&org_fields[ORG_STATUS_REASON], reason ? reason : "", s->arena, &why)))
		return svc_invalid(s, err, "reason");
	if (!str_eq(st, "active") && why[0] == '\0')
		return svc_invalid(s, N_("Give the reason for suspending or removing the organization."), "reason");
	int rc = begin_change(s, code, A_ORG_DEACTIVATE, expected_version, &c, &cur);
	if (rc != SVC_OK)
		goto out;
	if (str_eq(st, cur->v[ORG_STATUS])) {
		rc = svc_invalid(s, N_("The organization already has this status."), "status");
		goto out;
	}
	const char *after[ORG__NFIELDS];
	for (int i = 0; i < ORG__NFIELDS; i++)
		after[i] = cur->v[i];
	after[ORG_STATUS] = st;
	after[ORG_STATUS_REASON] = why;
	rc = save_change(s, &c, cur, after, "status", str_eq(st, "active") ? "org.reactivate" : "org.deactivate",
			 org_r);
out:
	svc_abort(s, &c);
	return rc;
}

int org_get_by_code(struct svc *s, const char *code, struct org **org_r)
{
	struct db_conn *c = NULL;
	struct org *o = NULL;
	int rc = svc_may(s, A_ORG_VIEW, NULL);
	if (rc != SVC_OK)
		return rc;
	c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	int found = load_by_code(s, c, code, &o);
	svc_abort(s, &c);
	if (found < 0)
		return SVC_ERROR;
	if (found == 0)
		return SVC_NOT_FOUND;
	/* Viewing an organization concerns that one record: ask again with it. */
	struct resource res = { .org_id = o->id };
	if ((rc = svc_may(s, A_ORG_VIEW, &res)) != SVC_OK)
		return rc;
	*org_r = o;
	return SVC_OK;
}

/* Whether needle (case-folded) is in the code or either name, whatever their case. */
static bool matches_text(struct arena *a, const struct org *o, const char *needle)
{
	static const enum org_field searched[] = { ORG_CODE, ORG_NAME_UK, ORG_NAME_EN };
	for (size_t i = 0; i < sizeof searched / sizeof searched[0]; i++) {
		const char *folded = uni_fold(a, o->v[searched[i]]);
		if (folded && strstr(folded, needle))
			return true;
	}
	return false;
}

static int check_filter(struct svc *s, const struct picklist *pl, const char *v, const char *field)
{
	if (v && v[0] && !picklist_has(pl, v))
		return svc_invalid(s, N_("Choose one of the listed values."), field);
	return SVC_OK;
}

int org_list(struct svc *s, const struct org_filter *f, struct org ***orgs_r, size_t *n_r, const char **next_r)
{
	struct db_conn *c = NULL;
	struct db_rows *r = NULL;
	*orgs_r = NULL;
	*n_r = 0;
	*next_r = NULL;
	int rc = svc_may(s, A_ORG_LIST, NULL);
	if (rc != SVC_OK)
		return rc;
	if ((rc = check_filter(s, &pl_region, f->region, "region")) != SVC_OK ||
	    (rc = check_filter(s, &pl_org_kind, f->kind, "kind")) != SVC_OK ||
	    (rc = check_filter(s, &pl_service, f->service, "service")) != SVC_OK ||
	    (rc = check_filter(s, &pl_org_status, f->status, "status")) != SVC_OK)
		return rc;
	const char *q = f->q ? f->q : "";
	if (!str_valid_utf8_text(q, strlen(q), false) || str_utf8_len(q) > 100)
		return svc_invalid(s, N_("Search for at most 100 characters on one line."), "q");
	if (f->limit < 0 || f->limit > ORG_LIST_MAX)
		return svc_invalid(s, N_("Ask for 1 to 200 records at a time."), "limit");
	const char *after = f->after ? f->after : "";
	if (strlen(after) > 40)
		return svc_invalid(s, N_("This page address is not valid."), "after");
	size_t limit = f->limit ? (size_t)f->limit : ORG_LIST_DEFAULT;
	/*
	 * Folded so a search finds "Відродження" when typed "відродження".  SQL
	 * LIKE cannot do this the same way in SQLite and PostgreSQL.
	 */
	char *needle = uni_fold(s->arena, str_trim(arena_strdup(s->arena, q)));
	if (needle == NULL)
		return svc_fail(s, "case folding failed");
	const char *region = f->region ? f->region : "", *kind = f->kind ? f->kind : "";
	const char *service = f->service ? f->service : "", *status = f->status ? f->status : "";

	/* One row past the page tells whether there is a next one.  A text search filters
	 * here, after the statement, so it cannot say how many rows it will need. */
	int64_t rows = needle[0] ? INT64_MAX : (int64_t)limit + 1;
	c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	rc = SVC_ERROR;
	if (db_query(c, f->brief ? &q_org_list_brief : &q_org_list,
		     DB_PARAMS(db_text(region), db_text(region), db_text(kind), db_text(kind), db_text(status),
			       db_text(status), db_text(service), db_text(service), db_text(after), db_int(rows)),
		     &r, &s->error) < 0)
		goto out;
	struct org **items = arena_alloc(s->arena, (limit + 1) * sizeof *items);
	size_t n = 0;
	int step;
	/* The text match is done here, after the indexed filters; the scan stops one past the page. */
	while (n <= limit && (step = db_rows_next(r, &s->error)) == 1) {
		struct org *o = f->brief ? org_from_brief_row(r, s->arena) : org_from_row(r, s->arena);
		if (needle[0] && !matches_text(s->arena, o, needle))
			continue;
		items[n++] = o;
	}
	if (n <= limit && step < 0)
		goto out;
	if (n > limit) {
		n = limit;
		*next_r = items[limit - 1]->v[ORG_CODE];
	}
	*orgs_r = items;
	*n_r = n;
	rc = SVC_OK;
out:
	db_rows_free(&r);
	svc_abort(s, &c);
	return rc;
}

/* One org_history row (its JSON text) as an org_change; -1 with s->error when it is not valid. */
static int change_from_row(struct svc *s, int64_t at, const char *text, struct org_change *e)
{
	json_error_t jerr;
	json_t *j = json_loads(text, 0, &jerr);
	json_t *ch = json_object_get(j, "changes");
	if (j == NULL || !json_is_array(ch)) {
		json_decref(j);
		s->error = "org_history row is not valid JSON";
		return -1;
	}
	e->at = at;
	const char *by = json_string_value(json_object_get(j, "by"));
	const char *act = json_string_value(json_object_get(j, "action"));
	e->by = arena_strdup(s->arena, by ? by : "");
	e->action = arena_strdup(s->arena, act ? act : "");
	e->n = json_array_size(ch);
	e->field = arena_alloc(s->arena, (e->n + 1) * sizeof(char *));
	e->before = arena_alloc(s->arena, (e->n + 1) * sizeof(char *));
	e->after = arena_alloc(s->arena, (e->n + 1) * sizeof(char *));
	for (size_t k = 0; k < e->n; k++) {
		json_t *x = json_array_get(ch, k);
		const char *fl = json_string_value(json_object_get(x, "field"));
		const char *b = json_string_value(json_object_get(x, "before"));
		const char *a = json_string_value(json_object_get(x, "after"));
		e->field[k] = arena_strdup(s->arena, fl ? fl : "");
		e->before[k] = arena_strdup(s->arena, b ? b : "");
		e->after[k] = arena_strdup(s->arena, a ? a : "");
	}
	json_decref(j);
	return 0;
}

int org_get_with_history(struct svc *s, const char *code, struct org **org_r, struct org_change **changes_r,
			 size_t *n_r)
{
	struct db_conn *c = NULL;
	struct db_rows *r = NULL;
	struct org *o = NULL;
	*changes_r = NULL;
	*n_r = 0;
	int rc = svc_may(s, A_ORG_VIEW, NULL);
	if (rc != SVC_OK)
		return rc;
	c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	rc = SVC_ERROR;
	if (db_query(c, &q_org_with_history, DB_PARAMS(db_text(code)), &r, &s->error) < 0)
		goto out;
	size_t cap = 16, n = 0;
	struct org_change *items = arena_alloc(s->arena, cap * sizeof *items);
	int step;
	while ((step = db_rows_next(r, &s->error)) == 1) {
		if (o == NULL)
			o = org_from_row(r, s->arena);
		if (db_rows_isnull(r, 22))
			continue;
		items = arena_grow(s->arena, items, sizeof *items, n, &cap);
		if (change_from_row(s, db_rows_int(r, 21), db_rows_text(r, 22), &items[n]) < 0)
			goto out;
		n++;
	}
	if (step < 0)
		goto out;
	db_rows_free(&r);
	svc_abort(s, &c);
	if (o == NULL)
		return SVC_NOT_FOUND;
	/* Viewing an organization concerns that one record: ask again with it. */
	struct resource res = { .org_id = o->id };
	if ((rc = svc_may(s, A_ORG_VIEW, &res)) != SVC_OK)
		return rc;
	*org_r = o;
	*changes_r = items;
	*n_r = n;
	return SVC_OK;
out:
	db_rows_free(&r);
	svc_abort(s, &c);
	return rc;
}

int org_history_list(struct svc *s, const char *code, struct org_change **changes_r, size_t *n_r)
{
	struct org *o;
	return org_get_with_history(s, code, &o, changes_r, n_r);
}

int network_growth(struct svc *s, bool by_year, const char *kind, const char *region,
		   struct growth_point **points_r, size_t *n_r)
{
	struct db_conn *c = NULL;
	struct db_rows *r = NULL;
	*points_r = NULL;
	*n_r = 0;
	int rc = svc_may(s, A_NETWORK_GROWTH, NULL);
	if (rc != SVC_OK)
		return rc;
	kind = kind ? kind : "";
	region = region ? region : "";
	if ((rc = check_filter(s, &pl_org_kind, kind, "kind")) != SVC_OK ||
	    (rc = check_filter(s, &pl_region, region, "region")) != SVC_OK)
		return rc;
	c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	rc = SVC_ERROR;
	if (db_query(c, by_year ? &q_growth_year : &q_growth_month,
		     DB_PARAMS(db_text(kind), db_text(kind), db_text(region), db_text(region)), &r, &s->error) < 0)
		goto out;
	size_t cap = 32, n = 0;
	struct growth_point *pts = arena_alloc(s->arena, cap * sizeof *pts);
	int64_t total = 0;
	int step;
	while ((step = db_rows_next(r, &s->error)) == 1) {
		pts = arena_grow(s->arena, pts, sizeof *pts, n, &cap);
		pts[n].period = arena_strdup(s->arena, db_rows_text(r, 0));
		pts[n].joined = db_rows_int(r, 1);
		total += pts[n].joined;
		pts[n].total = total;
		n++;
	}
	if (step < 0)
		goto out;
	*points_r = pts;
	*n_r = n;
	rc = SVC_OK;
out:
	db_rows_free(&r);
	svc_abort(s, &c);
	return rc;
}

json_t *org_to_json(const struct org *o)
{
	json_t *j = json_object();
	record_to_json(&org_record, o->v, j);
	json_object_set_new(j, "version", json_integer(o->version));
	json_object_set_new(j, "created_at", json_integer(o->created_at));
	json_object_set_new(j, "updated_at", json_integer(o->updated_at));
	return j;
}

json_t *org_change_to_json(const struct org_change *c)
{
	json_t *changes = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(changes, json_pack("{s:s,s:s,s:s}", "field", c->field[i], "before", c->before[i],
							 "after", c->after[i]));
	return json_pack("{s:I,s:s,s:s,s:o}", "at", (json_int_t)c->at, "by", c->by, "action", c->action, "changes",
			 changes);
}
