/* api-screening.c — the screening rule as a service for other tools, screenings
 * recorded on a case, and consents. */
#include "base/str.h"
#include "model/consent.h"
#include "model/screening.h"
#include "web/api.h"
#include "web/session-web.h"
#include "web/ui.h"
#include "web/web.h"

#include <stdlib.h>
#include <string.h>

/* {"profile": "...", "indicators": ["code", ...]} into profile and codes; false when answered. */
static bool read_screening(struct request *req, const char **profile_r, const char ***codes_r, int *n_r)
{
	const char *key;
	json_t *v;
	json_object_foreach(req->json, key, v)
	{
		if (!str_eq(key, "profile") && !str_eq(key, "indicators")) {
			web_error(req, 400, N_("Unknown field."), key);
			return false;
		}
	}
	json_t *p = json_object_get(req->json, "profile"), *ind = json_object_get(req->json, "indicators");
	if (!json_is_string(p)) {
		web_error(req, 422, N_("This is required."), "profile");
		return false;
	}
	if (!json_is_array(ind) || json_array_size(ind) > 200) {
		web_error(req, 422, N_("A list of codes is expected."), "indicators");
		return false;
	}
	size_t n = json_array_size(ind), i;
	const char **codes = arena_alloc(req->arena, sizeof *codes * (n ? n : 1));
	json_t *e;
	json_array_foreach(ind, i, e)
	{
		if (!json_is_string(e)) {
			web_error(req, 422, N_("A list of codes is expected."), "indicators");
			return false;
		}
		codes[i] = json_string_value(e);
	}
	*profile_r = json_string_value(p);
	*codes_r = codes;
	*n_r = (int)n;
	return true;
}

static int64_t path_id(struct request *req, size_t i)
{
	int64_t id;
	const char *p = req_param(req, i);
	return p && str_to_i64(p, 1, INT64_MAX, &id) == 0 ? id : 0;
}

void api_screening_evaluate(struct request *req)
{
	const char *profile;
	const char **codes;
	int n;
	if (!read_screening(req, &profile, &codes, &n))
		return;
	struct svc s = web_svc(req);
	struct screening_result r;
	int rc = screening_evaluate(&s, profile, codes, n, &r);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_reply(req, 200, screening_result_json(&r));
}

void api_screening_profiles(struct request *req)
{
	int n;
	const struct ilo_profile *p = screening_profiles(&n);
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *inds = json_array();
		for (int k = 0; k < p[i].n; k++) {
			const struct ilo_indicator *x = &p[i].indicators[k];
			char st[2] = { x->strength, 0 };
			/* label in the asker's language; label_uk always, for tools that show both */
			json_array_append_new(inds, json_pack("{s:s,s:s,s:s,s:s,s:s}", "code", x->code, "dimension",
							      x->dimension, "strength", st, "label",
							      ilo_indicator_label(x, req->lang), "label_uk", x->label_uk));
		}
		json_array_append_new(items, json_pack("{s:s,s:o}", "profile", p[i].name, "indicators", inds));
	}
	api_reply_page(req, items, NULL);
}

void api_case_screening_add(struct request *req)
{
	int64_t case_id = path_id(req, 0);
	const char *profile;
	const char **codes;
	int n;
	if (case_id == 0) {
		web_error(req, 404, N_("There is no such record."), NULL);
		return;
	}
	if (!read_screening(req, &profile, &codes, &n))
		return;
	struct svc s = web_svc(req);
	struct screening_result r;
	int64_t id;
	int rc = screening_record(&s, case_id, profile, codes, n, &r, &id);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_t *j = screening_result_json(&r);
	json_object_set_new(j, "id", json_integer(id));
	json_object_set_new(j, "case_id", json_integer(case_id));
	json_reply(req, 201, j);
}

void api_case_screening_list(struct request *req)
{
	int64_t case_id = path_id(req, 0);
	struct svc s = web_svc(req);
	struct screening_row *rows;
	int n, rc = case_id ? screening_list(&s, case_id, &rows, &n) : SVC_NOT_FOUND;
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *res = json_loads(rows[i].result_json, 0, NULL);
		json_array_append_new(items, json_pack("{s:I,s:I,s:s,s:s,s:s,s:o}", "id", (json_int_t)rows[i].id,
						       "screened_at", (json_int_t)rows[i].at, "screened_by", rows[i].by,
						       "profile", rows[i].profile, "result", rows[i].outcome, "evaluation",
						       res ? res : json_null()));
	}
	api_reply_page(req, items, NULL);
}

static json_t *consent_json(const struct consent *k)
{
	json_t *o = json_object();
	record_to_json(&consent_record, k->v, o);
	/* organizations is a comma list in the table: an array in JSON */
	json_t *orgs = json_array();
	for (const char *p = k->v[K_ORGS]; p && *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		json_array_append_new(orgs, json_stringn(p, l));
		p += l + (e ? 1 : 0);
	}
	json_object_set_new(o, "organizations", orgs);
	json_object_set_new(o, "id", json_integer(k->id));
	json_object_set_new(o, "case_id", json_integer(k->case_id));
	json_object_set_new(o, "recorded_by", json_string(k->recorded_by));
	json_object_set_new(o, "recorded_at", json_integer(k->recorded_at));
	json_object_set_new(o, "active", json_boolean(k->active));
	json_object_set_new(o, "withdrawn_on", *k->withdrawn_on ? json_string(k->withdrawn_on) : json_null());
	json_object_del(o, "witness");
	json_object_del(o, "note");
	return o;
}

void api_case_consent_add(struct request *req)
{
	int64_t case_id = path_id(req, 0);
	if (case_id == 0) {
		web_error(req, 404, N_("There is no such record."), NULL);
		return;
	}
	/* "organizations" travels as an array of codes; the record keeps a comma list. */
	json_t *orgs = json_object_get(req->json, "organizations");
	if (orgs && !json_is_array(orgs) && !json_is_null(orgs)) {
		web_error(req, 422, N_("A list of codes is expected."), "organizations");
		return;
	}
	if (json_is_array(orgs)) {
		struct buf b;
		buf_init_arena(&b, req->arena);
		size_t i;
		json_t *e;
		json_array_foreach(orgs, i, e)
		{
			if (!json_is_string(e) || strchr(json_string_value(e), ',')) {
				web_error(req, 422, N_("A list of codes is expected."), "organizations");
				return;
			}
			buf_puts(&b, b.len ? "," : "");
			buf_puts(&b, json_string_value(e));
		}
		json_object_set_new(req->json, "organizations", json_string(b.data));
	}
	const char *values[K__COUNT];
	if (!api_read_record(req, &consent_record, req->json, true, values))
		return;
	struct svc s = web_svc(req);
	int64_t id;
	int rc = consent_record_add(&s, case_id, values, &id);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	struct consent *rows;
	int n;
	if ((rc = consent_list(&s, case_id, false, &rows, &n)) != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	for (int i = 0; i < n; i++)
		if (rows[i].id == id) {
			req_add_header(req, "Location", arena_printf(req->arena, "/api/v1/cases/%lld/consents", (long long)case_id));
			json_reply(req, 201, consent_json(&rows[i]));
			return;
		}
	web_error(req, 500, N_("Something went wrong"), NULL);
}

void api_case_consent_list(struct request *req)
{
	int64_t case_id = path_id(req, 0);
	struct svc s = web_svc(req);
	struct consent *rows;
	int n, rc = case_id ? consent_list(&s, case_id, false, &rows, &n) : SVC_NOT_FOUND;
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, consent_json(&rows[i]));
	api_reply_page(req, items, NULL);
}

void api_consent_withdraw(struct request *req)
{
	int64_t id = path_id(req, 0);
	const char *on = NULL;
	const char *key;
	json_t *v;
	json_object_foreach(req->json, key, v)
	{
		if (!str_eq(key, "withdrawn_on")) {
			web_error(req, 400, N_("Unknown field."), key);
			return;
		}
		if (!json_is_string(v)) {
			web_error(req, 422, N_("Enter a date as YYYY-MM-DD."), "withdrawn_on");
			return;
		}
		on = json_string_value(v);
	}
	if (on) {
		static const struct field f = { "withdrawn_on", "withdrawn_on", FT_DATE, NULL, 0, 0, 0, N_("Date"), NULL };
		const char *err = field_validate(&f, on, req->arena, &on);
		if (err) {
			web_error(req, 422, err, "withdrawn_on");
			return;
		}
	}
	struct svc s = web_svc(req);
	int rc = id ? consent_withdraw(&s, id, on) : SVC_NOT_FOUND;
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	req->status = 204;
	req->content_type = "application/json";
}
