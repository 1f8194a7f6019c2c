/* api-audit.c — the audit trail over the API:
 *   GET /api/v1/audit         entries newest first, with the filters of GET /audit
 *   GET /api/v1/audit/verify  walks the chain: {"intact", "entries", "first_bad", "reason"}
 */
#include "base/buf.h"
#include "model/audit.h"
#include "model/record.h"
#include "model/service.h"
#include "web/api.h"
#include "web/session-web.h"
#include "web/ui.h"
#include "web/web.h"

#include <stdio.h>
#include <time.h>

/* The reasons audit_verify() gives, marked here so they are translated. */
static const char *const verify_reasons[] __attribute__((unused)) = {
	N_("entries are missing before this one"),
	N_("entries are out of order"),
	N_("does not link to the entry before it"),
	N_("its content or hash was changed"),
	N_("entries were removed from the end of the trail"),
};

int audit_verify_recorded(struct request *req, int64_t *count_r, int64_t *bad_r, const char **why_r)
{
	struct svc s = web_svc(req);
	const char *err;
	int rc = audit_verify(req->app->db, req->app->key, count_r, bad_r, why_r, &err);
	if (rc < 0) {
		web_svc_fail(req, &s, svc_fail(&s, err));
		return -1;
	}
	/* Who checked, and what they found, is itself part of the trail. */
	char detail[64];
	if (rc == 0)
		snprintf(detail, sizeof detail, "entries=%lld", (long long)*count_r);
	else
		snprintf(detail, sizeof detail, "entries=%lld first_bad=%lld", (long long)*count_r, (long long)*bad_r);
	struct db_conn *c = svc_begin(&s, true);
	if (c == NULL || svc_audit(&s, c, "audit.verify", "audit_trail", "", rc == 0 ? "ok" : "broken", detail) != SVC_OK ||
	    svc_commit(&s, &c) != SVC_OK) {
		svc_abort(&s, &c);
		web_svc_fail(req, &s, SVC_ERROR);
		return -1;
	}
	return rc;
}

static json_t *row_json(const struct audit_row *r)
{
	char at[32];
	time_t t = (time_t)r->at;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *j = json_object();
	json_object_set_new(j, "seq", json_integer(r->seq));
	json_object_set_new(j, "at", json_string(at));
	json_object_set_new(j, "actor", json_string(r->actor_label));
	json_object_set_new(j, "actor_user_id", r->actor_user_id ? json_integer(r->actor_user_id) : json_null());
	json_object_set_new(j, "actor_org_id", r->actor_org_id ? json_integer(r->actor_org_id) : json_null());
	json_object_set_new(j, "action", json_string(r->action));
	json_object_set_new(j, "object_type", json_string(r->object_type));
	json_object_set_new(j, "object_id", json_string(r->object_id));
	json_object_set_new(j, "client_ip", json_string(r->client_ip));
	json_object_set_new(j, "outcome", json_string(r->outcome));
	json_object_set_new(j, "detail", json_string(r->detail));
	return j;
}

void api_audit_list(struct request *req)
{
	/* A mistyped filter must not silently widen the answer to the whole trail. */
	for (size_t i = 0; i < req->query.n; i++)
		if (record_field_index(&audit_filter_rt, req->query.items[i].key) < 0) {
			web_error(req, 400, N_("This query parameter is not known."), req->query.items[i].key);
			return;
		}
	const char *values[AUDIT_FILTER_FIELDS], *errors[AUDIT_FILTER_FIELDS];
	struct audit_filter f;
	if (audit_filter_read(req, &f, values, errors) > 0 && !api_filters_valid(req, &audit_filter_rt, errors))
		return;
	struct audit_row *rows = NULL;
	bool more = false;
	int n = audit_fetch(req, &f, &rows, &more);
	if (n < 0)
		return;
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, row_json(&rows[i]));
	const char *next = NULL;
	if (more) {
		struct buf u;
		buf_init_arena(&u, req->arena);
		buf_puts(&u, "/api/v1/audit?");
		audit_filter_query(&u, values, rows[n - 1].seq);
		next = u.data;
	}
	api_reply_page(req, items, next);
}

void api_audit_verify(struct request *req)
{
	if (req->query.n > 0) {
		web_error(req, 400, N_("This query parameter is not known."), req->query.items[0].key);
		return;
	}
	int64_t count = 0, bad = 0;
	const char *why = NULL;
	int rc = audit_verify_recorded(req, &count, &bad, &why);
	if (rc < 0)
		return;
	json_reply(req, 200,
		   json_pack("{s:b,s:I,s:o,s:o}", "intact", rc == 0, "entries", (json_int_t)count, "first_bad",
			     rc == 0 ? json_null() : json_integer(bad), "reason",
			     rc == 0 ? json_null() : json_string(gettext(why))));
}
