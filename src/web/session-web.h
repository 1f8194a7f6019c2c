/* session-web.h — who is asking, for the web layer: loads the session from
 * the cookie or bearer token, enforces the route's sign-in level, CSRF and
 * policy, and offers the helpers handlers use to ask policy themselves. */
#ifndef NADIYA_SESSION_WEB_H
#define NADIYA_SESSION_WEB_H

#include "model/auth.h"
#include "model/service.h"
#include "policy/policy.h"
#include "web/http.h"

struct route;

#define SESSION_COOKIE "sid"
#define PRESESSION_COOKIE "pre"

/*
 * Runs before every handler: loads the actor, then checks the route's sign-in
 * level, CSRF token and policy action.  Returns 0 to go on, -1 when it has
 * answered (redirect, 401, 403...).
 */
int web_guard(struct request *req);

/* Policy for one record; answers 403 (audited) and returns false when denied. */
bool web_may(struct request *req, enum action act, const struct resource *res);
/* The context the auth services need, from the request. */
struct auth_ctx web_auth_ctx(struct request *req);
/* Sets the session cookie for a new token (after sign-in steps). */
void web_set_session(struct request *req, const char *token);
/* Makes sure a form shown without a session has a CSRF token (pre-session cookie). */
void web_presession(struct request *req);
/* Clears the session cookie. */
void web_clear_session(struct request *req);
/* A service frame for this request (actor, key, client address, arena). */
struct svc web_svc(struct request *req);
/*
 * Answers a failed service call: SVC_DENIED 403, SVC_NOT_FOUND 404,
 * SVC_INVALID 422 (with the problem in the user's language), SVC_CONFLICT 409,
 * SVC_ERROR 500 (logged, never shown).
 */
void web_svc_fail(struct request *req, const struct svc *s, int rc);
/* For pages reached with ?next=: a same-site path, else "/". */
const char *web_safe_next(const char *next);

#endif
