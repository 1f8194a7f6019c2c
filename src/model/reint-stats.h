/* reint-stats.h — reintegration indicators, without personal data.
 *
 * For a period [from, to], an organization and a region (the case owner's
 * region), over the persons under monitoring: those with a case whose plan
 * was approved, starting on or before `to`, and not closed before `from`.
 *   persons_monitored      numerator: those persons (no denominator);
 *   followups_on_time      follow-ups done by due date + FOLLOWUP_GRACE_DAYS
 *                          over follow-ups due in the period (and by today);
 *   returned_abroad_12m    persons with a follow-up recorded "returned abroad"
 *                          within 12 months of the start of assistance (the
 *                          first approved plan's start) over persons monitored;
 *   re_trafficked          persons with a follow-up recorded "re-trafficked"
 *                          by `to`, over persons monitored;
 *   lost_contact           persons whose latest follow-up by `to` says "lost
 *                          contact", over persons monitored;
 *   score_<dim>_first, _latest, _change: the sum of the persons' scores
 *                          (thousandths) at their first and latest follow-up
 *                          by `to` with a score in the dimension, and of the
 *                          change, over those persons; value = mean (0..1).
 * Managers see their organization, in full.  Coordinators and donors see
 * aggregates only: the network (or a region) and each region, with every
 * cell whose numerator or denominator counts fewer than REINT_MIN_CELL
 * persons suppressed — value, numerator and denominator withheld.
 * Policy reintegration.indicators.
 */
#ifndef NADIYA_REINT_STATS_H
#define NADIYA_REINT_STATS_H

#include "model/service.h"

#include <stdbool.h>
#include <stdint.h>

#define REINT_MIN_CELL 5

enum reint_indicator {
	RX_MONITORED,
	RX_ON_TIME,
	RX_RETURNED_ABROAD,
	RX_RE_TRAFFICKED,
	RX_LOST_CONTACT,
	RX_SCORE_FIRST,  /* + 3 * dimension (economic, social, psychosocial, composite) */
	RX_SCORE_LATEST,
	RX_SCORE_CHANGE,
	RX__COUNT = RX_SCORE_FIRST + 12
};

struct reint_cell {
	double value;
	int64_t numerator, denominator;
	bool has_denominator; /* false for a count */
	bool has_value;       /* false when the denominator is 0 */
	bool suppressed;      /* fewer than REINT_MIN_CELL persons: nothing of it may be shown */
};

struct reint_stats {
	const char *region; /* "" for the whole */
	struct reint_cell cells[RX__COUNT];
};

struct reint_filter {
	const char *from, *to; /* YYYY-MM-DD; "" : a year back from today, today */
	const char *org;       /* organization code; "" : managers their own, others the network */
	const char *region;    /* pl_region code or "" */
};

/* JSON name and label msgid of indicator i. */
const char *reint_indicator_name(int i);
const char *reint_indicator_label(int i);

/*
 * Computes the indicators: *total for the selection and, for aggregate
 * viewers (*aggregate_r true), *by_region per region (in s->arena).
 * from_r/to_r get the period used.  SVC_INVALID for bad dates or region,
 * SVC_DENIED for an organization the actor may not see.
 */
int reint_indicators(struct svc *s, const struct reint_filter *f, struct reint_stats *total,
		     struct reint_stats **by_region_r, int *nregions_r, bool *aggregate_r, const char **from_r,
		     const char **to_r);

#endif
