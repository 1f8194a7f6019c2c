/* case.h — the case: one person's path through the network's help.
 *
 * The owner organization, assigned caseworkers, a human-readable code with
 * no personal data (UA-TE-2026-00042: country, owner's region, year,
 * sequence), status as in HTCDS, dates, the trafficking experience in HTCDS
 * terms, a needs assessment, sealed free text, a timeline of sealed notes and
 * the history of every change.  Access: policy case.* with the case's owner
 * organization and whether the actor is assigned to it.
 */
#ifndef NADIYA_CASE_H
#define NADIYA_CASE_H

#include "model/record.h"
#include "model/service.h"

#include <stdbool.h>
#include <stdint.h>

enum case_field {
	C_STATUS,
	C_CLOSURE_REASON,
	C_IDENTIFIED_ON,
	C_REGISTERED_ON,
	C_CLOSED_ON,
	C_IDENTIFICATION_METHOD,
	C_IDENTIFIED_BY_ORG,
	C_TRAFFICKING_STATUS,
	C_TRAFFICKING_STATUS_BY,
	C_RECRUITMENT_METHODS,
	C_RECRUITMENT_REGION,
	C_RECRUITMENT_COUNTRY,
	C_RECRUITMENT_APPS,
	C_EXPLOITATION_TYPES,
	C_FORCED_LABOUR_INDUSTRY,
	C_SEX_EXPLOITATION_TYPES,
	C_METHODS_OF_CONTROL,
	C_RELATIONSHIP,
	C_COUNTRY_OF_ORIGIN,
	C_COUNTRIES_OF_TRANSIT,
	C_COUNTRIES_OF_EXPLOITATION,
	C_EXPLOITATION_FROM,
	C_EXPLOITATION_TO,
	C_AGE_WHEN_TRAFFICKED,
	C_NEEDS,
	/* sealed */
	C_IDENTIFICATION_PLACE,
	C_CLOSURE_DETAILS,
	C_NEEDS_NOTES,
	C__COUNT
};

extern const struct record_type case_record;
extern const struct picklist pl_identification_method;
extern const struct picklist pl_closure_reason;

struct case_rec {
	int64_t id, person_id, owner_org_id, primary_caseworker_id, version, created_at, updated_at;
	const char *code;
	const char *owner_org_code;
	const char *region;          /* the owner organization's region */
	const char *v[C__COUNT];     /* sealed fields are "" unless opened */
	bool opened;
	/* from the person, plain */
	const char *gender, *age_band, *residence_region;
	const char *caseworkers;     /* display names, comma-separated */
	bool assigned;               /* the actor is assigned to it */
	const char *shared_fields;   /* for a receiving organization: what its referrals share; NULL for the owner */
};

/* Creates a case for a person the actor may see; fills r.  Assigns the actor when a caseworker or hotline. */
int case_create(struct svc *s, int64_t person_id, const char *const *values, struct case_rec *r);
/*
 * Checks values for a new case as case_create would (dates in order, the
 * identifying organization's code, closure) without writing anything, so an
 * intake can refuse a form before the person is registered.  SVC_OK or SVC_INVALID.
 */
int case_check(struct svc *s, const char *const *values);
/*
 * The insert itself, inside the caller's write transaction and after the
 * caller asked policy and checked the values: for bulk intake (the demo).
 * v is complete ("" for empty) with status and registered_on set;
 * assign_user 0 assigns nobody.
 */
int case_insert_tx(struct svc *s, struct db_conn *c, int64_t person_id, int64_t owner_org_id, const char *const *v,
		   int64_t ident_org, int64_t assign_user, int64_t *id_r, const char **code_r);
/*
 * An intake: registers the person (person values as for person_create) and
 * opens her case, in one transaction, for the actor's organization.
 */
int case_intake(struct svc *s, const char *const *person_values, const char *const *case_values, struct case_rec *r);
/* Loads a case; with open_sealed, opens its sealed fields (audited as case.view-sealed). */
int case_get(struct svc *s, int64_t id, bool open_sealed, struct case_rec *r);
/* The id of the case with this code, if the actor may see it. */
int case_id_by_code(struct svc *s, const char *code, int64_t *id_r);
/* Changes the given fields (NULL unchanged), guarded by version. */
int case_update(struct svc *s, int64_t id, int64_t version, const char *const *values);
/* Adds or removes an assigned caseworker of the owner organization (managers). */
int case_assign(struct svc *s, int64_t id, int64_t user_id, bool add);

struct case_filter {
	const char *status;
	int64_t caseworker_id;
	const char *region;              /* person's region of residence */
	const char *exploitation_type;
	const char *country_of_exploitation;
	const char *registered_from, *registered_to; /* YYYY-MM-DD, inclusive */
	const char *identified_from, *identified_to;
	const char *code;                /* exact case code */
	const char *sort;                /* "registered" (default, newest first), "code", "status", "identified" */
	int limit;                       /* page size, default 50 */
	int offset;
	bool brief;                      /* only what a list page shows (read_brief_row in case.c), not whole records */
};

/* Cases the actor may see (managers: the organization's; caseworkers: their assignments). */
int case_list(struct svc *s, const struct case_filter *f, struct case_rec **rows_r, int *n_r, bool *more_r);

struct case_note {
	int64_t id, at, author_id;
	const char *author;
	const char *text;
};
/* Adds a sealed note to the case's timeline. */
int case_note_add(struct svc *s, int64_t case_id, const char *text, int64_t *note_id_r);
/* The timeline, newest first, opened (audited as case.notes-view). */
int case_notes(struct svc *s, int64_t case_id, struct case_note **notes_r, int *n_r);

struct case_change {
	int64_t at;
	const char *who;
	const char *change; /* JSON: {"fields": [...]} or {"assigned": ...} */
};
int case_history(struct svc *s, int64_t case_id, struct case_change **rows_r, int *n_r);

/* The policy resource of a case (owner organization, whether the actor is assigned). */
int case_resource(struct svc *s, struct db_conn *c, int64_t id, struct resource *res_r, int64_t *person_id_r);
/* The frame of a service on one case: opens a transaction (write or not), reads the case's resource and asks
 * policy for act.  SVC_OK with *c_r open (the caller commits or aborts it) and *res_r filled; otherwise the
 * svc_result (SVC_ERROR, SVC_NOT_FOUND, or SVC_DENIED with the denial audited as svc_may does) and *c_r NULL. */
int case_open(struct svc *s, int64_t case_id, enum action act, bool write, struct db_conn **c_r, struct resource *res_r);
/* Users of the case's organization who can be assigned (caseworkers, hotline, managers). */
struct case_worker_choice {
	int64_t id;
	const char *name;
	const char *role;
};
int case_worker_choices(struct svc *s, int64_t org_id, struct case_worker_choice **rows_r, int *n_r);

#endif
