/* api-case.c — persons and cases over the API:
 *   GET    /api/v1/persons                 ?q&limit -> {"items": hits, "next": null}; q is required
 *   POST   /api/v1/persons                 person fields (+ "confirm_new") -> 201 + record, or 409 + "candidates"
 *   GET    /api/v1/persons/{id}            plain fields; ?reveal=true opens the sealed ones
 *   PATCH  /api/v1/persons/{id}            the fields given; "version" detects a concurrent change (409)
 *   GET    /api/v1/cases                   the filters of case_filter, q, sort, limit, offset -> {"items", "next"}
 *   POST   /api/v1/cases                   {"person_id", case fields...} -> 201 + record
 *   GET    /api/v1/cases/{id}              plain fields; ?reveal=true opens the sealed ones
 *   PATCH  /api/v1/cases/{id}              the fields given; "version" as above
 *   POST   /api/v1/cases/{id}/assign       {"user_id", "assign"} (managers)
 *   GET    /api/v1/cases/{id}/notes        the timeline, newest first (opened, audited by the service)
 *   POST   /api/v1/cases/{id}/notes        {"text"} -> 201 + note
 *   GET    /api/v1/cases/{id}/history      every change, newest first
 *
 * JSON names are those of person_record and case_record: HTCDS's own where
 * HTCDS has the field (prs_FirstName, vic_TypeOfExploitation, cas_Status...),
 * snake_case where it has not.  Sealed fields are never in lists and appear
 * in a record only with ?reveal=true, which is the action case.reveal: the
 * role must allow it and the password must have been confirmed in the last
 * five minutes.  Errors are {"error": {"code", "message", "field"}}.
 */
#include "base/str.h"
#include "model/case.h"
#include "model/htcds.h"
#include "model/person.h"
#include "web/api.h"
#include "web/session-web.h"
#include "web/ui.h"
#include "web/web.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/* ---- shared pieces -------------------------------------------------------- */

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

/* Answers 400 for the first query parameter rt does not declare; true when all are known. */
static bool query_known(struct request *req, const struct record_type *rt)
{
	for (size_t i = 0; i < req->query.n; i++)
		if (rt == NULL || record_field_index(rt, req->query.items[i].key) < 0) {
			web_error(req, 400, N_("This query parameter is not known."), req->query.items[i].key);
			return false;
		}
	return true;
}

/* A copy of obj without the members named (NULL-terminated), for reading the record's own fields. */
static json_t *without(json_t *obj, const char *const *names)
{
	json_t *copy = json_copy(obj);
	for (const char *const *n = names; *n; n++)
		json_object_del(copy, *n);
	return copy;
}

/* The only query parameter of a record's GET. */
static const struct field reveal_fields[] = {
	{ "reveal", "reveal", FT_BOOL, NULL, 0, 0, 0, N_("Show personal data"), NULL },
};
static const struct record_type reveal_rt = { "reveal", reveal_fields, 1 };

/* ?reveal=true: 1 to open the sealed fields, 0 not, -1 after answering 400/422. */
static int want_reveal(struct request *req)
{
	const char *values[1], *errors[1];
	if (!query_known(req, &reveal_rt))
		return -1;
	if (record_read_form(&reveal_rt, &req->query, true, req->arena, values, errors) > 0 &&
	    !api_filters_valid(req, &reveal_rt, errors))
		return -1;
	return str_eq(values[0], "1");
}

/*
 * Opening sealed fields is case.reveal: the role must allow it and the
 * password must have been confirmed in the last five minutes.  The record
 * itself was loaded first, so one the actor may not see answers 403/404
 * rather than asking for a password.  The record-level decision is the
 * service's: it opens only what case.view allows on that record, and
 * case.reveal has case.view's scope in every role (tests/unit/test-policy.c
 * states both rows), adding only the fresh password.
 */
static bool reveal_allowed(struct request *req)
{
	if (!web_may(req, A_CASE_REVEAL, NULL))
		return false;
	if ((int64_t)time(NULL) - req->actor->reauth_at > REAUTH_SECONDS) {
		web_error(req, 401,
			  N_("Showing personal data needs your password confirmed in the last 5 minutes: "
			     "POST /api/v1/sessions/current/reauth, then repeat the request."),
			  "reveal");
		req_add_header(req, "X-Reauth-Required", "1");
		return false;
	}
	return true;
}

/*
 * Answers a failed service call.  Services name the field of a problem by
 * its form name (identified_by, first_name); an API client knows it by its
 * JSON name (identified_by_org, prs_FirstName), so the name is translated.
 */
static void fail(struct request *req, struct svc *s, int rc, const struct record_type *rt)
{
	int i = s->problem_field && rt ? record_field_index(rt, s->problem_field) : -1;
	if (i >= 0)
		s->problem_field = rt->fields[i].json;
	web_svc_fail(req, s, rc);
}

static json_t *int_or_null(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

static json_t *str_or_null(const char *v)
{
	return v && *v ? json_string(v) : json_null();
}

/* ---- persons --------------------------------------------------------------- */

static json_t *person_json(const struct person *p)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(p->id));
	/* Sealed fields are NULL unless opened, and record_to_json leaves NULL out. */
	record_to_json(&person_record, p->v, o);
	json_object_set_new(o, "age_band", str_or_null(p->age_band));
	json_object_set_new(o, "owner_org_id", json_integer(p->owner_org_id));
	json_object_set_new(o, "revealed", json_boolean(p->opened));
	json_object_set_new(o, "version", json_integer(p->version));
	return o;
}

/* A search hit or duplicate candidate: never her name or birthday, only what lets a caseworker open the case. */
static json_t *hit_json(const struct person_hit *h)
{
	return json_pack("{s:I,s:o,s:o,s:o,s:o}", "person_id", (json_int_t)h->person_id, "case_id",
			 int_or_null(h->case_id), "case_code", str_or_null(h->case_id ? h->case_code : NULL), "age_band",
			 str_or_null(h->age_band), "gender", str_or_null(h->gender));
}

static const struct field person_query_fields[] = {
	{ "q", "q", FT_TEXT, NULL, 0, 0, 100, N_("Name, phone or date of birth"), NULL },
	{ "limit", "limit", FT_INT, NULL, 0, 1, 200, N_("Results at most"), NULL },
};
static const struct record_type person_query_rt = { "person_query", person_query_fields, 2 };

void api_person_list(struct request *req)
{
	const char *values[2], *errors[2];
	if (!query_known(req, &person_query_rt))
		return;
	if (record_read_form(&person_query_rt, &req->query, true, req->arena, values, errors) > 0 &&
	    !api_filters_valid(req, &person_query_rt, errors))
		return;
	/* Never a list of everyone: persons are found, not browsed. */
	if (!*values[0]) {
		web_error(req, 422, N_("Search by a name, a phone number or a date of birth."), "q");
		return;
	}
	int64_t limit = 50;
	if (*values[1])
		str_to_i64(values[1], 1, 200, &limit);
	struct svc s = web_svc(req);
	struct person_hit *hits;
	int n;
	int rc = person_search(&s, values[0], (int)limit, &hits, &n);
	if (rc != SVC_OK) {
		fail(req, &s, rc, &person_record);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, hit_json(&hits[i]));
	api_reply_page(req, items, NULL);
}

void api_person_create(struct request *req)
{
	json_t *confirm = json_object_get(req->json, "confirm_new");
	if (confirm && !json_is_boolean(confirm)) {
		web_error(req, 422, N_("true or false is expected."), "confirm_new");
		return;
	}
	const char *values[P__COUNT];
	json_t *fields = without(req->json, (const char *const[]){ "confirm_new", NULL });
	bool ok = api_read_record(req, &person_record, fields, true, values);
	json_decref(fields);
	if (!ok)
		return;
	struct svc s = web_svc(req);
	int rc;
	/* The duplicate check at intake: she may already be known to the organization. */
	if (!json_is_true(confirm)) {
		struct person_hit *hits;
		int n;
		if ((rc = person_duplicates(&s, values, &hits, &n)) != SVC_OK) {
			fail(req, &s, rc, &person_record);
			return;
		}
		if (n > 0) {
			json_t *cands = json_array();
			for (int i = 0; i < n; i++)
				json_array_append_new(cands, hit_json(&hits[i]));
			json_reply(req, 409,
				   json_pack("{s:{s:s,s:s,s:s},s:o}", "error", "code", "conflict", "message",
					     _("She may already be registered: open one of the candidates' cases, or repeat "
					       "the request with \"confirm_new\": true to register a new person."),
					     "field", "confirm_new", "candidates", cands));
			return;
		}
	}
	int64_t id;
	struct person p;
	if ((rc = person_create(&s, values, &id)) != SVC_OK || (rc = person_get(&s, id, false, &p)) != SVC_OK) {
		fail(req, &s, rc, &person_record);
		return;
	}
	/* The answer carries what was just sent (canonical), sealed fields included: nothing new is disclosed. */
	for (int i = 0; i < P__COUNT; i++)
		if (person_record.fields[i].flags & F_PERSONAL)
			p.v[i] = values[i];
	p.opened = true;
	req_add_header(req, "Location", arena_printf(req->arena, "/api/v1/persons/%lld", (long long)id));
	json_reply(req, 201, person_json(&p));
}

/* ---- cases ----------------------------------------------------------------- */

static json_t *case_json(const struct case_rec *r)
{
	const char *v[C__COUNT];
	for (int i = 0; i < C__COUNT; i++)
		v[i] = (case_record.fields[i].flags & F_PERSONAL) && !r->opened ? NULL : r->v[i];
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "code", json_string(r->code));
	json_object_set_new(o, "person_id", json_integer(r->person_id));
	json_object_set_new(o, "owner_org", json_string(r->owner_org_code));
	record_to_json(&case_record, v, o);
	/* Her plain attributes, for statistics and for telling cases apart without her name. */
	json_object_set_new(o, "prs_Gender", json_string(r->gender ? r->gender : ""));
	json_object_set_new(o, "age_band", str_or_null(r->age_band));
	json_object_set_new(o, "residence_region", json_string(r->residence_region ? r->residence_region : ""));
	json_object_set_new(o, "primary_caseworker_id", int_or_null(r->primary_caseworker_id));
	json_object_set_new(o, "caseworkers", json_string(r->caseworkers ? r->caseworkers : ""));
	json_object_set_new(o, "assigned_to_me", json_boolean(r->assigned));
	json_object_set_new(o, "revealed", json_boolean(r->opened));
	json_object_set_new(o, "version", json_integer(r->version));
	json_object_set_new(o, "created_at", json_integer(r->created_at));
	json_object_set_new(o, "updated_at", json_integer(r->updated_at));
	if (r->shared_fields) {
		/* A receiving organization: which fields its referrals share (the others are empty here). */
		json_t *shared = json_array();
		for (const char *p = r->shared_fields; *p;) {
			const char *e = strchr(p, ',');
			size_t l = e ? (size_t)(e - p) : strlen(p);
			json_array_append_new(shared, json_stringn(p, l));
			p += l + (e ? 1 : 0);
		}
		json_object_set_new(o, "shared_fields", shared);
	}
	return o;
}

static const struct pick case_sort_items[] = {
	{ "registered", N_("Newest registered first") },
	{ "code", N_("Case code") },
	{ "status", N_("Case status") },
	{ "identified", N_("Newest identified first") },
};
static const struct picklist pl_case_sort = { "case_sort", case_sort_items, 4 };

/* The list's query parameters, declared once: order matters, CF_* index values[] and errors[]. */
enum {
	CF_Q,
	CF_STATUS,
	CF_CASEWORKER,
	CF_REGION,
	CF_EXPLOITATION,
	CF_COUNTRY,
	CF_REGISTERED_FROM,
	CF_REGISTERED_TO,
	CF_IDENTIFIED_FROM,
	CF_IDENTIFIED_TO,
	CF_CODE,
	CF_SORT,
	CF_LIMIT,
	CF_OFFSET,
	CF__COUNT
};

#define CASE_PAGE_MAX 200
static const struct field case_query_fields[CF__COUNT] = {
	[CF_Q] = { "q", "q", FT_TEXT, NULL, 0, 0, 100, N_("Name, phone or date of birth"), NULL },
	[CF_STATUS] = { "status", "status", FT_PICK, &pl_cas_Status, 0, 0, 0, N_("Case status"), NULL },
	[CF_CASEWORKER] = { "caseworker", "caseworker", FT_INT, NULL, 0, 1, INT64_MAX, N_("Caseworker"), NULL },
	[CF_REGION] = { "region", "region", FT_PICK, &pl_region, 0, 0, 0, N_("Region of residence"), NULL },
	[CF_EXPLOITATION] = { "type_of_exploitation", "type_of_exploitation", FT_PICK, &pl_vic_TypeOfExploitation, 0, 0,
			      0, N_("Types of exploitation"), NULL },
	[CF_COUNTRY] = { "country_of_exploitation", "country_of_exploitation", FT_COUNTRY, NULL, 0, 0, 0,
			 N_("Countries of exploitation"), NULL },
	[CF_REGISTERED_FROM] = { "registered_from", "registered_from", FT_DATE, NULL, 0, 0, 0, N_("Registered from"), NULL },
	[CF_REGISTERED_TO] = { "registered_to", "registered_to", FT_DATE, NULL, 0, 0, 0, N_("Registered until"), NULL },
	[CF_IDENTIFIED_FROM] = { "identified_from", "identified_from", FT_DATE, NULL, 0, 0, 0, N_("Identified from"), NULL },
	[CF_IDENTIFIED_TO] = { "identified_to", "identified_to", FT_DATE, NULL, 0, 0, 0, N_("Identified until"), NULL },
	[CF_CODE] = { "code", "code", FT_TEXT, NULL, 0, 0, 40, N_("Case code"), NULL },
	[CF_SORT] = { "sort", "sort", FT_PICK, &pl_case_sort, 0, 0, 0, N_("Order"), NULL },
	[CF_LIMIT] = { "limit", "limit", FT_INT, NULL, 0, 1, CASE_PAGE_MAX, N_("Results at most"), NULL },
	[CF_OFFSET] = { "offset", "offset", FT_INT, NULL, 0, 0, 10000000, N_("Skip the first"), NULL },
};
static const struct record_type case_query_rt = { "case_query", case_query_fields, CF__COUNT };

/* A case code as case.c makes them: UA-TE-2026-00042. */
static bool looks_like_case_code(const char *q)
{
	static const char pattern[] = "AA-AA-9999-99999";
	size_t n = strlen(pattern);
	if (strlen(q) != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = q[i], p = pattern[i];
		if ((p == 'A' && !isalpha((unsigned char)c)) || (p == '9' && !isdigit((unsigned char)c)) ||
		    (p == '-' && c != '-'))
			return false;
	}
	return true;
}

/* Reads the list's parameters into f; answers 400/422 and returns false on a problem. */
static bool case_filter_read(struct request *req, struct case_filter *f, const char **values)
{
	const char *errors[CF__COUNT];
	if (!query_known(req, &case_query_rt))
		return false;
	int nerr = record_read_form(&case_query_rt, &req->query, true, req->arena, values, errors);
	/* An end before its start is a mistake, not an empty answer. */
	if (!errors[CF_REGISTERED_TO] && *values[CF_REGISTERED_FROM] && *values[CF_REGISTERED_TO] &&
	    strcmp(values[CF_REGISTERED_FROM], values[CF_REGISTERED_TO]) > 0) {
		errors[CF_REGISTERED_TO] = N_("The end date is before the start date.");
		nerr++;
	}
	if (!errors[CF_IDENTIFIED_TO] && *values[CF_IDENTIFIED_FROM] && *values[CF_IDENTIFIED_TO] &&
	    strcmp(values[CF_IDENTIFIED_FROM], values[CF_IDENTIFIED_TO]) > 0) {
		errors[CF_IDENTIFIED_TO] = N_("The end date is before the start date.");
		nerr++;
	}
	if (nerr > 0 && !api_filters_valid(req, &case_query_rt, errors))
		return false;
	memset(f, 0, sizeof *f);
	f->status = values[CF_STATUS];
	if (*values[CF_CASEWORKER])
		str_to_i64(values[CF_CASEWORKER], 1, INT64_MAX, &f->caseworker_id);
	f->region = values[CF_REGION];
	f->exploitation_type = values[CF_EXPLOITATION];
	f->country_of_exploitation = values[CF_COUNTRY];
	f->registered_from = values[CF_REGISTERED_FROM];
	f->registered_to = values[CF_REGISTERED_TO];
	f->identified_from = values[CF_IDENTIFIED_FROM];
	f->identified_to = values[CF_IDENTIFIED_TO];
	f->code = values[CF_CODE];
	f->sort = values[CF_SORT];
	int64_t n = 50;
	if (*values[CF_LIMIT])
		str_to_i64(values[CF_LIMIT], 1, CASE_PAGE_MAX, &n);
	f->limit = (int)n;
	n = 0;
	if (*values[CF_OFFSET])
		str_to_i64(values[CF_OFFSET], 0, 10000000, &n);
	f->offset = (int)n;
	return true;
}

/* The next page's address: the same filters, the offset moved on. */
static const char *next_page(struct request *req, const char *const *values, const struct case_filter *f)
{
	struct buf u;
	buf_init_arena(&u, req->arena);
	buf_puts(&u, "/api/v1/cases?");
	for (int i = 0; i < CF__COUNT; i++) {
		if (i == CF_OFFSET || i == CF_LIMIT || !*values[i])
			continue;
		buf_puts(&u, case_query_fields[i].name);
		buf_putc(&u, '=');
		html_url_arg(&u, values[i]);
		buf_putc(&u, '&');
	}
	buf_printf(&u, "limit=%d&offset=%d", f->limit, f->offset + f->limit);
	return u.data;
}

/*
 * q: the persons found by name, phone or date of birth (person_search, which
 * opens and checks every candidate and audits the search), each answered by
 * her most recent case the actor may see, if it passes the other filters.
 * A case code in q is taken as the code filter.
 */
static int cases_of_search(struct svc *s, const char *q, const struct case_filter *f, json_t *items)
{
	struct person_hit *hits;
	int n;
	int rc = person_search(s, q, CASE_PAGE_MAX, &hits, &n);
	for (int i = 0; rc == SVC_OK && i < n; i++) {
		if (hits[i].case_id == 0 || (*f->code && !str_eq(f->code, hits[i].case_code)))
			continue;
		/* The other filters, asked of the one case: the list query applies them and the actor's scope. */
		struct case_filter one = *f;
		one.code = hits[i].case_code;
		one.offset = 0;
		one.limit = 1;
		struct case_rec *rows;
		int nrows;
		bool more;
		rc = case_list(s, &one, &rows, &nrows, &more);
		if (rc == SVC_OK && nrows == 1)
			json_array_append_new(items, case_json(&rows[0]));
	}
	return rc;
}

void api_case_list(struct request *req)
{
	const char *values[CF__COUNT];
	struct case_filter f;
	if (!case_filter_read(req, &f, values))
		return;
	struct svc s = web_svc(req);
	json_t *items = json_array();
	const char *next = NULL;
	int rc;
	if (*values[CF_Q] && looks_like_case_code(values[CF_Q])) {
		/* A code typed into the search box: codes are upper case. */
		char *code = arena_strdup(req->arena, values[CF_Q]);
		for (char *p = code; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if (*f.code && !str_eq(f.code, code)) {
			api_reply_page(req, items, NULL);
			return;
		}
		f.code = code;
	} else if (*values[CF_Q]) {
		rc = cases_of_search(&s, values[CF_Q], &f, items);
		if (rc != SVC_OK) {
			json_decref(items);
			fail(req, &s, rc, &case_record);
			return;
		}
		api_reply_page(req, items, NULL);
		return;
	}
	struct case_rec *rows;
	int n;
	bool more;
	rc = case_list(&s, &f, &rows, &n, &more);
	if (rc != SVC_OK) {
		json_decref(items);
		fail(req, &s, rc, &case_record);
		return;
	}
	for (int i = 0; i < n; i++)
		json_array_append_new(items, case_json(&rows[i]));
	if (more)
		next = next_page(req, values, &f);
	api_reply_page(req, items, next);
}

void api_case_create(struct request *req)
{
	json_t *pid = json_object_get(req->json, "person_id");
	if (pid == NULL || json_is_null(pid)) {
		web_error(req, 422, N_("This is required."), "person_id");
		return;
	}
	if (!json_is_integer(pid) || json_integer_value(pid) < 1) {
		web_error(req, 422, N_("A whole number is expected."), "person_id");
		return;
	}
	const char *values[C__COUNT];
	json_t *fields = without(req->json, (const char *const[]){ "person_id", NULL });
	bool ok = api_read_record(req, &case_record, fields, true, values);
	json_decref(fields);
	if (!ok)
		return;
	struct svc s = web_svc(req);
	struct case_rec r;
	int rc = case_create(&s, json_integer_value(pid), values, &r);
	if (rc != SVC_OK) {
		fail(req, &s, rc, &case_record);
		return;
	}
	/* As for a person: the answer carries the sealed fields just sent, nothing read back. */
	for (int i = 0; i < C__COUNT; i++)
		if (case_record.fields[i].flags & F_PERSONAL)
			r.v[i] = values[i] ? values[i] : "";
	r.opened = true;
	req_add_header(req, "Location", arena_printf(req->arena, "/api/v1/cases/%lld", (long long)r.id));
	json_reply(req, 201, case_json(&r));
}

static const struct field assign_fields[] = {
	{ "user_id", "user_id", FT_INT, NULL, F_REQUIRED, 1, INT64_MAX, N_("Caseworker"), NULL },
	{ "assign", "assign", FT_BOOL, NULL, 0, 0, 0, N_("Assign"), NULL },
};
static const struct record_type assign_rt = { "assignment", assign_fields, 2 };

void api_case_assign(struct request *req)
{
	int64_t id = path_id(req);
	const char *values[2];
	if (id == 0 || !api_read_record(req, &assign_rt, req->json, true, values))
		return;
	int64_t user_id = 0;
	str_to_i64(values[0], 1, INT64_MAX, &user_id);
	/* "assign" defaults to true: naming a user assigns her. */
	bool add = json_object_get(req->json, "assign") == NULL || str_eq(values[1], "1");
	struct svc s = web_svc(req);
	struct case_rec r;
	int rc = case_assign(&s, id, user_id, add);
	if (rc == SVC_OK)
		rc = case_get(&s, id, false, &r);
	if (rc != SVC_OK) {
		fail(req, &s, rc, &case_record);
		return;
	}
	json_reply(req, 200, case_json(&r));
}

static json_t *note_json(const struct case_note *n)
{
	return json_pack("{s:I,s:I,s:o,s:s,s:s}", "id", (json_int_t)n->id, "at", (json_int_t)n->at, "author_id",
			 int_or_null(n->author_id), "author", n->author ? n->author : "", "text", n->text ? n->text : "");
}

void api_case_notes(struct request *req)
{
	int64_t id = path_id(req);
	if (id == 0 || !query_known(req, NULL))
		return;
	struct svc s = web_svc(req);
	struct case_note *notes;
	int n;
	int rc = case_notes(&s, id, &notes, &n);
	if (rc != SVC_OK) {
		fail(req, &s, rc, &case_record);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, note_json(&notes[i]));
	api_reply_page(req, items, NULL);
}

static const struct field note_fields[] = {
	{ "text", "text", FT_LONGTEXT, NULL, F_REQUIRED, 0, 10000, N_("Note"), NULL },
};
static const struct record_type note_rt = { "note", note_fields, 1 };

void api_case_note_add(struct request *req)
{
	int64_t id = path_id(req);
	const char *values[1];
	if (id == 0 || !api_read_record(req, &note_rt, req->json, true, values))
		return;
	struct svc s = web_svc(req);
	int64_t note_id = 0;
	int rc = case_note_add(&s, id, values[0], &note_id);
	if (rc != SVC_OK) {
		fail(req, &s, rc, &case_record);
		return;
	}
	struct case_note n = { .id = note_id, .at = (int64_t)time(NULL), .author_id = req->actor->user_id,
			       .author = req->actor->display_name, .text = values[0] };
	req_add_header(req, "Location", arena_printf(req->arena, "/api/v1/cases/%lld/notes", (long long)id));
	json_reply(req, 201, note_json(&n));
}

/* "status,exploitation_types" -> ["cas_Status", "vic_TypeOfExploitation"]. */
static json_t *field_names_json(struct request *req, const char *names)
{
	json_t *a = json_array();
	for (const char *p = names; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		int i = record_field_index(&case_record, arena_strndup(req->arena, p, l));
		json_array_append_new(a, i >= 0 ? json_string(case_record.fields[i].json) : json_stringn(p, l));
		p += l + (e ? 1 : 0);
	}
	return a;
}

void api_case_history(struct request *req)
{
	int64_t id = path_id(req);
	if (id == 0 || !query_known(req, NULL))
		return;
	struct svc s = web_svc(req);
	struct case_change *rows;
	int n;
	int rc = case_history(&s, id, &rows, &n);
	if (rc != SVC_OK) {
		fail(req, &s, rc, &case_record);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		/* The service keeps each change as a small JSON object of user ids and field names,
		 * by their form names: a client knows the fields by their JSON names. */
		json_t *change = json_loads(rows[i].change, 0, NULL);
		if (change == NULL || !json_is_object(change)) {
			json_decref(change);
			change = json_object();
		}
		const char *names = json_string_value(json_object_get(change, "fields"));
		if (names)
			json_object_set_new(change, "fields", field_names_json(req, names));
		json_array_append_new(items, json_pack("{s:I,s:s,s:o}", "at", (json_int_t)rows[i].at, "by",
						       rows[i].who ? rows[i].who : "", "change", change));
	}
	api_reply_page(req, items, NULL);
}

/* ---- reading and changing one record: the same steps for persons and cases ---- */

/* What differs between a person and a case for GET and PATCH. */
struct one_record {
	const struct record_type *rt;
	int (*get)(struct svc *s, int64_t id, bool open_sealed, void *rec);
	int (*update)(struct svc *s, int64_t id, int64_t version, const char *const *values);
	json_t *(*to_json)(const void *rec);
};

static int person_get_any(struct svc *s, int64_t id, bool open_sealed, void *rec)
{
	return person_get(s, id, open_sealed, rec);
}

static json_t *person_json_any(const void *rec)
{
	return person_json(rec);
}

static int case_get_any(struct svc *s, int64_t id, bool open_sealed, void *rec)
{
	return case_get(s, id, open_sealed, rec);
}

static json_t *case_json_any(const void *rec)
{
	return case_json(rec);
}

static const struct one_record one_person = { &person_record, person_get_any, person_update, person_json_any };
static const struct one_record one_case = { &case_record, case_get_any, case_update, case_json_any };

/* GET: masked, or opened with ?reveal=true (policy, fresh re-authentication, audited by the service). */
static void one_get(struct request *req, const struct one_record *k, void *rec)
{
	int64_t id = path_id(req);
	if (id == 0)
		return;
	int reveal = want_reveal(req);
	if (reveal < 0)
		return;
	struct svc s = web_svc(req);
	int rc = k->get(&s, id, false, rec);
	if (rc == SVC_OK && reveal) {
		if (!reveal_allowed(req))
			return;
		rc = k->get(&s, id, true, rec);
	}
	if (rc != SVC_OK) {
		fail(req, &s, rc, k->rt);
		return;
	}
	json_reply(req, 200, k->to_json(rec));
}

/* PATCH: the fields sent, against the version read; answers the record as it is now, masked. */
static void one_patch(struct request *req, const struct one_record *k, void *rec)
{
	int64_t id = path_id(req), version;
	const char **values = arena_zalloc(req->arena, sizeof *values * (k->rt->n ? k->rt->n : 1));
	if (id == 0 || !query_known(req, NULL) || !api_read_version(req, req->json, &version) ||
	    !api_read_record(req, k->rt, req->json, false, values))
		return;
	struct svc s = web_svc(req);
	int rc = k->update(&s, id, version, values);
	if (rc == SVC_OK)
		rc = k->get(&s, id, false, rec);
	if (rc != SVC_OK) {
		fail(req, &s, rc, k->rt);
		return;
	}
	json_reply(req, 200, k->to_json(rec));
}

void api_person_get(struct request *req)
{
	struct person p;
	one_get(req, &one_person, &p);
}

void api_person_patch(struct request *req)
{
	struct person p;
	one_patch(req, &one_person, &p);
}

void api_case_get(struct request *req)
{
	struct case_rec r;
	one_get(req, &one_case, &r);
}

void api_case_patch(struct request *req)
{
	struct case_rec r;
	one_patch(req, &one_case, &r);
}
