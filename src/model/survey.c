#include "model/survey.h"
#include "base/buf.h"
#include "base/csv.h"
#include "base/embedded.h"
#include "base/intl.h"
#include "base/log.h"
#include "base/str.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SURVEY_FILE "reintegration_survey.csv"
#define SURVEY_MAX_QUESTIONS 64
#define SURVEY_MAX_ANSWERS 12

static struct survey_question questions[SURVEY_MAX_QUESTIONS];
static struct survey_answer answers[SURVEY_MAX_QUESTIONS][SURVEY_MAX_ANSWERS];
static int nquestions;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;
/* Lives as long as the process: the questionnaire is read once. */
static struct arena *data_arena;

static const char *const dim_codes[SD__COUNT] = { "economic", "social", "psychosocial", "composite" };

const char *survey_dim_code(enum survey_dim d)
{
	return (unsigned)d < SD__COUNT ? dim_codes[d] : "";
}

static int dim_by_code(const char *code)
{
	for (int d = 0; d < SD_COMPOSITE; d++)
		if (str_eq(dim_codes[d], code))
			return d;
	return -1;
}

static bool parse_unit(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end == s || *end != '\0' || !(v >= 0 && v <= 1))
		return false;
	*out = v;
	return true;
}

/* One row: dimension, question, weight, answer, score, question_en, question_uk, answer_en, answer_uk. */
static void load(void)
{
	data_arena = arena_new(16384);
	const struct embedded_file *f = embedded_find(embedded_data, SURVEY_FILE);
	if (f == NULL) {
		log_error("msg=\"reintegration questionnaire missing\" file=%s", SURVEY_FILE);
		return;
	}
	const char *pos = (const char *)f->data, *end = pos + f->len;
	const char *fl[CSV_MAX_FIELDS];
	int k, line = 0;
	while ((k = csv_next(data_arena, &pos, end, fl, CSV_MAX_FIELDS)) != 0) {
		line++;
		if (k < 0 || (k > 0 && fl[0][0] == '#') || (k > 0 && str_eq(fl[0], "dimension")))
			continue;
		int d = k >= 9 ? dim_by_code(fl[0]) : -1;
		double w, score;
		if (d < 0 || !parse_unit(fl[2], &w) || w <= 0 || !parse_unit(fl[4], &score) || !*fl[1] || !*fl[3]) {
			log_error("msg=\"bad questionnaire row, questionnaire not loaded\" file=%s line=%d", SURVEY_FILE, line);
			nquestions = 0;
			return;
		}
		struct survey_question *q = NULL;
		for (int i = 0; i < nquestions; i++)
			if (str_eq(questions[i].code, fl[1]))
				q = &questions[i];
		if (q == NULL) {
			if (nquestions == SURVEY_MAX_QUESTIONS)
				continue;
			q = &questions[nquestions];
			*q = (struct survey_question){ (enum survey_dim)d, fl[1], fl[5], fl[6], w, answers[nquestions], 0 };
			nquestions++;
		}
		if (q->dim != (enum survey_dim)d || q->weight != w) {
			log_error("msg=\"questionnaire: a question with two dimensions or weights\" line=%d", line);
			nquestions = 0;
			return;
		}
		if (q->nanswers < SURVEY_MAX_ANSWERS)
			answers[q - questions][q->nanswers++] = (struct survey_answer){ fl[3], fl[7], fl[8], score };
	}
}

int survey_questions(const struct survey_question **q_r)
{
	pthread_once(&load_once, load);
	*q_r = questions;
	return nquestions;
}

const struct survey_question *survey_question(const char *code)
{
	const struct survey_question *q;
	int n = survey_questions(&q);
	for (int i = 0; i < n; i++)
		if (str_eq(q[i].code, code))
			return &q[i];
	return NULL;
}

const char *survey_label(const char *en, const char *uk, const char *lang)
{
	return str_eq(lang, "uk") && uk && *uk ? uk : en;
}

const char *survey_score(const char *in, int64_t scores_r[SD__COUNT], const char **bad_r, struct arena *a)
{
	double sum[SD_COMPOSITE] = { 0 }, wsum[SD_COMPOSITE] = { 0 };
	const char *seen[SURVEY_MAX_QUESTIONS];
	int nseen = 0;
	*bad_r = NULL;
	char *copy = arena_strdup(a, in ? in : ""), *save = NULL;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(t, '=');
		if (eq)
			*eq = '\0';
		*bad_r = t;
		const struct survey_question *q = survey_question(t);
		if (q == NULL)
			return N_("There is no such question in the questionnaire.");
		for (int i = 0; i < nseen; i++)
			if (str_eq(seen[i], t))
				return N_("A question is answered twice.");
		if (nseen < SURVEY_MAX_QUESTIONS)
			seen[nseen++] = t;
		const struct survey_answer *ans = NULL;
		for (int i = 0; eq && i < q->nanswers; i++)
			if (str_eq(q->answers[i].code, eq + 1))
				ans = &q->answers[i];
		if (ans == NULL)
			return N_("This is not one of the question's answers.");
		sum[q->dim] += q->weight * ans->score;
		wsum[q->dim] += q->weight;
	}
	*bad_r = NULL;
	double total = 0;
	int ndims = 0;
	for (int d = 0; d < SD_COMPOSITE; d++) {
		if (wsum[d] > 0) {
			double v = sum[d] / wsum[d];
			scores_r[d] = (int64_t)(v * 1000 + 0.5);
			total += v;
			ndims++;
		} else {
			scores_r[d] = -1;
		}
	}
	scores_r[SD_COMPOSITE] = ndims ? (int64_t)(total / ndims * 1000 + 0.5) : -1;
	return NULL;
}

const char *survey_answer_of(const char *answers_in, const char *question, struct arena *a)
{
	size_t n = strlen(question);
	for (const char *p = answers_in ? answers_in : ""; *p;) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l > n && strncmp(p, question, n) == 0 && p[n] == '=')
			return arena_strndup(a, p + n + 1, l - n - 1);
		p += l + (e ? 1 : 0);
	}
	return "";
}

/* Howard Hinnant's days_from_civil. */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : md[m - 1];
}

static bool parse_date(const char *s, int *y, int *m, int *d)
{
	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	*y = atoi(s);
	*m = atoi(s + 5);
	*d = atoi(s + 8);
	return *m >= 1 && *m <= 12 && *d >= 1 && *d <= month_days(*y, *m);
}

int64_t date_days(const char *date)
{
	int y, m, d;
	if (!parse_date(date, &y, &m, &d))
		return INT64_MIN;
	return days_from_civil(y, (unsigned)m, (unsigned)d);
}

const char *date_add_months(struct arena *a, const char *date, int months)
{
	int y, m, d;
	if (!parse_date(date, &y, &m, &d))
		return "";
	int total = y * 12 + (m - 1) + months;
	y = total / 12;
	m = total % 12 + 1;
	if (d > month_days(y, m))
		d = month_days(y, m);
	return arena_printf(a, "%04d-%02d-%02d", y, m, d);
}

const char *date_of(struct arena *a, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	return arena_printf(a, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
