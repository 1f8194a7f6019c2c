/* fuzz-json.c — JSON request bodies through the API validators: the body
 * checks of src/web/dispatch.c (UTF-8 text, json_loadb with
 * JSON_REJECT_DUPLICATES, an object) then record_read_json and field_validate
 * (src/model/record.c) on a record type.
 *
 * The first input byte is a selector: bits 0-1 the record type (every ftype,
 * organization, user), bit 2 creating, bit 3 partial (PATCH), bit 4 "raw":
 * the rest is not JSON but one value given to field_validate for every field.
 * Checks: every accepted value is canonical and a fixed point
 * (fuzz-record.h); fields not sent in a PATCH stay NULL; CREATE_ONLY fields
 * on an edit are refused; the accepted values written with record_to_json
 * and read back give the same values.
 */
#include "fuzz.h"
#include "fuzz-record.h"
#include "base/arena.h"

#include <jansson.h>

#define MAX_FIELDS 64

static void check_raw(struct arena *a, const uint8_t *data, size_t size)
{
	char *in = fuzz_cstr(data, size);
	for (size_t i = 0; i < fuzz_all_rt.n; i++) {
		const struct field *f = &fuzz_all_rt.fields[i];
		const char *out = NULL;
		const char *err = field_validate(f, in, a, &out);
		if (err == NULL)
			fuzz_check_value(f, out, a);
	}
	free(in);
}

/* record_to_json then record_read_json must give the same accepted values. */
static void check_json_round_trip(struct arena *a, const struct record_type *rt, const char **values)
{
	json_t *obj = json_object();
	record_to_json(rt, values, obj);
	char *s = json_dumps(obj, JSON_COMPACT);
	fuzz_check(s != NULL);
	json_error_t jerr;
	json_t *back = json_loads(s, JSON_REJECT_DUPLICATES, &jerr);
	fuzz_check(back && json_is_object(back));
	const char *again[MAX_FIELDS], *errors[MAX_FIELDS], *unknown = NULL;
	int nerr = record_read_json(rt, back, true, true, a, again, errors, &unknown);
	fuzz_check(unknown == NULL);
	for (size_t i = 0; i < rt->n; i++) {
		if (values[i] == NULL || (rt->fields[i].flags & F_HIDDEN_JSON))
			continue;
		fuzz_check(errors[i] == NULL);
		fuzz_check(again[i] && strcmp(again[i], values[i]) == 0);
	}
	(void)nerr;
	json_decref(back);
	json_decref(obj);
	free(s);
}

static void check_json(struct arena *a, unsigned sel, const uint8_t *data, size_t size)
{
	const struct record_type *rt = fuzz_record_type(sel & 3);
	bool creating = sel & 4, partial = sel & 8;
	char *body = fuzz_bytes(data, size);
	/* What dispatch.c does before a handler sees req->json. */
	if (!str_valid_utf8_text(body, size, true))
		goto out;
	json_error_t jerr;
	json_t *obj = json_loadb(body, size, JSON_REJECT_DUPLICATES, &jerr);
	if (obj == NULL)
		goto out;
	if (!json_is_object(obj)) {
		json_decref(obj);
		goto out;
	}
	const char *values[MAX_FIELDS], *errors[MAX_FIELDS], *unknown = NULL;
	fuzz_check(rt->n <= MAX_FIELDS);
	for (size_t i = 0; i < rt->n; i++)
		values[i] = errors[i] = NULL;
	int nerr = record_read_json(rt, obj, creating, partial, a, values, errors, &unknown);
	if (unknown) {
		fuzz_check(nerr > 0 && json_object_get(obj, unknown) != NULL);
		json_decref(obj);
		goto out;
	}
	int counted = 0;
	for (size_t i = 0; i < rt->n; i++) {
		const struct field *f = &rt->fields[i];
		json_t *j = json_object_get(obj, f->json);
		if (errors[i]) {
			counted++;
			/* A CREATE_ONLY field on an edit is refused only when it was sent. */
			if (!creating && (f->flags & F_CREATE_ONLY))
				fuzz_check(values[i] == NULL && j != NULL);
			continue;
		}
		if (!creating && (f->flags & F_CREATE_ONLY)) {
			fuzz_check(j == NULL && values[i] == NULL);
			continue;
		}
		if (partial && j == NULL) {
			fuzz_check(values[i] == NULL);
			continue;
		}
		fuzz_check_value(f, values[i], a);
	}
	fuzz_check(nerr == counted);
	for (size_t i = 0; i < rt->n; i++)
		if (errors[i])
			values[i] = NULL;
	check_json_round_trip(a, rt, values);
	json_decref(obj);
out:
	free(body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	struct arena *a = arena_new(4096);
	unsigned sel = data[0];
	if (sel & 16)
		check_raw(a, data + 1, size - 1);
	else
		check_json(a, sel, data + 1, size - 1);
	arena_free(&a);
	return 0;
}
