/* ui.h — the handlers of every page and API resource, for the route table. */
#ifndef NADIYA_UI_H
#define NADIYA_UI_H

#include "web/http.h"

/* ui-home.c */
void ui_home(struct request *req);
void ui_lang(struct request *req);
void ui_healthz(struct request *req);
void ui_metrics(struct request *req);
/* static.c */
void ui_static(struct request *req);
/* ui-signin.c, ui-account.c, api-session.c */
/* ui-org.c, api-org.c */
/* ui-user.c, api-user.c */
/* ui-audit.c, api-audit.c */

#endif
