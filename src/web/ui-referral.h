/* ui-referral.h — what the referral pages (ui-referral.c, ui-referral-new.c) share. */
#ifndef NADIYA_UI_REFERRAL_H
#define NADIYA_UI_REFERRAL_H

#include "model/picklist.h"
#include "web/http.h"

#include <stdint.h>

/* A comma list of codes ("shelter,legal") as their labels in the user's language ("Shelter, Legal aid"). */
const char *ui_referral_labels(struct request *req, const struct picklist *pl, const char *list);
/* "/referrals/ID" + suffix, in req->arena. */
const char *ui_referral_path(struct request *req, int64_t id, const char *suffix);

#endif
