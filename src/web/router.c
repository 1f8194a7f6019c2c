#include "web/router.h"

#include <string.h>

/* Matches one pattern against path; fills params on success. */
static bool match(const char *pat, const char *path, struct request *req)
{
	size_t np = 0;
	const char *params[REQ_MAX_PATH_PARAMS];
	size_t plen[REQ_MAX_PATH_PARAMS];
	while (*pat && *path) {
		if (*pat != '/' || *path != '/')
			return false;
		pat++;
		path++;
		const char *pe = strchr(pat, '/');
		size_t pl = pe ? (size_t)(pe - pat) : strlen(pat);
		const char *se = strchr(path, '/');
		size_t sl = se ? (size_t)(se - path) : strlen(path);
		if (pl >= 2 && pat[0] == '{' && pat[pl - 1] == '}') {
			if (sl == 0 || np >= REQ_MAX_PATH_PARAMS)
				return false;
			params[np] = path;
			plen[np] = sl;
			np++;
		} else if (pl != sl || strncmp(pat, path, pl) != 0) {
			return false;
		}
		pat += pl;
		path += sl;
	}
	if (*pat || *path)
		return false;
	if (req) {
		for (size_t i = 0; i < np; i++)
			req->params[i] = arena_strndup(req->arena, params[i], plen[i]);
		req->nparams = np;
	}
	return true;
}

const struct route *router_match(struct request *req, const char *method, const char *path,
				 bool *path_known_r, struct buf *allow)
{
	*path_known_r = false;
	const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		if (strcmp(r->method, m) == 0 && match(r->pattern, path, req))
			return r;
	}
	for (size_t i = 0; i < routes_count; i++) {
		const struct route *r = &routes[i];
		if (match(r->pattern, path, NULL)) {
			if (*path_known_r)
				buf_puts(allow, ", ");
			*path_known_r = true;
			buf_puts(allow, r->method);
			if (strcmp(r->method, "GET") == 0)
				buf_puts(allow, ", HEAD");
		}
	}
	return NULL;
}
