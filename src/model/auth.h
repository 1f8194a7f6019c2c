/* auth.h — signing in: passwords, throttling, second factors, re-authentication.
 *
 * These services open their own transactions (they run before there is an
 * actor) and write every attempt to the audit trail.  No answer tells an
 * unknown e-mail from a wrong password, and both take the same time.
 */
#ifndef NADIYA_AUTH_H
#define NADIYA_AUTH_H

#include "base/arena.h"
#include "crypto/token.h"
#include "crypto/totp.h"
#include "model/actor.h"
#include "model/session.h"

#include <stdbool.h>
#include <stdint.h>

struct db;
struct db_conn;
struct master_key;
struct refusals;

struct auth_ctx {
	struct db *db;
	const struct master_key *key;
	struct session_limits limits;
	bool require_2fa_all;
	const char *client_ip;
	struct refusals *refusals; /* the process's ledger of refused attempts; NULL: audit each at once */
};

enum signin_outcome {
	SIGNIN_OK,            /* session "full" created */
	SIGNIN_SECOND_FACTOR, /* session "mfa" created: ask for the code */
	SIGNIN_ENROL,         /* session "enrol" created: the user must set up a second factor */
	SIGNIN_BAD,           /* wrong e-mail, password or code (never says which) */
	SIGNIN_LOCKED,        /* too many failures: retry_after seconds */
	SIGNIN_NEEDS_ENROLMENT, /* API only: the role needs a second factor not yet set up */
	SIGNIN_ERROR,
};

struct signin_result {
	enum signin_outcome outcome;
	int64_t user_id;
	int64_t retry_after;
	char token[TOKEN_CHARS + 1];
};

/*
 * Password step.  kind is "web" or "api".  For "api", totp (may be NULL) is
 * checked in the same call and only a full session is ever created.
 */
int auth_signin(const struct auth_ctx *ctx, const char *email, const char *password, const char *kind,
		const char *totp, struct signin_result *res, const char **error_r);

/*
 * Second-factor step of a web session in state "mfa": a TOTP code or a
 * recovery code.  On success the session is replaced by a full one.
 */
int auth_second_factor(const struct auth_ctx *ctx, const struct actor *a, const char *code,
		       struct signin_result *res, const char **error_r);

/*
 * Removes what can no longer mean anything, in one transaction: sessions past
 * their absolute expiry or idle for idle_seconds, and sign-in throttle rows
 * whose last failure is older than the failure window and that are not
 * locked.  Counts in *sessions_r and *throttles_r.  0 or -1 (*error_r).
 */
int auth_sweep(struct db *db, int64_t now, int64_t idle_seconds, int64_t *sessions_r, int64_t *throttles_r,
	       const char **error_r);

/*
 * Audits the refused attempts still counted in r (see model/refusals.h), one
 * entry per combination; the server's timer calls it every second and at
 * shutdown.  Answers how many could not be written (kept for the next call).
 */
int auth_refusals_flush(struct db *db, const struct master_key *key, struct refusals *r, int64_t now);

/* Ends this session, or every session of the user (everywhere); audited. */
int auth_signout(const struct auth_ctx *ctx, const struct actor *a, bool everywhere, const char **error_r);
/* Saves the user's interface language ("uk", "en" or "" for the browser's). */
int auth_set_language(const struct auth_ctx *ctx, const struct actor *a, const char *lang, const char **error_r);

/* Confirms the password of a signed-in user (re-authentication, + TOTP when enrolled). */
int auth_reauth(const struct auth_ctx *ctx, const struct actor *a, const char *password, const char *totp,
		struct signin_result *res, const char **error_r);

/* TOTP enrolment: a new secret kept (sealed) until confirmed; answers the otpauth URI. */
int auth_totp_begin(const struct auth_ctx *ctx, const struct actor *a, struct arena *ar, const char **uri_r,
		    const char **error_r);
/*
 * Confirms enrolment with a first code: enables TOTP, makes ten recovery
 * codes (answered once, in arena), and replaces the session by a full one.
 * Returns 1 on success, 0 when the code is wrong, -1 on error.
 */
int auth_totp_confirm(const struct auth_ctx *ctx, const struct actor *a, const char *code, struct arena *ar,
		      char (*codes_r)[12], char token_r[TOKEN_CHARS + 1], const char **error_r);

/* Changes the user's own password (needs the current one).  NULL, or the msgid of the problem. */
const char *auth_change_password(const struct auth_ctx *ctx, const struct actor *a, const char *current,
				 const char *new_password, const char **error_r);

/* The signed-in user makes new recovery codes for themself; audited. */
int auth_regenerate_recovery_codes(const struct auth_ctx *ctx, const struct actor *a, char (*codes_r)[12],
				   const char **error_r);
/* Makes new recovery codes (old ones stop working), inside the caller's transaction. */
int auth_new_recovery_codes(struct db_conn *c, const struct master_key *k, int64_t user_id, char (*codes_r)[12],
			    const char **error_r);

/* Lifts the sign-in lockout of an account (after an administrator's reset), in the caller's transaction. */
int auth_clear_lockout(struct db_conn *c, const struct master_key *k, const char *email, const char **error_r);

/* Sets up TOTP directly (console enrolment for `nadiya user add`), inside the caller's transaction. */
int auth_totp_enrol_now(struct db_conn *c, const struct master_key *k, int64_t user_id, const char *email,
			struct arena *ar, const char **uri_r, char (*codes_r)[12], const char **error_r);

/* Seals a TOTP secret for a user row (also used by the demo to know the codes). */
unsigned char *auth_totp_seal(const struct master_key *k, struct arena *a, int64_t user_id,
			      const unsigned char *secret, size_t *len_r);

#endif
