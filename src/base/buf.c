#include "base/buf.h"
#include "base/arena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char empty_string[1];

void buf_init(struct buf *b)
{
	b->data = empty_string;
	b->len = 0;
	b->cap = 0;
	b->arena = NULL;
}

void buf_init_arena(struct buf *b, struct arena *a)
{
	buf_init(b);
	b->arena = a;
}

void buf_free(struct buf *b)
{
	if (b->arena == NULL && b->cap > 0)
		free(b->data);
	b->data = empty_string;
	b->len = b->cap = 0;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->cap > 0)
		b->data[0] = '\0';
}

void buf_reserve(struct buf *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t ncap = b->cap ? b->cap : 64;
	while (ncap < b->len + extra + 1) {
		if (ncap > ((size_t)-1) / 2)
			abort();
		ncap *= 2;
	}
	char *n;
	if (b->arena) {
		n = arena_alloc(b->arena, ncap);
		if (b->len)
			memcpy(n, b->data, b->len);
	} else {
		n = realloc(b->cap ? b->data : NULL, ncap);
		if (n == NULL)
			abort();
	}
	if (b->cap == 0)
		n[0] = '\0';
	b->data = n;
	b->cap = ncap;
}

void buf_append(struct buf *b, const void *data, size_t len)
{
	if (len == 0)
		return;
	buf_reserve(b, len);
	memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_append(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	char tmp[256];
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if ((size_t)n < sizeof tmp) {
		buf_append(b, tmp, (size_t)n);
		return;
	}
	buf_reserve(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

char *buf_steal(struct buf *b)
{
	char *d;
	if (b->cap == 0)
		d = strdup("");
	else
		d = b->data;
	if (d == NULL)
		abort();
	buf_init(b);
	return d;
}
