/* referral-stats.h — how the referral network works, without personal data:
 * indicators per service type, organization and period, and the referrals
 * that missed their deadline.
 *
 * Policy referral.overview: managers see their own organization's referrals
 * (sent by it, or received by it); network coordinators (and the console) see
 * the whole network, as aggregates, and may narrow to one organization.
 * Nothing here names a person or a case to a coordinator.
 */
#ifndef NADIYA_REFERRAL_STATS_H
#define NADIYA_REFERRAL_STATS_H

#include "model/service.h"

#include <stdbool.h>
#include <stdint.h>

/*
 * One indicator: its value and the two counts it comes from.
 *   counts (sent, accepted, declined, expired): value = numerator = the count,
 *     denominator = referrals sent;
 *   acceptance rate: accepted / referrals that got an answer or expired
 *     (accepted + declined + expired); value the fraction;
 *   median hours to answer: over the numerator referrals answered (accepted or
 *     declined) of the denominator sent; value the median of sending to the
 *     answer, in hours;
 *   median hours to completion: over the numerator referrals completed of the
 *     denominator accepted; from sending to completion;
 *   services delivered: numerator assistance records given under these
 *     referrals, denominator referrals accepted; value = numerator.
 * has_value is false when the denominator (or, for medians, the numerator) is 0.
 */
struct indicator {
	double value;
	int64_t numerator, denominator;
	bool has_value;
};

enum referral_indicator {
	RI_SENT,
	RI_ACCEPTED,
	RI_DECLINED,
	RI_EXPIRED,
	RI_ACCEPTANCE_RATE,
	RI_MEDIAN_HOURS_TO_ANSWER,
	RI_MEDIAN_HOURS_TO_COMPLETION,
	RI_SERVICES_DELIVERED,
	RI__COUNT
};

/* JSON names of the indicators, in enum order. */
extern const char *const referral_indicator_names[RI__COUNT];
/* msgids of their labels, in enum order. */
extern const char *const referral_indicator_labels[RI__COUNT];

struct referral_stats_filter {
	const char *from, *to; /* YYYY-MM-DD, inclusive, on the day a referral was sent (UTC); "" for open */
	const char *service;   /* service code or "" for all */
	const char *org;       /* organization code; managers: always their own; "" for the network */
	const char *direction; /* "out" (sent by org, the default) or "in" (received by it) */
};

struct referral_stats_row {
	const char *service; /* a service code, or "all" for every referral once */
	struct indicator ind[RI__COUNT];
};

/*
 * The indicators for f: one row for all services together ("all") and one per
 * service that has referrals (a referral for two services counts in both).
 * SVC_INVALID (field named) for bad dates, an unknown service, organization or
 * direction; SVC_DENIED for roles without referral.overview.  Rows in s->arena.
 * *org_r gets the organization the answer is about ("" for the network).
 */
int referral_indicators(struct svc *s, const struct referral_stats_filter *f, struct referral_stats_row **rows_r,
			int *n_r, const char **org_r);

struct overdue_referral {
	int64_t id, created_at, deadline_at, age_seconds;
	const char *from_org, *to_org, *services, *urgency, *state; /* state: sent (past deadline) or expired */
	const char *case_code; /* "" unless the actor's organization sent it */
};

/* How far back expired referrals are listed as overdue. */
#define OVERDUE_WINDOW_DAYS 90

/*
 * Referrals past their deadline without an answer: still sent, or expired in
 * the last OVERDUE_WINDOW_DAYS, oldest first.  Coordinators see the network
 * without case codes; managers their organization's, with the case code of
 * those it sent.
 */
int referral_overdue(struct svc *s, int64_t now, struct overdue_referral **rows_r, int *n_r);

#endif
