/* ui-common.h — small page pieces that several ui-*.c pages share, so that a
 * heading, a list of facts, a filter form, a pager or a date reads and is
 * marked up the same everywhere.
 *
 * They write into req->out (or the buffer given) through html.h, escaping
 * every text they are handed; labels come already translated (_()).
 */
#ifndef NADIYA_UI_COMMON_H
#define NADIYA_UI_COMMON_H

#include "web/http.h"

#include <stdbool.h>
#include <stdint.h>

/* <h1>text</h1>, <h2>text</h2> */
void ui_h1(struct request *req, const char *text);
void ui_h2(struct request *req, const char *text);

/* A moment as <time>, to the minute in UTC; say_utc false where a column heading already says UTC. */
void ui_time_utc(struct buf *o, int64_t at, bool say_utc);

/* A status as a coloured tag: good (active) or bad (anything else). */
void ui_tag(struct buf *o, bool good, const char *label);

/* One term of a <dl class="facts">; between begin and end goes the value's markup. */
void ui_fact_begin(struct buf *o, const char *term);
void ui_fact_end(struct buf *o);
/* A term with a plain-text value. */
void ui_fact(struct buf *o, const char *term, const char *value);

/*
 * A list's filters: a GET form (it changes nothing, so it needs no CSRF
 * token) to action, named for screen readers by label (NULL: unnamed).
 * Between begin and end go the fields.  End adds the submit button and, with
 * clear_href, a link back to the unfiltered list.
 */
void ui_filters_begin(struct request *req, const char *action, const char *label);
void ui_filters_end(struct request *req, const char *submit, const char *clear_href, const char *clear_label);

/* Paging links: <nav class="pager">, one link a call (rel "next", "prev" or NULL), </nav>. */
void ui_pager_begin(struct request *req);
void ui_pager_link(struct request *req, const char *rel, const char *href, const char *label);
void ui_pager_end(struct request *req);

/* The link to confirm one's password, coming back to the same-site path back afterwards. */
void ui_reauth_link(struct buf *o, const char *back);

/* The field for a code from an authenticator app (or a recovery code, when maxlength allows it). */
void ui_code_field(struct buf *o, const char *label, int maxlength);

/* The record's version as a hidden field, so an edit built on it can be told from a later one. */
void ui_version_hidden(struct request *req, int64_t version);
/* Reads it back from the submitted form; false after answering 400 when it is missing or not a number. */
bool ui_version_read(struct request *req, int64_t *version_r);

#endif
