/* form.h — bounded parsers for untrusted request input.
 *
 * These parse query strings, application/x-www-form-urlencoded bodies,
 * Cookie headers and Accept-Language without trusting any length or count
 * in the input.  Everything they return lives in the given arena.  They are
 * fuzzed (tests/fuzz/).  Values are always valid UTF-8 without NUL or control
 * characters other than tab and newline.
 */
#ifndef NADIYA_FORM_H
#define NADIYA_FORM_H

#include "base/arena.h"
#include "web/http.h"

#include <stddef.h>

#define FORM_MAX_FIELDS 256
#define FORM_MAX_KEY 64

/*
 * Parses `a=1&b=x+y%20z`.  Returns 0, or -1 with *error_r a msgid describing
 * what is wrong (too many fields, bad percent-encoding, invalid UTF-8).
 */
int form_parse_urlencoded(struct arena *a, const char *data, size_t len, struct kvlist *out,
			  const char **error_r);
/* Parses a Cookie header and returns the value of name, or NULL. */
const char *cookie_find(struct arena *a, const char *header, const char *name);
/* Picks "uk" or "en" from an Accept-Language header; NULL when neither is acceptable. */
const char *accept_language_pick(const char *header);
/* Decodes %XX in a path; -1 on bad encoding, NUL, or a control character. */
int path_decode(struct arena *a, const char *in, size_t len, const char **out_r);

#endif
