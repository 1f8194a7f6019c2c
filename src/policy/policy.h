/* policy.h — the one deny-by-default decision: may this actor do this action
 * on this resource?
 *
 * Every action has one row in the rule table (policy.c) giving, per role, the
 * scope in which it is allowed: nowhere, within the actor's own organization,
 * as assigned within it, anywhere, or only on the actor's own account.  A
 * missing row denies everything and fails the unit test that checks every
 * action has a named row; the matrix test in tests/unit/test-policy.c states the expected
 * answer of every cell independently.  Later resources (cases, referrals)
 * extend struct resource; the function stays the only place that decides.
 */
#ifndef NADIYA_POLICY_H
#define NADIYA_POLICY_H

#include "model/actor.h"

#include <stdbool.h>
#include <stdint.h>

enum action {
	A_ORG_LIST,
	A_ORG_VIEW,
	A_ORG_CREATE,
	A_ORG_EDIT,
	A_ORG_DEACTIVATE,
	A_NETWORK_GROWTH,
	A_USER_LIST,
	A_USER_VIEW,
	A_USER_CREATE,
	A_USER_EDIT,
	A_USER_SET_ROLE,
	A_USER_DISABLE,
	A_USER_RESET,
	A_AUDIT_VIEW,
	A_AUDIT_VERIFY,
	A_SELF_MANAGE,
	A_CASE_CREATE,
	A_CASE_LIST,
	A_CASE_VIEW,
	A_CASE_RECORDS,
	A_CASE_EDIT,
	A_CASE_ASSIGN,
	A_CASE_REVEAL,
	A_CASE_NOTE,
	A_CONSENT_RECORD,
	A_CONSENT_OVERRIDE,
	A_SCREENING_RECORD,
	A_SCREENING_EVALUATE,
	A_REFERRAL_SEND,
	A_REFERRAL_CANCEL,
	A_REFERRAL_ANSWER,
	A_REFERRAL_LIST,
	A_REFERRAL_OVERVIEW,
	A_ASSISTANCE_RECORD,
	A_DIRECTORY_VIEW,
	A_DIRECTORY_EDIT,
	/* reintegration monitoring (plan.c, followup.c, closure.c, reint-stats.c) */
	A_PLAN_EDIT,
	A_PLAN_APPROVE,
	A_FOLLOWUP_RECORD,
	A_CASE_CLOSE_REQUEST,
	A_CASE_CLOSE_APPROVE,
	A_CASE_REOPEN,
	A_REINT_INDICATORS,
	A__COUNT
};

enum scope {
	SCOPE_NONE = 0,
	SCOPE_OWN_ORG,  /* records of the actor's organization */
	SCOPE_ANY,
	SCOPE_SELF,     /* the actor's own account */
	SCOPE_ASSIGNED, /* records of the actor's organization that the actor is assigned to */
};

struct resource {
	int64_t org_id;  /* owner organization, 0 when the action is not about one record */
	int64_t user_id; /* the user account concerned, for SCOPE_SELF */
	bool assigned;   /* the actor is assigned to this case (or created this person), for SCOPE_ASSIGNED */
	bool referred;   /* the actor's organization receives a live referral of this case */
};

bool policy_may(const struct actor *a, enum action act, const struct resource *r);
/* The scope of an action for the actor's role (lists filter by it). */
enum scope policy_scope(const struct actor *a, enum action act);
/* Actions that need the password confirmed within the last few minutes. */
bool policy_needs_reauth(enum action act);
const char *policy_action_name(enum action act);
/* -1 when unknown. */
int policy_action_by_name(const char *name);

#define REAUTH_SECONDS 300

#endif
