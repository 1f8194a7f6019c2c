/* api-referral.c — referrals between organizations over the API:
 *   POST /api/v1/referrals                   {"case_id", "to_org", "services", "shared_fields", "reason",
 *                                            "urgency", "override_consent", "override_reason"} -> 201 + referral
 *   GET  /api/v1/referrals                   ?direction=in|out&state=&case_id=&limit=&offset= -> {"items", "next"}
 *   GET  /api/v1/referrals/{id}              the referral, its texts and its transitions
 *   POST /api/v1/referrals/{id}/accept       {}                   (the receiving organization)
 *   POST /api/v1/referrals/{id}/decline      {"reason"}           (the receiving organization)
 *   POST /api/v1/referrals/{id}/start        {}                   (the receiving organization)
 *   POST /api/v1/referrals/{id}/complete     {"outcome"}          (the receiving organization)
 *   POST /api/v1/referrals/{id}/close        {"reason"}           (closed unfinished, the receiving organization)
 *   POST /api/v1/referrals/{id}/cancel       {}                   (the sending organization)
 *
 * A transition answers 200 with the referral, or 409 {"error": {...}, "state": "<current>"} when the
 * referral has moved on (someone else answered first, the sender cancelled, it expired).  What the
 * receiving organization may read of the case and the person comes through GET /api/v1/cases/{id}
 * and GET /api/v1/persons/{id}, which the services mask to the fields the referral shares.
 */
#include "base/str.h"
#include "model/record.h"
#include "model/referral.h"
#include "web/api.h"
#include "web/session-web.h"
#include "web/ui.h"
#include "web/web.h"

#include <stdint.h>
#include <string.h>

/* ---- the new referral, declared once for the API and the refer form (ui-referral.c) ------------ */

static const struct field referral_new_fields[RN__COUNT] = {
	[RN_CASE_ID] = { "case_id", "case_id", FT_INT, NULL, F_REQUIRED, 1, INT64_MAX, N_("Case"), NULL },
	[RN_TO_ORG] = { "to_org", "to_org", FT_SLUG, NULL, F_REQUIRED, 0, 64, N_("Receiving organization"), NULL },
	[RN_SERVICES] = { "services", "services", FT_PICKSET, &pl_service, F_REQUIRED, 0, 0, N_("Services"),
			  N_("What she is referred for. The organization must offer every one.") },
	[RN_SHARED] = { "shared_fields", "shared_fields", FT_PICKSET, &pl_shareable, 0, 0, 0, N_("What goes with the referral"),
			N_("Only what the receiving organization needs to help her. The case code always goes.") },
	[RN_REASON] = { "reason", "reason", FT_LONGTEXT, NULL, F_REQUIRED, 0, 4000, N_("Why she is referred"),
			N_("The receiving organization reads this. It is sealed in the store.") },
	[RN_URGENCY] = { "urgency", "urgency", FT_PICK, &pl_urgency, 0, 0, 0, N_("Urgency"),
			 N_("Sets the deadline for an answer, e.g. 24 hours for an emergency shelter place.") },
	[RN_OVERRIDE] = { "override_consent", "override_consent", FT_BOOL, NULL, 0, 0, 0,
			  N_("Refer her without a matching consent"), NULL },
	[RN_OVERRIDE_REASON] = { "override_reason", "override_reason", FT_LONGTEXT, NULL, 0, 0, 2000,
				 N_("Why her consent is overridden"),
				 N_("A manager's decision, recorded in the audit trail. Sealed in the store.") },
};

const struct record_type referral_new_rt = { "referral", referral_new_fields, RN__COUNT };
/* The form of a case's page has the case in its address: every field but the first. */
const struct record_type referral_form_rt = { "referral", referral_new_fields + 1, RN__COUNT - 1 };

void referral_new_from_values(const char *const *v, bool shared_given, struct referral_new *n)
{
	memset(n, 0, sizeof *n);
	if (v[RN_CASE_ID] && *v[RN_CASE_ID])
		str_to_i64(v[RN_CASE_ID], 1, INT64_MAX, &n->case_id);
	n->to_org = v[RN_TO_ORG];
	n->services = v[RN_SERVICES];
	n->shared_fields = shared_given ? (v[RN_SHARED] ? v[RN_SHARED] : "") : NULL;
	n->reason = v[RN_REASON];
	n->urgency = v[RN_URGENCY];
	n->override_consent = str_eq(v[RN_OVERRIDE], "1");
	n->override_reason = v[RN_OVERRIDE_REASON];
}

/* ---- answers ---------------------------------------------------------------------------------- */

static json_t *list_json(const char *list)
{
	json_t *a = json_array();
	for (const char *p = list ? list : ""; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l)
			json_array_append_new(a, json_stringn(p, l));
		p += l + (e ? 1 : 0);
	}
	return a;
}

static json_t *time_or_null(int64_t t)
{
	return t ? json_integer(t) : json_null();
}

/* A referral as JSON; with full (one referral read with referral_get), its texts and transitions. */
static json_t *referral_json(struct request *req, const struct referral *r, bool full)
{
	json_t *o = json_object();
	const char *dir = req->actor->org_id == r->from_org_id ? "out" : req->actor->org_id == r->to_org_id ? "in" : NULL;
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "case_id", json_integer(r->case_id));
	json_object_set_new(o, "case_code", json_string(r->case_code));
	json_object_set_new(o, "from_org", json_string(r->from_org));
	json_object_set_new(o, "to_org", json_string(r->to_org));
	json_object_set_new(o, "direction", dir ? json_string(dir) : json_null());
	json_object_set_new(o, "services", list_json(r->services));
	json_object_set_new(o, "shared_fields", list_json(r->shared_fields));
	json_object_set_new(o, "urgency", json_string(r->urgency));
	json_object_set_new(o, "state", json_string(r->state));
	json_object_set_new(o, "consent_override", json_boolean(r->consent_override));
	json_object_set_new(o, "deadline_at", json_integer(r->deadline_at));
	json_object_set_new(o, "answered_at", time_or_null(r->answered_at));
	json_object_set_new(o, "closed_at", time_or_null(r->closed_at));
	json_object_set_new(o, "visible_until", time_or_null(r->visible_until));
	json_object_set_new(o, "created_at", json_integer(r->created_at));
	json_object_set_new(o, "version", json_integer(r->version));
	if (!full)
		return o;
	json_object_set_new(o, "reason", json_string(r->reason ? r->reason : ""));
	json_object_set_new(o, "decline_reason", json_string(r->decline_reason ? r->decline_reason : ""));
	json_object_set_new(o, "outcome", json_string(r->outcome ? r->outcome : ""));
	json_object_set_new(o, "override_reason", json_string(r->override_reason ? r->override_reason : ""));
	json_object_set_new(o, "may_answer", json_boolean(r->may_answer));
	json_object_set_new(o, "may_cancel", json_boolean(r->may_cancel));
	json_t *ev = json_array();
	for (int i = 0; i < r->nevents; i++) {
		const struct referral_event *e = &r->events[i];
		json_array_append_new(ev, json_pack("{s:I,s:s,s:s,s:o,s:s}", "at", (json_int_t)e->at, "by", e->by, "by_org",
						    e->by_org, "from_state", *e->from_state ? json_string(e->from_state) : json_null(),
						    "to_state", e->to_state));
	}
	json_object_set_new(o, "events", ev);
	return o;
}

/* The referral's id of the path; 0 after answering 404 when it is not a positive integer. */
static int64_t path_id(struct request *req)
{
	int64_t id = 0;
	if (str_to_i64(req_param(req, 0), 1, INT64_MAX, &id) < 0) {
		web_error(req, 404, N_("There is no such record."), NULL);
		return 0;
	}
	return id;
}

/* Reads the referral again and answers it (status 200 or 201). */
static void reply_referral(struct request *req, int64_t id, int status)
{
	struct svc s = web_svc(req);
	struct referral r;
	int rc = referral_get(&s, id, &r);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	if (status == 201)
		req_add_header(req, "Location", arena_printf(req->arena, "/api/v1/referrals/%lld", (long long)id));
	json_reply(req, status, referral_json(req, &r, true));
}

/* ---- creating and listing --------------------------------------------------------------------- */

void api_referral_create(struct request *req)
{
	const char *values[RN__COUNT];
	if (!api_read_record(req, &referral_new_rt, req->json, true, values))
		return;
	struct referral_new n;
	referral_new_from_values(values, json_object_get(req->json, "shared_fields") != NULL, &n);
	struct svc s = web_svc(req);
	int64_t id = 0;
	int rc = referral_create(&s, &n, &id);
	if (rc == SVC_INVALID && str_eq(s.problem_field, "password")) {
		/* Overriding consent needs a fresh password, as every re-authenticated action of the API. */
		web_error(req, 401, N_("Confirm your password first: POST /api/v1/sessions/current/reauth."),
			  "override_consent");
		req_add_header(req, "X-Reauth-Required", "1");
		return;
	}
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	reply_referral(req, id, 201);
}

static const struct pick direction_items[] = {
	{ "in", N_("Incoming") },
	{ "out", N_("Outgoing") },
};
static const struct picklist pl_direction = { "direction", direction_items, 2 };

enum { RQ_DIRECTION, RQ_STATE, RQ_CASE, RQ_LIMIT, RQ_OFFSET, RQ__COUNT };
static const struct field query_fields[RQ__COUNT] = {
	[RQ_DIRECTION] = { "direction", "direction", FT_PICK, &pl_direction, 0, 0, 0, N_("Direction"), NULL },
	[RQ_STATE] = { "state", "state", FT_PICK, &pl_referral_state, 0, 0, 0, N_("State"), NULL },
	[RQ_CASE] = { "case_id", "case_id", FT_INT, NULL, 0, 1, INT64_MAX, N_("Case"), NULL },
	[RQ_LIMIT] = { "limit", "limit", FT_INT, NULL, 0, 1, 200, N_("Results at most"), NULL },
	[RQ_OFFSET] = { "offset", "offset", FT_INT, NULL, 0, 0, 10000000, N_("Skip the first"), NULL },
};
static const struct record_type query_rt = { "referral_query", query_fields, RQ__COUNT };

void api_referral_list(struct request *req)
{
	for (size_t i = 0; i < req->query.n; i++)
		if (record_field_index(&query_rt, req->query.items[i].key) < 0) {
			web_error(req, 400, N_("This query parameter is not known."), req->query.items[i].key);
			return;
		}
	const char *values[RQ__COUNT], *errors[RQ__COUNT];
	if (record_read_form(&query_rt, &req->query, true, req->arena, values, errors) > 0 &&
	    !api_filters_valid(req, &query_rt, errors))
		return;
	int64_t case_id = 0, limit = 50, offset = 0;
	if (*values[RQ_CASE])
		str_to_i64(values[RQ_CASE], 1, INT64_MAX, &case_id);
	if (*values[RQ_LIMIT])
		str_to_i64(values[RQ_LIMIT], 1, 200, &limit);
	if (*values[RQ_OFFSET])
		str_to_i64(values[RQ_OFFSET], 0, 10000000, &offset);
	/* Without a case, the inbox is the default: referrals to the organization.  With one, both
	 * directions unless one is asked for. */
	const char *dir = *values[RQ_DIRECTION] ? values[RQ_DIRECTION] : case_id ? "" : "in";
	struct referral_filter f = { .direction = dir, .state = values[RQ_STATE], .case_id = case_id,
				     .limit = (int)limit, .offset = (int)offset };
	struct svc s = web_svc(req);
	struct referral *rows;
	int n;
	bool more;
	int rc = referral_list(&s, &f, &rows, &n, &more);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, referral_json(req, &rows[i], false));
	const char *next = NULL;
	if (more) {
		struct buf u;
		buf_init_arena(&u, req->arena);
		buf_puts(&u, "/api/v1/referrals?");
		for (int i = RQ_DIRECTION; i <= RQ_CASE; i++)
			if (*values[i]) {
				buf_puts(&u, query_fields[i].name);
				buf_putc(&u, '=');
				html_url_arg(&u, values[i]);
				buf_putc(&u, '&');
			}
		buf_printf(&u, "limit=%lld&offset=%lld", (long long)limit, (long long)(offset + limit));
		next = u.data;
	}
	api_reply_page(req, items, next);
}

void api_referral_get(struct request *req)
{
	int64_t id = path_id(req);
	if (id == 0)
		return;
	if (req->query.n > 0) {
		web_error(req, 400, N_("This query parameter is not known."), req->query.items[0].key);
		return;
	}
	reply_referral(req, id, 200);
}

/* ---- transitions ------------------------------------------------------------------------------ */

/*
 * One step: the body may hold only text_key (NULL: nothing), the text the
 * step needs.  The service names its problem by the sealed field it keeps
 * the text in (decline_reason, outcome); the client knows it as text_key.
 */
static void step(struct request *req, const char *action, const char *text_key)
{
	int64_t id = path_id(req);
	if (id == 0)
		return;
	const char *key;
	json_t *v;
	const char *text = NULL;
	json_object_foreach(req->json, key, v)
	{
		if (text_key == NULL || !str_eq(key, text_key)) {
			web_error(req, 400, N_("Unknown field."), key);
			return;
		}
		if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v)) {
			web_error(req, 422, N_("A string is expected."), text_key);
			return;
		}
		if (json_string_length(v) > 4000) {
			web_error(req, 422, N_("This is too long."), text_key);
			return;
		}
		text = json_string_value(v);
	}
	struct svc s = web_svc(req);
	int rc = referral_transition(&s, id, action, text);
	if (rc == SVC_CONFLICT) {
		/* The current state travels beside the error, so a client can show it without reading again. */
		json_t *e = json_pack("{s:{s:s,s:s,s:s},s:s}", "error", "code", "conflict", "message", gettext(s.problem),
				      "field", "state", "state", s.problem_field ? s.problem_field : "");
		json_reply(req, 409, e);
		return;
	}
	if (rc == SVC_INVALID && text_key && (str_eq(s.problem_field, "decline_reason") || str_eq(s.problem_field, "outcome")))
		s.problem_field = text_key;
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	reply_referral(req, id, 200);
}

void api_referral_accept(struct request *req)
{
	step(req, "accept", NULL);
}

void api_referral_decline(struct request *req)
{
	step(req, "decline", "reason");
}

void api_referral_start(struct request *req)
{
	step(req, "start", NULL);
}

void api_referral_complete(struct request *req)
{
	step(req, "complete", "outcome");
}

void api_referral_close(struct request *req)
{
	step(req, "close", "reason");
}

void api_referral_cancel(struct request *req)
{
	step(req, "cancel", NULL);
}
