/* directory.c — the service directory (see directory.h).
 *
 * Entries are organization data and live in clear in the directory table, one
 * row per organization and service.  Searching sorts in C after one bounded
 * query: the directory holds one row per organization and service (hundreds,
 * not millions), and the distance between regions comes from a table of
 * region centroids shipped as data (data/region_centroids.csv), which SQL
 * could not use portably anyway.
 */
#include "model/directory.h"
#include "base/csv.h"
#include "base/embedded.h"
#include "base/intl.h"
#include "base/str.h"
#include "model/person.h"
#include "store/db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

PL_DEFINE(pl_age_group, "age_group", { "children", N_("Children (under 18)") }, { "adults", N_("Adults") });

PL_DEFINE(pl_sex, "sex", { "female", N_("Women and girls") }, { "male", N_("Men and boys") },
	  { "nonbinary", N_("Non-binary and transgender people") });

/* clang-format off */
static const struct field dir_fields[D__COUNT] = {
	[D_ORG] = { "org", "org", FT_TEXT, NULL, F_CREATE_ONLY, 0, 40, N_("Organization (code)"),
		    N_("Empty: your own organization.") },
	[D_SERVICE] = { "service", "service", FT_PICK, &pl_service, F_REQUIRED | F_CREATE_ONLY, 0, 0, N_("Service"),
			N_("An organization has one entry per service.") },
	[D_REGIONS] = { "regions", "regions", FT_PICKSET, &pl_region, F_REQUIRED, 0, 0, N_("Regions covered"), NULL },
	[D_AGE_GROUPS] = { "age_groups", "age_groups", FT_PICKSET, &pl_age_group, 0, 0, 0, N_("Age groups"),
			   N_("None checked: any age.") },
	[D_SEXES] = { "sexes", "sexes", FT_PICKSET, &pl_sex, 0, 0, 0, N_("Who is accepted"),
		      N_("None checked: anyone.") },
	[D_NATIONALITIES] = { "nationalities", "nationalities", FT_TEXT, NULL, 0, 0, 200, N_("Nationalities"),
			      N_("Empty: any nationality. Otherwise, e.g. Ukrainian citizens and stateless persons.") },
	[D_CHILDREN] = { "children_accepted", "children_accepted", FT_BOOL, NULL, 0, 0, 0,
			 N_("Children may come with their parent"), NULL },
	[D_CAP_TOTAL] = { "capacity_total", "capacity_total", FT_INT, NULL, 0, 0, 100000, N_("Places in total"),
			  N_("Where places are counted, e.g. shelter beds. Empty where they are not.") },
	[D_CAP_FREE] = { "capacity_free", "capacity_free", FT_INT, NULL, 0, 0, 100000, N_("Free places"), NULL },
	[D_LANGUAGES] = { "languages", "languages", FT_PICKSET, &pl_language, 0, 0, 0, N_("Languages"), NULL },
	[D_HOURS] = { "opening_hours", "opening_hours", FT_TEXT, NULL, 0, 0, 200, N_("Opening hours"),
		      N_("E.g. Mon-Fri 9:00-18:00; admission around the clock.") },
	[D_CONTACT] = { "contact_point", "contact_point", FT_TEXT, NULL, 0, 0, 300, N_("Contact point"),
			N_("How a partner reaches the intake desk: a phone line, an e-mail address.") },
	[D_VERIFIED_ON] = { "verified_on", "verified_on", FT_DATE, NULL, 0, 0, 0, N_("Last verified on"),
			    N_("YYYY-MM-DD; empty means today.") },
};
/* clang-format on */

const struct record_type directory_record = { "directory", dir_fields, D__COUNT };

#define DIR_COLS                                                                                                  \
	"d.id, d.org_id, d.version, d.updated_at, o.code, o.name_uk, o.name_en, o.status, d.service, d.regions,"   \
	" d.age_groups, d.sexes, d.nationalities, d.children_accepted, COALESCE(d.capacity_total, -1),"            \
	" COALESCE(d.capacity_free, -1), d.languages, d.opening_hours, d.contact_point, d.verified_on"
#define DIR_FROM " FROM directory d JOIN organizations o ON o.id = d.org_id"

DB_QUERY(q_dir_org, "SELECT id FROM organizations WHERE code = ?");
DB_QUERY(q_dir_find, "SELECT id FROM directory WHERE org_id = ? AND service = ?");
DB_QUERY(q_dir_get, "SELECT " DIR_COLS DIR_FROM " WHERE d.id = ?");
DB_QUERY(q_dir_insert,
	 "INSERT INTO directory (org_id, service, regions, age_groups, sexes, nationalities, children_accepted,"
	 " capacity_total, capacity_free, languages, opening_hours, contact_point, verified_on, updated_at)"
	 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
DB_QUERY(q_dir_update,
	 "UPDATE directory SET regions = ?, age_groups = ?, sexes = ?, nationalities = ?, children_accepted = ?,"
	 " capacity_total = ?, capacity_free = ?, languages = ?, opening_hours = ?, contact_point = ?,"
	 " verified_on = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?");
/* Optional filters are `? = '' OR ...`, as in org.c: one fixed statement for every combination. */
DB_QUERY(q_dir_list, "SELECT " DIR_COLS DIR_FROM " WHERE o.status = 'active' AND (? = '' OR d.service = ?)"
		     " AND (? = 0 OR d.org_id = ?) ORDER BY o.code, d.service LIMIT 1001");

/* ---- regions ------------------------------------------------------------------ */

struct centroid {
	char code[12];
	double lat, lon;
};

static struct centroid centroids[64];
static size_t ncentroids;
static pthread_once_t centroids_once = PTHREAD_ONCE_INIT;

static void centroids_load(void)
{
	const struct embedded_file *f = embedded_find(embedded_data, "region_centroids.csv");
	if (f == NULL)
		return;
	struct arena *a = arena_new(4096);
	const char *pos = (const char *)f->data, *end = pos + f->len;
	const char *fl[CSV_MAX_FIELDS];
	int k;
	while ((k = csv_next(a, &pos, end, fl, CSV_MAX_FIELDS)) > 0 && ncentroids < 64) {
		if (k < 3 || fl[0][0] == '#' || str_eq(fl[0], "code") || strlen(fl[0]) >= sizeof centroids[0].code)
			continue;
		struct centroid *c = &centroids[ncentroids++];
		snprintf(c->code, sizeof c->code, "%s", fl[0]);
		c->lat = strtod(fl[1], NULL);
		c->lon = strtod(fl[2], NULL);
	}
	arena_free(&a);
}

static const struct centroid *centroid_of(const char *code)
{
	pthread_once(&centroids_once, centroids_load);
	for (size_t i = 0; i < ncentroids; i++)
		if (str_eq(centroids[i].code, code))
			return &centroids[i];
	return NULL;
}

/*
 * The binary does not link libm, and these few series are exact to far below
 * a metre for what they are used on: latitudes of one country (|x| < 1 rad)
 * and central angles between its regions (well under 0.5 rad).
 */
static double series_sin(double x)
{
	double term = x, sum = x;
	for (int k = 1; k < 14; k++) {
		term *= -x * x / ((2.0 * k) * (2.0 * k + 1));
		sum += term;
	}
	return sum;
}

static double series_cos(double x)
{
	double term = 1, sum = 1;
	for (int k = 1; k < 14; k++) {
		term *= -x * x / ((2.0 * k - 1) * (2.0 * k));
		sum += term;
	}
	return sum;
}

static double newton_sqrt(double v)
{
	if (v <= 0)
		return 0;
	double g = v > 1 ? v : 1;
	for (int i = 0; i < 64; i++)
		g = 0.5 * (g + v / g);
	return g;
}

static double series_asin(double x)
{
	double term = x, sum = x;
	for (int n = 0; n < 60; n++) {
		term *= x * x * (2.0 * n + 1) * (2.0 * n + 1) / ((2.0 * n + 2) * (2.0 * n + 3));
		sum += term;
	}
	return sum;
}

int64_t region_distance_km(const char *a, const char *b)
{
	const struct centroid *p = centroid_of(a), *q = centroid_of(b);
	if (p == NULL || q == NULL)
		return -1;
	if (p == q)
		return 0;
	/* Haversine on a sphere of the Earth's mean radius. */
	const double rad = 3.14159265358979323846 / 180.0, r = 6371.0;
	double dlat = (q->lat - p->lat) * rad, dlon = (q->lon - p->lon) * rad;
	double sl = series_sin(dlat / 2), so = series_sin(dlon / 2);
	double h = sl * sl + series_cos(p->lat * rad) * series_cos(q->lat * rad) * so * so;
	return (int64_t)(2 * r * series_asin(newton_sqrt(h < 1 ? h : 1)) + 0.5);
}

/* The distance from `from` to the nearest region of a comma list; 0 when it is in the list; -1 when none is known. */
static int64_t nearest_km(const char *from, const char *regions)
{
	int64_t best = -1;
	char item[16];
	for (const char *p = regions; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		snprintf(item, sizeof item, "%.*s", (int)l, p);
		p += l + (e ? 1 : 0);
		int64_t d = str_eq(item, from) ? 0 : region_distance_km(from, item);
		if (d >= 0 && (best < 0 || d < best))
			best = d;
	}
	return best;
}

/* ---- values -------------------------------------------------------------------- */

static const char *date_days_ago(struct arena *a, int days)
{
	time_t t = time(NULL) - (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	return arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static struct db_val int_or_null(const char *v)
{
	return v && *v ? db_int(strtoll(v, NULL, 10)) : db_null();
}

static void read_entry(struct svc *s, struct db_rows *r, struct dir_entry *e)
{
	memset(e, 0, sizeof *e);
	e->id = db_rows_int(r, 0);
	e->org_id = db_rows_int(r, 1);
	e->version = db_rows_int(r, 2);
	e->updated_at = db_rows_int(r, 3);
	e->org_code = arena_strdup(s->arena, db_rows_text(r, 4));
	e->org_name_uk = arena_strdup(s->arena, db_rows_text(r, 5));
	e->org_name_en = arena_strdup(s->arena, db_rows_text(r, 6));
	e->org_status = arena_strdup(s->arena, db_rows_text(r, 7));
	e->v[D_ORG] = e->org_code;
	e->v[D_SERVICE] = arena_strdup(s->arena, db_rows_text(r, 8));
	e->v[D_REGIONS] = arena_strdup(s->arena, db_rows_text(r, 9));
	e->v[D_AGE_GROUPS] = arena_strdup(s->arena, db_rows_text(r, 10));
	e->v[D_SEXES] = arena_strdup(s->arena, db_rows_text(r, 11));
	e->v[D_NATIONALITIES] = arena_strdup(s->arena, db_rows_text(r, 12));
	e->v[D_CHILDREN] = db_rows_int(r, 13) ? "1" : "0";
	int64_t total = db_rows_int(r, 14), free_places = db_rows_int(r, 15);
	e->v[D_CAP_TOTAL] = total < 0 ? "" : arena_printf(s->arena, "%lld", (long long)total);
	e->v[D_CAP_FREE] = free_places < 0 ? "" : arena_printf(s->arena, "%lld", (long long)free_places);
	e->v[D_LANGUAGES] = arena_strdup(s->arena, db_rows_text(r, 16));
	e->v[D_HOURS] = arena_strdup(s->arena, db_rows_text(r, 17));
	e->v[D_CONTACT] = arena_strdup(s->arena, db_rows_text(r, 18));
	e->v[D_VERIFIED_ON] = arena_strdup(s->arena, db_rows_text(r, 19));
	e->stale = strcmp(e->v[D_VERIFIED_ON], date_days_ago(s->arena, DIRECTORY_STALE_DAYS)) < 0;
	e->distance_km = -1;
}

static int load_entry(struct svc *s, struct db_conn *c, int64_t id, struct dir_entry *e)
{
	struct db_rows *r;
	if (db_query(c, &q_dir_get, DB_PARAMS(db_int(id)), &r, &s->error) < 0)
		return SVC_ERROR;
	int rc = db_rows_next(r, &s->error);
	if (rc == 1)
		read_entry(s, r, e);
	db_rows_free(&r);
	return rc < 0 ? SVC_ERROR : rc == 0 ? SVC_NOT_FOUND : SVC_OK;
}

/* What no single field can check: places, and the date of verification. */
static int check_entry(struct svc *s, const char **v)
{
	if (*v[D_REGIONS] == '\0')
		return svc_invalid(s, N_("This is required."), "regions");
	if (*v[D_CAP_FREE] && *v[D_CAP_TOTAL] == '\0')
		return svc_invalid(s, N_("Give the number of places in total too."), "capacity_total");
	if (*v[D_CAP_FREE] && strtoll(v[D_CAP_FREE], NULL, 10) > strtoll(v[D_CAP_TOTAL], NULL, 10))
		return svc_invalid(s, N_("There cannot be more free places than places in total."), "capacity_free");
	const char *today = date_days_ago(s->arena, 0);
	if (*v[D_VERIFIED_ON] == '\0')
		v[D_VERIFIED_ON] = today;
	if (strcmp(v[D_VERIFIED_ON], today) > 0)
		return svc_invalid(s, N_("This date is in the future."), "verified_on");
	return SVC_OK;
}

/* Every value re-checked against the record table, so the CLI or a caller that skipped the readers gets the same answers. */
static int check_fields(struct svc *s, const char *const *in, const char **v, bool creating)
{
	for (int i = 0; i < D__COUNT; i++) {
		if (!creating && (dir_fields[i].flags & F_CREATE_ONLY))
			continue;
		const char *err = field_validate(&dir_fields[i], in[i] ? in[i] : "", s->arena, &v[i]);
		if (err)
			return svc_invalid(s, err, dir_fields[i].name);
	}
	return SVC_OK;
}

static int write_fields(struct svc *s, struct db_conn *c, int64_t id, int64_t version, const char *const *v,
			int64_t now, int64_t *changed_r)
{
	return db_exec(c, &q_dir_update,
		       DB_PARAMS(db_text(v[D_REGIONS]), db_text(v[D_AGE_GROUPS]), db_text(v[D_SEXES]),
				 db_text(v[D_NATIONALITIES]), db_int(str_eq(v[D_CHILDREN], "1")), int_or_null(v[D_CAP_TOTAL]),
				 int_or_null(v[D_CAP_FREE]), db_text(v[D_LANGUAGES]), db_text(v[D_HOURS]),
				 db_text(v[D_CONTACT]), db_text(v[D_VERIFIED_ON]), db_int(now), db_int(id), db_int(version)),
		       changed_r, &s->error) < 0 ? SVC_ERROR : SVC_OK;
}

/* The names of the fields whose values differ, "a,b", for the audit trail ("" when none). */
static const char *changed_fields(struct svc *s, const struct dir_entry *cur, const char *const *v)
{
	const char *out = "";
	for (int i = D_REGIONS; i < D__COUNT; i++)
		if (!str_eq(cur->v[i], v[i]))
			out = arena_printf(s->arena, "%s%s%s", out, *out ? "," : "", dir_fields[i].name);
	return out;
}

int directory_upsert(struct svc *s, const char *const *in, bool *created_r, struct dir_entry *e_r)
{
	const char *v[D__COUNT];
	*created_r = false;
	int rc = check_fields(s, in, v, true);
	if (rc != SVC_OK)
		return rc;
	if ((rc = check_entry(s, v)) != SVC_OK)
		return rc;
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	int64_t org_id = s->actor->org_id;
	rc = SVC_ERROR;
	if (*v[D_ORG]) {
		int found = db_query_int(c, &q_dir_org, DB_PARAMS(db_text(v[D_ORG])), &org_id, &s->error);
		if (found < 0)
			goto out;
		if (found == 0) {
			rc = svc_invalid(s, N_("There is no organization with this code."), "org");
			goto out;
		}
	} else if (org_id == 0) {
		rc = svc_invalid(s, N_("This is required."), "org");
		goto out;
	}
	struct resource res = { .org_id = org_id };
	if (!policy_may(s->actor, A_DIRECTORY_EDIT, &res)) {
		svc_abort(s, &c);
		return svc_may(s, A_DIRECTORY_EDIT, &res);
	}
	int64_t id = 0, now = (int64_t)time(NULL);
	int found = db_query_int(c, &q_dir_find, DB_PARAMS(db_int(org_id), db_text(v[D_SERVICE])), &id, &s->error);
	if (found < 0)
		goto out;
	const char *detail;
	if (found == 0) {
		if (db_query_int(c, &q_dir_insert,
				 DB_PARAMS(db_int(org_id), db_text(v[D_SERVICE]), db_text(v[D_REGIONS]),
					   db_text(v[D_AGE_GROUPS]), db_text(v[D_SEXES]), db_text(v[D_NATIONALITIES]),
					   db_int(str_eq(v[D_CHILDREN], "1")), int_or_null(v[D_CAP_TOTAL]),
					   int_or_null(v[D_CAP_FREE]), db_text(v[D_LANGUAGES]), db_text(v[D_HOURS]),
					   db_text(v[D_CONTACT]), db_text(v[D_VERIFIED_ON]), db_int(now)),
				 &id, &s->error) != 1) {
			/* Two people adding the same organization's service at once: the second meets the unique key. */
			if (db_errcode(c) == DB_E_CONSTRAINT) {
				s->problem = N_("Someone else added this service of the organization just now; reload it.");
				s->problem_field = "service";
				rc = SVC_CONFLICT;
			}
			goto out;
		}
		*created_r = true;
		detail = "";
	} else {
		struct dir_entry cur;
		int64_t changed = 0;
		if ((rc = load_entry(s, c, id, &cur)) != SVC_OK)
			goto out;
		rc = SVC_ERROR;
		detail = changed_fields(s, &cur, v);
		if (write_fields(s, c, id, cur.version, v, now, &changed) != SVC_OK)
			goto out;
		if (changed != 1) {
			s->problem = N_("Someone else changed this entry while you were editing; reload it.");
			s->problem_field = "version";
			rc = SVC_CONFLICT;
			goto out;
		}
	}
	if (svc_audit(s, c, *created_r ? "directory.create" : "directory.edit", "directory",
		      arena_printf(s->arena, "%lld", (long long)id), "ok",
		      arena_printf(s->arena, "org_id=%lld service=%s%s%s", (long long)org_id, v[D_SERVICE],
				   *detail ? " fields=" : "", detail)) != SVC_OK)
		goto out;
	if (e_r && (rc = load_entry(s, c, id, e_r)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
out:
	svc_abort(s, &c);
	return rc;
}

/* Loads the entry for a change and asks policy about its organization; SVC_OK leaves c open. */
static int begin_change(struct svc *s, struct db_conn **c, int64_t id, int64_t expected_version, struct dir_entry *cur)
{
	*c = svc_begin(s, true);
	if (*c == NULL)
		return SVC_ERROR;
	int rc = load_entry(s, *c, id, cur);
	if (rc != SVC_OK) {
		svc_abort(s, c);
		return rc;
	}
	struct resource res = { .org_id = cur->org_id };
	if (!policy_may(s->actor, A_DIRECTORY_EDIT, &res)) {
		svc_abort(s, c);
		return svc_may(s, A_DIRECTORY_EDIT, &res);
	}
	if (expected_version && expected_version != cur->version) {
		svc_abort(s, c);
		s->problem = N_("Someone else changed this entry while you were editing; reload it.");
		s->problem_field = "version";
		return SVC_CONFLICT;
	}
	return SVC_OK;
}

int directory_update(struct svc *s, int64_t id, const char *const *in, int64_t expected_version, struct dir_entry *e_r)
{
	struct db_conn *c = NULL;
	struct dir_entry cur;
	int rc = begin_change(s, &c, id, expected_version, &cur);
	if (rc != SVC_OK)
		return rc;
	const char *merged[D__COUNT], *v[D__COUNT];
	for (int i = 0; i < D__COUNT; i++)
		merged[i] = in[i] ? in[i] : cur.v[i];
	if ((rc = check_fields(s, merged, v, false)) != SVC_OK)
		goto out;
	v[D_ORG] = cur.v[D_ORG];
	v[D_SERVICE] = cur.v[D_SERVICE];
	if ((rc = check_entry(s, v)) != SVC_OK)
		goto out;
	const char *fields = changed_fields(s, &cur, v);
	int64_t changed = 0;
	rc = SVC_ERROR;
	if (*fields) {
		if (write_fields(s, c, id, cur.version, v, (int64_t)time(NULL), &changed) != SVC_OK)
			goto out;
		if (changed != 1) {
			rc = SVC_CONFLICT;
			s->problem = N_("Someone else changed this entry while you were editing; reload it.");
			s->problem_field = "version";
			goto out;
		}
		if (svc_audit(s, c, "directory.edit", "directory", arena_printf(s->arena, "%lld", (long long)id), "ok",
			      arena_printf(s->arena, "org_id=%lld service=%s fields=%s", (long long)cur.org_id,
					   cur.v[D_SERVICE], fields)) != SVC_OK)
			goto out;
	}
	if (e_r && (rc = load_entry(s, c, id, e_r)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
out:
	svc_abort(s, &c);
	return rc;
}

int directory_set_capacity(struct svc *s, int64_t id, int64_t free_places, int64_t expected_version,
			   struct dir_entry *e_r)
{
	struct db_conn *c = NULL;
	struct dir_entry cur;
	int rc = begin_change(s, &c, id, expected_version, &cur);
	if (rc != SVC_OK)
		return rc;
	if (*cur.v[D_CAP_TOTAL] == '\0') {
		rc = svc_invalid(s, N_("This entry does not count places: give the number of places in total first."),
				 "capacity_free");
		goto out;
	}
	if (free_places < 0 || free_places > strtoll(cur.v[D_CAP_TOTAL], NULL, 10)) {
		rc = svc_invalid(s, N_("There cannot be more free places than places in total."), "capacity_free");
		goto out;
	}
	const char *v[D__COUNT];
	memcpy(v, cur.v, sizeof v);
	v[D_CAP_FREE] = arena_printf(s->arena, "%lld", (long long)free_places);
	int64_t changed = 0;
	rc = SVC_ERROR;
	if (write_fields(s, c, id, cur.version, v, (int64_t)time(NULL), &changed) != SVC_OK)
		goto out;
	if (changed != 1) {
		s->problem = N_("Someone else changed this entry while you were editing; reload it.");
		s->problem_field = "version";
		rc = SVC_CONFLICT;
		goto out;
	}
	if (svc_audit(s, c, "directory.capacity", "directory", arena_printf(s->arena, "%lld", (long long)id), "ok",
		      arena_printf(s->arena, "org_id=%lld service=%s free=%lld", (long long)cur.org_id, cur.v[D_SERVICE],
				   (long long)free_places)) != SVC_OK)
		goto out;
	if (e_r && (rc = load_entry(s, c, id, e_r)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
out:
	svc_abort(s, &c);
	return rc;
}

int directory_get(struct svc *s, int64_t id, struct dir_entry *e_r)
{
	int rc = svc_may(s, A_DIRECTORY_VIEW, NULL);
	if (rc != SVC_OK)
		return rc;
	struct db_conn *c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	rc = load_entry(s, c, id, e_r);
	svc_abort(s, &c);
	return rc;
}

/* Fresh before stale; known free places (most first), then places not counted, then full. */
static int availability_rank(const struct dir_entry *e)
{
	if (*e->v[D_CAP_FREE] == '\0')
		return 1;
	return strtoll(e->v[D_CAP_FREE], NULL, 10) > 0 ? 0 : 2;
}

static int compare_entries(const void *pa, const void *pb)
{
	const struct dir_entry *a = pa, *b = pb;
	/* Unknown distance (abroad, or no region asked) sorts after every known one. */
	int64_t da = a->distance_km < 0 ? INT64_MAX : a->distance_km, db = b->distance_km < 0 ? INT64_MAX : b->distance_km;
	if (da != db)
		return da < db ? -1 : 1;
	if (a->stale != b->stale)
		return a->stale ? 1 : -1;
	int ra = availability_rank(a), rb = availability_rank(b);
	if (ra != rb)
		return ra < rb ? -1 : 1;
	if (ra == 0) {
		long long fa = strtoll(a->v[D_CAP_FREE], NULL, 10), fb = strtoll(b->v[D_CAP_FREE], NULL, 10);
		if (fa != fb)
			return fa > fb ? -1 : 1;
	}
	int k = strcmp(a->org_code, b->org_code);
	return k ? k : strcmp(a->v[D_SERVICE], b->v[D_SERVICE]);
}

int directory_list(struct svc *s, const struct dir_filter *f, struct dir_entry **rows_r, int *n_r)
{
	const char *service = f->service ? f->service : "", *region = f->region ? f->region : "";
	*n_r = 0;
	*rows_r = NULL;
	if (*service && !picklist_has(&pl_service, service))
		return svc_invalid(s, N_("Choose one of the listed values."), "service");
	if (*region && !picklist_has(&pl_region, region))
		return svc_invalid(s, N_("Choose one of the listed values."), "region");
	int rc = svc_may(s, A_DIRECTORY_VIEW, NULL);
	if (rc != SVC_OK)
		return rc;
	struct db_conn *c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	int64_t org_id = 0;
	rc = SVC_ERROR;
	if (f->org && *f->org) {
		int found = db_query_int(c, &q_dir_org, DB_PARAMS(db_text(f->org)), &org_id, &s->error);
		if (found < 0)
			goto out;
		if (found == 0) {
			rc = svc_invalid(s, N_("There is no organization with this code."), "org");
			goto out;
		}
	}
	struct db_rows *r;
	if (db_query(c, &q_dir_list, DB_PARAMS(db_text(service), db_text(service), db_int(org_id), db_int(org_id)), &r,
		     &s->error) < 0)
		goto out;
	struct dir_entry *rows = arena_alloc(s->arena, sizeof *rows * (DIRECTORY_LIST_MAX + 1));
	int n = 0, q;
	while ((q = db_rows_next(r, &s->error)) == 1 && n < DIRECTORY_LIST_MAX) {
		read_entry(s, r, &rows[n]);
		if (str_eq(region, "abroad"))
			rows[n].distance_km = strstr(rows[n].v[D_REGIONS], "abroad") ? 0 : -1;
		else if (*region)
			rows[n].distance_km = nearest_km(region, rows[n].v[D_REGIONS]);
		n++;
	}
	db_rows_free(&r);
	if (q < 0)
		goto out;
	qsort(rows, (size_t)n, sizeof *rows, compare_entries);
	*rows_r = rows;
	*n_r = n;
	rc = SVC_OK;
out:
	svc_abort(s, &c);
	return rc;
}

json_t *dir_entry_to_json(const struct dir_entry *e)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(e->id));
	record_to_json(&directory_record, e->v, o);
	json_object_set_new(o, "org_name_uk", json_string(e->org_name_uk));
	json_object_set_new(o, "org_name_en", json_string(e->org_name_en));
	json_object_set_new(o, "stale", json_boolean(e->stale));
	json_object_set_new(o, "distance_km", e->distance_km < 0 ? json_null() : json_integer(e->distance_km));
	json_object_set_new(o, "version", json_integer(e->version));
	json_object_set_new(o, "updated_at", json_integer(e->updated_at));
	return o;
}
