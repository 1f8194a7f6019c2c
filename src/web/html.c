#include "web/html.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

void html_raw(struct buf *b, const char *markup)
{
	buf_puts(b, markup);
}

void html_rawf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

static void escape(struct buf *b, const char *s, size_t len)
{
	size_t run = 0;
	for (size_t i = 0; i < len; i++) {
		const char *rep;
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		case '\0':
			rep = "";
			break;
		default:
			continue;
		}
		buf_append(b, s + run, i - run);
		buf_puts(b, rep);
		run = i + 1;
	}
	buf_append(b, s + run, len - run);
}

void html_txt(struct buf *b, const char *text)
{
	if (text)
		escape(b, text, strlen(text));
}

void html_txtn(struct buf *b, const char *text, size_t len)
{
	escape(b, text, len);
}

void html_attr(struct buf *b, const char *value)
{
	if (value)
		escape(b, value, strlen(value));
}

void html_url_arg(struct buf *b, const char *s)
{
	static const char hx[] = "0123456789ABCDEF";
	if (s == NULL)
		return;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '_' || c == '.' || c == '~') {
			buf_putc(b, (char)c);
		} else {
			char e[3] = { '%', hx[c >> 4], hx[c & 15] };
			buf_append(b, e, 3);
		}
	}
}

void html_int(struct buf *b, int64_t n)
{
	buf_printf(b, "%" PRId64, n);
}

void html_hidden(struct buf *b, const char *name, const char *value)
{
	html_raw(b, "<input type=\"hidden\" name=\"");
	html_attr(b, name);
	html_raw(b, "\" value=\"");
	html_attr(b, value);
	html_raw(b, "\">");
}
