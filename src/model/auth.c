#include "model/auth.h"
#include "base/log.h"
#include "base/intl.h"
#include "base/str.h"
#include "crypto/key.h"
#include "crypto/password.h"
#include "crypto/seal.h"
#include "model/audit.h"
#include "model/refusals.h"
#include "store/db.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

DB_QUERY(q_auth_user_by_email,
	 "SELECT u.id, u.password_hash, u.role, u.totp_enabled, u.status, u.org_id, o.status"
	 " FROM users u JOIN organizations o ON o.id = u.org_id WHERE u.email = ?");
DB_QUERY(q_auth_user_secret, "SELECT totp_sealed, totp_last_step, totp_enabled, password_hash FROM users WHERE id = ?");
DB_QUERY(q_auth_set_step, "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?");
DB_QUERY(q_auth_set_totp, "UPDATE users SET totp_sealed = ?, totp_enabled = ?, totp_last_step = 0,"
			  " updated_at = ? WHERE id = ?");
DB_QUERY(q_auth_enable_totp, "UPDATE users SET totp_enabled = 1, totp_last_step = ?, updated_at = ? WHERE id = ?");
DB_QUERY(q_auth_set_password, "UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?,"
			      " version = version + 1 WHERE id = ?");
DB_QUERY(q_auth_set_lang, "UPDATE users SET lang = ?, updated_at = ? WHERE id = ?");
DB_QUERY(q_rc_delete, "DELETE FROM recovery_codes WHERE user_id = ?");
DB_QUERY(q_rc_insert, "INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES (?, ?, NULL)");
DB_QUERY(q_rc_use, "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL");
DB_QUERY(q_thr_get, "SELECT failures, last_failure_at, locked_until FROM signin_throttle WHERE key = ?");
DB_QUERY(q_thr_bump, "INSERT INTO signin_throttle (key, failures, last_failure_at, locked_until) VALUES (?, 1, ?, 0)"
		     " ON CONFLICT (key) DO UPDATE SET failures = CASE WHEN excluded.last_failure_at"
		     " - signin_throttle.last_failure_at > ? THEN 1 ELSE signin_throttle.failures + 1 END,"
		     " last_failure_at = excluded.last_failure_at RETURNING failures, locked_until");
DB_QUERY(q_thr_lock, "UPDATE signin_throttle SET locked_until = ? WHERE key = ?");
DB_QUERY(q_thr_clear, "DELETE FROM signin_throttle WHERE key = ?");
/* Housekeeping (auth_sweep): rows that no longer mean anything, with the client addresses they hold. */
DB_QUERY(q_sweep_sessions, "DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?");
DB_QUERY(q_sweep_throttle, "DELETE FROM signin_throttle WHERE last_failure_at < ? AND locked_until <= ?");

/* Failures before a lock, and the window after which old failures are forgotten. */
#define ACCOUNT_FREE_FAILURES 5
#define IP_FREE_FAILURES 20
#define FAILURE_WINDOW 3600
#define MAX_LOCK 3600

static void throttle_keys(const struct auth_ctx *ctx, const char *email, char acct[72], char ip[72])
{
	char h[65];
	token_hash(ctx->key, "throttle", email ? email : "", h);
	snprintf(acct, 72, "a:%.60s", h);
	snprintf(ip, 72, "i:%.60s", ctx->client_ip ? ctx->client_ip : "");
}

/* Seconds the key is still locked, 0 when free, -1 on error. */
static int64_t throttle_locked(struct db_conn *c, const char *key, int64_t now, const char **error_r)
{
	int64_t until = 0;
	struct db_rows *r;
	if (db_query(c, &q_thr_get, DB_PARAMS(db_text(key)), &r, error_r) < 0)
		return -1;
	int rc = db_rows_next(r, error_r);
	if (rc == 1)
		until = db_rows_int(r, 2);
	db_rows_free(&r);
	if (rc < 0)
		return -1;
	return until > now ? until - now : 0;
}

/*
 * Counts a failure; beyond the free attempts, locks for 30 s doubling up to an
 * hour.  The count is one atomic upsert, so attempts counted at the same time
 * (on PostgreSQL too) each get their own number.  *prev_until_r (optional) gets
 * the lock the key had before this failure.
 */
static int throttle_fail(struct db_conn *c, const char *key, int free_failures, int64_t now, int64_t *prev_until_r,
			 const char **error_r)
{
	int64_t failures = 0, prev_until = 0;
	struct db_rows *r;
	if (db_query(c, &q_thr_bump, DB_PARAMS(db_text(key), db_int(now), db_int(FAILURE_WINDOW)), &r, error_r) < 0)
		return -1;
	int rc = db_rows_next(r, error_r);
	if (rc == 1) {
		failures = db_rows_int(r, 0);
		prev_until = db_rows_int(r, 1);
	}
	db_rows_free(&r);
	if (rc < 0)
		return -1;
	if (prev_until_r)
		*prev_until_r = prev_until;
	if (failures < free_failures)
		return 0;
	int64_t steps = failures - free_failures;
	int64_t lock = steps >= 7 ? MAX_LOCK : 30LL << steps;
	if (lock > MAX_LOCK)
		lock = MAX_LOCK;
	return db_exec(c, &q_thr_lock, DB_PARAMS(db_int(now + lock), db_text(key)), NULL, error_r);
}

static int audit_signin(struct db_conn *c, const struct auth_ctx *ctx, const struct actor *a, const char *label,
			const char *action, const char *outcome, const char *detail, int64_t uid, const char **error_r)
{
	char oid[24];
	snprintf(oid, sizeof oid, "%lld", (long long)uid);
	struct audit_event ev = { .action = action, .object_type = "user", .object_id = uid ? oid : "",
				  .outcome = outcome, .detail = detail, .client_ip = ctx->client_ip };
	return audit_append(c, ctx->key, a, label, &ev, error_r);
}

/* Audits one outcome inside c's open transaction and commits it.  0 or -1. */
static int audit_commit(struct db_conn *c, const struct auth_ctx *ctx, const struct actor *a, const char *label,
			const char *action, const char *outcome, const char *detail, int64_t uid, const char **error_r)
{
	if (audit_signin(c, ctx, a, label, action, outcome, detail, uid, error_r) < 0)
		return -1;
	return db_commit(c, error_r);
}

/*
 * One audit entry for n refused attempts of k (locked account or address),
 * the earliest at since, in a transaction of its own.  A single refusal is
 * recorded as any other outcome (detail: the kind); several carry their
 * count and the first one's time.  0 or -1.
 */
static int audit_refused(struct db_conn *c, const struct master_key *key, const struct refusal_key *k, int64_t n,
			 int64_t since, int64_t now, const char **error_r)
{
	char detail[96];
	if (n == 1 && since == now)
		snprintf(detail, sizeof detail, "%s", k->kind);
	else
		snprintf(detail, sizeof detail, "%s attempts=%lld since=%lld", k->kind, (long long)n, (long long)since);
	struct auth_ctx ctx = { .key = key, .client_ip = k->client_ip };
	if (db_in_transaction(c))
		db_rollback(c);
	if (db_begin(c, true, error_r) < 0)
		return -1;
	return audit_commit(c, &ctx, NULL, k->label, k->action, "locked", detail, 0, error_r);
}

struct flush_arg {
	struct db *db;
	const struct master_key *key;
	int64_t now;
};

static int flush_one(void *arg, const struct refusal_key *k, int64_t n, int64_t since)
{
	struct flush_arg *f = arg;
	const char *error = NULL;
	struct db_conn *c = db_acquire(f->db, &error);
	int rc = c ? audit_refused(c, f->key, k, n, since, f->now, &error) : -1;
	if (rc < 0)
		log_error("msg=\"cannot audit refused sign-ins; kept for the next pass\" count=%lld error=\"%s\"",
			  (long long)n, error ? error : "?");
	if (c)
		db_release(&c);
	return rc;
}

int auth_sweep(struct db *db, int64_t now, int64_t idle_seconds, int64_t *sessions_r, int64_t *throttles_r,
	       const char **error_r)
{
	*sessions_r = *throttles_r = 0;
	struct db_conn *c = db_acquire(db, error_r);
	if (c == NULL)
		return -1;
	/* A session past its absolute or idle expiry can never be used again (session_lookup refuses
	 * it); a throttle row whose last failure is older than the window counts from 1 again anyway. */
	int rc = -1;
	if (db_begin(c, true, error_r) == 0 &&
	    db_exec(c, &q_sweep_sessions, DB_PARAMS(db_int(now), db_int(now - idle_seconds)), sessions_r, error_r) == 0 &&
	    db_exec(c, &q_sweep_throttle, DB_PARAMS(db_int(now - FAILURE_WINDOW), db_int(now)), throttles_r, error_r) == 0 &&
	    db_commit(c, error_r) == 0)
		rc = 0;
	db_release(&c);
	return rc;
}

int auth_refusals_flush(struct db *db, const struct master_key *key, struct refusals *r, int64_t now)
{
	struct flush_arg f = { .db = db, .key = key, .now = now };
	return refusals_flush(r, now, flush_one, &f);
}

/*
 * A failed attempt, in c's open transaction: counts it against the account
 * (unless acct_key is NULL because it was counted already) and against the
 * client address (with ip_key), audits it and commits.
 * 0 or -1.
 */
static int count_failure(struct db_conn *c, const struct auth_ctx *ctx, const struct actor *a, const char *label,
			 const char *action, const char *detail, const char *acct_key, const char *ip_key, int64_t now,
			 const char **error_r)
{
	if ((acct_key && throttle_fail(c, acct_key, ACCOUNT_FREE_FAILURES, now, NULL, error_r) < 0) ||
	    (ip_key && throttle_fail(c, ip_key, IP_FREE_FAILURES, now, NULL, error_r) < 0))
		return -1;
	return audit_commit(c, ctx, a, label, action, "failed", detail, a ? a->user_id : 0, error_r);
}

/*
 * The frame of the small changes a signed-in person makes to their own
 * account: write_begin acquires a connection and opens a write transaction
 * (NULL, with *error_r, when it cannot); the change goes in between;
 * write_end audits action for a and commits when the change went well
 * (work_rc 0), and releases the connection, which rolls back anything not
 * committed.  write_end answers 0 or -1.
 */
static struct db_conn *write_begin(const struct auth_ctx *ctx, const char **error_r)
{
	struct db_conn *c = db_acquire(ctx->db, error_r);
	if (c && db_begin(c, true, error_r) < 0)
		db_release(&c);
	return c;
}

static int write_end(struct db_conn **c, const struct auth_ctx *ctx, const struct actor *a, int work_rc,
		     const char *action, const char *outcome, const char *detail, const char **error_r)
{
	int rc = work_rc < 0 ? -1 : audit_commit(*c, ctx, a, NULL, action, outcome, detail, a->user_id, error_r);
	db_release(c);
	return rc;
}

/* Opens the user's TOTP secret; NULL when none. */
static unsigned char *open_secret(const struct master_key *k, struct arena *a, int64_t uid, const void *sealed,
				  size_t len, size_t *slen_r)
{
	if (sealed == NULL || len == 0)
		return NULL;
	return (unsigned char *)seal_open(k, a, "users", uid, "totp_secret", sealed, len, slen_r);
}

unsigned char *auth_totp_seal(const struct master_key *k, struct arena *a, int64_t user_id,
			      const unsigned char *secret, size_t *len_r)
{
	return seal_field(k, a, "users", user_id, "totp_secret", secret, TOTP_SECRET_BYTES, len_r);
}

/* Checks a TOTP code for uid and consumes its step.  1 ok, 0 wrong, -1 error. */
static int check_totp(struct db_conn *c, const struct master_key *k, int64_t uid, const char *code,
		      bool require_enabled, const char **error_r)
{
	struct arena *a = arena_new(512);
	struct db_rows *r;
	int result = -1;
	if (db_query(c, &q_auth_user_secret, DB_PARAMS(db_int(uid)), &r, error_r) < 0)
		goto out;
	int rc = db_rows_next(r, error_r);
	if (rc != 1) {
		db_rows_free(&r);
		result = rc == 0 ? 0 : -1;
		goto out;
	}
	size_t slen = 0, len = 0;
	const void *sealed = db_rows_blob(r, 0, &len);
	unsigned char *secret = open_secret(k, a, uid, sealed, len, &slen);
	int64_t last = db_rows_int(r, 1);
	bool enabled = db_rows_int(r, 2) != 0;
	db_rows_free(&r);
	int64_t step = 0;
	if (secret == NULL || (require_enabled && !enabled) ||
	    !totp_verify(secret, slen, code, time(NULL), last, &step)) {
		result = 0;
		if (secret)
			sodium_memzero(secret, slen);
		goto out;
	}
	sodium_memzero(secret, slen);
	int64_t changed = 0;
	/* The conditional update makes a code usable once even under concurrent tries. */
	if (db_exec(c, &q_auth_set_step, DB_PARAMS(db_int(step), db_int(uid), db_int(step)), &changed, error_r) < 0)
		goto out;
	result = changed == 1 ? 1 : 0;
out:
	arena_free(&a);
	return result;
}

static int check_recovery(struct db_conn *c, const struct master_key *k, int64_t uid, const char *typed,
			  const char **error_r)
{
	struct arena *a = arena_new(256);
	const char *norm = recovery_code_normalize(a, typed);
	int result = 0;
	if (norm) {
		char h[65];
		token_hash(k, "recovery-code", norm, h);
		int64_t changed = 0;
		if (db_exec(c, &q_rc_use, DB_PARAMS(db_int(time(NULL)), db_int(uid), db_text(h)), &changed, error_r) < 0)
			result = -1;
		else
			result = changed == 1;
	}
	arena_free(&a);
	return result;
}

/*
 * The second factor: a TOTP code, else a recovery code (for when the phone
 * is lost).  1 right (*method_r, optional, says which), 0 wrong, -1 error.
 */
static int check_second_factor(struct db_conn *c, const struct master_key *k, int64_t uid, const char *code,
			       const char **method_r, const char **error_r)
{
	const char *method = "totp";
	int t = check_totp(c, k, uid, code ? code : "", true, error_r);
	if (t == 0) {
		method = "recovery-code";
		t = check_recovery(c, k, uid, code ? code : "", error_r);
	}
	if (method_r)
		*method_r = method;
	return t;
}

/*
 * How every attempt starts: *res undecided (SIGNIN_ERROR), the throttle keys
 * of email, a connection, and the seconds the account is still locked in
 * *wait_r, checked before any hashing so that a locked account costs
 * nothing.  NULL, with *error_r, when the connection or the check fails.
 */
static struct db_conn *attempt_begin(const struct auth_ctx *ctx, const char *email, int64_t now,
				     struct signin_result *res, char acct_key[72], char ip_key[72], int64_t *wait_r,
				     const char **error_r)
{
	memset(res, 0, sizeof *res);
	res->outcome = SIGNIN_ERROR;
	throttle_keys(ctx, email, acct_key, ip_key);
	struct db_conn *c = db_acquire(ctx->db, error_r);
	if (c && (*wait_r = throttle_locked(c, acct_key, now, error_r)) < 0)
		db_release(&c);
	return c;
}

int auth_signin(const struct auth_ctx *ctx, const char *email, const char *password, const char *kind,
		const char *totp, struct signin_result *res, const char **error_r)
{
	int64_t now = (int64_t)time(NULL), wait_a, wait_i;
	char acct_key[72], ip_key[72];
	char email_l[256];
	size_t el = 0;
	for (const char *p = email ? email : ""; *p && el < sizeof email_l - 1; p++)
		email_l[el++] = (char)((*p >= 'A' && *p <= 'Z') ? *p + 32 : *p);
	email_l[el] = '\0';
	struct db_conn *c = attempt_begin(ctx, email_l, now, res, acct_key, ip_key, &wait_a, error_r);
	if (c == NULL)
		return -1;
	int rc = -1;
	/* 1. Locked?  The client address too: one address trying many accounts is held back. */
	if ((wait_i = throttle_locked(c, ip_key, now, error_r)) < 0)
		goto out;
	/*
	 * The failure is reserved before the hash, in the same write transaction
	 * as a second look at the lock, and given back on success: guesses sent
	 * in parallel cannot all pass the check before any of them is counted.
	 */
	if (wait_a == 0 && wait_i == 0) {
		int64_t prev_until = 0;
		if (db_begin(c, true, error_r) < 0 ||
		    throttle_fail(c, acct_key, ACCOUNT_FREE_FAILURES, now, &prev_until, error_r) < 0)
			goto out;
		if (prev_until > now) {
			/* Locked meanwhile: refused attempts do not count. */
			db_rollback(c);
			wait_a = prev_until - now;
		} else if (db_commit(c, error_r) < 0) {
			goto out;
		}
	}
	if (wait_a > 0 || wait_i > 0) {
		res->outcome = SIGNIN_LOCKED;
		res->retry_after = wait_a > wait_i ? wait_a : wait_i;
		/* Counted, and audited by the timer within a second, one entry per e-mail and address (refusals.h). */
		struct refusal_key rk = { .action = "signin", .kind = kind, .label = email_l, .client_ip = ctx->client_ip };
		int64_t since, n = refusals_note(ctx->refusals, &rk, now, &since);
		if (n > 0 && audit_refused(c, ctx->key, &rk, n, since, now, error_r) < 0) {
			refusals_restore(ctx->refusals, &rk, n, since);
			goto out;
		}
		rc = 0;
		goto out;
	}
	/* 2. The user, if any. */
	int64_t uid = 0, org_id = 0;
	char hash[PASSWORD_HASH_MAX] = "";
	int role = -1;
	bool totp_on = false, active = false;
	struct db_rows *r;
	if (db_query(c, &q_auth_user_by_email, DB_PARAMS(db_text(email_l)), &r, error_r) < 0)
		goto out;
	int found = db_rows_next(r, error_r);
	if (found == 1) {
		uid = db_rows_int(r, 0);
		snprintf(hash, sizeof hash, "%s", db_rows_text(r, 1));
		role = role_from_code(db_rows_text(r, 2));
		totp_on = db_rows_int(r, 3) != 0;
		active = str_eq(db_rows_text(r, 4), "active") && !str_eq(db_rows_text(r, 6), "left");
		org_id = db_rows_int(r, 5);
	}
	db_rows_free(&r);
	if (found < 0)
		goto out;
	(void)org_id;
	/* 3. The password, with the connection returned to the pool while hashing. */
	db_release(&c);
	bool pw_ok = password_verify(found == 1 ? hash : NULL, password ? password : "");
	sodium_memzero(hash, sizeof hash);
	c = db_acquire(ctx->db, error_r);
	if (c == NULL)
		return -1;
	bool ok = pw_ok && active && role >= 0;
	bool need_2fa = role >= 0 && (role_requires_2fa((enum role)role) || ctx->require_2fa_all);
	bool api = str_eq(kind, "api");
	if (db_begin(c, true, error_r) < 0)
		goto out;
	if (ok && api && totp_on) {
		/* The second factor rides along. */
		int t = check_second_factor(c, ctx->key, uid, totp, NULL, error_r);
		if (t < 0)
			goto out;
		ok = t == 1;
	}
	if (!ok) {
		/* The account's failure was counted before the hash; the address's is counted now. */
		if (count_failure(c, ctx, NULL, email_l, "signin", kind, NULL, ip_key, now, error_r) < 0)
			goto out;
		res->outcome = SIGNIN_BAD;
		rc = 0;
		goto out;
	}
	if (api && need_2fa && !totp_on) {
		/* The password was right: the reserved failure is given back. */
		if (db_exec(c, &q_thr_clear, DB_PARAMS(db_text(acct_key)), NULL, error_r) < 0 ||
		    audit_commit(c, ctx, NULL, email_l, "signin", "needs-enrolment", kind, uid, error_r) < 0)
			goto out;
		res->outcome = SIGNIN_NEEDS_ENROLMENT;
		rc = 0;
		goto out;
	}
	const char *state = "full";
	res->outcome = SIGNIN_OK;
	if (!api && totp_on) {
		state = "mfa";
		res->outcome = SIGNIN_SECOND_FACTOR;
	} else if (!api && need_2fa) {
		state = "enrol";
		res->outcome = SIGNIN_ENROL;
	}
	if (db_exec(c, &q_thr_clear, DB_PARAMS(db_text(acct_key)), NULL, error_r) < 0 ||
	    session_create(c, ctx->key, uid, kind, state, ctx->client_ip, now, &ctx->limits, res->token, error_r) < 0 ||
	    audit_commit(c, ctx, NULL, email_l, "signin", str_eq(state, "full") ? "ok" : "password-ok", kind, uid,
			 error_r) < 0) {
		res->outcome = SIGNIN_ERROR;
		goto out;
	}
	res->user_id = uid;
	rc = 0;
out:
	if (c)
		db_release(&c);
	return rc;
}

int auth_second_factor(const struct auth_ctx *ctx, const struct actor *a, const char *code,
		       struct signin_result *res, const char **error_r)
{
	int64_t now = (int64_t)time(NULL), wait;
	char acct_key[72], ip_key[72];
	struct db_conn *c = attempt_begin(ctx, a->email, now, res, acct_key, ip_key, &wait, error_r);
	if (c == NULL)
		return -1;
	int rc = -1;
	if (db_begin(c, true, error_r) < 0)
		goto out;
	if (wait > 0) {
		res->outcome = SIGNIN_LOCKED;
		res->retry_after = wait;
		if (audit_commit(c, ctx, a, NULL, "signin.second-factor", "locked", "", a->user_id, error_r) < 0)
			goto out;
		rc = 0;
		goto out;
	}
	const char *method;
	int ok = check_second_factor(c, ctx->key, a->user_id, code, &method, error_r);
	if (ok < 0)
		goto out;
	if (!ok) {
		if (count_failure(c, ctx, a, NULL, "signin.second-factor", "", acct_key, NULL, now, error_r) < 0)
			goto out;
		res->outcome = SIGNIN_BAD;
		rc = 0;
		goto out;
	}
	char detail[40];
	snprintf(detail, sizeof detail, "method=%s", method);
	if (db_exec(c, &q_thr_clear, DB_PARAMS(db_text(acct_key)), NULL, error_r) < 0 ||
	    session_rotate(c, ctx->key, a->session_hash, "full", ctx->client_ip, now, res->token, error_r) < 0 ||
	    audit_commit(c, ctx, a, NULL, "signin.second-factor", "ok", detail, a->user_id, error_r) < 0)
		goto out;
	res->outcome = SIGNIN_OK;
	res->user_id = a->user_id;
	rc = 0;
out:
	db_release(&c);
	return rc;
}

int auth_reauth(const struct auth_ctx *ctx, const struct actor *a, const char *password, const char *totp,
		struct signin_result *res, const char **error_r)
{
	int64_t now = (int64_t)time(NULL), wait;
	char acct_key[72], ip_key[72];
	struct db_conn *c = attempt_begin(ctx, a->email, now, res, acct_key, ip_key, &wait, error_r);
	if (c == NULL)
		return -1;
	int rc = -1;
	char hash[PASSWORD_HASH_MAX] = "";
	if (wait > 0) {
		res->outcome = SIGNIN_LOCKED;
		res->retry_after = wait;
		rc = 0;
		goto out;
	}
	struct db_rows *r;
	if (db_query(c, &q_auth_user_secret, DB_PARAMS(db_int(a->user_id)), &r, error_r) < 0)
		goto out;
	if (db_rows_next(r, error_r) == 1)
		snprintf(hash, sizeof hash, "%s", db_rows_text(r, 3));
	db_rows_free(&r);
	db_release(&c);
	bool ok = password_verify(hash, password ? password : "");
	sodium_memzero(hash, sizeof hash);
	c = db_acquire(ctx->db, error_r);
	if (c == NULL)
		return -1;
	if (db_begin(c, true, error_r) < 0)
		goto out;
	if (ok && a->totp_enabled) {
		int t = check_second_factor(c, ctx->key, a->user_id, totp, NULL, error_r);
		if (t < 0)
			goto out;
		ok = t == 1;
	}
	if (!ok) {
		if (count_failure(c, ctx, a, NULL, "reauth", "", acct_key, NULL, now, error_r) < 0)
			goto out;
		res->outcome = SIGNIN_BAD;
		rc = 0;
		goto out;
	}
	if (session_mark_reauth(c, a->session_hash, now, error_r) < 0 ||
	    audit_commit(c, ctx, a, NULL, "reauth", "ok", "", a->user_id, error_r) < 0)
		goto out;
	res->outcome = SIGNIN_OK;
	rc = 0;
out:
	if (c)
		db_release(&c);
	return rc;
}

int auth_totp_begin(const struct auth_ctx *ctx, const struct actor *a, struct arena *ar, const char **uri_r,
		    const char **error_r)
{
	unsigned char secret[TOTP_SECRET_BYTES];
	totp_new_secret(secret);
	size_t slen;
	unsigned char *sealed = auth_totp_seal(ctx->key, ar, a->user_id, secret, &slen);
	*uri_r = totp_uri(ar, a->email, secret, sizeof secret);
	sodium_memzero(secret, sizeof secret);
	/* A pending secret never replaces an enabled one: enabled users re-enrol after a reset. */
	if (a->totp_enabled) {
		*error_r = "second factor already enabled";
		return -1;
	}
	/* Nothing is audited yet: the secret counts once it is confirmed (auth_totp_confirm). */
	struct db_conn *c = write_begin(ctx, error_r);
	if (c == NULL)
		return -1;
	int rc = -1;
	if (db_exec(c, &q_auth_set_totp, DB_PARAMS(db_blob(sealed, slen), db_int(0), db_int(time(NULL)), db_int(a->user_id)),
		    NULL, error_r) == 0 &&
	    db_commit(c, error_r) == 0)
		rc = 0;
	db_release(&c);
	return rc;
}

int auth_new_recovery_codes(struct db_conn *c, const struct master_key *k, int64_t user_id, char (*codes_r)[12],
			    const char **error_r)
{
	if (db_exec(c, &q_rc_delete, DB_PARAMS(db_int(user_id)), NULL, error_r) < 0)
		return -1;
	for (int i = 0; i < RECOVERY_CODES; i++) {
		char h[65];
		recovery_code_new(codes_r[i]);
		token_hash(k, "recovery-code", codes_r[i], h);
		if (db_exec(c, &q_rc_insert, DB_PARAMS(db_int(user_id), db_text(h)), NULL, error_r) < 0)
			return -1;
	}
	return 0;
}

int auth_totp_confirm(const struct auth_ctx *ctx, const struct actor *a, const char *code, struct arena *ar,
		      char (*codes_r)[12], char token_r[TOKEN_CHARS + 1], const char **error_r)
{
	(void)ar;
	struct db_conn *c = write_begin(ctx, error_r);
	if (c == NULL)
		return -1;
	int t = check_totp(c, ctx->key, a->user_id, code, false, error_r);
	if (t == 0)
		return write_end(&c, ctx, a, 0, "totp.enrol", "failed", "", error_r);
	int64_t now = (int64_t)time(NULL);
	if (t > 0 &&
	    (db_exec(c, &q_auth_enable_totp, DB_PARAMS(db_int(now / 30), db_int(now), db_int(a->user_id)), NULL,
		     error_r) < 0 ||
	     auth_new_recovery_codes(c, ctx->key, a->user_id, codes_r, error_r) < 0 ||
	     session_rotate(c, ctx->key, a->session_hash, "full", ctx->client_ip, now, token_r, error_r) < 0))
		t = -1;
	return write_end(&c, ctx, a, t < 0 ? -1 : 0, "totp.enrol", "ok", "", error_r) < 0 ? -1 : 1;
}

int auth_totp_enrol_now(struct db_conn *c, const struct master_key *k, int64_t user_id, const char *email,
			struct arena *ar, const char **uri_r, char (*codes_r)[12], const char **error_r)
{
	unsigned char secret[TOTP_SECRET_BYTES];
	totp_new_secret(secret);
	size_t slen;
	unsigned char *sealed = auth_totp_seal(k, ar, user_id, secret, &slen);
	*uri_r = totp_uri(ar, email, secret, sizeof secret);
	sodium_memzero(secret, sizeof secret);
	if (db_exec(c, &q_auth_set_totp, DB_PARAMS(db_blob(sealed, slen), db_int(1), db_int(time(NULL)), db_int(user_id)),
		    NULL, error_r) < 0)
		return -1;
	return auth_new_recovery_codes(c, k, user_id, codes_r, error_r);
}

const char *auth_change_password(const struct auth_ctx *ctx, const struct actor *a, const char *current,
				 const char *new_password, const char **error_r)
{
	const char *problem = password_policy_check(new_password, a->email);
	if (problem)
		return problem;
	struct signin_result res;
	/* Reuses re-authentication for the current password (and its throttling). */
	struct actor tmp = *a;
	tmp.totp_enabled = false;
	if (auth_reauth(ctx, &tmp, current, NULL, &res, error_r) < 0)
		return N_("Something went wrong");
	if (res.outcome == SIGNIN_LOCKED)
		return N_("Too many attempts. Wait a few minutes and try again.");
	if (res.outcome != SIGNIN_OK)
		return N_("The current password is not right.");
	char hash[PASSWORD_HASH_MAX];
	if (password_hash(new_password, hash) < 0)
		return N_("Something went wrong");
	const char *result = N_("Something went wrong");
	struct db_conn *c = write_begin(ctx, error_r);
	if (c == NULL)
		goto out;
	int64_t now = (int64_t)time(NULL);
	int work = db_exec(c, &q_auth_set_password, DB_PARAMS(db_text(hash), db_int(now), db_int(now), db_int(a->user_id)),
			   NULL, error_r);
	if (write_end(&c, ctx, a, work, "password.change", "ok", "", error_r) == 0)
		result = NULL;
out:
	sodium_memzero(hash, sizeof hash);
	return result;
}

int auth_signout(const struct auth_ctx *ctx, const struct actor *a, bool everywhere, const char **error_r)
{
	struct db_conn *c = write_begin(ctx, error_r);
	if (c == NULL)
		return -1;
	int work = everywhere ? session_delete_user(c, a->user_id, error_r) : session_delete(c, a->session_hash, error_r);
	return write_end(&c, ctx, a, work, everywhere ? "signout.everywhere" : "signout", "ok", "", error_r);
}

int auth_set_language(const struct auth_ctx *ctx, const struct actor *a, const char *lang, const char **error_r)
{
	char detail[16];
	snprintf(detail, sizeof detail, "lang=%s", lang);
	struct db_conn *c = write_begin(ctx, error_r);
	if (c == NULL)
		return -1;
	int work = db_exec(c, &q_auth_set_lang, DB_PARAMS(db_text(lang), db_int(time(NULL)), db_int(a->user_id)), NULL,
			   error_r);
	return write_end(&c, ctx, a, work, "user.language", "ok", detail, error_r);
}

int auth_regenerate_recovery_codes(const struct auth_ctx *ctx, const struct actor *a, char (*codes_r)[12],
				   const char **error_r)
{
	struct db_conn *c = write_begin(ctx, error_r);
	if (c == NULL)
		return -1;
	int work = auth_new_recovery_codes(c, ctx->key, a->user_id, codes_r, error_r);
	return write_end(&c, ctx, a, work, "recovery-codes.new", "ok", "", error_r);
}

int auth_clear_lockout(struct db_conn *c, const struct master_key *k, const char *email, const char **error_r)
{
	char h[65], key[72];
	token_hash(k, "throttle", email, h);
	snprintf(key, sizeof key, "a:%.60s", h);
	return db_exec(c, &q_thr_clear, DB_PARAMS(db_text(key)), NULL, error_r);
}
