/* survey.h — the reintegration questionnaire, as data, and how it scores.
 *
 * data/reintegration_survey.csv lists, per dimension (economic, social,
 * psychosocial), questions with a weight and their answers, each scored
 * 0..1, with labels in English and Ukrainian.  The default is modelled on
 * IOM's Reintegration Sustainability Survey; a deployment may replace it.
 * A dimension's score is the weighted mean of its answered questions; the
 * composite is the mean of the dimensions answered.  Scores are kept as
 * thousandths (0..1000).  Loaded once, read-only afterwards: thread-safe.
 *
 * The date helpers are here because every reintegration room needs them:
 * dates are YYYY-MM-DD strings, as stored.
 */
#ifndef NADIYA_SURVEY_H
#define NADIYA_SURVEY_H

#include "base/arena.h"

#include <stdbool.h>
#include <stdint.h>

enum survey_dim { SD_ECONOMIC, SD_SOCIAL, SD_PSYCHOSOCIAL, SD_COMPOSITE, SD__COUNT };

struct survey_answer {
	const char *code, *label_en, *label_uk;
	double score;
};

struct survey_question {
	enum survey_dim dim;
	const char *code, *label_en, *label_uk;
	double weight;
	const struct survey_answer *answers;
	int nanswers;
};

/* The questions in file order; 0 (and an error logged once) when the data is missing or malformed. */
int survey_questions(const struct survey_question **q_r);
const struct survey_question *survey_question(const char *code);
/* "economic", "social", "psychosocial", "composite" */
const char *survey_dim_code(enum survey_dim d);
/* The label in lang ("uk" or else English). */
const char *survey_label(const char *en, const char *uk, const char *lang);

/*
 * Scores canonical answers "question=answer,question=answer": scores_r[d]
 * gets thousandths, or -1 for a dimension with no answer.  Returns NULL, or
 * the msgid of what is wrong with *bad_r naming the question (unknown
 * question, unknown answer, a question answered twice).
 */
const char *survey_score(const char *answers, int64_t scores_r[SD__COUNT], const char **bad_r, struct arena *a);
/* The answer code given to a question in canonical answers, or "" (arena copy). */
const char *survey_answer_of(const char *answers, const char *question, struct arena *a);

/* Days since 1970-01-01 of a valid YYYY-MM-DD date; INT64_MIN when it is not one. */
int64_t date_days(const char *date);
/* The date n months later, the day clamped to the month's end (31 Jan + 1 month = 28 or 29 Feb). */
const char *date_add_months(struct arena *a, const char *date, int months);
/* The UTC date of a moment. */
const char *date_of(struct arena *a, int64_t t);

#endif
