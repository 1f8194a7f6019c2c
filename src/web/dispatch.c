#include "web/dispatch.h"
#include "base/str.h"
#include "web/form.h"
#include "web/router.h"
#include "web/session-web.h"
#include "web/web.h"

#include <string.h>
#include <strings.h>

static bool content_type_is(struct request *req, const char *want)
{
	const char *ct = req_header(req, "Content-Type");
	if (ct == NULL)
		return false;
	size_t n = strlen(want);
	return strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static int parse_body(struct request *req)
{
	const char *err;
	switch (req->route->body) {
	case BODY_NONE:
		return 0;
	case BODY_FORM:
		if (req->body.len > 0 && !content_type_is(req, "application/x-www-form-urlencoded")) {
			web_error(req, 415, N_("Send the form as application/x-www-form-urlencoded."), NULL);
			return -1;
		}
		if (form_parse_urlencoded(req->arena, req->body.data, req->body.len, &req->form, &err) < 0) {
			web_error(req, 400, err, NULL);
			return -1;
		}
		return 0;
	case BODY_JSON: {
		if (!content_type_is(req, "application/json")) {
			web_error(req, 415, N_("Send the body as application/json."), NULL);
			return -1;
		}
		json_error_t jerr;
		if (!str_valid_utf8_text(req->body.data, req->body.len, true)) {
			web_error(req, 400, N_("The JSON body is not valid UTF-8 text."), NULL);
			return -1;
		}
		req->json = json_loadb(req->body.data, req->body.len, JSON_REJECT_DUPLICATES, &jerr);
		if (req->json == NULL || !json_is_object(req->json)) {
			web_error(req, 400, N_("The JSON body is malformed: an object is expected."), NULL);
			return -1;
		}
		return 0;
	}
	}
	return 0;
}

void dispatch(struct request *req)
{
	const char *err;
	if (form_parse_urlencoded(req->arena, req->raw_query, strlen(req->raw_query), &req->query, &err) < 0) {
		web_error(req, 400, err, NULL);
		return;
	}
	if (parse_body(req) < 0)
		return;
	if (web_guard(req) < 0)
		return;
	req->route->handler(req);
}
