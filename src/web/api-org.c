/* api-org.c — the partner-network registry over the API:
 *   GET    /api/v1/orgs                   ?region&kind&service&status&q&after&limit -> {"items", "next"}
 *   POST   /api/v1/orgs                   a new organization -> 201 + record
 *   GET    /api/v1/orgs/{code}            one organization
 *   PATCH  /api/v1/orgs/{code}            the fields given; "version" detects a concurrent change (409)
 *   POST   /api/v1/orgs/{code}/status     {"status", "reason", "version"}
 *   GET    /api/v1/orgs/{code}/history    {"items": changes, newest first}
 *   GET    /api/v1/network/growth         ?by=month|year&kind&region -> {"by", "total", "points"}
 * Field names are those of org_record; errors are {"error": {"code", "message", "field"}}.
 */
#include "base/str.h"
#include "model/org.h"
#include "web/api.h"
#include "web/session-web.h"
#include "web/ui.h"
#include "web/web.h"

#include <string.h>

static void reply_org(struct request *req, int status, const struct org *g)
{
	json_reply(req, status, org_to_json(g));
}

void api_org_list(struct request *req)
{
	struct svc s = web_svc(req);
	struct org_filter f = { .region = req_query(req, "region"), .kind = req_query(req, "kind"),
				.service = req_query(req, "service"), .status = req_query(req, "status"),
				.q = req_query(req, "q"), .after = req_query(req, "after") };
	const char *limit = req_query(req, "limit");
	if (limit) {
		int64_t l;
		if (str_to_i64(limit, 1, ORG_LIST_MAX, &l) < 0) {
			web_error(req, 422, N_("Ask for 1 to 200 records at a time."), "limit");
			return;
		}
		f.limit = (int)l;
	}
	struct org **orgs;
	size_t n;
	const char *next;
	int rc = org_list(&s, &f, &orgs, &n, &next);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, org_to_json(orgs[i]));
	api_reply_page(req, items, next);
}

void api_org_create(struct request *req)
{
	struct svc s = web_svc(req);
	const char *values[ORG__NFIELDS];
	if (!api_read_record(req, &org_record, req->json, true, values))
		return;
	struct org *g;
	int rc = org_create(&s, values, &g);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	struct buf loc;
	buf_init_arena(&loc, req->arena);
	buf_puts(&loc, "/api/v1/orgs/");
	html_url_arg(&loc, g->v[ORG_CODE]);
	req_add_header(req, "Location", loc.data);
	reply_org(req, 201, g);
}

void api_org_get(struct request *req)
{
	struct svc s = web_svc(req);
	struct org *g;
	int rc = org_get_by_code(&s, req_param(req, 0), &g);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	reply_org(req, 200, g);
}

void api_org_patch(struct request *req)
{
	struct svc s = web_svc(req);
	int64_t version;
	const char *values[ORG__NFIELDS];
	if (!api_read_version(req, req->json, &version) || !api_read_record(req, &org_record, req->json, false, values))
		return;
	struct org *g;
	int rc = org_update(&s, req_param(req, 0), values, version, &g);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	reply_org(req, 200, g);
}

void api_org_status(struct request *req)
{
	struct svc s = web_svc(req);
	const char *key;
	json_t *v;
	json_object_foreach(req->json, key, v)
	{
		if (!str_eq(key, "status") && !str_eq(key, "reason") && !str_eq(key, "version")) {
			web_error(req, 400, N_("Unknown field."), key);
			return;
		}
		if (!str_eq(key, "version") && !json_is_string(v)) {
			web_error(req, 422, N_("A string is expected."), key);
			return;
		}
	}
	int64_t version;
	if (!api_read_version(req, req->json, &version))
		return;
	struct org *g;
	int rc = org_set_status(&s, req_param(req, 0), json_string_value(json_object_get(req->json, "status")),
				json_string_value(json_object_get(req->json, "reason")), version, &g);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	reply_org(req, 200, g);
}

void api_org_history(struct request *req)
{
	struct svc s = web_svc(req);
	struct org_change *h;
	size_t n;
	int rc = org_history_list(&s, req_param(req, 0), &h, &n);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, org_change_to_json(&h[i]));
	json_reply(req, 200, json_pack("{s:o}", "items", items));
}

void api_network_growth(struct request *req)
{
	struct svc s = web_svc(req);
	const char *by = req_query(req, "by");
	if (by && !str_eq(by, "month") && !str_eq(by, "year")) {
		web_error(req, 422, N_("Choose one of the listed values."), "by");
		return;
	}
	bool by_year = str_eq(by, "year");
	struct growth_point *pts;
	size_t n;
	int rc = network_growth(&s, by_year, req_query(req, "kind"), req_query(req, "region"), &pts, &n);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_t *points = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(points, json_pack("{s:s,s:I,s:I}", "period", pts[i].period, "joined",
							(json_int_t)pts[i].joined, "total", (json_int_t)pts[i].total));
	json_reply(req, 200, json_pack("{s:s,s:I,s:o}", "by", by_year ? "year" : "month", "total",
				       (json_int_t)(n ? pts[n - 1].total : 0), "points", points));
}
