/* api-reint.c — reintegration over JSON: plans, follow-ups, closure of a
 * case, the questionnaire and the indicators (docs/openapi.yaml). */
#include "base/buf.h"
#include "base/str.h"
#include "model/closure.h"
#include "model/followup.h"
#include "model/plan.h"
#include "model/reint-stats.h"
#include "model/survey.h"
#include "web/api.h"
#include "web/session-web.h"
#include "web/ui.h"
#include "web/web.h"

#include <string.h>

static int64_t path_id(struct request *req)
{
	int64_t id = 0;
	if (str_to_i64(req_param(req, 0), 1, INT64_MAX, &id) < 0) {
		web_error(req, 404, N_("There is no such record."), NULL);
		return 0;
	}
	return id;
}

/* Answers 400 for a query parameter not in allowed (NULL-terminated); true when all are known. */
static bool query_only(struct request *req, const char *const *allowed)
{
	for (size_t i = 0; i < req->query.n; i++) {
		bool ok = false;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = str_eq(*a, req->query.items[i].key);
		if (!ok) {
			web_error(req, 400, N_("This query parameter is not known."), req->query.items[i].key);
			return false;
		}
	}
	return true;
}

static json_t *without(json_t *obj, const char *const *names)
{
	json_t *copy = json_copy(obj);
	for (const char *const *n = names; *n; n++)
		json_object_del(copy, *n);
	return copy;
}

static json_t *str_or_null(const char *v)
{
	return v && *v ? json_string(v) : json_null();
}

static json_t *int_or_null(int64_t v)
{
	return v ? json_integer(v) : json_null();
}

static json_t *set_json(const char *set)
{
	json_t *a = json_array();
	for (const char *p = set ? set : ""; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		json_array_append_new(a, json_stringn(p, l));
		p += l + (e ? 1 : 0);
	}
	return a;
}

/* ---- plans ---------------------------------------------------------------- */

static json_t *plan_json(const struct plan *p, bool full)
{
	json_t *goals = json_array();
	for (int i = 0; i < p->ngoals; i++) {
		const struct plan_goal *g = &p->goals[i];
		json_t *o = json_pack("{s:I,s:s,s:o,s:o}", "id", (json_int_t)g->id, "dimension", g->dimension, "services",
				      set_json(g->services), "referral_id", int_or_null(g->referral_id));
		if (full)
			json_object_set_new(o, "text", json_string(g->text));
		json_array_append_new(goals, o);
	}
	json_t *o = json_pack("{s:I,s:I,s:s,s:I,s:s,s:o,s:o,s:s,s:o,s:I,s:s,s:o,s:o,s:I,s:o}", "id", (json_int_t)p->id,
			      "case_id", (json_int_t)p->case_id, "case_code", p->case_code, "version_no",
			      (json_int_t)p->version_no, "state", p->state, "responsible_user_id",
			      int_or_null(p->responsible_user_id), "responsible", str_or_null(p->responsible), "start_on",
			      p->start_on, "review_on", str_or_null(p->review_on), "created_at", (json_int_t)p->created_at,
			      "created_by", p->created_by, "approved_at", int_or_null(p->approved_at), "approved_by",
			      str_or_null(p->approved_by), "version", (json_int_t)p->version, "goals", goals);
	if (full) {
		json_object_set_new(o, "may_edit", json_boolean(p->may_edit));
		json_object_set_new(o, "may_submit", json_boolean(p->may_submit));
		json_object_set_new(o, "may_approve", json_boolean(p->may_approve));
	}
	return o;
}

/* Reads "goals": [{dimension, text, services, referral_id}] into in; false when answered. */
static bool read_goals(struct request *req, json_t *goals, struct plan_input *in)
{
	if (goals == NULL)
		return true;
	if (!json_is_array(goals) || json_array_size(goals) > PLAN_MAX_GOALS) {
		web_error(req, 422, N_("A list of at most 30 goals is expected."), "goals");
		return false;
	}
	size_t n = json_array_size(goals), i;
	struct plan_goal *g = arena_zalloc(req->arena, sizeof *g * (n ? n : 1));
	json_t *e;
	json_array_foreach(goals, i, e)
	{
		const char *key;
		json_t *v;
		if (!json_is_object(e)) {
			web_error(req, 422, N_("A goal is an object."), "goals");
			return false;
		}
		json_object_foreach(e, key, v)
		{
			if (str_eq(key, "dimension") && json_is_string(v)) {
				g[i].dimension = json_string_value(v);
			} else if (str_eq(key, "text") && json_is_string(v)) {
				g[i].text = json_string_value(v);
			} else if (str_eq(key, "referral_id") && (json_is_integer(v) || json_is_null(v))) {
				g[i].referral_id = json_is_integer(v) ? json_integer_value(v) : 0;
			} else if (str_eq(key, "services") && json_is_array(v)) {
				struct buf b;
				buf_init_arena(&b, req->arena);
				size_t k;
				json_t *sv;
				json_array_foreach(v, k, sv)
				{
					if (!json_is_string(sv) || strchr(json_string_value(sv), ',')) {
						web_error(req, 422, N_("A list of codes is expected."), "goals.services");
						return false;
					}
					buf_puts(&b, b.len ? "," : "");
					buf_puts(&b, json_string_value(sv));
				}
				g[i].services = b.len ? b.data : "";
			} else if (str_eq(key, "id")) {
				continue; /* as read back from GET: goals are replaced as a whole */
			} else {
				bool known = str_eq(key, "dimension") || str_eq(key, "text") || str_eq(key, "referral_id") ||
					     str_eq(key, "services");
				web_error(req, known ? 422 : 400, known ? N_("This value has the wrong type.") : N_("Unknown field."),
					  arena_printf(req->arena, "goals.%s", key));
				return false;
			}
		}
	}
	in->goals_given = true;
	in->goals = g;
	in->ngoals = (int)n;
	return true;
}

/* The plan's body: its fields, goals and (PATCH) version. */
static bool read_plan(struct request *req, bool creating, struct plan_input *in, int64_t *version_r)
{
	memset(in, 0, sizeof *in);
	if (creating) {
		json_t *cid = json_object_get(req->json, "case_id");
		if (!json_is_integer(cid) || json_integer_value(cid) < 1) {
			web_error(req, 422, N_("This is required."), "case_id");
			return false;
		}
		in->case_id = json_integer_value(cid);
	}
	static const char *const apart[] = { "case_id", "goals", NULL };
	json_t *fields = without(req->json, apart);
	const char *v[PF__COUNT];
	bool ok = api_read_record(req, &plan_form, fields, false, v) &&
		  (creating || api_read_version(req, req->json, version_r));
	json_decref(fields);
	if (!ok || !read_goals(req, json_object_get(req->json, "goals"), in))
		return false;
	if (v[PF_RESPONSIBLE] && *v[PF_RESPONSIBLE])
		str_to_i64(v[PF_RESPONSIBLE], 1, INT64_MAX, &in->responsible_user_id);
	in->start_on = v[PF_START];
	in->review_on = v[PF_REVIEW];
	return true;
}

static void reply_plan(struct request *req, struct svc *s, int64_t id, int status)
{
	struct plan p;
	int rc = plan_get(s, id, &p);
	if (rc != SVC_OK) {
		web_svc_fail(req, s, rc);
		return;
	}
	json_reply(req, status, plan_json(&p, true));
}

void api_plan_list(struct request *req)
{
	static const char *const allowed[] = { "case_id", NULL };
	int64_t case_id = 0;
	if (!query_only(req, allowed))
		return;
	if (str_to_i64(req_query(req, "case_id"), 1, INT64_MAX, &case_id) < 0) {
		web_error(req, 422, N_("Give the case: ?case_id="), "case_id");
		return;
	}
	struct svc s = web_svc(req);
	struct plan *rows;
	int n;
	int rc = plan_list(&s, case_id, &rows, &n);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, plan_json(&rows[i], false));
	api_reply_page(req, items, NULL);
}

void api_plan_create(struct request *req)
{
	struct plan_input in;
	if (!read_plan(req, true, &in, NULL))
		return;
	struct svc s = web_svc(req);
	int64_t id = 0;
	int rc = plan_create(&s, &in, &id);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	reply_plan(req, &s, id, 201);
}

void api_plan_get(struct request *req)
{
	int64_t id = path_id(req);
	if (id == 0 || !query_only(req, (const char *const[]){ NULL }))
		return;
	struct svc s = web_svc(req);
	reply_plan(req, &s, id, 200);
}

void api_plan_patch(struct request *req)
{
	int64_t id = path_id(req), version = 0, target = 0;
	struct plan_input in;
	if (id == 0 || !read_plan(req, false, &in, &version))
		return;
	if (json_object_get(req->json, "case_id")) {
		web_error(req, 422, N_("A plan stays with its case."), "case_id");
		return;
	}
	struct svc s = web_svc(req);
	int rc = plan_update(&s, id, version, &in, &target);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	/* A new version is a new resource. */
	reply_plan(req, &s, target, target == id ? 200 : 201);
}

static void plan_step(struct request *req, bool approve)
{
	int64_t id = path_id(req);
	if (id == 0)
		return;
	struct svc s = web_svc(req);
	int scheduled = 0;
	int rc = approve ? plan_approve(&s, id, &scheduled) : plan_submit(&s, id);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	reply_plan(req, &s, id, 200);
}

void api_plan_submit(struct request *req)
{
	plan_step(req, false);
}

void api_plan_approve(struct request *req)
{
	plan_step(req, true);
}

/* ---- follow-ups ----------------------------------------------------------- */

static json_t *followup_json(struct request *req, const struct followup *f, bool full)
{
	json_t *answers = json_object(), *scores = json_object();
	const struct survey_question *q;
	int nq = survey_questions(&q);
	for (int i = 0; i < nq; i++) {
		const char *a = survey_answer_of(f->answers, q[i].code, req->arena);
		if (*a)
			json_object_set_new(answers, q[i].code, json_string(a));
	}
	for (int d = 0; d < SD__COUNT; d++)
		json_object_set_new(scores, survey_dim_code((enum survey_dim)d),
				    f->scores[d] >= 0 ? json_real((double)f->scores[d] / 1000.0) : json_null());
	json_t *o = json_pack("{s:I,s:I,s:s,s:o,s:I,s:s,s:o,s:b,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
			      (json_int_t)f->id, "case_id", (json_int_t)f->case_id, "case_code", f->case_code, "plan_id",
			      int_or_null(f->plan_id), "offset_months", (json_int_t)f->offset_months, "due_on", f->due_on,
			      "done_on", str_or_null(f->done_on), "overdue", f->overdue, "method", str_or_null(f->method),
			      "contact_made", f->contact_made < 0 ? json_null() : json_boolean(f->contact_made), "answers",
			      answers, "scores", scores, "risk_flags", set_json(f->risk_flags), "outcome",
			      str_or_null(f->outcome), "outcome_country", str_or_null(f->outcome_country), "safe_channels",
			      f->safe_channels < 0 ? json_null() : json_boolean(f->safe_channels), "responsible",
			      str_or_null(f->responsible), "recorded_by", str_or_null(f->recorded_by), "recorded_at",
			      int_or_null(f->recorded_at));
	if (full)
		json_object_set_new(o, "situation", json_string(f->situation));
	return o;
}

void api_followup_list(struct request *req)
{
	static const char *const allowed[] = { "case_id", "due", "caseworker_id", NULL };
	if (!query_only(req, allowed))
		return;
	const char *due = req_query(req, "due"), *cid = req_query(req, "case_id"), *cw = req_query(req, "caseworker_id");
	int64_t case_id = 0, caseworker = 0;
	if ((cid == NULL) == (due == NULL)) {
		web_error(req, 422, N_("Give either ?case_id= or ?due=overdue or ?due=due."), cid ? "due" : "case_id");
		return;
	}
	if (cid && str_to_i64(cid, 1, INT64_MAX, &case_id) < 0) {
		web_error(req, 422, N_("A whole number is expected."), "case_id");
		return;
	}
	if (due && !str_eq(due, "overdue") && !str_eq(due, "due")) {
		web_error(req, 422, N_("Give either ?case_id= or ?due=overdue or ?due=due."), "due");
		return;
	}
	if (cw && str_to_i64(cw, 1, INT64_MAX, &caseworker) < 0) {
		web_error(req, 422, N_("A whole number is expected."), "caseworker_id");
		return;
	}
	struct svc s = web_svc(req);
	struct followup *rows;
	int n;
	int rc = cid ? followup_list_case(&s, case_id, &rows, &n)
		     : followup_list_due(&s, str_eq(due, "overdue"), caseworker, &rows, &n);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, followup_json(req, &rows[i], false));
	api_reply_page(req, items, NULL);
}

void api_followup_get(struct request *req)
{
	int64_t id = path_id(req);
	if (id == 0 || !query_only(req, (const char *const[]){ NULL }))
		return;
	struct svc s = web_svc(req);
	struct followup f;
	int rc = followup_get(&s, id, true, &f);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_reply(req, 200, followup_json(req, &f, true));
}

/* {"question": "answer", ...} as canonical "question=answer,..."; false when answered. */
static bool read_answers(struct request *req, json_t *obj, const char **out_r)
{
	*out_r = "";
	if (obj == NULL || json_is_null(obj))
		return true;
	if (!json_is_object(obj)) {
		web_error(req, 422, N_("The answers are an object: question code to answer code."), "answers");
		return false;
	}
	struct buf b;
	buf_init_arena(&b, req->arena);
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		if (!json_is_string(v) || strpbrk(key, ",=") || strpbrk(json_string_value(v), ",=")) {
			web_error(req, 422, N_("The answers are an object: question code to answer code."), "answers");
			return false;
		}
		buf_puts(&b, b.len ? "," : "");
		buf_puts(&b, key);
		buf_putc(&b, '=');
		buf_puts(&b, json_string_value(v));
	}
	*out_r = b.len ? b.data : "";
	return true;
}

void api_followup_record(struct request *req)
{
	int64_t id = path_id(req);
	if (id == 0)
		return;
	/* Booleans travel as JSON true/false; the record's fields say yes/no, as the form does. */
	static const char *const bools[] = { "contact_made", "safe_channels" };
	static const char *const apart[] = { "answers", NULL };
	json_t *fields = without(req->json, apart);
	for (size_t i = 0; i < 2; i++) {
		json_t *b = json_object_get(fields, bools[i]);
		if (b && !json_is_boolean(b) && !json_is_null(b)) {
			json_decref(fields);
			web_error(req, 422, N_("true or false is expected."), bools[i]);
			return;
		}
		if (json_is_null(b))
			json_object_del(fields, bools[i]);
		else if (b)
			json_object_set_new(fields, bools[i], json_string(json_is_true(b) ? "yes" : "no"));
	}
	const char *v[FF__COUNT], *answers;
	bool ok = api_read_record(req, &followup_form, fields, true, v);
	json_decref(fields);
	if (!ok || !read_answers(req, json_object_get(req->json, "answers"), &answers))
		return;
	struct followup_input in;
	followup_input_from(v, answers, &in);
	struct svc s = web_svc(req);
	int rc = followup_record(&s, id, &in);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	struct followup f;
	if ((rc = followup_get(&s, id, true, &f)) != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_reply(req, 200, followup_json(req, &f, true));
}

void api_questionnaire(struct request *req)
{
	if (!query_only(req, (const char *const[]){ NULL }))
		return;
	const struct survey_question *q;
	int n = survey_questions(&q);
	json_t *items = json_array();
	for (int i = 0; i < n; i++) {
		json_t *answers = json_array();
		for (int k = 0; k < q[i].nanswers; k++)
			json_array_append_new(answers, json_pack("{s:s,s:f,s:s,s:s}", "code", q[i].answers[k].code, "score",
								 q[i].answers[k].score, "label", q[i].answers[k].label_en,
								 "label_uk", q[i].answers[k].label_uk));
		json_array_append_new(items, json_pack("{s:s,s:s,s:f,s:s,s:s,s:o}", "code", q[i].code, "dimension",
						       survey_dim_code(q[i].dim), "weight", q[i].weight, "label",
						       q[i].label_en, "label_uk", q[i].label_uk, "answers", answers));
	}
	api_reply_page(req, items, NULL);
}

/* ---- closure -------------------------------------------------------------- */

static json_t *closure_json(const struct closure *x)
{
	return json_pack("{s:I,s:s,s:o,s:o,s:s,s:I,s:s,s:o,s:o,s:o,s:o}", "id", (json_int_t)x->id, "kind", x->kind,
			 "reason", str_or_null(x->reason), "to_status", str_or_null(x->to_status), "state", x->state,
			 "requested_at", (json_int_t)x->requested_at, "requested_by", x->requested_by, "decided_at",
			 int_or_null(x->decided_at), "decided_by", str_or_null(x->decided_by), "note",
			 str_or_null(x->note), "decision_note", str_or_null(x->decision_note));
}

static void reply_closures(struct request *req, struct svc *s, int64_t case_id, int status)
{
	struct closure *rows;
	int n;
	int rc = closure_list(s, case_id, true, &rows, &n);
	if (rc != SVC_OK) {
		web_svc_fail(req, s, rc);
		return;
	}
	json_t *items = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(items, closure_json(&rows[i]));
	json_reply(req, status, json_pack("{s:o,s:o}", "items", items, "next", json_null()));
}

void api_closure_list(struct request *req)
{
	int64_t id = path_id(req);
	if (id == 0 || !query_only(req, (const char *const[]){ NULL }))
		return;
	struct svc s = web_svc(req);
	reply_closures(req, &s, id, 200);
}

void api_closure_request(struct request *req)
{
	int64_t id = path_id(req);
	const char *v[CR__COUNT];
	if (id == 0 || !api_read_record(req, &closure_request_form, req->json, true, v))
		return;
	struct svc s = web_svc(req);
	int rc = closure_request(&s, id, v[CR_REASON], v[CR_NOTE], NULL);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	reply_closures(req, &s, id, 201);
}

static void closure_decision(struct request *req, bool approve)
{
	int64_t id = path_id(req);
	const char *v[1];
	if (id == 0 || !api_read_record(req, &closure_decision_form, req->json, true, v))
		return;
	struct svc s = web_svc(req);
	int rc = closure_decide(&s, id, approve, v[0]);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	reply_closures(req, &s, id, 200);
}

void api_closure_approve(struct request *req)
{
	closure_decision(req, true);
}

void api_closure_reject(struct request *req)
{
	closure_decision(req, false);
}

void api_closure_reopen(struct request *req)
{
	int64_t id = path_id(req);
	const char *v[CO__COUNT];
	if (id == 0 || !api_read_record(req, &closure_reopen_form, req->json, true, v))
		return;
	struct svc s = web_svc(req);
	int rc = closure_reopen(&s, id, v[CO_STATUS], v[CO_REASON]);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	reply_closures(req, &s, id, 200);
}

/* ---- indicators ----------------------------------------------------------- */

static json_t *stats_json(const struct reint_stats *st)
{
	json_t *o = json_object();
	for (int i = 0; i < RX__COUNT; i++) {
		const struct reint_cell *c = &st->cells[i];
		json_t *cell;
		if (c->suppressed)
			cell = json_pack("{s:b,s:s}", "suppressed", 1, "value", "<5");
		else
			cell = json_pack("{s:b,s:o,s:I,s:o}", "suppressed", 0, "value",
					 c->has_value ? (c->has_denominator ? json_real(c->value) : json_integer((json_int_t)c->value))
						      : json_null(),
					 "numerator", (json_int_t)c->numerator, "denominator",
					 c->has_denominator ? json_integer((json_int_t)c->denominator) : json_null());
		json_object_set_new(o, reint_indicator_name(i), cell);
	}
	return o;
}

void api_reint_indicators(struct request *req)
{
	static const char *const allowed[] = { "from", "to", "org", "region", NULL };
	if (!query_only(req, allowed))
		return;
	struct reint_filter f = { req_query(req, "from"), req_query(req, "to"), req_query(req, "org"),
				  req_query(req, "region") };
	struct svc s = web_svc(req);
	struct reint_stats total, *regions;
	int nr;
	bool aggregate;
	const char *from, *to;
	int rc = reint_indicators(&s, &f, &total, &regions, &nr, &aggregate, &from, &to);
	if (rc != SVC_OK) {
		web_svc_fail(req, &s, rc);
		return;
	}
	json_t *by_region = json_array();
	for (int i = 0; i < nr; i++)
		json_array_append_new(by_region, json_pack("{s:s,s:o}", "region", regions[i].region, "indicators",
							   stats_json(&regions[i])));
	json_reply(req, 200,
		   json_pack("{s:s,s:s,s:o,s:o,s:b,s:i,s:o,s:o}", "from", from, "to", to, "org", str_or_null(f.org),
			     "region", str_or_null(f.region), "aggregate", aggregate, "suppressed_below", REINT_MIN_CELL,
			     "indicators", stats_json(&total), "by_region", by_region));
}
