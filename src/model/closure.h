/* closure.h — closing a case, with a manager's approval, and reopening it.
 *
 * A caseworker (or manager) requests closure with an IOM-coded reason
 * (pl_closure_reason in case.h) and optional details (sealed); a manager of
 * the case's organization approves it (the case becomes Closed, with
 * closed_on and closure_reason) or rejects it.  A closed case keeps its
 * plans and follow-ups and can be reopened by a manager with a reason
 * (sealed), back to FollowUp or Active.  Every step is a row of closures,
 * kept.  Policy: case.close_request, case.close_approve, case.reopen.
 */
#ifndef NADIYA_CLOSURE_H
#define NADIYA_CLOSURE_H

#include "model/record.h"
#include "model/service.h"

#include <stdbool.h>
#include <stdint.h>

/* Forms and JSON bodies: a request (reason, note), a decision (note), a reopening (status, reason). */
enum closure_request_field { CR_REASON, CR_NOTE, CR__COUNT };
enum closure_reopen_field { CO_STATUS, CO_REASON, CO__COUNT };
extern const struct record_type closure_request_form, closure_decision_form, closure_reopen_form;
extern const struct picklist pl_reopen_status; /* FollowUp, Active */

struct closure {
	int64_t id, case_id, requested_at, decided_at;
	const char *kind;      /* "close" or "reopen" */
	const char *reason;    /* close: a pl_closure_reason code */
	const char *to_status; /* reopen: FollowUp or Active */
	const char *state;     /* pending, approved, rejected */
	const char *requested_by, *decided_by;
	const char *note, *decision_note; /* sealed; "" unless opened */
};

/* A closure request; SVC_CONFLICT when the case is closed or a request is pending. */
int closure_request(struct svc *s, int64_t case_id, const char *reason, const char *note, int64_t *id_r);
/* Approves (closes the case today) or rejects (note: why) the pending request. */
int closure_decide(struct svc *s, int64_t case_id, bool approve, const char *note);
/* Reopens a closed case (to_status FollowUp, the default, or Active) with a reason. */
int closure_reopen(struct svc *s, int64_t case_id, const char *to_status, const char *reason);
/* The case's closure steps, newest first; with open_sealed their notes opened (audited). */
int closure_list(struct svc *s, int64_t case_id, bool open_sealed, struct closure **rows_r, int *n_r);

#endif
