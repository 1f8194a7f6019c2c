#include "store/copy.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COPY_MAX_COLUMNS 64

/* One table: how to read it, how to write it, the kind of each column
 * ('i' integer, 't' text, 'b' blob), and its identity column if any. */
struct copy_table {
	const char *name;
	const struct db_query *select, *insert, *count, *fix_sequence;
	const char *kinds;
};

#define COPY(tbl, cols, marks, kinds_, seq)                                                               \
	DB_QUERY(q_sel_##tbl, "SELECT " cols " FROM " #tbl);                                               \
	DB_QUERY(q_ins_##tbl, "INSERT INTO " #tbl " (" cols ") VALUES (" marks ")");                       \
	DB_QUERY(q_cnt_##tbl, "SELECT COUNT(*) FROM " #tbl);                                               \
	DB_QUERY(q_seq_##tbl, seq ? "SELECT setval(pg_get_serial_sequence('" #tbl "', 'id'), "            \
				    "COALESCE((SELECT MAX(id) FROM " #tbl "), 0) + 1, false)"                 \
				  : "SELECT 1");                                                                 \
	static const struct copy_table t_##tbl = { #tbl, &q_sel_##tbl, &q_ins_##tbl, &q_cnt_##tbl,          \
						   seq ? &q_seq_##tbl : NULL, kinds_ }

COPY(meta, "name, value", "?, ?", "tt", 0);
COPY(organizations,
     "id, code, name_uk, name_en, kind, region, country, address, phone, email, website, contact_person,"
     " joined_on, status, status_reason, mou_signed_on, mou_renewal_on, services, created_at, updated_at, version",
     "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?", "i" "ttttttttttttttttt" "iii", 1);
COPY(org_services, "org_id, service", "?, ?", "it", 0);
COPY(org_history, "id, org_id, changed_at, changed_by, change", "?,?,?,?,?", "iiiit", 1);
COPY(users,
     "id, org_id, email, display_name, role, status, password_hash, totp_sealed, totp_enabled, totp_last_step,"
     " lang, created_at, updated_at, password_changed_at, version",
     "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?", "iitttttbiitiiii", 1);
COPY(recovery_codes, "user_id, code_hash, used_at", "?,?,?", "iti", 0);
COPY(audit_log,
     "seq, at, actor_user_id, actor_org_id, actor_label, action, object_type, object_id, client_ip, outcome,"
     " detail, prev_hash, hash",
     "?,?,?,?,?,?,?,?,?,?,?,?,?", "iiiittttttttt", 0);
COPY(persons,
     "id, owner_org_id, gender, birth_year, citizenship, residence_region, languages, marital_status,"
     " number_of_children, education, created_by, created_at, updated_at, version",
     "?,?,?,?,?,?,?,?,?,?,?,?,?,?", "iititttttiiiii" "", 1);
COPY(person_fields, "person_id, field, key_id, sealed", "?,?,?,?", "ittb", 0);
COPY(person_index, "kind, owner_org_id, bucket, person_id", "?,?,?,?", "tiii", 0);
COPY(cases,
     "id, code, person_id, owner_org_id, status, closure_reason, identified_on, registered_on, closed_on,"
     " identification_method, identified_by_org_id, trafficking_status, trafficking_status_by,"
     " recruitment_methods, recruitment_region, recruitment_country, recruitment_apps, exploitation_types,"
     " forced_labour_industry, sex_exploitation_types, methods_of_control, relationship_to_trafficker,"
     " country_of_origin, countries_of_transit, countries_of_exploitation, exploitation_from, exploitation_to,"
     " age_when_trafficked, needs, region, primary_caseworker_id, created_by, created_at, updated_at, version",
     "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?",
     "itiittttttittttttttttttttttittiiiii", 1);
COPY(case_fields, "case_id, field, key_id, sealed", "?,?,?,?", "ittb", 0);
COPY(case_workers, "case_id, user_id, assigned_at, assigned_by", "?,?,?,?", "iiii", 0);
COPY(case_history, "id, case_id, at, by_user_id, change", "?,?,?,?,?", "iiiit", 1);
COPY(case_notes, "id, case_id, at, author_id, key_id, sealed", "?,?,?,?,?,?", "iiiitb", 1);
COPY(case_seq, "prefix, next", "?,?", "ti", 0);
COPY(screenings, "id, case_id, profile, indicators, result, outcome, screened_at, screened_by", "?,?,?,?,?,?,?,?",
     "iittttii", 1);
COPY(consents,
     "id, case_id, purpose, scope_orgs, scope_services, method, given_on, recorded_by, recorded_at, withdrawn_on,"
     " withdrawn_by, withdrawn_at",
     "?,?,?,?,?,?,?,?,?,?,?,?", "iitttttiitii", 1);
COPY(consent_fields, "consent_id, field, key_id, sealed", "?,?,?,?", "ittb", 0);
COPY(directory,
     "id, org_id, service, regions, age_groups, sexes, nationalities, children_accepted, capacity_total,"
     " capacity_free, languages, opening_hours, contact_point, verified_on, updated_at, version",
     "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?", "iitttttiiitttiii" "", 1);
COPY(referrals,
     "id, case_id, from_org_id, to_org_id, services, urgency, state, shared_fields, consent_override, deadline_at,"
     " answered_at, closed_at, visible_until, escalated_at, created_by, created_at, updated_at, version",
     "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?", "iiiittttiiiiiiiiii", 1);
COPY(referral_fields, "referral_id, field, key_id, sealed", "?,?,?,?", "ittb", 0);
COPY(referral_events, "id, referral_id, at, by_user_id, from_state, to_state", "?,?,?,?,?,?", "iiiitt", 1);
COPY(assistance,
     "id, case_id, referral_id, service, provider_org_id, delivered_on, quantity, unit, cost_cents, currency,"
     " funding_source, recorded_by, recorded_at",
     "?,?,?,?,?,?,?,?,?,?,?,?,?", "iiitititittii", 1);
COPY(inbox, "id, org_id, user_id, kind, referral_id, created_at, read_at", "?,?,?,?,?,?,?", "iiitiii", 1);
COPY(plans,
     "id, case_id, version_no, state, responsible_user_id, start_on, review_on, created_by, created_at, approved_by,"
     " approved_at, updated_at, version",
     "?,?,?,?,?,?,?,?,?,?,?,?,?", "iiitittiiiiii", 1);
COPY(plan_goals, "id, plan_id, dimension, services, referral_id, key_id, sealed", "?,?,?,?,?,?,?", "iittitb", 1);
COPY(followups,
     "id, case_id, plan_id, offset_months, due_on, done_on, method, contact_made, answers, score_economic,"
     " score_social, score_psychosocial, score_composite, risk_flags, outcome, outcome_country, safe_channels,"
     " recorded_by, recorded_at, alerted_at",
     "?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?", "iiiitttitiiiittti" "iii", 1);
COPY(followup_fields, "followup_id, field, key_id, sealed", "?,?,?,?", "ittb", 0);
COPY(closures, "id, case_id, kind, reason, to_status, state, requested_by, requested_at, decided_by, decided_at",
     "?,?,?,?,?,?,?,?,?,?", "iittttiiii", 1);
COPY(closure_fields, "closure_id, field, key_id, sealed", "?,?,?,?", "ittb", 0);

/* In foreign-key order. */
static const struct copy_table *const tables[] = {
	&t_meta, &t_organizations, &t_org_services, &t_org_history, &t_users, &t_recovery_codes, &t_audit_log,
	&t_persons, &t_person_fields, &t_person_index, &t_cases, &t_case_fields, &t_case_workers, &t_case_history,
	&t_case_notes, &t_case_seq, &t_screenings, &t_consents, &t_consent_fields, &t_directory, &t_referrals,
	&t_referral_fields, &t_referral_events, &t_assistance, &t_inbox,
	&t_plans, &t_plan_goals, &t_followups, &t_followup_fields, &t_closures, &t_closure_fields,
};
/* Left behind on purpose; audit_head is rebuilt from the copied trail. */
static const char *const skipped[] = { "sessions", "signin_throttle", "audit_head", "schema_migrations" };

DB_QUERY(q_head_from_log, "UPDATE audit_head SET seq = COALESCE((SELECT MAX(seq) FROM audit_log), 0),"
			  " hash = COALESCE((SELECT hash FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)), '')"
			  " WHERE id = 1");
DB_QUERY(q_sqlite_tables, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
DB_QUERY(q_pg_tables, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'");

static int count_rows(struct db_conn *c, const struct copy_table *t, int64_t *n, const char **error_r)
{
	return db_query_int(c, t->count, DB_NOPARAMS, n, error_r) == 1 ? 0 : -1;
}

int copy_destination_has_data(struct db *dst, const char **error_r)
{
	struct db_conn *c = db_acquire(dst, error_r);
	if (c == NULL)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		int64_t n = 0;
		if (count_rows(c, tables[i], &n, error_r) < 0) {
			rc = -1;
			break;
		}
		/* meta holds the key check written at first start: not network data. */
		if (n > 0 && tables[i] != &t_meta) {
			rc = 1;
			break;
		}
	}
	db_release(&c);
	return rc;
}

static int copy_table(struct db_conn *s, struct db_conn *d, const struct copy_table *t, int64_t *copied,
		      const char **error_r)
{
	struct db_rows *r;
	if (db_query(s, t->select, DB_NOPARAMS, &r, error_r) < 0)
		return -1;
	size_t ncol = strlen(t->kinds);
	struct db_val vals[COPY_MAX_COLUMNS];
	char *texts[COPY_MAX_COLUMNS] = { 0 };
	void *blobs[COPY_MAX_COLUMNS] = { 0 };
	if (ncol > COPY_MAX_COLUMNS) {
		*error_r = "copy catalogue: a table has more columns than COPY_MAX_COLUMNS";
		db_rows_free(&r);
		return -1;
	}
	int rc, result = 0;
	*copied = 0;
	while ((rc = db_rows_next(r, error_r)) == 1) {
		for (size_t i = 0; i < ncol; i++) {
			free(texts[i]);
			free(blobs[i]);
			texts[i] = NULL;
			blobs[i] = NULL;
			if (db_rows_isnull(r, (int)i)) {
				vals[i] = db_null();
			} else if (t->kinds[i] == 'i') {
				vals[i] = db_int(db_rows_int(r, (int)i));
			} else if (t->kinds[i] == 'b') {
				size_t len;
				const void *p = db_rows_blob(r, (int)i, &len);
				blobs[i] = malloc(len + 1);
				if (blobs[i] == NULL)
					abort();
				memcpy(blobs[i], p, len);
				vals[i] = db_blob(blobs[i], len);
			} else {
				texts[i] = strdup(db_rows_text(r, (int)i));
				vals[i] = db_text(texts[i]);
			}
		}
		if (db_exec(d, t->insert, vals, ncol, NULL, error_r) < 0) {
			result = -1;
			break;
		}
		(*copied)++;
	}
	if (rc < 0)
		result = -1;
	for (size_t i = 0; i < ncol; i++) {
		free(texts[i]);
		free(blobs[i]);
	}
	db_rows_free(&r);
	return result;
}

int copy_all(struct db *src, struct db *dst, FILE *out, const char **error_r)
{
	struct db_conn *s = db_acquire(src, error_r);
	if (s == NULL)
		return -1;
	struct db_conn *d = db_acquire(dst, error_r);
	if (d == NULL) {
		db_release(&s);
		return -1;
	}
	int rc = -1;
	/* One snapshot of the source, one transaction at the destination: all or nothing. */
	if (db_begin(s, false, error_r) < 0 || db_begin(d, true, error_r) < 0)
		goto out;
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		const struct copy_table *t = tables[i];
		int64_t n;
		if (t == &t_meta)
			continue; /* the destination wrote its own key check; it must be equal */
		if (copy_table(s, d, t, &n, error_r) < 0)
			goto out;
		if (t->fix_sequence && db_dialect(dst) == DB_POSTGRESQL) {
			struct db_rows *r;
			if (db_query(d, t->fix_sequence, DB_NOPARAMS, &r, error_r) < 0)
				goto out;
			db_rows_free(&r);
		}
		fprintf(out, "copied %-16s %lld rows\n", t->name, (long long)n);
	}
	if (db_exec(d, &q_head_from_log, DB_NOPARAMS, NULL, error_r) < 0 || db_commit(d, error_r) < 0)
		goto out;
	rc = 0;
out:
	db_rollback(s);
	if (rc < 0)
		db_rollback(d);
	db_release(&s);
	db_release(&d);
	return rc;
}

int copy_compare_counts(struct db *src, struct db *dst, FILE *out, const char **error_r)
{
	struct db_conn *s = db_acquire(src, error_r), *d = s ? db_acquire(dst, error_r) : NULL;
	int rc = -1;
	if (s == NULL || d == NULL)
		goto out;
	rc = 0;
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		int64_t a = 0, b = 0;
		if (count_rows(s, tables[i], &a, error_r) < 0 || count_rows(d, tables[i], &b, error_r) < 0) {
			rc = -1;
			goto out;
		}
		if (a != b) {
			fprintf(out, "count differs for %s: source %lld, destination %lld\n", tables[i]->name,
				(long long)a, (long long)b);
			rc = 1;
		}
	}
out:
	db_release(&s);
	db_release(&d);
	return rc;
}

int copy_check_catalogue(struct db *src, const char **error_r)
{
	static __thread char msg[200];
	struct db_conn *c = db_acquire(src, error_r);
	if (c == NULL)
		return -1;
	struct db_rows *r;
	int rc = 0;
	if (db_query(c, db_dialect(src) == DB_POSTGRESQL ? &q_pg_tables : &q_sqlite_tables, DB_NOPARAMS, &r,
		     error_r) < 0) {
		db_release(&c);
		return -1;
	}
	/* Each table's column kinds must match its placeholders. */
	for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		size_t marks = 0;
		for (const char *p = tables[i]->insert->sql; *p; p++)
			marks += *p == '?';
		if (marks != strlen(tables[i]->kinds)) {
			snprintf(msg, sizeof msg, "copy catalogue: %s has %zu columns but %zu kinds", tables[i]->name,
				 marks, strlen(tables[i]->kinds));
			*error_r = msg;
			rc = -1;
		}
	}
	while (rc == 0 && db_rows_next(r, error_r) == 1) {
		const char *name = db_rows_text(r, 0);
		bool known = false;
		for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++)
			known |= strcmp(tables[i]->name, name) == 0;
		for (size_t i = 0; i < sizeof skipped / sizeof skipped[0]; i++)
			known |= strcmp(skipped[i], name) == 0;
		if (!known) {
			snprintf(msg, sizeof msg, "table %s is not in the copy catalogue (store/copy.c)", name);
			*error_r = msg;
			rc = -1;
		}
	}
	db_rows_free(&r);
	db_release(&c);
	return rc;
}

size_t copy_catalogue_size(void)
{
	return sizeof tables / sizeof tables[0];
}

const char *copy_catalogue_table(size_t i)
{
	return i < sizeof tables / sizeof tables[0] ? tables[i]->name : NULL;
}

int copy_catalogue_count(struct db_conn *c, size_t i, int64_t *rows_r, const char **error_r)
{
	if (i >= sizeof tables / sizeof tables[0]) {
		*error_r = "no such table in the copy catalogue";
		return -1;
	}
	return count_rows(c, tables[i], rows_r, error_r);
}
