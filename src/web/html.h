/* html.h — the only way HTML is written.
 *
 * Each function is named for where the text lands, so a reviewer sees at every
 * call which escaping applies (after cgit's html.c):
 *   html_raw      trusted markup written in our source (never user data)
 *   html_txt      text between tags
 *   html_attr     a double-quoted attribute value
 *   html_url_arg  one component of a URL (path segment or query value)
 * All append to a struct buf.
 */
#ifndef NADIYA_HTML_H
#define NADIYA_HTML_H

#include "base/buf.h"

#include <stdint.h>

void html_raw(struct buf *b, const char *markup);
void html_rawf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void html_txt(struct buf *b, const char *text);
void html_txtn(struct buf *b, const char *text, size_t len);
void html_attr(struct buf *b, const char *value);
void html_url_arg(struct buf *b, const char *component);
void html_int(struct buf *b, int64_t n);

/* JSON-free helpers that are handy in forms. */
/* <input type=hidden name=NAME value=VALUE> */
void html_hidden(struct buf *b, const char *name, const char *value);

#endif
