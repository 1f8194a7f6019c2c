/* followup.h — follow-ups of a reintegration plan: scheduled, recorded,
 * watched.
 *
 * Approving a plan schedules follow-ups at offsets (months) from its start
 * of assistance — by default 1, 3, 6 and 12, set with --followup-months.
 * Recording one says when and how she was reached, whether contact was made,
 * her answers to the questionnaire (survey.h: a score per dimension and a
 * composite), risk flags and an outcome (returned abroad needs the country
 * and whether the channels were safe and legal); her situation in her words
 * is sealed.  A follow-up not recorded by its due date is overdue: the timer
 * raises one inbox alert per overdue follow-up to the organization's
 * managers.  Policy: followup.record; lists are narrowed by its scope (a
 * manager's organization, a caseworker's assigned cases).
 */
#ifndef NADIYA_FOLLOWUP_H
#define NADIYA_FOLLOWUP_H

#include "model/picklist.h"
#include "model/record.h"
#include "model/service.h"
#include "model/survey.h"

#include <stdbool.h>
#include <stdint.h>

struct db_conn;

extern const struct picklist pl_followup_method;  /* visit, phone, online, third_party */
extern const struct picklist pl_followup_outcome; /* reintegrating, reintegrated, returned_abroad, ... */
extern const struct picklist pl_risk_flag;        /* recruiter_contact, debt, unsafe_migration_intent, threats */

extern const struct picklist pl_yes_no;          /* yes, no */

/* The fields of a follow-up record, for forms and JSON (the answers travel apart). */
enum followup_field { FF_DONE_ON, FF_METHOD, FF_CONTACT, FF_RISK, FF_OUTCOME, FF_COUNTRY, FF_SAFE, FF_SITUATION, FF__COUNT };
extern const struct record_type followup_form;

/* Days after its due date within which a follow-up still counts as done on time. */
#define FOLLOWUP_GRACE_DAYS 14
/* "Due" lists look this many days ahead. */
#define FOLLOWUP_DUE_AHEAD_DAYS 30

/* Sets the schedule from "1,3,6,12" (increasing, 1..120 months, at most 12); -1 when malformed. */
int followup_set_schedule(const char *months);
/* The schedule in force. */
const int *followup_schedule(int *n_r);

struct followup {
	int64_t id, case_id, plan_id, offset_months, recorded_at, alerted_at, responsible_user_id;
	const char *case_code, *due_on, *done_on, *method, *answers, *risk_flags, *outcome, *outcome_country;
	const char *responsible, *recorded_by;
	const char *situation; /* sealed; "" unless opened */
	int contact_made, safe_channels; /* 1, 0, -1 unknown */
	int64_t scores[SD__COUNT];       /* thousandths, -1 none */
	bool overdue;
};

/* What recording a follow-up gives; values canonical (dates YYYY-MM-DD, sets "a,b"). */
struct followup_input {
	const char *done_on, *method, *answers, *risk_flags, *outcome, *outcome_country, *situation;
	int contact_made, safe_channels; /* 1, 0, -1 not given */
};

/* Fills in from followup_form values (canonical, "" or NULL for none) and canonical answers. */
void followup_input_from(const char *const *values, const char *answers, struct followup_input *in);

/*
 * Schedules the follow-ups of an approved plan inside the caller's
 * transaction: unrecorded follow-ups of the case are replaced by the
 * schedule's offsets from start_on, except offsets already recorded.
 */
int followup_schedule_tx(struct svc *s, struct db_conn *c, int64_t case_id, int64_t plan_id, const char *start_on,
			 int *n_r);
/* Records a scheduled follow-up once; SVC_CONFLICT when already recorded, SVC_INVALID (field named) on bad input. */
int followup_record(struct svc *s, int64_t id, const struct followup_input *in);
/* One follow-up; with open_sealed, her situation opened (audited). */
int followup_get(struct svc *s, int64_t id, bool open_sealed, struct followup *f);
/* A case's follow-ups by due date (policy case.view). */
int followup_list_case(struct svc *s, int64_t case_id, struct followup **rows_r, int *n_r);
/*
 * Unrecorded follow-ups of open cases the actor records for: overdue (due
 * before today) or due (today to FOLLOWUP_DUE_AHEAD_DAYS ahead), by due date.
 * caseworker_id narrows a manager's list to one responsible caseworker (0: all).
 */
int followup_list_due(struct svc *s, bool overdue, int64_t caseworker_id, struct followup **rows_r, int *n_r);
/*
 * The timer's pass (console actor): each overdue follow-up of an open case
 * not alerted yet gets one inbox alert per active manager of the case's
 * organization, and its alerted_at set, in one transaction.  Safe from
 * several processes.  *alerted_r (optional): how many follow-ups.
 */
int followup_timer_pass(struct svc *s, int64_t now);
int followup_alert_overdue(struct svc *s, int64_t now, int *alerted_r);

#endif
