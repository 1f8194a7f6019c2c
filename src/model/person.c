#include "model/person.h"
#include "base/buf.h"
#include "base/intl.h"
#include "base/str.h"
#include "crypto/blind.h"
#include "model/htcds.h"
#include "model/referral.h"
#include "model/sealed.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

PL_DEFINE(pl_language, "language",
	  { "uk", N_("Ukrainian") }, { "ru", N_("Russian") }, { "crh", N_("Crimean Tatar") },
	  { "en", N_("English") }, { "pl", N_("Polish") }, { "de", N_("German") }, { "ro", N_("Romanian") },
	  { "hu", N_("Hungarian") }, { "other", N_("Other language") });

PL_DEFINE(pl_id_document, "id_document",
	  { "passport", N_("Internal passport or ID card") }, { "foreign_passport", N_("Passport for travel abroad") },
	  { "birth_certificate", N_("Birth certificate") }, { "residence_permit", N_("Residence permit") },
	  { "none", N_("No document") }, { "other", N_("Other document") });

#define S F_PERSONAL
static const struct field person_fields[P__COUNT] = {
	[P_FIRST_NAME] = { "first_name", "prs_FirstName", FT_TEXT, NULL, S | F_SEARCH, 0, 100, N_("First name"),
			   N_("As she writes it, in Cyrillic or Latin letters.") },
	[P_MIDDLE_NAME] = { "middle_name", "prs_MiddleName", FT_TEXT, NULL, S | F_SEARCH, 0, 100, N_("Patronymic"), NULL },
	[P_SECOND_NAME] = { "second_name", "prs_SecondName", FT_TEXT, NULL, S | F_SEARCH, 0, 100, N_("Surname"), NULL },
	[P_FIRST_NAME_LATIN] = { "first_name_latin", "first_name_latin", FT_TEXT, NULL, S | F_SEARCH, 0, 100,
				 N_("First name in Latin letters"), N_("As in her passport for travel abroad, if any.") },
	[P_SECOND_NAME_LATIN] = { "second_name_latin", "second_name_latin", FT_TEXT, NULL, S | F_SEARCH, 0, 100,
				  N_("Surname in Latin letters"), NULL },
	[P_BIRTHDATE] = { "birthdate", "prs_Birthdate", FT_DATE, NULL, S | F_SEARCH, 0, 0, N_("Date of birth"), NULL },
	[P_MOBILE_PHONE] = { "mobile_phone", "prs_MobilePhone", FT_PHONE, NULL, S | F_SEARCH, 0, 0, N_("Mobile phone"), NULL },
	[P_HOME_PHONE] = { "home_phone", "prs_HomePhone", FT_PHONE, NULL, S | F_SEARCH, 0, 0, N_("Other phone"), NULL },
	[P_EMAIL] = { "email", "prs_Email", FT_EMAIL, NULL, S, 0, 0, N_("E-mail"), NULL },
	[P_STREET] = { "street", "prs_MailingStreet", FT_TEXT, NULL, S, 0, 200, N_("Street and house"), NULL },
	[P_CITY] = { "city", "prs_MailingCity", FT_TEXT, NULL, S, 0, 100, N_("City or village"), NULL },
	[P_STATE] = { "state", "prs_MailingState", FT_TEXT, NULL, S, 0, 100, N_("District or oblast"), NULL },
	[P_POSTAL_CODE] = { "postal_code", "prs_MailingPostalCode", FT_TEXT, NULL, S, 0, 20, N_("Postal code"), NULL },
	[P_MAILING_COUNTRY] = { "mailing_country", "prs_MailingCountry", FT_COUNTRY, NULL, S, 0, 0, N_("Country of address"), NULL },
	[P_ID_DOCUMENT] = { "id_document", "identity_document_type", FT_PICK, &pl_id_document, S, 0, 0,
			    N_("Identity document"), NULL },
	[P_ID_NUMBER] = { "id_number", "prs_IdentityNumber", FT_TEXT, NULL, S, 0, 40, N_("Document number"), NULL },
	[P_PHOTO_METADATA] = { "photo_metadata", "photo_metadata", FT_LONGTEXT, NULL, S, 0, 2000,
			       N_("Photos (description only)"),
			       N_("Where photos are kept and what they show; never upload the photos here.") },
	[P_SAFE_CONTACT] = { "safe_contact", "safe_contact_method", FT_LONGTEXT, NULL, S, 0, 1000,
			     N_("Safe way to contact her"),
			     N_("For example: only by phone after 18:00, never through her family.") },
	[P_NOTES] = { "notes", "notes", FT_LONGTEXT, NULL, S, 0, 10000, N_("Notes about the person"), NULL },
	[P_GENDER] = { "gender", "prs_Gender", FT_PICK, &pl_prs_Gender, F_REQUIRED, 0, 0, N_("Gender"), NULL },
	[P_BIRTH_YEAR] = { "birth_year", "birth_year", FT_INT, NULL, 0, 1900, 2100, N_("Year of birth"),
			   N_("When the exact date is not known.") },
	[P_CITIZENSHIP] = { "citizenship", "prs_Citizenship", FT_PICKSET, &pl_country, 0, 0, 0, N_("Citizenship"), NULL },
	[P_REGION] = { "region", "residence_region", FT_PICK, &pl_region, 0, 0, 0, N_("Region of residence"), NULL },
	[P_LANGUAGES] = { "languages", "languages", FT_PICKSET, &pl_language, 0, 0, 0, N_("Languages"), NULL },
	[P_MARITAL_STATUS] = { "marital_status", "prs_MaritalStatus", FT_PICK, &pl_prs_MaritalStatus, 0, 0, 0,
			       N_("Marital status"), NULL },
	[P_CHILDREN] = { "children", "prs_NumberOfChildren", FT_INT, NULL, 0, 0, 30, N_("Number of children"), NULL },
	[P_EDUCATION] = { "education", "prs_HighestLevelOfEducation", FT_PICK, &pl_prs_HighestLevelOfEducation, 0, 0, 0,
			  N_("Highest level of education"), NULL },
};
#undef S

const struct record_type person_record = { "person", person_fields, P__COUNT };

#define PERSON_COLS "id, owner_org_id, created_by, version, gender, birth_year, citizenship, residence_region," \
		    " languages, marital_status, number_of_children, education"
DB_QUERY(q_person_insert,
	 "INSERT INTO persons (owner_org_id, gender, birth_year, citizenship, residence_region, languages,"
	 " marital_status, number_of_children, education, created_by, created_at, updated_at)"
	 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
DB_QUERY(q_person_get, "SELECT " PERSON_COLS " FROM persons WHERE id = ?");
DB_QUERY(q_person_update,
	 "UPDATE persons SET gender = ?, birth_year = ?, citizenship = ?, residence_region = ?, languages = ?,"
	 " marital_status = ?, number_of_children = ?, education = ?, updated_at = ?, version = version + 1"
	 " WHERE id = ? AND version = ?");
DB_QUERY(q_person_access,
	 "SELECT p.owner_org_id, p.created_by,"
	 " (SELECT COUNT(*) FROM case_workers w JOIN cases c ON c.id = w.case_id"
	 "  WHERE c.person_id = p.id AND w.user_id = ?)"
	 " FROM persons p WHERE p.id = ?");
DB_QUERY(q_pindex_del, "DELETE FROM person_index WHERE person_id = ?");
DB_QUERY(q_pindex_add, "INSERT INTO person_index (kind, owner_org_id, bucket, person_id)"
		       " SELECT ?, owner_org_id, ?, id FROM persons WHERE id = ?"
		       " ON CONFLICT (kind, owner_org_id, bucket, person_id) DO NOTHING");
DB_QUERY(q_pindex_find, "SELECT person_id FROM person_index WHERE kind = ? AND owner_org_id = ? AND bucket = ?");
DB_QUERY(q_pindex_find_all, "SELECT person_id FROM person_index WHERE kind = ? AND bucket = ?");
DB_QUERY(q_meta_bits, "SELECT value FROM meta WHERE name = 'blind_bits'");
DB_QUERY(q_person_case, "SELECT c.id, c.code, c.owner_org_id,"
			" (SELECT COUNT(*) FROM case_workers w WHERE w.case_id = c.id AND w.user_id = ?)"
			" FROM cases c WHERE c.person_id = ? ORDER BY c.id DESC");

const char *person_age_band(int64_t birth_year, const char *on_date)
{
	if (birth_year <= 0)
		return "";
	int year = on_date && strlen(on_date) >= 4 ? atoi(on_date) : 0;
	if (year <= 0) {
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		year = tm.tm_year + 1900;
	}
	int64_t age = year - birth_year;
	return age < 12 ? "0-11" : age < 18 ? "12-17" : age < 25 ? "18-24" : age < 35 ? "25-34" : age < 45 ? "35-44"
	       : age < 60 ? "45-59" : "60+";
}

int person_blind_bits(struct db_conn *c, const char **error_r)
{
	struct db_rows *r;
	int bits = 13;
	if (db_query(c, &q_meta_bits, DB_NOPARAMS, &r, error_r) < 0)
		return -1;
	if (db_rows_next(r, error_r) == 1)
		bits = atoi(db_rows_text(r, 0));
	db_rows_free(&r);
	return bits >= 8 && bits <= 20 ? bits : 13;
}

const char *person_display_name(struct arena *a, const char *const *v)
{
	const char *f = v[P_FIRST_NAME] && *v[P_FIRST_NAME] ? v[P_FIRST_NAME] : v[P_FIRST_NAME_LATIN];
	const char *l = v[P_SECOND_NAME] && *v[P_SECOND_NAME] ? v[P_SECOND_NAME] : v[P_SECOND_NAME_LATIN];
	f = f ? f : "";
	l = l ? l : "";
	return arena_printf(a, "%s%s%s", f, *f && *l ? " " : "", l);
}

static int index_add(struct db_conn *c, const struct master_key *k, int bits, enum blind_kind kind,
		     const char *norm, int64_t id, const char **error_r)
{
	char kd[2] = { (char)kind, 0 };
	return db_exec(c, &q_pindex_add, DB_PARAMS(db_text(kd), db_int(blind_value(k, kind, norm, bits)), db_int(id)),
		       NULL, error_r);
}

int person_reindex(struct db_conn *c, const struct master_key *k, int bits, int64_t id, const char *const *v,
		   const char **error_r)
{
	struct arena *a = arena_new(1024);
	int rc = -1;
	if (db_exec(c, &q_pindex_del, DB_PARAMS(db_int(id)), NULL, error_r) < 0)
		goto out;
	static const int name_fields[] = { P_FIRST_NAME, P_MIDDLE_NAME, P_SECOND_NAME, P_FIRST_NAME_LATIN,
					   P_SECOND_NAME_LATIN };
	for (size_t i = 0; i < sizeof name_fields / sizeof name_fields[0]; i++) {
		const char *t[BLIND_MAX_TOKENS];
		int n = blind_name_tokens(a, v[name_fields[i]], t);
		for (int j = 0; j < n; j++)
			if (index_add(c, k, bits, BLIND_NAME, t[j], id, error_r) < 0)
				goto out;
	}
	static const int phone_fields[] = { P_MOBILE_PHONE, P_HOME_PHONE };
	for (size_t i = 0; i < 2; i++) {
		const char *e = blind_phone_e164(a, v[phone_fields[i]]);
		if (e && index_add(c, k, bits, BLIND_PHONE, e, id, error_r) < 0)
			goto out;
	}
	const char *d = blind_dob_normalize(a, v[P_BIRTHDATE]);
	if (d && index_add(c, k, bits, BLIND_DOB, d, id, error_r) < 0)
		goto out;
	rc = 0;
out:
	arena_free(&a);
	return rc;
}

int person_resource(struct svc *s, struct db_conn *c, int64_t id, struct resource *res_r)
{
	struct db_rows *r;
	memset(res_r, 0, sizeof *res_r);
	int64_t uid = s->actor ? s->actor->user_id : 0;
	if (db_query(c, &q_person_access, DB_PARAMS(db_int(uid), db_int(id)), &r, &s->error) < 0)
		return SVC_ERROR;
	int rc = db_rows_next(r, &s->error);
	if (rc == 1) {
		res_r->org_id = db_rows_int(r, 0);
		res_r->assigned = (uid && db_rows_int(r, 1) == uid) || db_rows_int(r, 2) > 0;
	}
	db_rows_free(&r);
	if (rc == 1 && s->actor && s->actor->org_id && res_r->org_id != s->actor->org_id) {
		const char *shared;
		int ref = referral_person_access(c, id, s->actor->org_id, (int64_t)time(NULL), &shared, s->arena, &s->error);
		if (ref < 0)
			return SVC_ERROR;
		res_r->referred = ref > 0;
	}
	return rc < 0 ? SVC_ERROR : rc == 0 ? SVC_NOT_FOUND : SVC_OK;
}

/* Year of birth from the date when given; a date and a different year disagree. */
static int derive_birth_year(struct svc *s, const char **v)
{
	if (v[P_BIRTHDATE] && *v[P_BIRTHDATE]) {
		char y[5];
		snprintf(y, sizeof y, "%.4s", v[P_BIRTHDATE]);
		if (v[P_BIRTH_YEAR] && *v[P_BIRTH_YEAR] && strcmp(v[P_BIRTH_YEAR], y) != 0)
			return svc_invalid(s, N_("The year of birth does not match the date of birth."), "birth_year");
		v[P_BIRTH_YEAR] = arena_strdup(s->arena, y);
	}
	return SVC_OK;
}

static struct db_val int_or_null(const char *v)
{
	return v && *v ? db_int(strtoll(v, NULL, 10)) : db_null();
}

static const char *field_list(struct svc *s, const char *const *values)
{
	struct buf b;
	buf_init_arena(&b, s->arena);
	buf_puts(&b, "fields=");
	for (size_t i = 0; i < P__COUNT; i++)
		if (values[i] && *values[i]) {
			if (b.len > 7)
				buf_putc(&b, ',');
			buf_puts(&b, person_fields[i].name);
		}
	return b.data;
}

int person_prepare(struct svc *s, const char *const *in, const char **v)
{
	for (int i = 0; i < P__COUNT; i++)
		v[i] = in[i] ? in[i] : "";
	if (!*v[P_FIRST_NAME] && !*v[P_SECOND_NAME] && !*v[P_FIRST_NAME_LATIN] && !*v[P_SECOND_NAME_LATIN])
		return svc_invalid(s, N_("Enter at least a first name or a surname, in Cyrillic or Latin letters."),
				   "first_name");
	return derive_birth_year(s, v);
}

int person_create(struct svc *s, const char *const *in, int64_t *id_r)
{
	const char *v[P__COUNT];
	struct resource res = { .org_id = s->actor->org_id, .assigned = true };
	int rc = svc_may(s, A_CASE_CREATE, &res);
	if (rc != SVC_OK)
		return rc;
	if ((rc = person_prepare(s, in, v)) != SVC_OK)
		return rc;
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	int64_t id = 0;
	rc = SVC_ERROR;
	int bits = person_blind_bits(c, &s->error);
	if (bits < 0 || person_insert_tx(s, c, s->actor->org_id, v, bits, &id) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
	if (rc == SVC_OK)
		*id_r = id;
out:
	svc_abort(s, &c);
	return rc;
}

int person_insert_tx(struct svc *s, struct db_conn *c, int64_t owner_org_id, const char *const *v, int bits,
		     int64_t *id_r)
{
	int64_t now = (int64_t)time(NULL), id = 0;
	if (db_query_int(c, &q_person_insert,
			 DB_PARAMS(db_int(owner_org_id), db_text(v[P_GENDER]), int_or_null(v[P_BIRTH_YEAR]),
				   db_text(v[P_CITIZENSHIP]), db_text(v[P_REGION]), db_text(v[P_LANGUAGES]),
				   db_text(v[P_MARITAL_STATUS]), int_or_null(v[P_CHILDREN]), db_text(v[P_EDUCATION]),
				   s->actor->user_id ? db_int(s->actor->user_id) : db_null(), db_int(now), db_int(now)),
			 &id, &s->error) != 1)
		return SVC_ERROR;
	if (sealed_put_record(c, s->key, SEALED_PERSON, id, &person_record, v, &s->error) < 0 ||
	    person_reindex(c, s->key, bits, id, v, &s->error) < 0)
		return SVC_ERROR;
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)id);
	if (svc_audit(s, c, "person.create", "person", oid, "ok", field_list(s, v)) != SVC_OK)
		return SVC_ERROR;
	*id_r = id;
	return SVC_OK;
}

static int load_plain(struct svc *s, struct db_conn *c, int64_t id, struct person *p)
{
	struct db_rows *r;
	if (db_query(c, &q_person_get, DB_PARAMS(db_int(id)), &r, &s->error) < 0)
		return SVC_ERROR;
	int rc = db_rows_next(r, &s->error);
	if (rc == 1) {
		memset(p, 0, sizeof *p);
		p->id = db_rows_int(r, 0);
		p->owner_org_id = db_rows_int(r, 1);
		p->created_by = db_rows_int(r, 2);
		p->version = db_rows_int(r, 3);
		static const int plain[] = { P_GENDER, P_BIRTH_YEAR, P_CITIZENSHIP, P_REGION, P_LANGUAGES,
					     P_MARITAL_STATUS, P_CHILDREN, P_EDUCATION };
		for (int i = 0; i < 8; i++)
			p->v[plain[i]] = arena_strdup(s->arena, db_rows_text(r, 4 + i));
		p->age_band = person_age_band(db_rows_int(r, 5), NULL);
	}
	db_rows_free(&r);
	return rc < 0 ? SVC_ERROR : rc == 0 ? SVC_NOT_FOUND : SVC_OK;
}

int person_get(struct svc *s, int64_t id, bool open_sealed, struct person *p_r)
{
	struct db_conn *c = svc_begin(s, open_sealed);
	if (c == NULL)
		return SVC_ERROR;
	struct resource res;
	int rc = person_resource(s, c, id, &res);
	if (rc != SVC_OK)
		goto out;
	if (!policy_may(s->actor, A_CASE_VIEW, &res)) {
		svc_abort(s, &c);
		return svc_may(s, A_CASE_VIEW, &res);
	}
	if ((rc = load_plain(s, c, id, p_r)) != SVC_OK)
		goto out;
	if (open_sealed) {
		char oid[24];
		snprintf(oid, sizeof oid, "%lld", (long long)id);
		if (sealed_get_record(c, s->key, SEALED_PERSON, id, &person_record, s->arena, p_r->v, &s->error) < 0 ||
		    svc_audit(s, c, "person.view", "person", oid, "ok", "") != SVC_OK) {
			rc = SVC_ERROR;
			goto out;
		}
		p_r->opened = true;
		rc = svc_commit(s, &c);
	}
	if (rc == SVC_OK && s->actor->role != ROLE_SYSTEM && res.org_id != s->actor->org_id) {
		/* A receiving organization sees only what its referrals share. */
		const char *shared = NULL;
		struct db_conn *c2 = svc_begin(s, false);
		if (c2 == NULL)
			return SVC_ERROR;
		if (referral_person_access(c2, id, s->actor->org_id, (int64_t)time(NULL), &shared, s->arena, &s->error) < 0)
			rc = SVC_ERROR;
		svc_abort(s, &c2);
		referral_mask_person(shared ? shared : "", p_r->v);
		p_r->age_band = referral_shares(shared, "age_band") ? p_r->age_band : "";
	}
out:
	svc_abort(s, &c);
	return rc;
}

int person_update(struct svc *s, int64_t id, int64_t version, const char *const *in)
{
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	struct resource res;
	int rc = person_resource(s, c, id, &res);
	if (rc != SVC_OK)
		goto out;
	if (!policy_may(s->actor, A_CASE_EDIT, &res)) {
		svc_abort(s, &c);
		return svc_may(s, A_CASE_EDIT, &res);
	}
	struct person cur;
	if ((rc = load_plain(s, c, id, &cur)) != SVC_OK)
		goto out;
	rc = SVC_ERROR;
	if (sealed_get_record(c, s->key, SEALED_PERSON, id, &person_record, s->arena, cur.v, &s->error) < 0)
		goto out;
	const char *v[P__COUNT];
	for (int i = 0; i < P__COUNT; i++)
		v[i] = in[i] ? in[i] : cur.v[i];
	if (!*v[P_FIRST_NAME] && !*v[P_SECOND_NAME] && !*v[P_FIRST_NAME_LATIN] && !*v[P_SECOND_NAME_LATIN]) {
		rc = svc_invalid(s, N_("Enter at least a first name or a surname, in Cyrillic or Latin letters."),
				 "first_name");
		goto out;
	}
	if (in[P_BIRTHDATE] && !in[P_BIRTH_YEAR])
		v[P_BIRTH_YEAR] = "";
	if ((rc = derive_birth_year(s, v)) != SVC_OK)
		goto out;
	rc = SVC_ERROR;
	int64_t n = 0;
	int bits = person_blind_bits(c, &s->error);
	if (bits < 0 ||
	    db_exec(c, &q_person_update,
		    DB_PARAMS(db_text(v[P_GENDER]), int_or_null(v[P_BIRTH_YEAR]), db_text(v[P_CITIZENSHIP]),
			      db_text(v[P_REGION]), db_text(v[P_LANGUAGES]), db_text(v[P_MARITAL_STATUS]),
			      int_or_null(v[P_CHILDREN]), db_text(v[P_EDUCATION]), db_int((int64_t)time(NULL)),
			      db_int(id), db_int(version ? version : cur.version)),
		    &n, &s->error) < 0)
		goto out;
	if (n != 1) {
		rc = SVC_CONFLICT;
		goto out;
	}
	const char *changed[P__COUNT];
	for (int i = 0; i < P__COUNT; i++)
		changed[i] = in[i] && strcmp(in[i], cur.v[i] ? cur.v[i] : "") != 0 ? in[i] : NULL;
	if (sealed_put_record(c, s->key, SEALED_PERSON, id, &person_record, changed, &s->error) < 0 ||
	    person_reindex(c, s->key, bits, id, v, &s->error) < 0)
		goto out;
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)id);
	if (svc_audit(s, c, "person.edit", "person", oid, "ok", field_list(s, changed)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
out:
	svc_abort(s, &c);
	return rc;
}

/* ---- search ---------------------------------------------------------- */

struct cand {
	int64_t id;
	int hits;
};

/* Candidates by person id: open addressing, so a bucket of thousands costs thousands, not millions. */
struct cands {
	struct cand *slots;
	size_t cap; /* power of two */
	size_t n;
};

static struct cand *cand_slot(struct cands *cs, struct arena *a, int64_t id)
{
	if ((cs->n + 1) * 2 > cs->cap) {
		size_t ncap = cs->cap ? cs->cap * 2 : 256;
		struct cand *ns = arena_zalloc(a, sizeof *ns * ncap);
		for (size_t i = 0; i < cs->cap; i++)
			if (cs->slots[i].id) {
				size_t h = (size_t)((uint64_t)cs->slots[i].id * 0x9E3779B97F4A7C15ull >> 20) & (ncap - 1);
				while (ns[h].id)
					h = (h + 1) & (ncap - 1);
				ns[h] = cs->slots[i];
			}
		cs->slots = ns;
		cs->cap = ncap;
	}
	size_t h = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ull >> 20) & (cs->cap - 1);
	while (cs->slots[h].id && cs->slots[h].id != id)
		h = (h + 1) & (cs->cap - 1);
	if (cs->slots[h].id == 0) {
		cs->slots[h].id = id;
		cs->n++;
	}
	return &cs->slots[h];
}

/* Adds the persons in one index bucket of the actor's organization (every organization for the console). */
static int collect(struct svc *s, struct db_conn *c, enum blind_kind kind, int64_t bucket, struct cands *cs)
{
	char kd[2] = { (char)kind, 0 };
	struct db_rows *r;
	bool all = s->actor->role == ROLE_SYSTEM;
	int q = all ? db_query(c, &q_pindex_find_all, DB_PARAMS(db_text(kd), db_int(bucket)), &r, &s->error)
		    : db_query(c, &q_pindex_find, DB_PARAMS(db_text(kd), db_int(s->actor->org_id), db_int(bucket)), &r,
			       &s->error);
	if (q < 0)
		return -1;
	int rc;
	while ((rc = db_rows_next(r, &s->error)) == 1)
		cand_slot(cs, s->arena, db_rows_int(r, 0))->hits++;
	db_rows_free(&r);
	return rc < 0 ? -1 : 0;
}

static bool tokens_cover(struct arena *a, const char *const *v, const char **want, int nwant)
{
	const char *have[BLIND_MAX_TOKENS * 5];
	int nh = 0;
	static const int names[] = { P_FIRST_NAME, P_MIDDLE_NAME, P_SECOND_NAME, P_FIRST_NAME_LATIN, P_SECOND_NAME_LATIN };
	for (size_t i = 0; i < 5; i++)
		nh += blind_name_tokens(a, v[names[i]], have + nh);
	for (int w = 0; w < nwant; w++) {
		bool found = false;
		for (int h = 0; h < nh && !found; h++)
			found = strcmp(want[w], have[h]) == 0;
		if (!found)
			return false;
	}
	return true;
}

enum query_kind { Q_NAME, Q_PHONE, Q_DOB };

/* Opens a candidate the actor may see and fills a hit; 0 not visible, 1 filled, -1 error. */
/* org_level: visible to the actor's organization (the duplicate check at intake), not only to the actor. */
static int open_candidate(struct svc *s, struct db_conn *c, int64_t id, bool org_level, struct person *p,
			  struct person_hit *h)
{
	struct resource res;
	int rc = person_resource(s, c, id, &res);
	/* A receiving organization reaches a referred person through its referral, never by searching her
	 * names, phones or birthday, which the referral may not share. */
	res.referred = false;
	bool visible = rc == SVC_OK && (org_level ? res.org_id == s->actor->org_id || s->actor->role == ROLE_SYSTEM
						  : policy_may(s->actor, A_CASE_VIEW, &res));
	if (rc == SVC_NOT_FOUND || (rc == SVC_OK && !visible))
		return 0;
	if (rc != SVC_OK || load_plain(s, c, id, p) != SVC_OK)
		return -1;
	if (sealed_get_record(c, s->key, SEALED_PERSON, id, &person_record, s->arena, p->v, &s->error) < 0)
		return -1;
	memset(h, 0, sizeof *h);
	h->person_id = id;
	h->display_name = person_display_name(s->arena, p->v);
	h->birthdate = p->v[P_BIRTHDATE];
	h->age_band = p->age_band;
	h->gender = p->v[P_GENDER];
	struct db_rows *r;
	if (db_query(c, &q_person_case, DB_PARAMS(db_int(s->actor->user_id), db_int(id)), &r, &s->error) < 0)
		return -1;
	while (db_rows_next(r, &s->error) == 1) {
		struct resource cres = { .org_id = db_rows_int(r, 2), .assigned = db_rows_int(r, 3) > 0 || res.assigned };
		if (policy_may(s->actor, A_CASE_VIEW, &cres)) {
			h->case_id = db_rows_int(r, 0);
			h->case_code = arena_strdup(s->arena, db_rows_text(r, 1));
			break;
		}
	}
	db_rows_free(&r);
	return 1;
}

static int search_with(struct svc *s, struct db_conn *c, enum query_kind qk, const char **tokens, int ntok,
		       const char *norm, int limit, bool org_level, struct person_hit **hits_r, int *n_r)
{
	int bits = person_blind_bits(c, &s->error);
	if (bits < 0)
		return SVC_ERROR;
	struct cands cs = { 0 };
	if (qk == Q_NAME) {
		for (int t = 0; t < ntok; t++)
			if (collect(s, c, BLIND_NAME, blind_value(s->key, BLIND_NAME, tokens[t], bits), &cs) < 0)
				return SVC_ERROR;
	} else if (collect(s, c, qk == Q_PHONE ? BLIND_PHONE : BLIND_DOB,
			   blind_value(s->key, qk == Q_PHONE ? BLIND_PHONE : BLIND_DOB, norm, bits), &cs) < 0) {
		return SVC_ERROR;
	}
	struct person_hit *hits = arena_alloc(s->arena, sizeof *hits * (size_t)(limit > 0 ? limit : 1));
	int nh = 0;
	for (size_t i = 0; i < cs.cap && nh < limit; i++) {
		/* A name candidate must sit in the buckets of every token of the query. */
		if (cs.slots[i].id == 0 || (qk == Q_NAME && cs.slots[i].hits < ntok))
			continue;
		struct person p;
		int o = open_candidate(s, c, cs.slots[i].id, org_level, &p, &hits[nh]);
		if (o < 0)
			return SVC_ERROR;
		if (o == 0)
			continue;
		bool match;
		if (qk == Q_NAME)
			match = tokens_cover(s->arena, p.v, tokens, ntok);
		else if (qk == Q_PHONE) {
			const char *m = blind_phone_e164(s->arena, p.v[P_MOBILE_PHONE]);
			const char *h = blind_phone_e164(s->arena, p.v[P_HOME_PHONE]);
			match = (m && strcmp(m, norm) == 0) || (h && strcmp(h, norm) == 0);
		} else {
			match = str_eq(p.v[P_BIRTHDATE], norm);
		}
		if (match)
			nh++;
	}
	*hits_r = hits;
	*n_r = nh;
	return SVC_OK;
}

int person_search(struct svc *s, const char *query, int limit, struct person_hit **hits_r, int *n_r)
{
	*n_r = 0;
	*hits_r = NULL;
	int rc = svc_may(s, A_CASE_LIST, NULL);
	if (rc != SVC_OK)
		return rc;
	const char *tokens[BLIND_MAX_TOKENS];
	int ntok = 0;
	enum query_kind qk;
	const char *norm = blind_dob_normalize(s->arena, query);
	if (norm) {
		qk = Q_DOB;
	} else if ((norm = blind_phone_e164(s->arena, query)) != NULL) {
		qk = Q_PHONE;
	} else {
		qk = Q_NAME;
		ntok = blind_name_tokens(s->arena, query, tokens);
		if (ntok == 0)
			return svc_invalid(s, N_("Search by a name, a phone number or a date of birth."), "q");
	}
	/* A read transaction: the hits carry no personal data (callers show them masked, and
	 * opening one is audited where it happens), so a search writes nothing and costs no
	 * fsync.  The candidates are opened here only to check them. */
	struct db_conn *c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	rc = search_with(s, c, qk, tokens, ntok, norm, limit > 0 && limit <= 200 ? limit : 50, false, hits_r, n_r);
	svc_abort(s, &c);
	return rc;
}

int person_duplicates(struct svc *s, const char *const *v, struct person_hit **hits_r, int *n_r)
{
	*n_r = 0;
	*hits_r = arena_alloc(s->arena, sizeof **hits_r * 20);
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	int rc = SVC_OK;
	/* Every way she could already be known: her name (first and last together), her phones, her birthday. */
	const char *first = v[P_FIRST_NAME] && *v[P_FIRST_NAME] ? v[P_FIRST_NAME] : v[P_FIRST_NAME_LATIN];
	const char *last = v[P_SECOND_NAME] && *v[P_SECOND_NAME] ? v[P_SECOND_NAME] : v[P_SECOND_NAME_LATIN];
	const char *name = arena_printf(s->arena, "%s %s", first ? first : "", last ? last : "");
	const char *tokens[BLIND_MAX_TOKENS];
	int ntok = blind_name_tokens(s->arena, name, tokens);
	struct {
		enum query_kind qk;
		const char *norm;
	} probes[3] = { { Q_PHONE, blind_phone_e164(s->arena, v[P_MOBILE_PHONE]) },
			{ Q_PHONE, blind_phone_e164(s->arena, v[P_HOME_PHONE]) },
			{ Q_DOB, blind_dob_normalize(s->arena, v[P_BIRTHDATE]) } };
	struct person_hit *h;
	int n;
	if (ntok >= 2) {
		if ((rc = search_with(s, c, Q_NAME, tokens, ntok, NULL, 20, true, &h, &n)) != SVC_OK)
			goto out;
		for (int i = 0; i < n && *n_r < 20; i++)
			(*hits_r)[(*n_r)++] = h[i];
	}
	for (int p = 0; p < 3; p++) {
		if (probes[p].norm == NULL)
			continue;
		if ((rc = search_with(s, c, probes[p].qk, NULL, 0, probes[p].norm, 20, true, &h, &n)) != SVC_OK)
			goto out;
		for (int i = 0; i < n && *n_r < 20; i++) {
			/* The same birthday alone is common: it must come with a shared name. */
			if (probes[p].qk == Q_DOB && ntok > 0) {
				const char *one[1];
				bool shares = false;
				for (int t = 0; t < ntok && !shares; t++) {
					one[0] = tokens[t];
					struct person tmp;
					memset(&tmp, 0, sizeof tmp);
					tmp.v[P_FIRST_NAME] = h[i].display_name;
					shares = tokens_cover(s->arena, tmp.v, one, 1);
				}
				if (!shares)
					continue;
			}
			bool dup = false;
			for (int j = 0; j < *n_r; j++)
				dup |= (*hits_r)[j].person_id == h[i].person_id;
			if (!dup)
				(*hits_r)[(*n_r)++] = h[i];
		}
	}
	char detail[32];
	snprintf(detail, sizeof detail, "candidates=%d", *n_r);
	if ((rc = svc_audit(s, c, "person.duplicate-check", "person", "", "ok", detail)) == SVC_OK)
		rc = svc_commit(s, &c);
out:
	svc_abort(s, &c);
	return rc;
}
