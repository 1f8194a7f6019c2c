/* fuzz-form.c — form_parse_urlencoded (src/web/form.c), which parses every
 * query string and every application/x-www-form-urlencoded body, and the form
 * validators (record_read_form) the parsed fields go through next.
 *
 * Checks: every field the parser returns keeps the promises of form.h (valid
 * UTF-8, keys bounded and one line); re-encoding the fields with html_url_arg
 * and parsing again gives the same fields; every value the validators accept
 * is canonical (fuzz-record.h).
 */
#include "fuzz.h"
#include "fuzz-record.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/kv.h"
#include "web/form.h"
#include "web/html.h"

static void check_fields(const char *data, size_t size, const struct kvlist *l)
{
	size_t segments = 0, amps = 0;
	for (size_t i = 0, start = 0; i <= size; i++) {
		if (i == size || data[i] == '&') {
			if (i > start)
				segments++;
			start = i + 1;
			amps += i < size;
		}
	}
	fuzz_check(l->n == segments);
	fuzz_check(l->n <= amps + 1 && l->n <= FORM_MAX_FIELDS);
	for (size_t i = 0; i < l->n; i++) {
		const char *k = l->items[i].key, *v = l->items[i].value;
		fuzz_check(k && v);
		fuzz_check(*k && strlen(k) <= FORM_MAX_KEY);
		fuzz_check(str_valid_utf8_text(k, strlen(k), false));
		fuzz_check(str_valid_utf8_text(v, strlen(v), true));
		/* kv_get answers the first field of a name. */
		size_t first = 0;
		while (strcmp(l->items[first].key, k) != 0)
			first++;
		fuzz_check(kv_get(l, k) == l->items[first].value);
	}
}

/* Encodes l back to a=b&c=d; parsing that must give l again. */
static void check_round_trip(struct arena *a, const struct kvlist *l)
{
	struct buf b;
	buf_init(&b);
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			buf_putc(&b, '&');
		html_url_arg(&b, l->items[i].key);
		buf_putc(&b, '=');
		html_url_arg(&b, l->items[i].value);
	}
	struct kvlist again;
	const char *err = NULL;
	fuzz_check(form_parse_urlencoded(a, b.len ? b.data : "", b.len, &again, &err) == 0);
	fuzz_check(again.n == l->n);
	for (size_t i = 0; i < l->n; i++) {
		fuzz_check(strcmp(again.items[i].key, l->items[i].key) == 0);
		fuzz_check(strcmp(again.items[i].value, l->items[i].value) == 0);
	}
	buf_free(&b);
}

static void check_validators(struct arena *a, const struct kvlist *l, const struct record_type *rt, bool creating)
{
	const char *values[64], *errors[64];
	fuzz_check(rt->n <= 64);
	int nerr = record_read_form(rt, l, creating, a, values, errors);
	int counted = 0;
	for (size_t i = 0; i < rt->n; i++) {
		const struct field *f = &rt->fields[i];
		if (!creating && (f->flags & F_CREATE_ONLY)) {
			fuzz_check(values[i] == NULL && errors[i] == NULL);
			continue;
		}
		if (errors[i]) {
			counted++;
			continue;
		}
		fuzz_check_value(f, values[i], a);
	}
	fuzz_check(nerr == counted);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena *a = arena_new(4096);
	char *in = fuzz_bytes(data, size);
	struct kvlist l;
	const char *err = NULL;
	if (form_parse_urlencoded(a, in, size, &l, &err) == 0) {
		check_fields(in, size, &l);
		check_round_trip(a, &l);
		for (unsigned t = 0; t < 3; t++) {
			check_validators(a, &l, fuzz_record_type(t), true);
			check_validators(a, &l, fuzz_record_type(t), false);
		}
	} else {
		fuzz_check(err != NULL && *err);
	}
	free(in);
	arena_free(&a);
	return 0;
}
