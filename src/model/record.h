/* record.h — one declarative description per record type.
 *
 * A struct record_type lists a record's fields once: name (form key and
 * column), JSON name (HTCDS's where one exists), type, picklist, flags and
 * label.  That one table drives validation of form and JSON input, the form
 * widgets (web/forms.c), JSON output and which fields are sealed.  Services
 * keep their SQL as named statements and take values in field order.
 *
 * Values are strings in a canonical form: trimmed text, lower-case e-mail,
 * YYYY-MM-DD dates, picklist codes, "a,b" for sets, "1"/"0" for booleans,
 * decimal integers; "" means empty.
 */
#ifndef NADIYA_RECORD_H
#define NADIYA_RECORD_H

#include "base/arena.h"
#include "model/picklist.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kvlist;

enum ftype {
	FT_TEXT,     /* one line */
	FT_LONGTEXT, /* several lines */
	FT_EMAIL,
	FT_DATE,
	FT_PICK,
	FT_PICKSET,
	FT_INT,
	FT_BOOL,
	FT_PHONE,
	FT_URL,
	FT_SLUG,    /* a-z, 0-9 and '-', starting with a letter */
	FT_COUNTRY, /* ISO 3166-1 alpha-2 */
	FT_PASSWORD,
};

enum {
	F_REQUIRED = 1 << 0,
	F_PERSONAL = 1 << 1, /* sealed before it reaches the store */
	F_SEARCH = 1 << 2,   /* has a blind index */
	F_CREATE_ONLY = 1 << 3, /* set at creation, never edited */
	F_HIDDEN_JSON = 1 << 4, /* never in JSON output (passwords) */
};

struct field {
	const char *name;
	const char *json;
	enum ftype type;
	const struct picklist *pl;
	unsigned flags;
	int64_t min, max; /* characters for text, range for numbers */
	const char *label; /* msgid */
	const char *hint;  /* msgid or NULL */
};

struct record_type {
	const char *name;
	const struct field *fields;
	size_t n;
};

/* Index of a field by name, or -1. */
int record_field_index(const struct record_type *rt, const char *name);

/*
 * Validates and normalizes one value.  Returns NULL when valid (with *out_r
 * the canonical value, arena-allocated) or the msgid of what is wrong.
 */
const char *field_validate(const struct field *f, const char *in, struct arena *a, const char **out_r);

/*
 * Reads every field of rt from a submitted form into values[] (canonical) and
 * errors[] (msgid or NULL).  For an edit (creating == false), F_CREATE_ONLY
 * fields are skipped (values[i] = NULL).  Returns the number of errors.
 */
int record_read_form(const struct record_type *rt, const struct kvlist *form, bool creating,
		     struct arena *a, const char **values, const char **errors);

/*
 * The same for a JSON object.  Keys not in rt are an error (reported on
 * *unknown_r).  With partial (PATCH), absent keys leave values[i] NULL and
 * required fields are not enforced for them.
 */
int record_read_json(const struct record_type *rt, json_t *obj, bool creating, bool partial,
		     struct arena *a, const char **values, const char **errors, const char **unknown_r);

/* Adds values to obj under each field's JSON name (sets as arrays, booleans and integers typed). */
void record_to_json(const struct record_type *rt, const char *const *values, json_t *obj);

#endif
