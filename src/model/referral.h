/* referral.h — handing a person to another organization for what it cannot
 * give itself, with nothing shared beyond what is needed.
 *
 * A referral goes from a case's organization to another organization's
 * inbox (not one user) for one or more services of the directory, with a
 * reason and an urgency.  The sender chooses exactly which fields go with it
 * (by default the minimum: case code, age band, sex, languages, needs, safe
 * contact method); the organization and the services must be covered by the person's referral
 * consent unless a manager overrides it with a reason, after confirming the
 * password.  States:
 *     sent -> accepted | declined | expired | cancelled
 *     accepted -> in_progress -> completed | closed_unfinished
 * (accepted may also be completed, closed unfinished or cancelled).  Every
 * transition is a conditional update, so two people answering at once get
 * one success and one conflict.  The receiving organization sees the shared
 * fields while the referral is open, and for 30 days after it is completed or
 * closed unfinished; a declined, cancelled or expired referral ends it at once.
 */
#ifndef NADIYA_REFERRAL_H
#define NADIYA_REFERRAL_H

#include "model/picklist.h"
#include "model/service.h"

#include <stdbool.h>
#include <stdint.h>

extern const struct picklist pl_urgency;
extern const struct picklist pl_referral_state;
/* The fields a referral may share, by name. */
extern const struct picklist pl_shareable;
/* The default, minimal set of shared fields. */
#define REFERRAL_MINIMUM_FIELDS "case_code,age_band,gender,languages,needs,safe_contact"

/* One transition of a referral: when, by whom (display name and organization code, "console"), from, to. */
struct referral_event {
	int64_t at;
	const char *by, *by_org, *from_state, *to_state;
};

struct referral {
	int64_t id, case_id, from_org_id, to_org_id, deadline_at, answered_at, closed_at, visible_until, created_at,
		version;
	const char *case_code, *from_org, *to_org, *services, *urgency, *state, *shared_fields;
	bool consent_override;
	/* sealed, opened for the sender's and receiver's users only (override_reason for the sender only) */
	const char *reason, *decline_reason, *outcome, *override_reason;
	/* referral_get only: every transition, oldest first, and what the actor may do with it now */
	const struct referral_event *events;
	int nevents;
	bool may_answer, may_cancel;
};

struct referral_new {
	int64_t case_id;
	const char *to_org;        /* organization code */
	const char *services;      /* "shelter,medical" */
	const char *shared_fields; /* NULL: the minimum */
	const char *reason;
	const char *urgency;       /* emergency, urgent, normal */
	bool override_consent;
	const char *override_reason;
};

int referral_create(struct svc *s, const struct referral_new *n, int64_t *id_r);

/*
 * A transition: "accept", "decline" (reason required), "start", "complete"
 * (outcome required), "close" (closed unfinished, reason required), "cancel"
 * (by the sender).  SVC_CONFLICT with s->problem naming the current state
 * when the referral is no longer in a state the transition starts from.
 */
int referral_transition(struct svc *s, int64_t id, const char *action, const char *text);

/* One referral the actor's organization sent or receives (else SVC_NOT_FOUND), its texts opened, with its events. */
int referral_get(struct svc *s, int64_t id, struct referral *r);

struct referral_filter {
	const char *direction; /* "in" (to the actor's organization), "out", or NULL/"" for both */
	const char *state;     /* "" for all */
	int64_t case_id;       /* 0 for every case */
	int limit, offset;
};
/* Newest first; sealed texts are not opened.  The console sees every organization's. */
int referral_list(struct svc *s, const struct referral_filter *f, struct referral **rows_r, int *n_r, bool *more_r);

/* Expires referrals past their deadline (console actor); answers how many.  Safe from several processes. */
int referral_expire_due(struct svc *s, int64_t now, int *expired_r);

/* Whether the actor's organization receives a referral of the case it may still see; and the fields shared. */
int referral_access(struct db_conn *c, int64_t case_id, int64_t org_id, int64_t now, const char **fields_r,
		    struct arena *a, const char **error_r);

/* The same for a person, through any of her cases. */
int referral_person_access(struct db_conn *c, int64_t person_id, int64_t org_id, int64_t now, const char **fields_r,
			   struct arena *a, const char **error_r);
/* Blanks the person values (person_field order) a referral does not share. */
void referral_mask_person(const char *shared, const char **v);
/* Whether a shared-fields list holds a field ("names", "needs"...). */
bool referral_shares(const char *shared, const char *field);

/* Deadline for a service and urgency, from data/referral_deadlines.csv (hours). */
int64_t referral_deadline_hours(const char *services, const char *urgency);

#endif
