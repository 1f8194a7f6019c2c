/* user.h — the accounts of the people who use nadiya.
 *
 * Every user belongs to one organization and has one role (pl_role).  Only
 * administrators (and the console) create and change accounts; managers see
 * the accounts of their own organization.  Passwords are stored as Argon2id
 * hashes only and never reach the audit trail: `detail` holds field names and
 * codes.  Disabling an account, changing its role or organization, and
 * resetting it end every session of the user at once, in the same
 * transaction, so an API token stops working immediately.
 *
 * Every service takes a struct svc, asks policy, and writes the audit entry in
 * the same transaction as the change.  Results live in s->arena.
 */
#ifndef NADIYA_USER_H
#define NADIYA_USER_H

#include "crypto/totp.h"
#include "model/record.h"
#include "model/service.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* The fields of an account, in the order of user_record.fields. */
enum user_field {
	USER_EMAIL,
	USER_DISPLAY_NAME,
	USER_ORG,      /* organization code */
	USER_ROLE,     /* pl_role; set at creation, then only through user_set_role */
	USER_STATUS,   /* pl_user_status; only through user_disable / user_enable */
	USER_LANG,     /* "uk", "en" or "" (the browser's choice) */
	USER_PASSWORD, /* input only: at creation; never stored in clear, never in JSON */
	USER__NFIELDS
};

extern const struct record_type user_record;
extern const struct picklist pl_user_lang;

/*
 * True for the fields a create (creating) or edit form sets: status never,
 * role and password only when creating.
 */
bool user_field_editable(enum user_field f, bool creating);

struct user {
	int64_t id;
	int64_t org_id;
	int64_t version;
	int64_t created_at, updated_at, password_changed_at;
	bool totp_enabled;
	const char *org_name_uk, *org_name_en;
	const char *v[USER__NFIELDS]; /* canonical values, never NULL; v[USER_PASSWORD] is "" */
};

/* The name of the user's organization in lang. */
const char *user_org_name(const struct user *u, const char *lang);

/* A second factor set up at creation by the console (`nadiya user add`). */
struct user_enrolment {
	const char *totp_uri;                /* otpauth:// URI for an authenticator app */
	char codes[RECOVERY_CODES][12];      /* recovery codes, each usable once */
};

/*
 * Creates an account from canonical values in field order (lang may be "" or
 * NULL).  The password must pass the password policy (SVC_INVALID, field
 * "password").  SVC_CONFLICT with problem_field "email" when the address is
 * taken; SVC_INVALID with field "org" for an unknown organization or one that
 * left the network.  When the console creates an account whose role needs a
 * second factor (or enrol_all is set), TOTP is set up at once and *enrol_r
 * gets the URI and recovery codes; otherwise *enrol_r is NULL and the user
 * enrols at first sign-in.  user_r and enrol_r may be NULL.
 */
int user_create(struct svc *s, const char *const *values, bool enrol_all, struct user **user_r,
		struct user_enrolment **enrol_r);

/*
 * Changes e-mail, display name, organization and language where values[i] is
 * not NULL (role, status and password are ignored: they have their own
 * services).  expected_version 0 skips the concurrency check; otherwise a
 * record changed since answers SVC_CONFLICT and changes nothing.  Moving the
 * user to another organization ends their sessions.
 */
int user_update(struct svc *s, int64_t id, const char *const *values, int64_t expected_version,
		struct user **user_r);

/* Sets the role (a pl_role code) and ends the user's sessions.  Nobody changes their own role. */
int user_set_role(struct svc *s, int64_t id, const char *role, struct user **user_r);

/* Disables the account and ends its sessions (not one's own); enabling lets the user sign in again. */
int user_disable(struct svc *s, int64_t id, struct user **user_r);
int user_enable(struct svc *s, int64_t id, struct user **user_r);

/*
 * Sets a new temporary password (checked by the password policy), removes
 * the second factor and its recovery codes so the user enrols again, and ends
 * the user's sessions.  Not for one's own account (that is the account page).
 */
int user_reset(struct svc *s, int64_t id, const char *password, struct user **user_r);

/* SVC_OK with *user_r, SVC_NOT_FOUND, SVC_DENIED. */
int user_get(struct svc *s, int64_t id, struct user **user_r);
/* The same by e-mail address (the CLI names users by address). */
int user_get_by_email(struct svc *s, const char *email, struct user **user_r);

struct user_filter {
	const char *org;    /* organization code, or NULL/"" for any */
	const char *role;   /* pl_role code, or NULL/"" */
	const char *status; /* pl_user_status code, or NULL/"" */
	const char *q;      /* text in the e-mail or name, case-insensitive; NULL/"" for any */
	int64_t page;       /* 1-based; 0 for the first */
	int per_page;       /* 1..USER_LIST_MAX; 0 for USER_LIST_DEFAULT */
};

#define USER_LIST_DEFAULT 50
#define USER_LIST_MAX 200

/*
 * Accounts matching f, ordered by e-mail, one page of them; *total_r counts
 * all matches.  A manager sees their own organization only, whatever f says.
 * SVC_INVALID (field named) for an unknown role or status.
 */
int user_list(struct svc *s, const struct user_filter *f, struct user ***users_r, size_t *n_r, int64_t *total_r);

struct user_org_choice {
	int64_t id;
	const char *code, *name_uk, *name_en, *status;
};

/* Organizations to choose from in user forms and filters, ordered by code. */
int user_org_choices(struct svc *s, struct user_org_choice **orgs_r, size_t *n_r);

/* The account as a JSON object (record fields, id, version, times, totp_enabled); new reference. */
json_t *user_to_json(const struct user *u);

#endif
