/* consent.h — informed consent, per purpose, on a case.
 *
 * Purposes: processing of her data; referral (to named organizations and/or
 * services); use in anonymized statistics.  Each record says who recorded it,
 * when and how (a signed form, or verbally with a witness, whose name is
 * sealed), and is withdrawn, never deleted.  Nothing is shared by a referral
 * without a matching, unwithdrawn referral consent (consent_covers_referral).
 */
#ifndef NADIYA_CONSENT_H
#define NADIYA_CONSENT_H

#include "model/record.h"
#include "model/service.h"

#include <stdbool.h>
#include <stdint.h>

enum consent_field {
	K_PURPOSE,
	K_ORGS,     /* organization codes, "a,b" (referral) */
	K_SERVICES, /* service codes (referral) */
	K_METHOD,
	K_GIVEN_ON,
	K_WITNESS, /* sealed */
	K_NOTE,    /* sealed */
	K__COUNT
};

extern const struct record_type consent_record;
extern const struct picklist pl_consent_purpose;
extern const struct picklist pl_consent_method;

struct consent {
	int64_t id, case_id, recorded_at, withdrawn_at;
	const char *recorded_by, *withdrawn_on;
	const char *v[K__COUNT]; /* sealed fields are "" unless opened */
	bool active;
};

/* Records a consent (policy consent.record); *id_r gets its id. */
int consent_record_add(struct svc *s, int64_t case_id, const char *const *values, int64_t *id_r);
/* Withdraws a consent (keeps the record); withdrawn_on YYYY-MM-DD, default today. */
int consent_withdraw(struct svc *s, int64_t consent_id, const char *withdrawn_on);
/* The consents of a case, newest first; sealed fields opened only with open_sealed (audited). */
int consent_list(struct svc *s, int64_t case_id, bool open_sealed, struct consent **rows_r, int *n_r);
/*
 * Whether an active referral consent of the case covers the organization and
 * every one of the services ("a,b").  A consent that names organizations
 * covers only those; one that names services covers only those; one naming
 * neither covers any referral.  Runs inside the caller's transaction.
 * 1 covered, 0 not, -1 error.
 */
int consent_covers_referral(struct db_conn *c, int64_t case_id, const char *org_code, const char *services,
			    const char **error_r);

#endif
