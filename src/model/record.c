#include "model/record.h"
#include "base/intl.h"
#include "base/str.h"
#include "base/buf.h"
#include "base/kv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int record_field_index(const struct record_type *rt, const char *name)
{
	for (size_t i = 0; i < rt->n; i++)
		if (strcmp(rt->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

static bool valid_date(const char *s)
{
	int y, m, d;
	char tail;
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1)
		return false;
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int md = mdays[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
	return d <= md;
}

static bool valid_email(const char *s)
{
	const char *at = strchr(s, '@');
	size_t n = strlen(s);
	if (at == NULL || at == s || strchr(at + 1, '@') || n > 254)
		return false;
	const char *dot = strchr(at + 1, '.');
	if (dot == NULL || dot == at + 1 || s[n - 1] == '.')
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '"' || *p == ',' || *p == ';')
			return false;
	return true;
}

static const char *check_len(const struct field *f, const char *v)
{
	size_t n = str_utf8_len(v);
	if (f->max > 0 && (int64_t)n > f->max)
		return N_("This is too long.");
	if (f->min > 0 && (int64_t)n < f->min && n > 0)
		return N_("This is too short.");
	return NULL;
}

const char *field_validate(const struct field *f, const char *in, struct arena *a, const char **out_r)
{
	char *v = arena_strdup(a, in ? in : "");
	if (f->type != FT_PASSWORD && f->type != FT_LONGTEXT)
		v = str_trim(v);
	*out_r = v;
	if (!str_valid_utf8_text(v, strlen(v), f->type == FT_LONGTEXT))
		return f->type == FT_LONGTEXT ? N_("This contains characters that are not allowed.")
					      : N_("This must be a single line of text.");
	if (*v == '\0') {
		if ((f->flags & F_REQUIRED) && f->type != FT_BOOL)
			return N_("This is required.");
		if (f->type == FT_BOOL)
			*out_r = "0";
		return NULL;
	}
	switch (f->type) {
	case FT_TEXT:
	case FT_LONGTEXT:
	case FT_PASSWORD:
		return check_len(f, v);
	case FT_EMAIL:
		for (char *p = v; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (!valid_email(v))
			return N_("Enter an e-mail address like name@example.org.");
		return NULL;
	case FT_DATE:
		return valid_date(v) ? NULL : N_("Enter a date as YYYY-MM-DD.");
	case FT_PICK:
		return picklist_has(f->pl, v) ? NULL : N_("Choose one of the listed values.");
	case FT_PICKSET: {
		/* "a,b,c": every code known, no repeats; kept in picklist order. */
		struct buf out;
		buf_init_arena(&out, a);
		size_t count = 0;
		for (size_t i = 0; i < f->pl->n; i++) {
			const char *code = f->pl->items[i].code;
			size_t cl = strlen(code);
			for (const char *p = v; *p;) {
				const char *e = strchr(p, ',');
				size_t l = e ? (size_t)(e - p) : strlen(p);
				if (l == cl && strncmp(p, code, cl) == 0) {
					if (out.len)
						buf_putc(&out, ',');
					buf_puts(&out, code);
					count++;
					break;
				}
				p += l + (e ? 1 : 0);
			}
		}
		size_t given = 1;
		for (const char *p = v; *p; p++)
			if (*p == ',')
				given++;
		if (given != count)
			return N_("Choose only listed values, each once.");
		*out_r = out.len ? out.data : "";
		if (count == 0 && (f->flags & F_REQUIRED))
			return N_("This is required.");
		return NULL;
	}
	case FT_INT: {
		int64_t n;
		if (str_to_i64(v, f->min, f->max, &n) < 0)
			return N_("Enter a whole number in the allowed range.");
		*out_r = arena_printf(a, "%lld", (long long)n);
		return NULL;
	}
	case FT_BOOL:
		if (str_eq(v, "1") || str_eq(v, "on") || str_eq(v, "true") || str_eq(v, "yes"))
			*out_r = "1";
		else if (str_eq(v, "0") || str_eq(v, "off") || str_eq(v, "false") || str_eq(v, "no"))
			*out_r = "0";
		else
			return N_("Choose yes or no.");
		return NULL;
	case FT_PHONE: {
		char *o = arena_alloc(a, strlen(v) + 1);
		size_t j = 0, digits = 0;
		for (const char *p = v; *p; p++) {
			if (*p == '+' && j == 0)
				o[j++] = '+';
			else if (isdigit((unsigned char)*p)) {
				o[j++] = *p;
				digits++;
			} else if (*p == ' ' || *p == '-' || *p == '(' || *p == ')' || *p == '.')
				continue;
			else
				return N_("Enter a phone number with digits only, e.g. +380 67 123 4567.");
		}
		o[j] = '\0';
		if (digits < 7 || digits > 15)
			return N_("Enter a phone number with digits only, e.g. +380 67 123 4567.");
		*out_r = o;
		return NULL;
	}
	case FT_URL:
		if (!(str_starts(v, "https://") || str_starts(v, "http://")) || strchr(v, ' ') || strlen(v) > 300)
			return N_("Enter a web address starting with https://.");
		return NULL;
	case FT_SLUG: {
		size_t n = strlen(v);
		if (n < 2 || n > 40 || !islower((unsigned char)v[0]))
			return N_("Use 2 to 40 lower-case Latin letters, digits and hyphens, starting with a letter.");
		for (const char *p = v; *p; p++)
			if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-'))
				return N_("Use 2 to 40 lower-case Latin letters, digits and hyphens, starting with a letter.");
		return NULL;
	}
	case FT_COUNTRY:
		for (char *p = v; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		if (strlen(v) != 2 || !isupper((unsigned char)v[0]) || !isupper((unsigned char)v[1]))
			return N_("Enter a two-letter ISO 3166 country code, e.g. PL.");
		return NULL;
	}
	return NULL;
}

int record_read_form(const struct record_type *rt, const struct kvlist *form, bool creating,
		     struct arena *a, const char **values, const char **errors)
{
	int nerr = 0;
	for (size_t i = 0; i < rt->n; i++) {
		const struct field *f = &rt->fields[i];
		values[i] = NULL;
		errors[i] = NULL;
		if (!creating && (f->flags & F_CREATE_ONLY))
			continue;
		const char *in;
		if (f->type == FT_PICKSET) {
			/* Checkboxes: one key per checked value. */
			struct buf joined;
			buf_init_arena(&joined, a);
			for (size_t k = 0; k < form->n; k++)
				if (strcmp(form->items[k].key, f->name) == 0 && form->items[k].value[0]) {
					if (joined.len)
						buf_putc(&joined, ',');
					buf_puts(&joined, form->items[k].value);
				}
			in = joined.len ? joined.data : "";
		} else {
			in = kv_get(form, f->name);
		}
		errors[i] = field_validate(f, in ? in : "", a, &values[i]);
		if (errors[i])
			nerr++;
	}
	return nerr;
}

int record_read_json(const struct record_type *rt, json_t *obj, bool creating, bool partial,
		     struct arena *a, const char **values, const char **errors, const char **unknown_r)
{
	int nerr = 0;
	*unknown_r = NULL;
	const char *key;
	json_t *val;
	json_object_foreach(obj, key, val)
	{
		bool known = false;
		for (size_t i = 0; i < rt->n; i++)
			if (strcmp(rt->fields[i].json, key) == 0)
				known = true;
		if (!known) {
			*unknown_r = arena_strdup(a, key);
			return 1;
		}
	}
	for (size_t i = 0; i < rt->n; i++) {
		const struct field *f = &rt->fields[i];
		values[i] = NULL;
		errors[i] = NULL;
		json_t *j = json_object_get(obj, f->json);
		if (!creating && (f->flags & F_CREATE_ONLY)) {
			if (j) {
				errors[i] = N_("This cannot be changed after creation.");
				nerr++;
			}
			continue;
		}
		if (j == NULL && partial)
			continue;
		const char *in = "";
		if (j == NULL || json_is_null(j)) {
			in = "";
		} else if (f->type == FT_PICKSET) {
			if (!json_is_array(j)) {
				errors[i] = N_("A list of codes is expected.");
				nerr++;
				continue;
			}
			struct buf joined;
			buf_init_arena(&joined, a);
			size_t k;
			json_t *e;
			bool bad = false;
			json_array_foreach(j, k, e)
			{
				if (!json_is_string(e) || strchr(json_string_value(e), ',')) {
					bad = true;
					break;
				}
				if (joined.len)
					buf_putc(&joined, ',');
				buf_puts(&joined, json_string_value(e));
			}
			if (bad) {
				errors[i] = N_("A list of codes is expected.");
				nerr++;
				continue;
			}
			in = joined.len ? joined.data : "";
		} else if (f->type == FT_BOOL && json_is_boolean(j)) {
			in = json_is_true(j) ? "1" : "0";
		} else if (f->type == FT_INT && json_is_integer(j)) {
			in = arena_printf(a, "%lld", (long long)json_integer_value(j));
		} else if (json_is_string(j) && f->type != FT_BOOL && f->type != FT_INT) {
			in = json_string_value(j);
			if (strlen(in) != json_string_length(j)) {
				errors[i] = N_("This contains characters that are not allowed.");
				nerr++;
				continue;
			}
		} else {
			errors[i] = f->type == FT_BOOL ? N_("true or false is expected.")
				    : f->type == FT_INT ? N_("A whole number is expected.")
							: N_("A string is expected.");
			nerr++;
			continue;
		}
		errors[i] = field_validate(f, in, a, &values[i]);
		if (errors[i])
			nerr++;
	}
	return nerr;
}

void record_to_json(const struct record_type *rt, const char *const *values, json_t *obj)
{
	for (size_t i = 0; i < rt->n; i++) {
		const struct field *f = &rt->fields[i];
		const char *v = values[i];
		if (v == NULL || (f->flags & F_HIDDEN_JSON))
			continue;
		json_t *j;
		switch (f->type) {
		case FT_PICKSET: {
			j = json_array();
			const char *p = v;
			while (*p) {
				const char *e = strchr(p, ',');
				size_t l = e ? (size_t)(e - p) : strlen(p);
				json_array_append_new(j, json_stringn(p, l));
				p += l + (e ? 1 : 0);
			}
			break;
		}
		case FT_BOOL:
			j = json_boolean(str_eq(v, "1"));
			break;
		case FT_INT:
			j = *v ? json_integer(strtoll(v, NULL, 10)) : json_null();
			break;
		default:
			j = json_string(v);
		}
		json_object_set_new(obj, f->json, j);
	}
}
