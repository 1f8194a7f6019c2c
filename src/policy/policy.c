#include "policy/policy.h"

#include <string.h>

struct rule {
	const char *name;
	bool reauth;
	unsigned char scope[ROLE__COUNT];
	/* Also granted to the managers and caseworkers of an organization that
	 * receives a live referral of the record (resource.referred). */
	bool via_referral;
};

#define NO SCOPE_NONE
#define OWN SCOPE_OWN_ORG
#define ANY SCOPE_ANY
#define SELF SCOPE_SELF
#define ASG SCOPE_ASSIGNED

/*                      admin coord manager casewk hotline donor auditor system */
#define R(...) { __VA_ARGS__ }
static const struct rule rules[A__COUNT] = {
	[A_ORG_LIST]       = { "org.list",       false, R(ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY) },
	[A_ORG_VIEW]       = { "org.view",       false, R(ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY) },
	[A_ORG_CREATE]     = { "org.create",     false, R(ANY, ANY, NO, NO, NO, NO, NO, ANY) },
	[A_ORG_EDIT]       = { "org.edit",       false, R(ANY, ANY, NO, NO, NO, NO, NO, ANY) },
	[A_ORG_DEACTIVATE] = { "org.deactivate", true,  R(ANY, NO, NO, NO, NO, NO, NO, ANY) },
	[A_NETWORK_GROWTH] = { "network.growth", false, R(ANY, ANY, ANY, NO, NO, ANY, NO, ANY) },
	[A_USER_LIST]      = { "user.list",      false, R(ANY, NO, OWN, NO, NO, NO, NO, ANY) },
	[A_USER_VIEW]      = { "user.view",      false, R(ANY, NO, OWN, SELF, SELF, SELF, SELF, ANY) },
	[A_USER_CREATE]    = { "user.create",    false, R(ANY, NO, NO, NO, NO, NO, NO, ANY) },
	[A_USER_EDIT]      = { "user.edit",      false, R(ANY, NO, NO, NO, NO, NO, NO, ANY) },
	[A_USER_SET_ROLE]  = { "user.set_role",  true,  R(ANY, NO, NO, NO, NO, NO, NO, ANY) },
	[A_USER_DISABLE]   = { "user.disable",   true,  R(ANY, NO, NO, NO, NO, NO, NO, ANY) },
	[A_USER_RESET]     = { "user.reset",     true,  R(ANY, NO, NO, NO, NO, NO, NO, ANY) },
	[A_AUDIT_VIEW]     = { "audit.view",     false, R(NO, NO, NO, NO, NO, NO, ANY, ANY) },
	[A_AUDIT_VERIFY]   = { "audit.verify",   false, R(NO, NO, NO, NO, NO, NO, ANY, ANY) },
	[A_SELF_MANAGE]    = { "self.manage",    false, R(SELF, SELF, SELF, SELF, SELF, SELF, SELF, NO) },
	/* Cases: only the owner organization, caseworkers and hotline operators as assigned.
	 * Administrators, coordinators, donors and auditors never see case content. */
	[A_CASE_CREATE]    = { "case.create",    false, R(NO, NO, OWN, OWN, OWN, NO, NO, ANY) },
	[A_CASE_LIST]      = { "case.list",      false, R(NO, NO, OWN, ASG, ASG, NO, NO, ANY) },
	[A_CASE_VIEW]      = { "case.view",      false, R(NO, NO, OWN, ASG, ASG, NO, NO, ANY), true },
	/* The owner's own records of a case (notes, history, consents, screenings, plans, follow-ups,
	 * closures): never through a referral, which shares only its chosen fields. */
	[A_CASE_RECORDS]   = { "case.records",   false, R(NO, NO, OWN, ASG, ASG, NO, NO, ANY) },
	[A_CASE_EDIT]      = { "case.edit",      false, R(NO, NO, OWN, ASG, ASG, NO, NO, ANY) },
	[A_CASE_ASSIGN]    = { "case.assign",    false, R(NO, NO, OWN, NO, NO, NO, NO, ANY) },
	[A_CASE_REVEAL]    = { "case.reveal",    true,  R(NO, NO, OWN, ASG, ASG, NO, NO, ANY) },
	[A_CASE_NOTE]      = { "case.note",      false, R(NO, NO, OWN, ASG, ASG, NO, NO, ANY) },
	[A_CONSENT_RECORD] = { "consent.record", false, R(NO, NO, OWN, ASG, ASG, NO, NO, ANY) },
	/* Sharing without consent is a manager's decision, with a reason, never the console's. */
	[A_CONSENT_OVERRIDE] = { "consent.override", true, R(NO, NO, OWN, NO, NO, NO, NO, NO) },
	[A_SCREENING_RECORD] = { "screening.record", false, R(NO, NO, OWN, ASG, ASG, NO, NO, ANY) },
	/* The rule itself holds no personal data: any signed-in tool may use it. */
	[A_SCREENING_EVALUATE] = { "screening.evaluate", false, R(ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY) },
	/* Referrals: sent by the case's organization, answered by the receiving one. */
	[A_REFERRAL_SEND]   = { "referral.send",   false, R(NO, NO, OWN, ASG, NO, NO, NO, NO) },
	[A_REFERRAL_CANCEL] = { "referral.cancel", false, R(NO, NO, OWN, ASG, NO, NO, NO, NO) },
	[A_REFERRAL_ANSWER] = { "referral.answer", false, R(NO, NO, NO, NO, NO, NO, NO, NO), true },
	[A_REFERRAL_LIST]   = { "referral.list",   false, R(NO, NO, OWN, OWN, NO, NO, NO, ANY) },
	/* Overdue referrals and indicators without personal data: coordinators see the network. */
	[A_REFERRAL_OVERVIEW] = { "referral.overview", false, R(NO, ANY, OWN, NO, NO, NO, NO, ANY) },
	[A_ASSISTANCE_RECORD] = { "assistance.record", false, R(NO, NO, OWN, ASG, NO, NO, NO, ANY), true },
	[A_DIRECTORY_VIEW]  = { "directory.view",  false, R(ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY) },
	[A_DIRECTORY_EDIT]  = { "directory.edit",  false, R(ANY, ANY, OWN, NO, NO, NO, NO, ANY) },
	/* Reintegration: plans and follow-ups by the case's caseworkers, approvals by its managers
	 * (decisions, never the console's); indicators without personal data for the network. */
	[A_PLAN_EDIT]       = { "plan.edit",       false, R(NO, NO, OWN, ASG, NO, NO, NO, ANY) },
	[A_PLAN_APPROVE]    = { "plan.approve",    false, R(NO, NO, OWN, NO, NO, NO, NO, NO) },
	[A_FOLLOWUP_RECORD] = { "followup.record", false, R(NO, NO, OWN, ASG, NO, NO, NO, ANY) },
	[A_CASE_CLOSE_REQUEST] = { "case.close_request", false, R(NO, NO, OWN, ASG, NO, NO, NO, NO) },
	[A_CASE_CLOSE_APPROVE] = { "case.close_approve", false, R(NO, NO, OWN, NO, NO, NO, NO, NO) },
	[A_CASE_REOPEN]     = { "case.reopen",     false, R(NO, NO, OWN, NO, NO, NO, NO, NO) },
	[A_REINT_INDICATORS] = { "reintegration.indicators", false, R(NO, ANY, OWN, NO, NO, ANY, NO, ANY) },
};

enum scope policy_scope(const struct actor *a, enum action act)
{
	if (a == NULL || (unsigned)act >= A__COUNT || (unsigned)a->role >= ROLE__COUNT || rules[act].name == NULL)
		return SCOPE_NONE;
	return (enum scope)rules[act].scope[a->role];
}

bool policy_may(const struct actor *a, enum action act, const struct resource *r)
{
	if (r && r->referred && a && (unsigned)act < A__COUNT && rules[act].via_referral &&
	    (a->role == ROLE_MANAGER || a->role == ROLE_CASEWORKER))
		return true;
	switch (policy_scope(a, act)) {
	case SCOPE_NONE:
		return false;
	case SCOPE_ANY:
		return true;
	case SCOPE_OWN_ORG:
		/* No resource: the action is a list, which the service narrows to the own organization. */
		return r == NULL || r->org_id == 0 || r->org_id == a->org_id;
	case SCOPE_SELF:
		return r != NULL && r->user_id != 0 && r->user_id == a->user_id;
	case SCOPE_ASSIGNED:
		/* No resource, or one not about a record (org_id 0, as the route guard asks): a list,
		 * or the coarse "may this role do this at all"; services ask again about the record. */
		return r == NULL || r->org_id == 0 || (r->org_id == a->org_id && r->assigned);
	}
	return false;
}

bool policy_needs_reauth(enum action act)
{
	return (unsigned)act < A__COUNT && rules[act].reauth;
}

const char *policy_action_name(enum action act)
{
	return (unsigned)act < A__COUNT && rules[act].name ? rules[act].name : "unknown";
}

int policy_action_by_name(const char *name)
{
	for (int i = 0; i < A__COUNT; i++)
		if (rules[i].name && strcmp(rules[i].name, name) == 0)
			return i;
	return -1;
}
