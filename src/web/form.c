#include "web/form.h"
#include "base/str.h"
#include "web/i18n.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int hexv(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes one component; plus_is_space for form encoding. */
static int decode(struct arena *a, const char *s, size_t len, bool plus_is_space, bool allow_newlines,
		  const char **out_r)
{
	char *o = arena_alloc(a, len + 1);
	size_t j = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= len)
				return -1;
			int h = hexv((unsigned char)s[i + 1]), l = hexv((unsigned char)s[i + 2]);
			if (h < 0 || l < 0)
				return -1;
			o[j++] = (char)(h << 4 | l);
			i += 2;
		} else if (c == '+' && plus_is_space) {
			o[j++] = ' ';
		} else {
			o[j++] = (char)c;
		}
	}
	o[j] = '\0';
	if (!str_valid_utf8_text(o, j, allow_newlines))
		return -1;
	*out_r = o;
	return 0;
}

int form_parse_urlencoded(struct arena *a, const char *data, size_t len, struct kvlist *out,
			  const char **error_r)
{
	out->items = NULL;
	out->n = 0;
	if (len == 0)
		return 0;
	size_t fields = 1;
	for (size_t i = 0; i < len; i++)
		if (data[i] == '&')
			fields++;
	if (fields > FORM_MAX_FIELDS) {
		*error_r = N_("The form has too many fields.");
		return -1;
	}
	out->items = arena_alloc(a, fields * sizeof *out->items);
	size_t start = 0;
	while (start <= len) {
		size_t end = start;
		while (end < len && data[end] != '&')
			end++;
		if (end > start) {
			const char *eq = memchr(data + start, '=', end - start);
			size_t klen = eq ? (size_t)(eq - (data + start)) : end - start;
			const char *k, *v = "";
			if (klen == 0 || klen > FORM_MAX_KEY * 3 ||
			    decode(a, data + start, klen, true, false, &k) < 0 || strlen(k) > FORM_MAX_KEY) {
				*error_r = N_("The form data is malformed.");
				return -1;
			}
			if (eq && decode(a, eq + 1, (size_t)(data + end - eq - 1), true, true, &v) < 0) {
				*error_r = N_("The form data is malformed.");
				return -1;
			}
			out->items[out->n].key = k;
			out->items[out->n].value = v;
			out->n++;
		}
		start = end + 1;
	}
	return 0;
}

const char *cookie_find(struct arena *a, const char *header, const char *name)
{
	if (header == NULL)
		return NULL;
	size_t nlen = strlen(name);
	const char *p = header;
	while (*p) {
		while (*p == ' ' || *p == ';' || *p == '\t')
			p++;
		const char *end = strchr(p, ';');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			const char *v = p + nlen + 1;
			size_t vl = len - nlen - 1;
			while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				vl--;
			if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
				v++;
				vl -= 2;
			}
			for (size_t i = 0; i < vl; i++)
				if ((unsigned char)v[i] < 0x21 || (unsigned char)v[i] > 0x7e)
					return NULL;
			return arena_strndup(a, v, vl);
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	return NULL;
}

const char *accept_language_pick(const char *h)
{
	if (h == NULL)
		return NULL;
	const char *best = NULL;
	double bestq = 0.0;
	const char *p = h;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		const char *tag = p;
		while (*p && *p != ';' && *p != ',' && *p != ' ')
			p++;
		size_t tlen = (size_t)(p - tag);
		double q = 1.0;
		while (*p == ' ')
			p++;
		if (*p == ';') {
			const char *qs = strstr(p, "q=");
			const char *comma = strchr(p, ',');
			if (qs && (comma == NULL || qs < comma))
				q = strtod(qs + 2, NULL);
			if (!(q >= 0.0 && q <= 1.0))
				q = 0.0;
			p = comma ? comma : p + strlen(p);
		}
		const char *pick = NULL;
		if (tlen >= 2 && strncasecmp(tag, "uk", 2) == 0 && (tlen == 2 || tag[2] == '-'))
			pick = "uk";
		else if (tlen >= 2 && strncasecmp(tag, "en", 2) == 0 && (tlen == 2 || tag[2] == '-'))
			pick = "en";
		if (pick && q > bestq) {
			best = pick;
			bestq = q;
		}
	}
	return best;
}

int path_decode(struct arena *a, const char *in, size_t len, const char **out_r)
{
	return decode(a, in, len, false, false, out_r);
}
