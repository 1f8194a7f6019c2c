/* api.h — what the api-*.c handlers share: reading a record, its "version"
 * and a list's filters from the request, and answering a page of a list.
 *
 * Every reader answers the error itself ({"error": {"code", "message",
 * "field"}}, through web_error) and returns false, so a handler only stops:
 *     if (!api_read_record(req, &org_record, req->json, true, values))
 *             return;
 */
#ifndef NADIYA_API_H
#define NADIYA_API_H

#include "web/http.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct record_type;

/*
 * Reads rt's fields from the JSON object obj into values[] (rt->n entries,
 * canonical, in req->arena).  creating: a whole new record, required fields
 * enforced; else a PATCH: absent members stay NULL, and a "version" member
 * (read with api_read_version) is not taken for a field.  A member rt does
 * not have is answered 400, a bad value 422 naming the first such field in
 * rt's order.
 */
bool api_read_record(struct request *req, const struct record_type *rt, json_t *obj, bool creating,
		     const char **values);

/* The optional "version" member of obj: a positive integer, or absent (*version_r = 0).  Else answers 422. */
bool api_read_version(struct request *req, json_t *obj, int64_t *version_r);

/*
 * For the filters of a list, read from the query with record_read_form:
 * answers 422 for the first of errors[] (rt->n entries) that is set and
 * returns false; true when none is.
 */
bool api_filters_valid(struct request *req, const struct record_type *rt, const char *const *errors);

/* Answers 200 {"items": items, "next": next or null}; takes the reference to items. */
void api_reply_page(struct request *req, json_t *items, const char *next);

#endif
