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

#endif
