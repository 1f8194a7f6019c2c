/* test-policy.c — the whole policy matrix, stated independently of policy.c.
 *
 * Each row names an action by its string and gives, for every role, the
 * expected answer on four resources:
 *   o  a record of the actor's own organization (another user's account)
 *   x  a record of another organization
 *   s  the actor's own user account
 *   l  a list (no resource)
 *   a  a record of the actor's own organization that the actor is assigned to
 *   r  a record of another organization that refers it to the actor's organization
 * as six characters, 'y' allowed and '-' denied, in the order o x s l a r.
 * Every action policy.c knows must have a row here, so adding an action
 * without deciding its policy fails this test; a row for an action that no
 * longer exists fails too.
 */
#include "test.h"
#include "policy/policy.h"

#include <stdio.h>
#include <string.h>

/* Shorthands for the four scopes, as the answers they must give. */
#define ANY "yyyyyy"
#define OWN "y-yyy-"  /* own organization; a list is allowed and narrowed by the service */
#define SELF "--y---" /* only the actor's own account */
#define NO "------"
#define ASSIGNED "---yy-" /* own organization, as assigned; a list is narrowed to the assignments */
#define OWN_OR_REFERRED "y-yyyy"      /* own organization, or referred to it */
#define ASSIGNED_OR_REFERRED "---yyy" /* as assigned, or referred to the organization */
#define REFERRED "-----y"             /* only through a referral to the organization */

struct expect {
	const char *action;
	bool reauth;
	/* admin, coordinator, manager, caseworker, hotline, donor, auditor, system */
	const char *cells[ROLE__COUNT];
};

static const struct expect matrix[] = {
	/* The directory of partner organizations is open to everyone signed in. */
	{ "org.list", false, { ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY } },
	{ "org.view", false, { ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY } },
	/* Admins and the network coordinator manage organizations; only admins deactivate one. */
	{ "org.create", false, { ANY, ANY, NO, NO, NO, NO, NO, ANY } },
	{ "org.edit", false, { ANY, ANY, NO, NO, NO, NO, NO, ANY } },
	{ "org.deactivate", true, { ANY, NO, NO, NO, NO, NO, NO, ANY } },
	/* Aggregates only: donors see them, caseworkers and hotline operators have no need. */
	{ "network.growth", false, { ANY, ANY, ANY, NO, NO, ANY, NO, ANY } },
	/* Managers see the users of their own organization; the others only their own account. */
	{ "user.list", false, { ANY, NO, OWN, NO, NO, NO, NO, ANY } },
	{ "user.view", false, { ANY, NO, OWN, SELF, SELF, SELF, SELF, ANY } },
	{ "user.create", false, { ANY, NO, NO, NO, NO, NO, NO, ANY } },
	{ "user.edit", false, { ANY, NO, NO, NO, NO, NO, NO, ANY } },
	{ "user.set_role", true, { ANY, NO, NO, NO, NO, NO, NO, ANY } },
	{ "user.disable", true, { ANY, NO, NO, NO, NO, NO, NO, ANY } },
	{ "user.reset", true, { ANY, NO, NO, NO, NO, NO, NO, ANY } },
	/* The trail is for auditors: administrators, whose actions it records, do not read it. */
	{ "audit.view", false, { NO, NO, NO, NO, NO, NO, ANY, ANY } },
	{ "audit.verify", false, { NO, NO, NO, NO, NO, NO, ANY, ANY } },
	/* Everyone manages their own account (password, language, second factor); the console has none. */
	{ "self.manage", false, { SELF, SELF, SELF, SELF, SELF, SELF, SELF, NO } },
	/* Case content: the owner organization's managers, its caseworkers and hotline operators as
	 * assigned; administrators, coordinators, donors and auditors never. */
	{ "case.create", false, { NO, NO, OWN, OWN, OWN, NO, NO, ANY } },
	{ "case.list", false, { NO, NO, OWN, ASSIGNED, ASSIGNED, NO, NO, ANY } },
	{ "case.view", false, { NO, NO, OWN_OR_REFERRED, ASSIGNED_OR_REFERRED, ASSIGNED, NO, NO, ANY } },
	/* The owner's internal records: never through a referral. */
	{ "case.records", false, { NO, NO, OWN, ASSIGNED, ASSIGNED, NO, NO, ANY } },
	{ "case.edit", false, { NO, NO, OWN, ASSIGNED, ASSIGNED, NO, NO, ANY } },
	{ "case.assign", false, { NO, NO, OWN, NO, NO, NO, NO, ANY } },
	{ "case.reveal", true, { NO, NO, OWN, ASSIGNED, ASSIGNED, NO, NO, ANY } },
	{ "case.note", false, { NO, NO, OWN, ASSIGNED, ASSIGNED, NO, NO, ANY } },
	{ "consent.record", false, { NO, NO, OWN, ASSIGNED, ASSIGNED, NO, NO, ANY } },
	{ "consent.override", true, { NO, NO, OWN, NO, NO, NO, NO, NO } },
	{ "screening.record", false, { NO, NO, OWN, ASSIGNED, ASSIGNED, NO, NO, ANY } },
	{ "screening.evaluate", false, { ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY } },
	/* Referrals: the case's organization sends and cancels; the receiving one answers. */
	{ "referral.send", false, { NO, NO, OWN, ASSIGNED, NO, NO, NO, NO } },
	{ "referral.cancel", false, { NO, NO, OWN, ASSIGNED, NO, NO, NO, NO } },
	{ "referral.answer", false, { NO, NO, REFERRED, REFERRED, NO, NO, NO, NO } },
	{ "referral.list", false, { NO, NO, OWN, OWN, NO, NO, NO, ANY } },
	{ "referral.overview", false, { NO, ANY, OWN, NO, NO, NO, NO, ANY } },
	{ "assistance.record", false, { NO, NO, OWN_OR_REFERRED, ASSIGNED_OR_REFERRED, NO, NO, NO, ANY } },
	{ "directory.view", false, { ANY, ANY, ANY, ANY, ANY, ANY, ANY, ANY } },
	{ "directory.edit", false, { ANY, ANY, OWN, NO, NO, NO, NO, ANY } },
	/* Reintegration: the case's caseworkers plan and record follow-ups; its managers approve plans,
	 * closures and reopenings; coordinators and donors see indicators (aggregates) only. */
	{ "plan.edit", false, { NO, NO, OWN, ASSIGNED, NO, NO, NO, ANY } },
	{ "plan.approve", false, { NO, NO, OWN, NO, NO, NO, NO, NO } },
	{ "followup.record", false, { NO, NO, OWN, ASSIGNED, NO, NO, NO, ANY } },
	{ "case.close_request", false, { NO, NO, OWN, ASSIGNED, NO, NO, NO, NO } },
	{ "case.close_approve", false, { NO, NO, OWN, NO, NO, NO, NO, NO } },
	{ "case.reopen", false, { NO, NO, OWN, NO, NO, NO, NO, NO } },
	{ "reintegration.indicators", false, { NO, ANY, OWN, NO, NO, ANY, NO, ANY } },
};
#define NMATRIX (sizeof matrix / sizeof matrix[0])

static const struct expect *expect_for(const char *name)
{
	for (size_t i = 0; i < NMATRIX; i++)
		if (strcmp(matrix[i].action, name) == 0)
			return &matrix[i];
	return NULL;
}

static void test_every_action_has_a_row(void)
{
	test_begin("policy: every action has a row in the expected matrix, and every row an action");
	for (int act = 0; act < A__COUNT; act++) {
		const char *name = policy_action_name((enum action)act);
		bool known = strcmp(name, "unknown") != 0;
		if (!known || expect_for(name) == NULL)
			printf("  action %d (%s) has no decided policy in tests/unit/test-policy.c\n", act, name);
		test_assert(known);
		test_assert(expect_for(name) != NULL);
		test_assert(policy_action_by_name(name) == act);
	}
	for (size_t i = 0; i < NMATRIX; i++) {
		if (policy_action_by_name(matrix[i].action) < 0)
			printf("  row %s names no action\n", matrix[i].action);
		test_assert(policy_action_by_name(matrix[i].action) >= 0);
	}
	test_assert(policy_action_by_name("no.such.action") == -1);
	test_end();
}

static void test_matrix_cells(void)
{
	test_begin("policy: every role x action x resource answers as stated");
	int checked = 0;
	for (int act = 0; act < A__COUNT; act++) {
		const struct expect *e = expect_for(policy_action_name((enum action)act));
		if (e == NULL)
			continue; /* reported by the test above */
		test_assert(policy_needs_reauth((enum action)act) == e->reauth);
		for (int role = 0; role < ROLE__COUNT; role++) {
			/* The same person in every role: user 7 of organization 1. */
			struct actor a = { .user_id = 7, .org_id = 1, .role = (enum role)role, .email = "a@example.org" };
			const struct resource own_org = { .org_id = 1, .user_id = 8 };
			const struct resource other_org = { .org_id = 2, .user_id = 9 };
			const struct resource self = { .org_id = 1, .user_id = 7 };
			const struct resource assigned = { .org_id = 1, .user_id = 8, .assigned = true };
			const struct resource referred = { .org_id = 2, .user_id = 9, .referred = true };
			const struct resource *res[6] = { &own_org, &other_org, &self, NULL, &assigned, &referred };
			const char *cell = e->cells[role];
			test_assert(cell != NULL && strlen(cell) == 6);
			if (cell == NULL || strlen(cell) != 6)
				continue;
			for (int k = 0; k < 6; k++) {
				bool want = cell[k] == 'y';
				bool got = policy_may(&a, (enum action)act, res[k]);
				if (got != want)
					printf("  %s as %s on %s: expected %s, policy says %s\n", e->action,
					       role_code((enum role)role), (const char *[]){ "own org", "other org", "self", "list", "assigned", "referred" }[k],
					       want ? "allow" : "deny", got ? "allow" : "deny");
				test_assert(got == want);
				checked++;
			}
		}
	}
	test_assert(checked == A__COUNT * ROLE__COUNT * 6);
	test_end();
}

static void test_edges(void)
{
	test_begin("policy: no actor, unknown role or action, console without account");
	const struct resource r = { .org_id = 1, .user_id = 7 };
	for (int act = 0; act < A__COUNT; act++)
		test_assert(!policy_may(NULL, (enum action)act, &r) && !policy_may(NULL, (enum action)act, NULL));
	struct actor bad = { .user_id = 7, .org_id = 1, .role = ROLE__COUNT };
	test_assert(!policy_may(&bad, A_ORG_LIST, NULL));
	struct actor admin = { .user_id = 7, .org_id = 1, .role = ROLE_ADMIN };
	test_assert(!policy_may(&admin, A__COUNT, NULL));
	test_assert(!policy_may(&admin, (enum action)-1, NULL));
	test_assert(strcmp(policy_action_name(A__COUNT), "unknown") == 0);
	/* Account-only actions need an account: user id 0 never matches itself. */
	struct actor nobody = { .user_id = 0, .org_id = 0, .role = ROLE_CASEWORKER };
	const struct resource zero = { .org_id = 0, .user_id = 0 };
	test_assert(!policy_may(&nobody, A_SELF_MANAGE, &zero));
	test_assert(!policy_may(&nobody, A_USER_VIEW, &zero));
	/* The console actor CLI commands use. */
	const struct actor *con = actor_console();
	test_assert(con->role == ROLE_SYSTEM);
	test_assert(policy_may(con, A_USER_CREATE, &r) && policy_may(con, A_ORG_CREATE, NULL));
	test_assert(policy_may(con, A_AUDIT_VERIFY, NULL));
	test_assert(!policy_may(con, A_SELF_MANAGE, &zero));
	/* Lists filter by scope. */
	struct actor manager = { .user_id = 7, .org_id = 1, .role = ROLE_MANAGER };
	test_assert(policy_scope(&manager, A_USER_LIST) == SCOPE_OWN_ORG);
	test_assert(policy_scope(&admin, A_USER_LIST) == SCOPE_ANY);
	test_assert(policy_scope(&admin, A_AUDIT_VIEW) == SCOPE_NONE);
	test_end();
}

void test_suite_policy(void)
{
	test_every_action_has_a_row();
	test_matrix_cells();
	test_edges();
}
