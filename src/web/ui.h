/* ui.h — the handlers of every page and API resource, for the route table. */
#ifndef NADIYA_UI_H
#define NADIYA_UI_H

#include "web/http.h"

/* ui-home.c */
void ui_home(struct request *req);
void ui_lang(struct request *req);
void ui_healthz(struct request *req);
void ui_metrics(struct request *req);
/* static.c */
void ui_static(struct request *req);
/* ui-signin.c, ui-account.c, api-session.c */
void ui_signin_page(struct request *req);
void ui_signin_submit(struct request *req);
void ui_signin_code_page(struct request *req);
void ui_signin_code_submit(struct request *req);
void ui_signout(struct request *req);
void ui_reauth_page(struct request *req);
void ui_reauth_submit(struct request *req);
void ui_account(struct request *req);
void ui_account_language(struct request *req);
void ui_account_password(struct request *req);
void ui_account_2fa_page(struct request *req);
void ui_account_2fa_submit(struct request *req);
void ui_account_recovery_codes(struct request *req);
void api_session_create(struct request *req);
void api_me(struct request *req);
void api_session_delete(struct request *req);
void api_session_reauth(struct request *req);
/* ui-org.c, api-org.c */
void ui_org_list(struct request *req);
void ui_org_new(struct request *req);
void ui_org_create(struct request *req);
void ui_org_view(struct request *req);
void ui_org_edit_page(struct request *req);
void ui_org_edit(struct request *req);
void ui_org_status(struct request *req);
void ui_network(struct request *req);
void api_org_list(struct request *req);
void api_org_create(struct request *req);
void api_org_get(struct request *req);
void api_org_patch(struct request *req);
void api_org_status(struct request *req);
void api_org_history(struct request *req);
void api_network_growth(struct request *req);
/* ui-user.c, api-user.c */
void ui_user_list(struct request *req);
void ui_user_new(struct request *req);
void ui_user_create(struct request *req);
void ui_user_view(struct request *req);
void ui_user_edit_page(struct request *req);
void ui_user_edit(struct request *req);
void ui_user_role(struct request *req);
void ui_user_disable(struct request *req);
void ui_user_enable(struct request *req);
void ui_user_reset(struct request *req);
void api_user_list(struct request *req);
void api_user_create(struct request *req);
void api_user_get(struct request *req);
void api_user_patch(struct request *req);
void api_user_role(struct request *req);
void api_user_disable(struct request *req);
void api_user_enable(struct request *req);
void api_user_reset(struct request *req);
/* Shared by the users page and API (ui-user.c): the list filters, declared once. */
struct user_filter;
#define USER_FILTER_FIELDS 6
extern const struct record_type user_filter_rt;
/* Reads the filters from the query into f; values/errors get USER_FILTER_FIELDS entries.  Returns the error count. */
int user_filter_read(struct request *req, struct user_filter *f, const char **values, const char **errors);
/* The account id of the path ({id}); 0 after answering 404 when it is not a positive integer. */
int64_t user_path_id(struct request *req);
/* ui-audit.c, api-audit.c */
void ui_audit_list(struct request *req);
void ui_audit_verify(struct request *req);
void api_audit_list(struct request *req);
void api_audit_verify(struct request *req);
/* Shared by the audit page and API: the filters, declared once (ui-audit.c). */
struct audit_filter;
struct audit_row;
struct record_type;
#define AUDIT_FILTER_FIELDS 8
extern const struct record_type audit_filter_rt;
/* Reads the filters from the query into f; values/errors get AUDIT_FILTER_FIELDS entries.  Returns the error count. */
int audit_filter_read(struct request *req, struct audit_filter *f, const char **values, const char **errors);
/* Appends the filters as a query string (with before=SEQ when > 0) for paging links. */
void audit_filter_query(struct buf *b, const char *const *values, int64_t before);
/* One page of entries (rows in req->arena); *more_r when older ones exist.  -1 after answering an error. */
int audit_fetch(struct request *req, const struct audit_filter *f, struct audit_row **rows_r, bool *more_r);
/* Walks the chain and records the check in the trail (api-audit.c): 0 intact, 1 broken, -1 after answering. */
int audit_verify_recorded(struct request *req, int64_t *count_r, int64_t *bad_r, const char **why_r);

/* api-screening.c */
void api_screening_evaluate(struct request *req);
void api_screening_profiles(struct request *req);
void api_case_screening_add(struct request *req);
void api_case_screening_list(struct request *req);
void api_case_consent_add(struct request *req);
void api_case_consent_list(struct request *req);
void api_consent_withdraw(struct request *req);

/* api-case.c */
void api_person_list(struct request *req);
void api_person_create(struct request *req);
void api_person_get(struct request *req);
void api_person_patch(struct request *req);
void api_case_list(struct request *req);
void api_case_create(struct request *req);
void api_case_get(struct request *req);
void api_case_patch(struct request *req);
void api_case_assign(struct request *req);
void api_case_notes(struct request *req);
void api_case_note_add(struct request *req);
void api_case_history(struct request *req);
/* ui-case.c */
/* (with ui-case-list.c, ui-person.c and ui-case-fields.c; what they share is in ui-case.h) */
void ui_case_list(struct request *req);
void ui_case_search(struct request *req);
void ui_case_list_reveal(struct request *req);
void ui_case_new(struct request *req);
void ui_case_create(struct request *req);
void ui_case_view(struct request *req);
void ui_case_reveal(struct request *req);
void ui_case_edit_page(struct request *req);
void ui_case_edit(struct request *req);
void ui_case_note(struct request *req);
void ui_case_assign(struct request *req);
void ui_person_edit_page(struct request *req);
void ui_person_edit(struct request *req);
/* ui-screening.c */
/* The case page's sections (called by case_page in ui-case.c); opened: the page is revealed. */
struct resource;
void ui_case_section_screening(struct request *req, int64_t case_id, const struct resource *res);
void ui_case_section_consent(struct request *req, int64_t case_id, const struct resource *res, bool opened);
void ui_screening_page(struct request *req);
void ui_screening_record(struct request *req);
void ui_screening_view(struct request *req);
void ui_consent_record(struct request *req);
void ui_consent_withdraw(struct request *req);
/* referrals (api-referral.c, ui-referral.c) */
void api_referral_create(struct request *req);
void api_referral_list(struct request *req);
void api_referral_get(struct request *req);
void api_referral_accept(struct request *req);
void api_referral_decline(struct request *req);
void api_referral_start(struct request *req);
void api_referral_complete(struct request *req);
void api_referral_close(struct request *req);
void api_referral_cancel(struct request *req);
void ui_referral_new(struct request *req);
void ui_referral_create(struct request *req);
void ui_referral_list(struct request *req);
void ui_referral_view(struct request *req);
void ui_referral_reveal(struct request *req);
void ui_referral_step(struct request *req);
/* The case page's section "Referrals" (called by case_page in ui-case.c); shared: what the
 * actor's organization receives of the case (case_rec.shared_fields), NULL for the owner. */
struct resource;
void ui_case_section_referrals(struct request *req, int64_t case_id, const struct resource *res, const char *shared);
/* A new referral's fields, declared once in api-referral.c: the API reads them all, the refer
 * form of a case (its id in the address) all but the first. */
enum { RN_CASE_ID, RN_TO_ORG, RN_SERVICES, RN_SHARED, RN_REASON, RN_URGENCY, RN_OVERRIDE, RN_OVERRIDE_REASON, RN__COUNT };
extern const struct record_type referral_new_rt;
extern const struct record_type referral_form_rt;
struct referral_new;
/* values[RN__COUNT] (canonical) into n; shared_given false: the minimum is shared. */
void referral_new_from_values(const char *const *v, bool shared_given, struct referral_new *n);

/* directory, assistance, inbox, indicators (ui-directory.c, api-directory.c) */
void ui_directory_list(struct request *req);
void ui_directory_new(struct request *req);
void ui_directory_create(struct request *req);
void ui_directory_edit_page(struct request *req);
void ui_directory_edit(struct request *req);
void ui_directory_capacity(struct request *req);
void api_service_list(struct request *req);
void api_service_create(struct request *req);
void api_service_get(struct request *req);
void api_service_patch(struct request *req);
void api_service_capacity(struct request *req);
void api_assistance_list(struct request *req);
void api_assistance_create(struct request *req);
void api_indicators_referrals(struct request *req);
/* ui-assistance.c: the case page's section "Assistance given" (called by case_page in ui-case.c), and its form */
void ui_assistance_section(struct request *req, int64_t case_id);
void ui_assistance_add(struct request *req);
/* ui-inbox.c, ui-indicators.c; ui_inbox_nav_item is the navigation's "Inbox" entry with the unread count */
void ui_inbox_nav_item(struct request *req);
void ui_inbox(struct request *req);
void ui_inbox_read(struct request *req);
void ui_referral_overdue(struct request *req);
void ui_referral_indicators(struct request *req);

/* reintegration: plans, follow-ups, closure, indicators (api-reint.c, ui-reint.c, ui-reint-followup.c) */
void api_plan_list(struct request *req);
void api_plan_create(struct request *req);
void api_plan_get(struct request *req);
void api_plan_patch(struct request *req);
void api_plan_submit(struct request *req);
void api_plan_approve(struct request *req);
void api_followup_list(struct request *req);
void api_followup_get(struct request *req);
void api_followup_record(struct request *req);
void api_questionnaire(struct request *req);
void api_closure_list(struct request *req);
void api_closure_request(struct request *req);
void api_closure_approve(struct request *req);
void api_closure_reject(struct request *req);
void api_closure_reopen(struct request *req);
void api_reint_indicators(struct request *req);

/* ui-reint.c, ui-reint-followup.c: the case page's "Reintegration plan" and "Follow-ups" sections
 * (called by case_page in ui-case.c; status: the case's status, for closing and reopening) */
void ui_reint_section_plan(struct request *req, int64_t case_id, const struct resource *res);
void ui_reint_section_followups(struct request *req, int64_t case_id, const struct resource *res, const char *status);
void ui_plan_new(struct request *req);
void ui_plan_create(struct request *req);
void ui_plan_view(struct request *req);
void ui_plan_edit_page(struct request *req);
void ui_plan_edit(struct request *req);
void ui_plan_submit(struct request *req);
void ui_plan_approve(struct request *req);
void ui_followup_list(struct request *req);
void ui_followup_view(struct request *req);
void ui_followup_record(struct request *req);
void ui_closure_request(struct request *req);
void ui_closure_approve(struct request *req);
void ui_closure_reject(struct request *req);
void ui_closure_reopen(struct request *req);
void ui_reint_indicators(struct request *req);

#endif
