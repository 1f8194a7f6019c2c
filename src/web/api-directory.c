/* api-directory.c — the service directory, assistance and referral indicators over the API:
 *   GET    /api/v1/services                  ?service&region&org -> {"items", "next": null}, nearest first
 *   POST   /api/v1/services                  an entry -> 201 + entry (new) or 200 (the organization's entry
 *                                            for that service replaced)
 *   GET    /api/v1/services/{id}             one entry
 *   PATCH  /api/v1/services/{id}             the fields given; "version" detects a concurrent change (409)
 *   POST   /api/v1/services/{id}/capacity    {"capacity_free", "version"} -> entry
 *   GET    /api/v1/assistance                ?case_id -> {"items", "next": null}
 *   POST   /api/v1/assistance                {"case_id", "service", ...} -> 201 + record
 *   GET    /api/v1/indicators/referrals      ?from&to&service&org&direction -> {"org", "direction", "from", "to", "rows"}
 * Field names are those of directory_record and assistance_record; errors are
 * {"error": {"code", "message", "field"}}.
 */
#include "base/str.h"
#include "model/assistance.h"
#include "model/directory.h"
#include "model/referral-stats.h"
#include "web/api.h"
#include "web/session-web.h"
#include "web/ui.h"
#include "web/web.h"

#include <stdlib.h>
#include <string.h>

/* Answers 400 for the first query parameter not in names (NULL-terminated); true when all are known. */
static bool query_known(struct request *req, const char *const *names)
{
	for (size_t i = 0; i < req->query.n; i++) {
		bool known = false;
		for (const char *const *n = names; *n && !known; n++)
			known = str_eq(*n, req->query.items[i].key);
		if (!known) {
			web_error(req, 400, N_("This query parameter is not known."), req->query.items[i].key);
			return false;
		}
	}
	return true;
}

/* The record id of the path ({id}); 0 after answering 404 when it is not a positive integer. */
static int64_t path_id(struct request *req)
{
	int64_t id = 0;
	if (str_to_i64(req_param(req, 0), 1, INT64_MAX, &id) < 0) {
		web_error(req, 404, N_("There is no such record."), NULL);
		return 0;
	}
	return id;
}

/* ---- the directory ------------------------------------------------------------ */

void api_service_list(struct request *req)
{
	static const char *const known[] = { "service", "region", "org", NULL };
	if (!query_known(req, known))
		return;
	struct svc s = web_svc(req);
	struct dir_filter f = { .service = req_query(req, "service"), .region = req_query(req, "region"),
				.org = req_query(req, "org") };
	struct dir_entry *rows;
	int n;
	int rc = directory_list(&s, &f, &rows, &n);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, dir_entry_to_json(&rows[i]));
	api_reply_page(req, items, NULL);
}

void api_service_create(struct request *req)
{
	struct svc s = web_svc(req);
	const char *values[D__COUNT];
	if (!api_read_record(req, &directory_record, req->json, true, values))
		return;
	struct dir_entry e;
	bool created;
	int rc = directory_upsert(&s, values, &created, &e);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	if (created)
		req_add_header(req, "Location", arena_printf(req->arena, "/api/v1/services/%lld", (long long)e.id));
	json_reply(req, created ? 201 : 200, dir_entry_to_json(&e));
}

void api_service_get(struct request *req)
{
	int64_t id = path_id(req);
	if (id == 0)
		return;
	struct svc s = web_svc(req);
	struct dir_entry e;
	int rc = directory_get(&s, id, &e);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_reply(req, 200, dir_entry_to_json(&e));
}

void api_service_patch(struct request *req)
{
	int64_t id = path_id(req), version;
	if (id == 0)
		return;
	const char *values[D__COUNT];
	if (!api_read_version(req, req->json, &version) ||
	    !api_read_record(req, &directory_record, req->json, false, values))
		return;
	struct svc s = web_svc(req);
	struct dir_entry e;
	int rc = directory_update(&s, id, values, version, &e);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_reply(req, 200, dir_entry_to_json(&e));
}

void api_service_capacity(struct request *req)
{
	int64_t id = path_id(req), version;
	if (id == 0)
		return;
	const char *key;
	json_t *v;
	json_object_foreach(req->json, key, v)
	{
		if (!str_eq(key, "capacity_free") && !str_eq(key, "version")) {
			web_error(req, 400, N_("Unknown field."), key);
			return;
		}
	}
	json_t *free_places = json_object_get(req->json, "capacity_free");
	if (!json_is_integer(free_places)) {
		web_error(req, 422, N_("A whole number is expected."), "capacity_free");
		return;
	}
	if (!api_read_version(req, req->json, &version))
		return;
	struct svc s = web_svc(req);
	struct dir_entry e;
	int rc = directory_set_capacity(&s, id, json_integer_value(free_places), version, &e);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_reply(req, 200, dir_entry_to_json(&e));
}

/* ---- assistance ----------------------------------------------------------------- */

static json_t *assistance_json(struct request *req, const struct assistance *a)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(a->id));
	json_object_set_new(o, "case_id", json_integer(a->case_id));
	json_object_set_new(o, "referral_id", a->referral_id ? json_integer(a->referral_id) : json_null());
	json_object_set_new(o, "service", json_string(a->service));
	json_object_set_new(o, "provider", json_string(a->provider));
	json_object_set_new(o, "delivered_on", json_string(a->delivered_on));
	json_object_set_new(o, "quantity", a->quantity >= 0 ? json_integer(a->quantity) : json_null());
	json_object_set_new(o, "unit", json_string(a->unit));
	json_object_set_new(o, "cost", a->cost_cents >= 0 ? json_string(assistance_cost_text(req->arena, a->cost_cents))
							    : json_null());
	json_object_set_new(o, "currency", json_string(a->currency));
	json_object_set_new(o, "funding_source", json_string(a->funding_source));
	json_object_set_new(o, "recorded_by", json_string(a->recorded_by));
	json_object_set_new(o, "recorded_at", json_integer(a->recorded_at));
	return o;
}

void api_assistance_list(struct request *req)
{
	static const char *const known[] = { "case_id", NULL };
	if (!query_known(req, known))
		return;
	int64_t case_id;
	if (str_to_i64(req_query(req, "case_id"), 1, INT64_MAX, &case_id) < 0) {
		web_error(req, 422, N_("Give the case: its id, a whole number."), "case_id");
		return;
	}
	struct svc s = web_svc(req);
	struct assistance *rows;
	int n;
	int rc = assistance_list(&s, case_id, &rows, &n, NULL);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, assistance_json(req, &rows[i]));
	api_reply_page(req, items, NULL);
}

void api_assistance_create(struct request *req)
{
	const char *values[AS__COUNT];
	if (!api_read_record(req, &assistance_record, req->json, true, values))
		return;
	struct svc s = web_svc(req);
	int64_t id = 0;
	int rc = assistance_record_add(&s, values, &id);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	struct svc s2 = web_svc(req);
	struct assistance *rows;
	int n;
	if ((rc = assistance_list(&s2, strtoll(values[AS_CASE], NULL, 10), &rows, &n, NULL)) != SVC_OK) {
		web_svc_fail(req, &s2, rc);
		return;
	}
	for (int i = 0; i < n; i++)
		if (rows[i].id == id) {
			req_add_header(req, "Location",
				       arena_printf(req->arena, "/api/v1/assistance?case_id=%lld", (long long)rows[i].case_id));
			json_reply(req, 201, assistance_json(req, &rows[i]));
			return;
		}
	web_error(req, 500, N_("Something went wrong"), NULL);
}

/* ---- referral indicators ------------------------------------------------------------ */

static json_t *indicator_json(const struct indicator *ind, bool whole)
{
	json_t *value = !ind->has_value ? json_null() : whole ? json_integer((json_int_t)ind->value) : json_real(ind->value);
	return json_pack("{s:o,s:I,s:I}", "value", value, "numerator", (json_int_t)ind->numerator, "denominator",
			 (json_int_t)ind->denominator);
}

void api_indicators_referrals(struct request *req)
{
	static const char *const known[] = { "from", "to", "service", "org", "direction", NULL };
	if (!query_known(req, known))
		return;
	struct svc s = web_svc(req);
	struct referral_stats_filter f = { .from = req_query(req, "from"), .to = req_query(req, "to"),
					   .service = req_query(req, "service"), .org = req_query(req, "org"),
					   .direction = req_query(req, "direction") };
	struct referral_stats_row *rows;
	int n;
	const char *org;
	int rc = referral_indicators(&s, &f, &rows, &n, &org);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_t *out = json_array();
	for (int i = 0; i < n; i++) {
		json_t *row = json_pack("{s:s}", "service", rows[i].service);
		for (int k = 0; k < RI__COUNT; k++) {
			bool whole = k != RI_ACCEPTANCE_RATE && k != RI_MEDIAN_HOURS_TO_ANSWER && k != RI_MEDIAN_HOURS_TO_COMPLETION;
			json_object_set_new(row, referral_indicator_names[k], indicator_json(&rows[i].ind[k], whole));
		}
		json_array_append_new(out, row);
	}
	const char *dir = f.direction && *f.direction ? f.direction : "out";
	json_reply(req, 200, json_pack("{s:o,s:s,s:o,s:o,s:o}", "org", *org ? json_string(org) : json_null(), "direction",
				       *org ? dir : "all", "from", f.from && *f.from ? json_string(f.from) : json_null(),
				       "to", f.to && *f.to ? json_string(f.to) : json_null(), "rows", out));
}
