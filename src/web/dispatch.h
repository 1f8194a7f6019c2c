/* dispatch.h — what happens between "the request is read" and "the handler
 * runs": query and body parsing, who is asking, CSRF, policy. */
#ifndef NADIYA_DISPATCH_H
#define NADIYA_DISPATCH_H

#include "web/http.h"

/* Runs req->route for req, or answers the error that stops it. */
void dispatch(struct request *req);

#endif
