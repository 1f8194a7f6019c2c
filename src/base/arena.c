#include "base/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct block {
	struct block *next;
	size_t size;
	size_t used;
	max_align_t data[];
};

struct arena {
	struct block *head;
	size_t total;
	size_t block_size;
};

static struct block *block_new(size_t size)
{
	struct block *b = malloc(sizeof *b + size);
	if (b == NULL)
		abort();
	b->next = NULL;
	b->size = size;
	b->used = 0;
	return b;
}

struct arena *arena_new(size_t first_block)
{
	struct arena *a = malloc(sizeof *a);
	if (a == NULL)
		abort();
	if (first_block < 256)
		first_block = 256;
	a->block_size = first_block;
	a->head = block_new(first_block);
	a->total = 0;
	return a;
}

void arena_free(struct arena **ap)
{
	struct arena *a = *ap;
	if (a == NULL)
		return;
	struct block *b = a->head;
	while (b) {
		struct block *n = b->next;
		free(b);
		b = n;
	}
	free(a);
	*ap = NULL;
}

void *arena_alloc(struct arena *a, size_t size)
{
	const size_t align = _Alignof(max_align_t);
	size = (size + align - 1) & ~(align - 1);
	if (size == 0)
		size = align;
	struct block *b = a->head;
	if (b->size - b->used < size) {
		size_t bs = a->block_size * 2;
		if (bs > 1u << 20)
			bs = 1u << 20;
		a->block_size = bs;
		if (bs < size)
			bs = size;
		struct block *nb = block_new(bs);
		nb->next = a->head;
		a->head = nb;
		b = nb;
	}
	void *p = (char *)b->data + b->used;
	b->used += size;
	a->total += size;
	return p;
}

void *arena_zalloc(struct arena *a, size_t size)
{
	void *p = arena_alloc(a, size);
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		va_end(ap2);
		return arena_strdup(a, "");
	}
	char *d = arena_alloc(a, (size_t)n + 1);
	vsnprintf(d, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return d;
}

void *arena_grow(struct arena *a, void *items, size_t elem, size_t n, size_t *cap)
{
	if (n < *cap)
		return items;
	/* Doubling keeps the copying linear in the final size; a request's arrays are short-lived anyway. */
	size_t ncap = *cap ? *cap : 4;
	if (elem == 0 || ncap > SIZE_MAX / 2 / elem)
		abort();
	ncap *= 2;
	void *bigger = arena_alloc(a, ncap * elem);
	if (n > 0)
		memcpy(bigger, items, n * elem);
	*cap = ncap;
	return bigger;
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}
