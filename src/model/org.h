/* org.h — the partner-network registry: organizations, their services, the
 * history of every change and the growth of the network.
 *
 * Organization data is not victim data: it is stored in clear and changes are
 * kept field by field (before/after) in org_history.  Every service here takes
 * a struct svc, asks policy, and writes org_history and the audit trail in the
 * same transaction as the change.  Results live in s->arena.
 */
#ifndef NADIYA_ORG_H
#define NADIYA_ORG_H

#include "model/record.h"
#include "model/service.h"

#include <stdbool.h>
#include <stdint.h>

/* The fields of an organization, in the order of org_record.fields. */
enum org_field {
	ORG_CODE,
	ORG_NAME_UK,
	ORG_NAME_EN,
	ORG_KIND,
	ORG_REGION,
	ORG_COUNTRY,
	ORG_ADDRESS,
	ORG_PHONE,
	ORG_EMAIL,
	ORG_WEBSITE,
	ORG_CONTACT_PERSON,
	ORG_JOINED_ON,
	ORG_STATUS,
	ORG_STATUS_REASON,
	ORG_MOU_SIGNED_ON,
	ORG_MOU_RENEWAL_ON,
	ORG_SERVICES,
	ORG__NFIELDS
};

extern const struct record_type org_record;

/*
 * False for the fields that create and edit do not set: status and its
 * reason (they change only through org_set_status, which needs more rights)
 * and, when editing, the code.
 */
bool org_field_editable(enum org_field f, bool creating);

struct org {
	int64_t id;
	int64_t version;
	int64_t created_at, updated_at;
	const char *v[ORG__NFIELDS]; /* canonical values, never NULL */
};

/* The name to show in lang ("en": the English name when there is one). */
const char *org_display_name(const struct org *o, const char *lang);

/*
 * Creates an organization from canonical values in field order (NULL or ""
 * for absent; joined_on defaults to today, country to UA).  SVC_CONFLICT with
 * problem_field "code" when the code is taken.  *org_r (optional) gets the
 * stored record.
 */
int org_create(struct svc *s, const char *const *values, struct org **org_r);

/*
 * Changes the fields whose values[i] is not NULL.  expected_version 0 skips
 * the concurrency check; otherwise a record changed since (a different
 * version) answers SVC_CONFLICT and changes nothing.  Nothing changed is OK
 * and writes no history.
 */
int org_update(struct svc *s, const char *code, const char *const *values, int64_t expected_version,
	       struct org **org_r);

/*
 * Sets the status: "suspended" or "left" deactivates and needs a reason;
 * "active" reactivates (the reason is optional and recorded in history).
 * expected_version as for org_update.
 */
int org_set_status(struct svc *s, const char *code, const char *status, const char *reason,
		   int64_t expected_version, struct org **org_r);

/* SVC_OK with *org_r, SVC_NOT_FOUND, SVC_DENIED. */
int org_get_by_code(struct svc *s, const char *code, struct org **org_r);

struct org_filter {
	const char *region;  /* code or NULL/"" for any */
	const char *kind;
	const char *service;
	const char *status;
	const char *q;       /* text in code or either name, case-insensitive; NULL/"" for any */
	const char *after;   /* paging: codes after this one */
	int limit;           /* 1..ORG_LIST_MAX; 0 for the default */
	bool brief;          /* only code, names, kind, region, country, joined_on, status and services (and id) */
};

#define ORG_LIST_DEFAULT 50
#define ORG_LIST_MAX 200

/*
 * Organizations matching f, ordered by code.  *next_r is the code to pass as
 * `after` for the next page, or NULL on the last page.  SVC_INVALID (field
 * named) for an unknown filter value.
 */
int org_list(struct svc *s, const struct org_filter *f, struct org ***orgs_r, size_t *n_r,
	     const char **next_r);

struct org_change {
	int64_t at;
	const char *by;     /* actor label: e-mail or "console" */
	const char *action; /* "create", "edit", "status" */
	size_t n;
	const char **field;  /* field names */
	const char **before; /* "" when the field was created */
	const char **after;
};

/* The history of an organization, newest first. */
int org_history_list(struct svc *s, const char *code, struct org_change **changes_r, size_t *n_r);
/* The organization (as org_get_by_code) and its history (as org_history_list), read together. */
int org_get_with_history(struct svc *s, const char *code, struct org **org_r, struct org_change **changes_r,
			 size_t *n_r);

struct growth_point {
	const char *period; /* "2024-03" or "2024" */
	int64_t joined;     /* members who joined in the period */
	int64_t total;      /* members who had joined by its end */
};

/*
 * Members of the network by date joined, per month (by_year false) or year,
 * oldest first, with the running total.  kind and region ("" for all) narrow it.
 */
int network_growth(struct svc *s, bool by_year, const char *kind, const char *region,
		   struct growth_point **points_r, size_t *n_r);

/* The organization as a JSON object (record fields plus version and times); new reference. */
json_t *org_to_json(const struct org *o);
/* One history entry as JSON; new reference. */
json_t *org_change_to_json(const struct org_change *c);

#endif
