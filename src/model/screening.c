#include "model/screening.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/embedded.h"
#include "base/intl.h"
#include "base/log.h"
#include "base/str.h"
#include "model/case.h"
#include "store/db.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The indicator lists, one file per profile. */
static const char *const profile_files[] = { "ilo_delphi_adult_labour.csv", "ilo_delphi_child_labour.csv" };
#define NPROFILES (sizeof profile_files / sizeof profile_files[0])
#define MAX_RULES 32

struct step1_rule {
	int s, m, w, mw;
};
struct step2_rule {
	const char *profile;
	const char *outcome;
	/* clauses: each a set of dimensions; all clauses must have a positive member */
	const char *clauses[8][SCREENING_MAX_DIMS];
	int nclauses;
	int nalts[8];
};

static struct ilo_profile profiles[NPROFILES];
static int nprofiles;
static struct step1_rule step1[MAX_RULES];
static int nstep1;
static struct step2_rule step2[MAX_RULES];
static int nstep2;
static bool loaded_ok;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
/* Lives as long as the process: the rule data is read once. */
static struct arena *data_arena;

static void load_profile(const struct embedded_file *f, struct ilo_profile *p)
{
	const char *pos = (const char *)f->data, *end = pos + f->len;
	const char *fl[CSV_MAX_FIELDS];
	int cap = 128, n = 0, k;
	struct ilo_indicator *ind = arena_alloc(data_arena, sizeof *ind * (size_t)cap);
	bool header = true;
	while ((k = csv_next(data_arena, &pos, end, fl, CSV_MAX_FIELDS)) > 0) {
		if (header) {
			header = false;
			continue;
		}
		if (k < 6 || n >= cap)
			continue;
		p->name = fl[0];
		/* The Ukrainian label is a seventh column; a deployment's own list may leave it out. */
		ind[n] = (struct ilo_indicator){ fl[1], fl[2], fl[3][0], fl[4], fl[5], k >= 7 ? fl[6] : "" };
		bool seen = false;
		for (int d = 0; d < p->ndims; d++)
			seen |= strcmp(p->dims[d], fl[1]) == 0;
		if (!seen && p->ndims < SCREENING_MAX_DIMS) {
			p->dims[p->ndims] = fl[1];
			p->dim_names[p->ndims++] = fl[2];
		}
		n++;
	}
	p->indicators = ind;
	p->n = n;
}

static int parse_step1(const char *rule, struct step1_rule *r)
{
	memset(r, 0, sizeof *r);
	char *copy = arena_strdup(data_arena, rule), *save = NULL;
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		char name[4];
		int v;
		if (sscanf(t, "%3[a-z]>=%d", name, &v) != 2)
			return -1;
		if (str_eq(name, "s"))
			r->s = v;
		else if (str_eq(name, "m"))
			r->m = v;
		else if (str_eq(name, "w"))
			r->w = v;
		else if (str_eq(name, "mw"))
			r->mw = v;
		else
			return -1;
	}
	return 0;
}

static int parse_step2(const char *rule, struct step2_rule *r)
{
	char *copy = arena_strdup(data_arena, rule), *s1 = NULL;
	r->nclauses = 0;
	for (char *cl = strtok_r(copy, ";", &s1); cl && r->nclauses < 8; cl = strtok_r(NULL, ";", &s1)) {
		char *s2 = NULL;
		int n = 0;
		for (char *d = strtok_r(cl, "|", &s2); d && n < SCREENING_MAX_DIMS; d = strtok_r(NULL, "|", &s2))
			r->clauses[r->nclauses][n++] = d;
		if (n == 0)
			return -1;
		r->nalts[r->nclauses++] = n;
	}
	return r->nclauses > 0 ? 0 : -1;
}

static void load(void)
{
	data_arena = arena_new(16384);
	for (size_t i = 0; i < NPROFILES; i++) {
		const struct embedded_file *f = embedded_find(embedded_data, profile_files[i]);
		if (f == NULL) {
			log_error("msg=\"screening data missing\" file=%s", profile_files[i]);
			return;
		}
		load_profile(f, &profiles[nprofiles]);
		if (profiles[nprofiles].n > 0)
			nprofiles++;
	}
	const struct embedded_file *f = embedded_find(embedded_data, "ilo_rules.csv");
	if (f == NULL)
		return;
	const char *pos = (const char *)f->data, *end = pos + f->len;
	const char *fl[CSV_MAX_FIELDS];
	int k;
	while ((k = csv_next(data_arena, &pos, end, fl, CSV_MAX_FIELDS)) > 0) {
		if (k < 4 || fl[0][0] == '#' || str_eq(fl[0], "kind"))
			continue;
		if (str_eq(fl[0], "step1") && nstep1 < MAX_RULES) {
			if (parse_step1(fl[3], &step1[nstep1]) < 0) {
				log_error("msg=\"bad step1 rule\" rule=\"%s\"", fl[3]);
				return;
			}
			nstep1++;
		} else if (str_eq(fl[0], "step2") && nstep2 < MAX_RULES) {
			step2[nstep2].profile = fl[1];
			step2[nstep2].outcome = fl[2];
			if (parse_step2(fl[3], &step2[nstep2]) < 0) {
				log_error("msg=\"bad step2 rule\" rule=\"%s\"", fl[3]);
				return;
			}
			nstep2++;
		}
	}
	loaded_ok = nprofiles > 0 && nstep1 > 0 && nstep2 > 0;
}

const struct ilo_profile *screening_profiles(int *n_r)
{
	pthread_once(&load_once, load);
	*n_r = loaded_ok ? nprofiles : 0;
	return loaded_ok ? profiles : NULL;
}

const struct ilo_profile *screening_profile(const char *name)
{
	int n;
	const struct ilo_profile *p = screening_profiles(&n);
	for (int i = 0; i < n; i++)
		if (str_eq(p[i].name, name))
			return &p[i];
	return NULL;
}

const char *ilo_indicator_label(const struct ilo_indicator *x, const char *lang)
{
	if (str_eq(lang, "uk") && x->label_uk && *x->label_uk)
		return x->label_uk;
	return x->label;
}

static bool dim_positive(const struct screening_result *r, const char *code)
{
	for (int d = 0; d < r->ndims; d++)
		if (str_eq(r->dims[d].code, code))
			return r->dims[d].positive;
	return false;
}

int screening_evaluate(struct svc *s, const char *profile, const char *const *codes, int ncodes,
		       struct screening_result *r)
{
	const struct ilo_profile *p = screening_profile(profile ? profile : "");
	if (p == NULL)
		return svc_invalid(s, N_("Choose one of the screening profiles."), "profile");
	memset(r, 0, sizeof *r);
	r->profile = p->name;
	r->ndims = p->ndims;
	for (int d = 0; d < p->ndims; d++) {
		r->dims[d].code = p->dims[d];
		r->dims[d].name = p->dim_names[d];
	}
	for (int i = 0; i < ncodes; i++) {
		const struct ilo_indicator *ind = NULL;
		for (int k = 0; k < p->n && !ind; k++)
			if (str_eq(p->indicators[k].code, codes[i]))
				ind = &p->indicators[k];
		if (ind == NULL)
			return svc_invalid(s, N_("This indicator is not in the profile."), "indicators");
		for (int j = 0; j < i; j++)
			if (str_eq(codes[j], codes[i]))
				return svc_invalid(s, N_("An indicator is listed twice."), "indicators");
		for (int d = 0; d < r->ndims; d++)
			if (str_eq(r->dims[d].code, ind->dimension)) {
				if (ind->strength == 'S')
					r->dims[d].strong++;
				else if (ind->strength == 'M')
					r->dims[d].medium++;
				else
					r->dims[d].weak++;
			}
	}
	/* Step 1: each dimension against the rows of the rule table. */
	for (int d = 0; d < r->ndims; d++)
		for (int k = 0; k < nstep1 && !r->dims[d].positive; k++) {
			const struct step1_rule *x = &step1[k];
			int sc = r->dims[d].strong, m = r->dims[d].medium, w = r->dims[d].weak;
			r->dims[d].positive = sc >= x->s && m >= x->m && w >= x->w && m + w >= x->mw;
		}
	/* Step 2: the first rule of the profile whose clauses all hold. */
	r->outcome = "no_indication";
	for (int k = 0; k < nstep2; k++) {
		if (!str_eq(step2[k].profile, p->name))
			continue;
		bool all = true;
		for (int c = 0; c < step2[k].nclauses && all; c++) {
			bool any = false;
			for (int a = 0; a < step2[k].nalts[c]; a++)
				any |= dim_positive(r, step2[k].clauses[c][a]);
			all = any;
		}
		if (all) {
			r->outcome = step2[k].outcome;
			/* The route: the positive dimensions of the first clause (recruitment). */
			struct buf b;
			buf_init_arena(&b, s->arena);
			for (int a = 0; a < step2[k].nalts[0]; a++)
				if (dim_positive(r, step2[k].clauses[0][a])) {
					buf_puts(&b, b.len ? "," : "");
					buf_puts(&b, step2[k].clauses[0][a]);
				}
			r->routes = b.len ? b.data : "";
			break;
		}
	}
	if (r->routes == NULL)
		r->routes = "";
	return SVC_OK;
}

json_t *screening_result_json(const struct screening_result *r)
{
	json_t *dims = json_array();
	for (int d = 0; d < r->ndims; d++)
		json_array_append_new(dims, json_pack("{s:s,s:s,s:i,s:i,s:i,s:b}", "code", r->dims[d].code, "name",
						      r->dims[d].name, "strong", r->dims[d].strong, "medium",
						      r->dims[d].medium, "weak", r->dims[d].weak, "positive",
						      r->dims[d].positive));
	json_t *routes = json_array();
	for (const char *p = r->routes; p && *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		json_array_append_new(routes, json_stringn(p, l));
		p += l + (e ? 1 : 0);
	}
	return json_pack("{s:s,s:o,s:s,s:o,s:s}", "profile", r->profile, "dimensions", dims, "result", r->outcome,
			 "routes", routes, "message", screening_outcome_message(r->outcome));
}

const char *screening_outcome_message(const char *outcome)
{
	return str_eq(outcome, "possible_victim")
		       ? gettext("Possible victim — refer for formal identification. This is not a legal finding.")
		       : gettext("The indicators present do not meet the rule. This does not rule trafficking out.");
}

DB_QUERY(q_screen_insert, "INSERT INTO screenings (case_id, profile, indicators, result, outcome, screened_at,"
			  " screened_by) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
DB_QUERY(q_screen_list, "SELECT s.id, s.screened_at, COALESCE(u.display_name, 'console'), s.profile, s.indicators,"
			" s.outcome, s.result FROM screenings s LEFT JOIN users u ON u.id = s.screened_by"
			" WHERE s.case_id = ? ORDER BY s.id DESC LIMIT 100");
DB_QUERY(q_screen_get, "SELECT s.id, s.screened_at, COALESCE(u.display_name, 'console'), s.profile, s.indicators,"
		       " s.outcome, s.result FROM screenings s LEFT JOIN users u ON u.id = s.screened_by"
		       " WHERE s.case_id = ? AND s.id = ?");

int screening_record(struct svc *s, int64_t case_id, const char *profile, const char *const *codes, int ncodes,
		     struct screening_result *r, int64_t *id_r)
{
	int rc = screening_evaluate(s, profile, codes, ncodes, r);
	if (rc != SVC_OK)
		return rc;
	struct db_conn *c;
	struct resource res;
	rc = case_open(s, case_id, A_SCREENING_RECORD, true, &c, &res);
	if (rc != SVC_OK)
		return rc;
	rc = SVC_ERROR;
	struct buf list;
	buf_init_arena(&list, s->arena);
	for (int i = 0; i < ncodes; i++) {
		buf_puts(&list, i ? "," : "");
		buf_puts(&list, codes[i]);
	}
	json_t *j = screening_result_json(r);
	char *js = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	int64_t id = 0, uid = s->actor->user_id;
	int found = db_query_int(c, &q_screen_insert,
				 DB_PARAMS(db_int(case_id), db_text(r->profile), db_text(list.data), db_text(js ? js : "{}"),
					   db_text(r->outcome), db_int((int64_t)time(NULL)), uid ? db_int(uid) : db_null()),
				 &id, &s->error);
	free(js);
	if (found != 1)
		goto out;
	if (svc_audit(s, c, "screening.record", "case", arena_printf(s->arena, "%lld", (long long)case_id), "ok",
		      arena_printf(s->arena, "profile=%s result=%s indicators=%d", r->profile, r->outcome, ncodes)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
	if (rc == SVC_OK && id_r)
		*id_r = id;
out:
	svc_abort(s, &c);
	return rc;
}

int screening_list(struct svc *s, int64_t case_id, struct screening_row **rows_r, int *n_r)
{
	*n_r = 0;
	struct db_conn *c;
	struct resource res;
	int rc = case_open(s, case_id, A_CASE_RECORDS, false, &c, &res);
	if (rc != SVC_OK)
		return rc;
	rc = SVC_ERROR;
	struct db_rows *r;
	if (db_query(c, &q_screen_list, DB_PARAMS(db_int(case_id)), &r, &s->error) < 0)
		goto out;
	struct screening_row *rows = arena_alloc(s->arena, sizeof *rows * 100);
	int n = 0, q;
	while ((q = db_rows_next(r, &s->error)) == 1 && n < 100) {
		rows[n].id = db_rows_int(r, 0);
		rows[n].at = db_rows_int(r, 1);
		rows[n].by = arena_strdup(s->arena, db_rows_text(r, 2));
		rows[n].profile = arena_strdup(s->arena, db_rows_text(r, 3));
		rows[n].indicators = arena_strdup(s->arena, db_rows_text(r, 4));
		rows[n].outcome = arena_strdup(s->arena, db_rows_text(r, 5));
		rows[n].result_json = arena_strdup(s->arena, db_rows_text(r, 6));
		n++;
	}
	db_rows_free(&r);
	if (q >= 0) {
		*rows_r = rows;
		*n_r = n;
		rc = SVC_OK;
	}
out:
	svc_abort(s, &c);
	return rc;
}

int screening_get(struct svc *s, int64_t case_id, int64_t id, struct screening_row *row_r)
{
	struct db_conn *c;
	struct resource res;
	int rc = case_open(s, case_id, A_CASE_RECORDS, false, &c, &res);
	if (rc != SVC_OK)
		return rc;
	rc = SVC_ERROR;
	struct db_rows *r;
	if (db_query(c, &q_screen_get, DB_PARAMS(db_int(case_id), db_int(id)), &r, &s->error) < 0)
		goto out;
	int q = db_rows_next(r, &s->error);
	if (q == 1) {
		row_r->id = db_rows_int(r, 0);
		row_r->at = db_rows_int(r, 1);
		row_r->by = arena_strdup(s->arena, db_rows_text(r, 2));
		row_r->profile = arena_strdup(s->arena, db_rows_text(r, 3));
		row_r->indicators = arena_strdup(s->arena, db_rows_text(r, 4));
		row_r->outcome = arena_strdup(s->arena, db_rows_text(r, 5));
		row_r->result_json = arena_strdup(s->arena, db_rows_text(r, 6));
	}
	db_rows_free(&r);
	rc = q == 1 ? SVC_OK : q == 0 ? SVC_NOT_FOUND : SVC_ERROR;
out:
	svc_abort(s, &c);
	return rc;
}
