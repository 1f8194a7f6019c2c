/* web.h — what every ui-*.c and api-*.c uses: errors in the user's language,
 * the page layout, JSON answers. */
#ifndef NADIYA_WEB_H
#define NADIYA_WEB_H

#include "web/html.h"
#include "web/http.h"
#include "web/i18n.h"

#include <jansson.h>

/*
 * Answers an error.  msgid is an English message id translated here; field
 * names the offending input (or NULL).  Browsers get an HTML page in their
 * language, /api/ clients {"error": {"code", "message", "field"}}.
 */
void web_error(struct request *req, int status, const char *msgid, const char *field);

/* Page layout: everything between page_begin and page_end goes into <main>. */
void page_begin(struct request *req, const char *title);
void page_end(struct request *req);

/* Serializes obj as the response body and decrefs it. */
void json_reply(struct request *req, int status, json_t *obj);

/* URL of an embedded static asset with its content hash, e.g. /static/style.1a2b3c4d5e.css */
const char *static_url(const char *name);
/* Computes the hashed names once at start. */
void static_init(void);

#endif
