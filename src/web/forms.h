/* forms.h — HTML forms from the record tables: every widget with its label,
 * hint, error (next to the field, in the user's language) and the value the
 * user typed, so nothing typed is lost when a form comes back with errors. */
#ifndef NADIYA_FORMS_H
#define NADIYA_FORMS_H

#include "model/record.h"
#include "web/http.h"

/* <form method="post" action=ACTION class="stack"> with the CSRF token. */
void form_begin(struct request *req, const char *action);
/* Buttons row and </form>. */
void form_end(struct request *req, const char *submit_label);
/* A summary of errors at the top, each linking to its field. */
void form_error_summary(struct request *req, const struct record_type *rt, const char *const *errors);
/* One field; value may be NULL. */
void form_field(struct request *req, const struct field *f, const char *value, const char *error);
/* Every field of rt, skipping CREATE_ONLY fields when editing. */
void form_fields(struct request *req, const struct record_type *rt, const char *const *values,
		 const char *const *errors, bool creating);
/* A one-line notice box: kind "ok", "error", "warn" or "" */
void notice(struct request *req, const char *kind, const char *text);

#endif
