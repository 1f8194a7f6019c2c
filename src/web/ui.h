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
void ui_signin_page(struct request *req);
void ui_signin_submit(struct request *req);
void ui_signin_code_page(struct request *req);
void ui_signin_code_submit(struct request *req);
void ui_signout(struct request *req);
void ui_reauth_page(struct request *req);
void ui_reauth_submit(struct request *req);
void ui_account(struct request *req);
void ui_account_language(struct request *req);
void ui_account_password(struct request *req);
void ui_account_2fa_page(struct request *req);
void ui_account_2fa_submit(struct request *req);
void ui_account_recovery_codes(struct request *req);
void api_session_create(struct request *req);
void api_me(struct request *req);
void api_session_delete(struct request *req);
void api_session_reauth(struct request *req);
/* ui-org.c, api-org.c */
/* ui-user.c, api-user.c */
/* ui-audit.c, api-audit.c */

#endif
