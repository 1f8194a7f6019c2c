/* router.h — the route table: method + path pattern -> handler, with the
 * policy action each needs and the body it accepts.
 *
 * Patterns are literal segments and `{name}` segments matching one non-empty
 * segment, e.g. "/orgs/{code}/edit".  The table lives in routes.c, one line a
 * route, so every URL nadiya answers is in one place.
 */
#ifndef NADIYA_ROUTER_H
#define NADIYA_ROUTER_H

#include "web/http.h"

#include <stdbool.h>
#include <stddef.h>

typedef void (*handler_fn)(struct request *req);

enum body_kind {
	BODY_NONE, /* no body accepted */
	BODY_FORM, /* application/x-www-form-urlencoded, CSRF-checked */
	BODY_JSON, /* application/json (API) */
};

enum route_auth {
	AUTH_PUBLIC,  /* anyone, signed in or not */
	AUTH_PARTIAL, /* a session in any state (second factor or enrolment pending): the handler checks */
	AUTH_FULL,    /* a fully signed-in user; the route's action narrows it further */
};

struct route {
	const char *method;
	const char *pattern;
	handler_fn handler;
	enum route_auth auth;
	const char *action; /* policy action checked before the handler runs, or NULL */
	enum body_kind body;
	size_t body_max; /* bytes; 0: the configured default */
	/* Runs off the server's threads, on the slow lane (http.c): routes that hash a
	 * password, so a flood of sign-ins cannot stall the other connections. */
	bool slow;
};

extern const struct route routes[];
extern const size_t routes_count;

/*
 * Finds the route for method and path, filling req->params.  NULL when none:
 * *path_known_r tells whether another method would have matched (405), and
 * allow gets the methods that would have.
 */
const struct route *router_match(struct request *req, const char *method, const char *path,
				 bool *path_known_r, struct buf *allow);

#endif
