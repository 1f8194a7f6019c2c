/* plan.h — the reintegration plan of a case, agreed with the person.
 *
 * Goals in the economic, social and psychosocial dimensions (the goal's
 * words sealed), the services planned for each (pl_service codes, optionally
 * through one of the case's referrals), the responsible caseworker (a user
 * of the case's organization), the start of assistance and a review date.
 * States: draft -> pending (submitted) -> approved (by a manager).  Plans
 * are versioned: editing an approved plan makes version_no + 1 in draft,
 * which needs approval again; approving it supersedes the old one and
 * reschedules the follow-ups that were not recorded yet.  Every version is
 * kept.  Policy: plan.edit to write and submit, plan.approve to approve,
 * case.view to read.
 */
#ifndef NADIYA_PLAN_H
#define NADIYA_PLAN_H

#include "model/picklist.h"
#include "model/record.h"
#include "model/service.h"

#include <stdbool.h>
#include <stdint.h>

extern const struct picklist pl_reint_dimension; /* economic, social, psychosocial */
extern const struct picklist pl_plan_state;      /* draft, pending, approved, superseded */

#define PLAN_MAX_GOALS 30

/* The plan's own fields, for forms and JSON (goals travel apart). */
enum plan_field { PF_RESPONSIBLE, PF_START, PF_REVIEW, PF__COUNT };
extern const struct record_type plan_form;

struct plan_goal {
	int64_t id;
	const char *dimension;
	const char *text; /* sealed; "" unless opened */
	const char *services; /* "legal,medical" */
	int64_t referral_id;  /* 0: none */
};

struct plan {
	int64_t id, case_id, version_no, responsible_user_id, created_at, approved_at, updated_at, version;
	const char *case_code, *state, *start_on, *review_on, *responsible, *created_by, *approved_by;
	const struct plan_goal *goals;
	int ngoals;
	/* what the actor may do with it now (plan_get) */
	bool may_edit, may_submit, may_approve;
};

/* What a form or a JSON body gives; NULL members are left as they are (on create: defaults). */
struct plan_input {
	int64_t case_id;             /* create only */
	int64_t responsible_user_id; /* 0: unchanged (create: the actor when a caseworker) */
	const char *start_on;        /* "" on create: the first assistance record's date, else today */
	const char *review_on;
	bool goals_given;            /* replace the goals with these */
	const struct plan_goal *goals;
	int ngoals;
};

/* A new plan (version 1, draft) for a case that has none; SVC_CONFLICT when it has one. */
int plan_create(struct svc *s, const struct plan_input *in, int64_t *id_r);
/*
 * Changes a plan, guarded by version (0 skips the check).  A draft or
 * pending plan changes in place (pending goes back to draft); an approved
 * one gets a new draft version, whose id *id_r answers.  A superseded
 * version, or an approved one with a newer version already open, is
 * SVC_CONFLICT.
 */
int plan_update(struct svc *s, int64_t id, int64_t version, const struct plan_input *in, int64_t *id_r);
/* draft -> pending; needs at least one goal and a responsible caseworker. */
int plan_submit(struct svc *s, int64_t id);
/* pending -> approved (managers); schedules the follow-ups, *scheduled_r how many. */
int plan_approve(struct svc *s, int64_t id, int *scheduled_r);
/* One plan with its goals opened (audited as plan.view). */
int plan_get(struct svc *s, int64_t id, struct plan *p);
/* Every version of a case's plan, newest first, goals not opened. */
int plan_list(struct svc *s, int64_t case_id, struct plan **rows_r, int *n_r);

#endif
