/* api.c — the readers and answers every api-*.c shares (see api.h). */
#include "web/api.h"
#include "model/record.h"
#include "web/web.h"

/* Answers 422 for the first field with an error, in rt's order; false when there is none. */
static bool answer_first_error(struct request *req, const struct record_type *rt, const char *const *errors)
{
	for (size_t i = 0; i < rt->n; i++)
		if (errors[i]) {
			web_error(req, 422, errors[i], rt->fields[i].json);
			return true;
		}
	return false;
}

bool api_read_record(struct request *req, const struct record_type *rt, json_t *obj, bool creating,
		     const char **values)
{
	const char **errors = arena_alloc(req->arena, rt->n * sizeof *errors);
	const char *unknown;
	/* "version" is not a field of the record: a PATCH's is read without it. */
	json_t *fields = obj;
	if (!creating && json_object_get(obj, "version")) {
		fields = json_copy(obj);
		json_object_del(fields, "version");
	}
	int nerr = record_read_json(rt, fields, creating, !creating, req->arena, values, errors, &unknown);
	if (fields != obj)
		json_decref(fields);
	if (unknown) {
		web_error(req, 400, N_("Unknown field."), unknown);
		return false;
	}
	if (nerr == 0)
		return true;
	answer_first_error(req, rt, errors);
	return false;
}

bool api_read_version(struct request *req, json_t *obj, int64_t *version_r)
{
	json_t *v = json_object_get(obj, "version");
	*version_r = 0;
	if (v == NULL)
		return true;
	if (!json_is_integer(v) || json_integer_value(v) < 1) {
		web_error(req, 422, N_("A whole number is expected."), "version");
		return false;
	}
	*version_r = json_integer_value(v);
	return true;
}

bool api_filters_valid(struct request *req, const struct record_type *rt, const char *const *errors)
{
	return !answer_first_error(req, rt, errors);
}

void api_reply_page(struct request *req, json_t *items, const char *next)
{
	json_reply(req, 200, json_pack("{s:o,s:o}", "items", items, "next", next ? json_string(next) : json_null()));
}
