/* arena.h — alloc-only memory pools.
 *
 * Every request gets one arena; everything allocated while serving it is
 * released by one arena_free() when the request completes.  Blocks are never
 * freed individually.  Not thread-safe: an arena belongs to one request.
 * Allocation failure aborts (see buf.h).
 */
#ifndef NADIYA_ARENA_H
#define NADIYA_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct arena *arena_new(size_t first_block);
/* Frees every block and sets *a to NULL. */
void arena_free(struct arena **a);
void *arena_alloc(struct arena *a, size_t size);
void *arena_zalloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Room for one more element in an arena array of *cap elements of elem bytes, n of them in use: returns
 * items itself while n < *cap, else a copy twice as large (or of 8 elements when *cap is 0) with *cap
 * updated.  The old block is not reclaimed (the arena frees it with the rest); overflow aborts. */
void *arena_grow(struct arena *a, void *items, size_t elem, size_t n, size_t *cap);
/* Bytes handed out so far (for memory accounting and tests). */
size_t arena_used(const struct arena *a);

#define ARENA_NEW(a, T) ((T *)arena_zalloc((a), sizeof(T)))

#endif
