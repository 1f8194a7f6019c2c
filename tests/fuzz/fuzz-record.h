/* fuzz-record.h — the record types the form and JSON harnesses feed, and the
 * promises a validated value keeps.
 *
 * fuzz_all_rt has one field of every enum ftype (with a picklist, a range, a
 * length limit, a JSON name that differs from the form name, CREATE_ONLY and
 * HIDDEN_JSON flags), so every branch of field_validate is reachable; the real
 * organization and user tables are fuzzed as they are.  Included by
 * fuzz-form.c and fuzz-json.c only.
 */
#ifndef NADIYA_FUZZ_RECORD_H
#define NADIYA_FUZZ_RECORD_H

#include "fuzz.h"
#include "base/str.h"
#include "model/org.h"
#include "model/picklist.h"
#include "model/record.h"
#include "model/user.h"

#include <stdbool.h>

enum {
	AT_TEXT,
	AT_LONGTEXT,
	AT_EMAIL,
	AT_DATE,
	AT_PICK,
	AT_PICKSET,
	AT_INT,
	AT_BOOL,
	AT_PHONE,
	AT_URL,
	AT_SLUG,
	AT_COUNTRY,
	AT_PASSWORD,
	AT__COUNT
};

static const struct field fuzz_all_fields[AT__COUNT] = {
	[AT_TEXT] = { "name", "name", FT_TEXT, NULL, F_REQUIRED | F_PERSONAL | F_SEARCH, 2, 40, "Name", NULL },
	[AT_LONGTEXT] = { "notes", "notes", FT_LONGTEXT, NULL, F_PERSONAL, 0, 2000, "Notes", "hint" },
	[AT_EMAIL] = { "email", "email", FT_EMAIL, NULL, 0, 0, 254, "E-mail", NULL },
	[AT_DATE] = { "born_on", "dateOfBirth", FT_DATE, NULL, 0, 0, 0, "Born on", NULL },
	[AT_PICK] = { "region", "region", FT_PICK, &pl_region, F_REQUIRED, 0, 0, "Region", NULL },
	[AT_PICKSET] = { "services", "servicesReceived", FT_PICKSET, &pl_service, 0, 0, 0, "Services", NULL },
	[AT_INT] = { "children", "numberOfChildren", FT_INT, NULL, 0, -1000000, 1000000, "Children", NULL },
	[AT_BOOL] = { "consent", "consent", FT_BOOL, NULL, F_REQUIRED, 0, 0, "Consent", NULL },
	[AT_PHONE] = { "phone", "phone", FT_PHONE, NULL, F_PERSONAL, 0, 0, "Phone", NULL },
	[AT_URL] = { "website", "website", FT_URL, NULL, 0, 0, 0, "Website", NULL },
	[AT_SLUG] = { "code", "code", FT_SLUG, NULL, F_REQUIRED | F_CREATE_ONLY, 2, 40, "Code", NULL },
	[AT_COUNTRY] = { "country", "countryOfCitizenship", FT_COUNTRY, NULL, 0, 0, 0, "Country", NULL },
	[AT_PASSWORD] = { "password", "password", FT_PASSWORD, NULL, F_HIDDEN_JSON, 12, 256, "Password", NULL },
};

static const struct record_type fuzz_all_rt = { "fuzz_all", fuzz_all_fields, AT__COUNT };

/* The record type a selector byte picks. */
static inline const struct record_type *fuzz_record_type(unsigned sel)
{
	switch (sel % 3) {
	case 1:
		return &org_record;
	case 2:
		return &user_record;
	default:
		return &fuzz_all_rt;
	}
}

static inline bool fuzz_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline bool fuzz_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/*
 * What a value that passed field_validate promises (record.h: "values are
 * strings in a canonical form"), and that it is a fixed point: validating the
 * canonical value again accepts it unchanged.
 */
static inline void fuzz_check_value(const struct field *f, const char *v, struct arena *a)
{
	fuzz_check(v != NULL);
	size_t n = strlen(v);
	fuzz_check(str_valid_utf8_text(v, n, f->type == FT_LONGTEXT));
	if (f->type != FT_LONGTEXT && f->type != FT_PASSWORD && n > 0)
		fuzz_check(!fuzz_ws(v[0]) && !fuzz_ws(v[n - 1]));
	if (n == 0) {
		fuzz_check(!(f->flags & F_REQUIRED) || f->type == FT_BOOL);
	} else {
		switch (f->type) {
		case FT_TEXT:
		case FT_LONGTEXT:
		case FT_PASSWORD:
			fuzz_check(f->max <= 0 || (int64_t)str_utf8_len(v) <= f->max);
			fuzz_check(f->min <= 0 || (int64_t)str_utf8_len(v) >= f->min);
			break;
		case FT_EMAIL: {
			const char *at = strchr(v, '@');
			fuzz_check(at && at > v && strchr(at + 1, '@') == NULL && n <= 254);
			for (const char *p = v; *p; p++)
				fuzz_check(!(*p >= 'A' && *p <= 'Z') && (unsigned char)*p > ' ' && !strchr("<>\",;", *p));
			break;
		}
		case FT_DATE:
			fuzz_check(n == 10 && v[4] == '-' && v[7] == '-' && fuzz_digits(v, 4) && fuzz_digits(v + 5, 2) &&
				   fuzz_digits(v + 8, 2));
			break;
		case FT_PICK:
			fuzz_check(picklist_has(f->pl, v));
			break;
		case FT_PICKSET: {
			/* Known codes, each once, in picklist order. */
			size_t last = 0;
			bool first = true;
			for (const char *p = v;;) {
				const char *e = strchr(p, ',');
				size_t l = e ? (size_t)(e - p) : strlen(p);
				size_t k = 0;
				while (k < f->pl->n && !(strlen(f->pl->items[k].code) == l &&
							 strncmp(f->pl->items[k].code, p, l) == 0))
					k++;
				fuzz_check(k < f->pl->n);
				fuzz_check(first || k > last);
				first = false;
				last = k;
				if (!e)
					break;
				p = e + 1;
			}
			break;
		}
		case FT_INT: {
			int64_t x;
			fuzz_check(str_to_i64(v, f->min, f->max, &x) == 0);
			char canon[24];
			snprintf(canon, sizeof canon, "%lld", (long long)x);
			fuzz_check(strcmp(canon, v) == 0);
			break;
		}
		case FT_BOOL:
			fuzz_check(strcmp(v, "0") == 0 || strcmp(v, "1") == 0);
			break;
		case FT_PHONE: {
			const char *d = v[0] == '+' ? v + 1 : v;
			fuzz_check(fuzz_digits(d, strlen(d)) && strlen(d) >= 7 && strlen(d) <= 15);
			break;
		}
		case FT_URL:
			fuzz_check((str_starts(v, "https://") || str_starts(v, "http://")) && !strchr(v, ' ') && n <= 300);
			break;
		case FT_SLUG:
			fuzz_check(n >= 2 && n <= 40 && v[0] >= 'a' && v[0] <= 'z');
			for (const char *p = v; *p; p++)
				fuzz_check((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-');
			break;
		case FT_COUNTRY:
			fuzz_check(n == 2 && v[0] >= 'A' && v[0] <= 'Z' && v[1] >= 'A' && v[1] <= 'Z');
			break;
		}
	}
	const char *again = NULL;
	fuzz_check(field_validate(f, v, a, &again) == NULL);
	fuzz_check(again && strcmp(again, v) == 0);
}

#endif
