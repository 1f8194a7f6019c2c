/* screening.h — the ILO/EC operational indicators of trafficking, evaluated
 * with the decision rule kept as a rule table (data/ilo_rules.csv), never as
 * code: step 1 decides each dimension from the strong, medium and weak
 * indicators present; step 2 combines dimensions per profile.  A positive
 * result is "possible victim — refer for formal identification", never a
 * legal finding: the case's trafficking status is decided by a competent body.
 */
#ifndef NADIYA_SCREENING_H
#define NADIYA_SCREENING_H

#include "base/arena.h"
#include "model/service.h"

#include <stdbool.h>
#include <stdint.h>

#define SCREENING_MAX_DIMS 8

struct ilo_indicator {
	const char *dimension;      /* DR, CR, AVR, EX, CD, AVD */
	const char *dimension_name; /* deceptive_recruitment, ... */
	char strength;              /* 'S', 'M', 'W' */
	const char *code;
	const char *label;    /* English */
	const char *label_uk; /* Ukrainian (indicator_label_uk); "" when the data has none */
};

struct ilo_profile {
	const char *name; /* adult_labour, child_labour */
	const struct ilo_indicator *indicators;
	int n;
	const char *dims[SCREENING_MAX_DIMS]; /* in the data's order */
	const char *dim_names[SCREENING_MAX_DIMS];
	int ndims;
};

/* The profiles the data defines (loaded once, thread-safe); NULL when the data is broken. */
const struct ilo_profile *screening_profiles(int *n_r);
const struct ilo_profile *screening_profile(const char *name);
/* The indicator's label in lang ("uk" or "en"): the data's own, English when it lacks that language. */
const char *ilo_indicator_label(const struct ilo_indicator *x, const char *lang);

struct screening_result {
	const char *profile;
	struct {
		const char *code, *name;
		int strong, medium, weak;
		bool positive;
	} dims[SCREENING_MAX_DIMS];
	int ndims;
	const char *outcome; /* "possible_victim" or "no_indication" */
	const char *routes;  /* positive recruitment dimensions, "DR,CR" */
};

/*
 * Evaluates indicator codes for a profile.  SVC_OK, or SVC_INVALID with
 * problem/field (unknown profile or indicator, an indicator given twice).
 */
int screening_evaluate(struct svc *s, const char *profile, const char *const *codes, int ncodes,
		       struct screening_result *r);
/* Evaluates and records a screening on a case (policy screening.record); *id_r gets its id. */
int screening_record(struct svc *s, int64_t case_id, const char *profile, const char *const *codes, int ncodes,
		     struct screening_result *r, int64_t *id_r);

struct screening_row {
	int64_t id, at;
	const char *by, *profile, *indicators, *outcome, *result_json;
};
/* The screenings of a case, newest first. */
int screening_list(struct svc *s, int64_t case_id, struct screening_row **rows_r, int *n_r);
/* One screening of a case (policy case.view); SVC_NOT_FOUND when the case has no such screening. */
int screening_get(struct svc *s, int64_t case_id, int64_t id, struct screening_row *row_r);
/*
 * What an outcome means, in the thread's language: "possible victim — refer
 * for formal identification", never a legal finding.
 */
const char *screening_outcome_message(const char *outcome);
/* The result as JSON (caller decrefs). */
struct json_t;
struct json_t *screening_result_json(const struct screening_result *r);

#endif
