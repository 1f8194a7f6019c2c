/* directory.h — the service directory: what each organization of the network
 * offers, where, to whom, with how many free places, and when that was last
 * checked.
 *
 * One entry per organization and service (the taxonomy of pl_service): the
 * regions it covers, eligibility (age groups, sexes, nationalities, whether
 * children may come along), capacity where it matters (shelter places, the
 * free ones updated by the provider), languages, opening hours, a contact
 * point and the date it was last verified.  An entry not verified for
 * DIRECTORY_STALE_DAYS is flagged stale.  Organization data, not victim data:
 * stored in clear.  Policy: directory.view to search, directory.edit to
 * change (administrators and coordinators any organization's entries,
 * managers their own).  A referral for a service the receiving organization
 * lists here is accepted by referral_create.
 */
#ifndef NADIYA_DIRECTORY_H
#define NADIYA_DIRECTORY_H

#include "model/record.h"
#include "model/service.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The fields of an entry, in the order of directory_record.fields. */
enum dir_field {
	D_ORG,     /* organization code; create only ("" on create: the actor's own) */
	D_SERVICE, /* create only: an organization has one entry per service */
	D_REGIONS,
	D_AGE_GROUPS,
	D_SEXES,
	D_NATIONALITIES,
	D_CHILDREN,
	D_CAP_TOTAL,
	D_CAP_FREE,
	D_LANGUAGES,
	D_HOURS,
	D_CONTACT,
	D_VERIFIED_ON,
	D__COUNT
};

#define DIRECTORY_STALE_DAYS 180
/* The most entries a search answers (the directory has one row per organization and service). */
#define DIRECTORY_LIST_MAX 1000

extern const struct record_type directory_record;
extern const struct picklist pl_age_group;
extern const struct picklist pl_sex;

struct dir_entry {
	int64_t id, org_id, version, updated_at;
	const char *org_code, *org_name_uk, *org_name_en, *org_status;
	const char *v[D__COUNT]; /* canonical values, never NULL */
	bool stale;              /* verified more than DIRECTORY_STALE_DAYS ago */
	int64_t distance_km;     /* from the region searched for to the nearest covered one; -1 when not known */
};

/*
 * Creates the entry of values[D_ORG] (the actor's organization when "") for
 * values[D_SERVICE], or replaces every field of the existing one.  values are
 * canonical (record_read_*), NULL or "" for empty; verified_on defaults to
 * today.  *created_r tells which happened; *e_r (optional) gets the entry.
 */
int directory_upsert(struct svc *s, const char *const *values, bool *created_r, struct dir_entry *e_r);

/*
 * Changes the fields whose values[i] is not NULL (org and service never
 * change).  expected_version 0 skips the check; a different version answers
 * SVC_CONFLICT and changes nothing.
 */
int directory_update(struct svc *s, int64_t id, const char *const *values, int64_t expected_version,
		     struct dir_entry *e_r);

/* The provider's count of free places (0..capacity_total); expected_version as above. */
int directory_set_capacity(struct svc *s, int64_t id, int64_t free_places, int64_t expected_version,
			   struct dir_entry *e_r);

int directory_get(struct svc *s, int64_t id, struct dir_entry *e_r);

struct dir_filter {
	const char *service; /* code or NULL/"" for any */
	const char *region;  /* the region the person is in: sorts by distance from it; NULL/"" for none */
	const char *org;     /* organization code or NULL/"" for any */
};

/*
 * Entries of active organizations matching f, nearest first: by the distance
 * from f->region's centroid to the nearest region an entry covers (0 when it
 * covers f->region; entries only abroad last), then fresh before stale, then
 * by availability (known free places, most first; capacity not given; full),
 * then by organization code.  Rows live in s->arena.  SVC_INVALID (field
 * named) for an unknown service or region, an unknown organization code.
 */
int directory_list(struct svc *s, const struct dir_filter *f, struct dir_entry **rows_r, int *n_r);

/* The entry as JSON: the record fields plus id, version, org name, stale and distance_km; new reference. */
json_t *dir_entry_to_json(const struct dir_entry *e);

/* Great-circle distance in km between the centroids of two regions; -1 when either has none (abroad). */
int64_t region_distance_km(const char *a, const char *b);

#endif
