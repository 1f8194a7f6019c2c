/* ui-case.h — what the pages of persons and cases share among themselves
 * (ui-case-list.c, ui-case.c, ui-person.c; the pieces live in ui-case-fields.c):
 * values as people read them, form widgets for the person and case record
 * tables (countries through ICU, in the user's language), and the
 * re-authentication that every showing of personal data needs.
 *
 * Everything writes into req->out through html.h, escaping every value.
 */
#ifndef NADIYA_UI_CASE_H
#define NADIYA_UI_CASE_H

#include "model/case.h"
#include "model/person.h"
#include "model/record.h"
#include "web/http.h"

#include <stdbool.h>
#include <stdint.h>

/* The number in the path ({id}); 0 after answering 404 when it is not a positive integer. */
int64_t ui_case_path_id(struct request *req);
/* "/cases/ID" + suffix (or "/persons/ID" + suffix), in req->arena. */
const char *ui_case_path(struct request *req, int64_t id, const char *suffix);
const char *ui_person_path(struct request *req, int64_t id, const char *suffix);

/*
 * A value as people read it, in the user's language: picklist labels, sets
 * as a comma-separated list of labels, countries through ICU.  "" for "".
 */
const char *ui_case_value(struct request *req, const struct field *f, const char *v);

/*
 * One field of the person or case record: form_field's widgets, except
 * countries, which are a <select> (or <select multiple> for sets) of ICU
 * names sorted in the user's language.
 */
void ui_case_field(struct request *req, const struct field *f, const char *value, const char *error);
/* A list filter: picklists as a <select> with "All" first (countries through ICU), dates and text as inputs. */
void ui_case_filter_field(struct request *req, const struct field *f, const char *value, const char *error);
/* A <fieldset> with a legend and the fields of rt listed in idx[0..n). */
void ui_case_fieldset(struct request *req, const char *legend, const struct record_type *rt, const int *idx,
		      size_t n, const char *const *values, const char *const *errors);
/*
 * One summary of the errors of up to two record tables (rt2 may be NULL),
 * each linking to its field; nothing when there are none.
 */
void ui_case_error_summary(struct request *req, const struct record_type *rt1, const char *const *errors1,
			   const struct record_type *rt2, const char *const *errors2);
/* Puts a service's problem next to its field of rt; false when rt has no such field. */
bool ui_case_place_problem(const struct record_type *rt, const char *field, const char *problem, const char **errors);

/* The password was confirmed within the last REAUTH_SECONDS in this session. */
bool ui_case_reauth_fresh(const struct request *req);
/*
 * Says that showing personal data needs the password confirmed, with a link
 * to /reauth that comes back to the same-site path back; sets status 401 and
 * X-Reauth-Required, like the route guard does for stale actions.
 */
void ui_case_reauth_notice(struct request *req, const char *back);

/* <h2 id=ID>text</h2> */
void ui_case_h2(struct request *req, const char *id, const char *text);
/* The hint "not given" for an empty value. */
void ui_case_not_given(struct buf *o);

#endif
