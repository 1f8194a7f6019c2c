/* nav.h — the main navigation, which depends on who is signed in. */
#ifndef NADIYA_NAV_H
#define NADIYA_NAV_H

#include "web/http.h"

void nav_render(struct request *req);

#endif
