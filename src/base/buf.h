/* buf.h — growable byte buffers.
 *
 * A struct buf owns its memory (plain malloc) unless it was created on an
 * arena with buf_init_arena(); then the arena owns it and buf_free() is a
 * no-op.  All appends keep data NUL-terminated so buf->data can be used as a
 * C string.  Allocation failure aborts: the server cannot do anything useful
 * without memory, and every caller checking would hide real errors.
 */
#ifndef NADIYA_BUF_H
#define NADIYA_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

struct buf {
	char *data;
	size_t len;
	size_t cap;
	struct arena *arena; /* NULL: heap-owned */
};

void buf_init(struct buf *b);
void buf_init_arena(struct buf *b, struct arena *a);
/* Frees heap-owned memory and resets the buffer to empty. */
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_reserve(struct buf *b, size_t extra);
void buf_append(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Detaches the data (heap buffers only); caller frees with free(). */
char *buf_steal(struct buf *b);

#endif
