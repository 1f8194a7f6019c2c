/* person.h — the person behind a case: identifying fields sealed one by one,
 * statistical attributes plain, blind indexes for search and duplicates.
 *
 * A person belongs to the organization that registered her (owner_org_id);
 * who may see her follows from her cases (see case.h): the owner's managers,
 * and caseworkers assigned to one of her cases or who registered her.
 * Every read of a sealed field is audited as "person.view".
 */
#ifndef NADIYA_PERSON_H
#define NADIYA_PERSON_H

#include "model/record.h"
#include "model/service.h"

#include <stdbool.h>
#include <stdint.h>

enum person_field {
	/* sealed */
	P_FIRST_NAME,
	P_MIDDLE_NAME,
	P_SECOND_NAME,
	P_FIRST_NAME_LATIN,
	P_SECOND_NAME_LATIN,
	P_BIRTHDATE,
	P_MOBILE_PHONE,
	P_HOME_PHONE,
	P_EMAIL,
	P_STREET,
	P_CITY,
	P_STATE,
	P_POSTAL_CODE,
	P_MAILING_COUNTRY,
	P_ID_DOCUMENT,
	P_ID_NUMBER,
	P_PHOTO_METADATA,
	P_SAFE_CONTACT,
	P_NOTES,
	/* plain, for statistics */
	P_GENDER,
	P_BIRTH_YEAR,
	P_CITIZENSHIP,
	P_REGION,
	P_LANGUAGES,
	P_MARITAL_STATUS,
	P_CHILDREN,
	P_EDUCATION,
	P__COUNT
};

extern const struct record_type person_record;
extern const struct picklist pl_language;
extern const struct picklist pl_id_document;

struct person {
	int64_t id, owner_org_id, created_by, version;
	const char *v[P__COUNT]; /* sealed fields are NULL unless opened */
	bool opened;             /* sealed fields were opened (and the view audited) */
	const char *age_band;    /* "18-24", ... or "" */
};

/* Age band of a birth year at a date (YYYY-MM-DD): "0-11", "12-17", "18-24", "25-34", "35-44", "45-59", "60+". */
const char *person_age_band(int64_t birth_year, const char *on_date);

/*
 * Registers a person for the actor's organization.  values[] come from
 * record_read_form/json (creating).  At least a name (Cyrillic or Latin) is
 * required.  The birth year is taken from the date of birth when given.
 */
int person_create(struct svc *s, const char *const *values, int64_t *id_r);
/* Complete values ("" for empty) checked as for a new person: a name, the birth year from the date. */
int person_prepare(struct svc *s, const char *const *in, const char **v);
/*
 * The insert itself, inside the caller's write transaction and after the
 * caller asked policy: for bulk intake (the demo).  v is complete ("" for
 * empty), the birth year already derived; bits from person_blind_bits.
 */
int person_insert_tx(struct svc *s, struct db_conn *c, int64_t owner_org_id, const char *const *v, int bits,
		     int64_t *id_r);
/*
 * Loads a person.  With open_sealed, opens her sealed fields (policy
 * case.view, audited as person.view); otherwise only plain fields.
 */
int person_get(struct svc *s, int64_t id, bool open_sealed, struct person *p_r);
/* Changes the given fields (NULL entries unchanged); version guards against lost updates. */
int person_update(struct svc *s, int64_t id, int64_t version, const char *const *values);

struct person_hit {
	int64_t person_id;
	const char *display_name; /* opened: shown only where the caller may show it */
	const char *birthdate;
	const char *age_band;
	const char *gender;
	int64_t case_id;   /* the person's most recent case the actor may see, 0 when none */
	const char *case_code;
};

/*
 * Finds persons the actor may see by name (any script), phone or date of
 * birth, through the blind indexes; every candidate is opened and checked.
 * Hits live in s->arena.  Not audited: hits are for masked display; opening one is.
 */
int person_search(struct svc *s, const char *query, int limit, struct person_hit **hits_r, int *n_r);
/*
 * Possible duplicates of a person about to be registered: persons of the
 * actor's organization whose name tokens, phone or date of birth match (the
 * caller shows them masked: a caseworker may not be assigned to them).  Not audited as a
 * view of each (only the count).
 */
int person_duplicates(struct svc *s, const char *const *values, struct person_hit **hits_r, int *n_r);
/* The name to show: "First Second" in the script given, falling back to the other. */
const char *person_display_name(struct arena *a, const char *const *v);

/* For the policy: the resource of a person, with whether the actor may count as assigned. */
int person_resource(struct svc *s, struct db_conn *c, int64_t id, struct resource *res_r);

/* Rebuilds a person's blind index rows from her opened fields (also used by rekey). */
int person_reindex(struct db_conn *c, const struct master_key *k, int bits, int64_t id, const char *const *v,
		   const char **error_r);
/* Blind index size in bits for this database (meta "blind_bits", 13 by default). */
int person_blind_bits(struct db_conn *c, const char **error_r);

#endif
