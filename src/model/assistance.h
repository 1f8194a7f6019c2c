/* assistance.h — the services actually delivered to a person.
 *
 * Each record says what was given (a service of the taxonomy), by which
 * organization, on which day, how much (a quantity and its unit: sessions,
 * days, nights, hours, items), what it cost (stored as whole cents with its
 * currency) and who paid (funding source, free text for now).  Records are
 * kept, never edited.
 *
 * Who records: the case's own organization (policy assistance.record:
 * managers, assigned caseworkers), for any provider; or a receiving
 * organization under a referral of the case it has accepted (accepted or in
 * progress), for what it gave itself.  A referral only sent, or already
 * closed, answers SVC_CONFLICT.  Who reads: the owner organization sees every
 * record of the case; a receiving organization with a live referral sees only
 * the records it gave or recorded under its referrals.
 */
#ifndef NADIYA_ASSISTANCE_H
#define NADIYA_ASSISTANCE_H

#include "model/record.h"
#include "model/service.h"

#include <stdbool.h>
#include <stdint.h>

enum assistance_field {
	AS_CASE,     /* case id */
	AS_SERVICE,
	AS_PROVIDER, /* organization code; "" for the actor's own */
	AS_DELIVERED_ON,
	AS_QUANTITY,
	AS_UNIT,
	AS_COST,     /* decimal, at most two places: "1250.50" */
	AS_CURRENCY,
	AS_FUNDING,
	AS_REFERRAL, /* referral id, or "" */
	AS__COUNT
};

extern const struct record_type assistance_record;
extern const struct picklist pl_assistance_unit;
extern const struct picklist pl_currency;

struct assistance {
	int64_t id, case_id, referral_id, provider_org_id, recorded_at;
	int64_t quantity;   /* -1 when not given */
	int64_t cost_cents; /* -1 when not given */
	const char *service, *provider, *delivered_on, *unit, *currency, *funding_source, *recorded_by;
};

/*
 * Parses an amount ("1250", "1250.5", "1250.50") into cents; -1 when it is not
 * a non-negative amount with at most two decimal places (or is too large).
 */
int64_t assistance_parse_cost(const char *text);
/* cents as "1250.50", in a */
const char *assistance_cost_text(struct arena *a, int64_t cents);

/* Records what was delivered; values in field order (canonical, NULL or "" for empty).  *id_r gets the id. */
int assistance_record_add(struct svc *s, const char *const *values, int64_t *id_r);

/*
 * The records of a case the actor may read (see above), newest delivery
 * first, in s->arena.  *may_record_r (optional) tells whether the actor may
 * record assistance on the case now.
 */
int assistance_list(struct svc *s, int64_t case_id, struct assistance **rows_r, int *n_r, bool *may_record_r);

#endif
