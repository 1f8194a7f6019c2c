/* user.c — accounts: create, edit, role, disable/enable, reset, view and list. */
#include "model/user.h"
#include "base/buf.h"
#include "base/intl.h"
#include "base/str.h"
#include "base/uni.h"
#include "crypto/password.h"
#include "model/auth.h"
#include "model/session.h"
#include "store/db.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const struct pick user_lang_items[] = { { "uk", N_("Ukrainian") }, { "en", N_("English") } };
const struct picklist pl_user_lang = { "user_lang", user_lang_items, sizeof user_lang_items / sizeof user_lang_items[0] };

static const struct field user_fields[USER__NFIELDS] = {
	[USER_EMAIL] = { "email", "email", FT_EMAIL, NULL, F_REQUIRED, 0, 254, N_("E-mail address"),
			 N_("The person signs in with it.") },
	[USER_DISPLAY_NAME] = { "display_name", "display_name", FT_TEXT, NULL, F_REQUIRED, 2, 120, N_("Name"),
				N_("As colleagues know the person.") },
	[USER_ORG] = { "org", "org", FT_TEXT, NULL, F_REQUIRED, 0, 40, N_("Organization"), NULL },
	[USER_ROLE] = { "role", "role", FT_PICK, &pl_role, F_REQUIRED | F_CREATE_ONLY, 0, 0, N_("Role"),
			N_("Decides what the person may see and do.") },
	[USER_STATUS] = { "status", "status", FT_PICK, &pl_user_status, 0, 0, 0, N_("Status"), NULL },
	[USER_LANG] = { "lang", "lang", FT_PICK, &pl_user_lang, 0, 0, 0, N_("Language"),
			N_("Leave empty to follow the browser.") },
	[USER_PASSWORD] = { "password", "password", FT_PASSWORD, NULL, F_REQUIRED | F_CREATE_ONLY | F_HIDDEN_JSON, 0,
			    PASSWORD_MAX, N_("Temporary password"),
			    N_("At least 12 characters and not a common password. Give it to the person in a safe "
			       "way; they can change it after signing in.") },
};

const struct record_type user_record = { "user", user_fields, USER__NFIELDS };

bool user_field_editable(enum user_field f, bool creating)
{
	switch (f) {
	case USER_STATUS:
		return false;
	case USER_ROLE:
	case USER_PASSWORD:
		return creating;
	default:
		return (unsigned)f < USER__NFIELDS;
	}
}

const char *user_org_name(const struct user *u, const char *lang)
{
	if (str_eq(lang, "en") && u->org_name_en && *u->org_name_en)
		return u->org_name_en;
	return u->org_name_uk && *u->org_name_uk ? u->org_name_uk : u->v[USER_ORG];
}

#define USER_COLUMNS                                                                                               \
	"u.id, u.org_id, o.code, o.name_uk, o.name_en, u.email, u.display_name, u.role, u.status, u.lang,"     \
	" u.totp_enabled, u.version, u.created_at, u.updated_at, u.password_changed_at"

DB_QUERY(q_user_by_id, "SELECT " USER_COLUMNS " FROM users u JOIN organizations o ON o.id = u.org_id WHERE u.id = ?");
DB_QUERY(q_user_by_email,
	 "SELECT " USER_COLUMNS " FROM users u JOIN organizations o ON o.id = u.org_id WHERE u.email = ?");
DB_QUERY(q_user_list, "SELECT " USER_COLUMNS " FROM users u JOIN organizations o ON o.id = u.org_id"
		      " WHERE (? = 0 OR u.org_id = ?) AND (? = '' OR o.code = ?) AND (? = '' OR u.role = ?)"
		      " AND (? = '' OR u.status = ?) ORDER BY u.email");
DB_QUERY(q_user_email_taken, "SELECT id FROM users WHERE email = ? AND id <> ?");
DB_QUERY(q_user_org_by_code, "SELECT id, status FROM organizations WHERE code = ?");
DB_QUERY(q_user_org_choices, "SELECT id, code, name_uk, name_en, status FROM organizations ORDER BY code");
DB_QUERY(q_user_insert,
	 "INSERT INTO users (org_id, email, display_name, role, status, password_hash, totp_enabled, lang,"
	 " created_at, updated_at, password_changed_at, version) VALUES (?, ?, ?, ?, 'active', ?, 0, ?, ?, ?, ?, 1)"
	 " RETURNING id");
DB_QUERY(q_user_update, "UPDATE users SET email = ?, display_name = ?, org_id = ?, lang = ?, updated_at = ?,"
			" version = version + 1 WHERE id = ? AND version = ?");
DB_QUERY(q_user_set_role,
	 "UPDATE users SET role = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?");
DB_QUERY(q_user_set_status,
	 "UPDATE users SET status = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?");
/* A reset removes the second factor too: whoever lost their password may have lost their phone as well. */
DB_QUERY(q_user_reset, "UPDATE users SET password_hash = ?, password_changed_at = ?, totp_sealed = NULL,"
		       " totp_enabled = 0, totp_last_step = 0, updated_at = ?, version = version + 1"
		       " WHERE id = ? AND version = ?");
DB_QUERY(q_user_rc_delete, "DELETE FROM recovery_codes WHERE user_id = ?");

static struct user *row_to_user(struct db_rows *r, struct arena *a)
{
	struct user *u = arena_zalloc(a, sizeof *u);
	u->id = db_rows_int(r, 0);
	u->org_id = db_rows_int(r, 1);
	u->v[USER_ORG] = arena_strdup(a, db_rows_text(r, 2));
	u->org_name_uk = arena_strdup(a, db_rows_text(r, 3));
	u->org_name_en = arena_strdup(a, db_rows_text(r, 4));
	u->v[USER_EMAIL] = arena_strdup(a, db_rows_text(r, 5));
	u->v[USER_DISPLAY_NAME] = arena_strdup(a, db_rows_text(r, 6));
	u->v[USER_ROLE] = arena_strdup(a, db_rows_text(r, 7));
	u->v[USER_STATUS] = arena_strdup(a, db_rows_text(r, 8));
	u->v[USER_LANG] = arena_strdup(a, db_rows_text(r, 9));
	u->v[USER_PASSWORD] = "";
	u->totp_enabled = db_rows_int(r, 10) != 0;
	u->version = db_rows_int(r, 11);
	u->created_at = db_rows_int(r, 12);
	u->updated_at = db_rows_int(r, 13);
	u->password_changed_at = db_rows_int(r, 14);
	return u;
}

/* 1 found (*u_r set), 0 none, -1 error (s->error set). */
static int load_user(struct svc *s, struct db_conn *c, const struct db_query *q, struct db_val key, struct user **u_r)
{
	struct db_rows *r;
	*u_r = NULL;
	if (db_query(c, q, &key, 1, &r, &s->error) < 0)
		return -1;
	int rc = db_rows_next(r, &s->error);
	if (rc == 1)
		*u_r = row_to_user(r, s->arena);
	db_rows_free(&r);
	return rc;
}

/* 1 found, 0 unknown code, -1 error. */
static int find_org(struct svc *s, struct db_conn *c, const char *code, int64_t *id_r, const char **status_r)
{
	struct db_rows *r;
	if (db_query(c, &q_user_org_by_code, DB_PARAMS(db_text(code)), &r, &s->error) < 0)
		return -1;
	int rc = db_rows_next(r, &s->error);
	if (rc == 1) {
		*id_r = db_rows_int(r, 0);
		*status_r = arena_strdup(s->arena, db_rows_text(r, 1));
	}
	db_rows_free(&r);
	return rc;
}

/* 1 when another account (not except_id) has this address, 0 when free, -1 on error. */
static int email_taken(struct svc *s, struct db_conn *c, const char *email, int64_t except_id)
{
	int64_t other;
	return db_query_int(c, &q_user_email_taken, DB_PARAMS(db_text(email), db_int(except_id)), &other, &s->error);
}

/*
 * Closes the transaction, then lets svc_may answer: it audits the denial in
 * a transaction of its own, which must not wait for ours.
 */
static int deny(struct svc *s, struct db_conn **c, enum action act, const struct resource *res)
{
	svc_abort(s, c);
	return svc_may(s, act, res);
}

/*
 * An unknown id.  Only actors who could see any account learn that it does not
 * exist; the others are denied as they would be for an existing one.
 */
static int not_found(struct svc *s, struct db_conn **c, enum action act)
{
	static const struct resource nobody = { .org_id = -1, .user_id = -1 };
	if (!policy_may(s->actor, act, &nobody))
		return deny(s, c, act, &nobody);
	svc_abort(s, c);
	return SVC_NOT_FOUND;
}

static struct resource user_resource(const struct user *u)
{
	return (struct resource){ .org_id = u->org_id, .user_id = u->id };
}

/*
 * Re-validates values (callers pass canonical values, but the CLI builds them
 * from arguments) into out[]; NULL values stay NULL.  The first problem
 * answers SVC_INVALID with its field.
 */
static int check_values(struct svc *s, const char *const *values, bool creating, const char **out)
{
	for (int i = 0; i < USER__NFIELDS; i++) {
		out[i] = NULL;
		if (!user_field_editable((enum user_field)i, creating) || values[i] == NULL) {
			if (creating && user_field_editable((enum user_field)i, true) &&
			    (user_fields[i].flags & F_REQUIRED))
				return svc_invalid(s, N_("This is required."), user_fields[i].name);
			continue;
		}
		const char *problem = field_validate(&user_fields[i], values[i], s->arena, &out[i]);
		if (problem)
			return svc_invalid(s, problem, user_fields[i].name);
	}
	return SVC_OK;
}

static const char *id_text(struct svc *s, int64_t id)
{
	return arena_printf(s->arena, "%lld", (long long)id);
}

/* The organization an account is to belong to, by code: SVC_OK with *id_r, else SVC_INVALID on "org" or SVC_ERROR. */
static int usable_org(struct svc *s, struct db_conn *c, const char *code, int64_t *id_r)
{
	const char *status = NULL;
	int found = find_org(s, c, code, id_r, &status);
	if (found < 0)
		return SVC_ERROR;
	if (found == 0)
		return svc_invalid(s, N_("There is no organization with this code."), "org");
	if (str_eq(status, "left"))
		return svc_invalid(s, N_("This organization has left the network; choose another."), "org");
	return SVC_OK;
}

/* Another account has the address: SVC_CONFLICT, with the problem on "email". */
static int email_conflict(struct svc *s)
{
	svc_invalid(s, N_("An account with this e-mail address already exists."), "email");
	return SVC_CONFLICT;
}

int user_create(struct svc *s, const char *const *values, bool enrol_all, struct user **user_r,
		struct user_enrolment **enrol_r)
{
	if (user_r)
		*user_r = NULL;
	if (enrol_r)
		*enrol_r = NULL;
	/* Asked first, so that nobody without the right learns anything or costs a password hash. */
	if (policy_scope(s->actor, A_USER_CREATE) == SCOPE_NONE)
		return svc_may(s, A_USER_CREATE, NULL);
	const char *v[USER__NFIELDS];
	int rc = check_values(s, values, true, v);
	if (rc != SVC_OK)
		return rc;
	const char *lang = v[USER_LANG] ? v[USER_LANG] : "";
	const char *problem = password_policy_check(v[USER_PASSWORD], v[USER_EMAIL]);
	if (problem)
		return svc_invalid(s, problem, "password");
	char hash[PASSWORD_HASH_MAX];
	/* Hashed before the transaction: it takes tens of milliseconds and must not hold the write lock. */
	if (password_hash(v[USER_PASSWORD], hash) < 0)
		return svc_fail(s, "password hashing failed");
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL) {
		rc = SVC_ERROR;
		goto out;
	}
	int64_t org_id = 0;
	if ((rc = usable_org(s, c, v[USER_ORG], &org_id)) != SVC_OK)
		goto out;
	struct resource res = { .org_id = org_id };
	if (!policy_may(s->actor, A_USER_CREATE, &res)) {
		rc = deny(s, &c, A_USER_CREATE, &res);
		goto out;
	}
	int taken = email_taken(s, c, v[USER_EMAIL], 0);
	if (taken != 0) {
		rc = taken < 0 ? SVC_ERROR : email_conflict(s);
		goto out;
	}
	int64_t now = (int64_t)time(NULL), id = 0;
	if (db_query_int(c, &q_user_insert,
			 DB_PARAMS(db_int(org_id), db_text(v[USER_EMAIL]), db_text(v[USER_DISPLAY_NAME]),
				   db_text(v[USER_ROLE]), db_text(hash), db_text(lang), db_int(now), db_int(now),
				   db_int(now)),
			 &id, &s->error) != 1) {
		/* Another request took the address between our check and the insert. */
		rc = db_errcode(c) == DB_E_CONSTRAINT ? email_conflict(s) : SVC_ERROR;
		goto out;
	}
	int role = role_from_code(v[USER_ROLE]);
	bool enrol = s->actor->role == ROLE_SYSTEM && (enrol_all || role_requires_2fa((enum role)role));
	struct user_enrolment *en = NULL;
	if (enrol) {
		/*
		 * The console sets the second factor up at once: the first
		 * administrator has no one to enrol them through the web.
		 */
		en = arena_zalloc(s->arena, sizeof *en);
		if (auth_totp_enrol_now(c, s->key, id, v[USER_EMAIL], s->arena, &en->totp_uri, en->codes, &s->error) < 0) {
			rc = SVC_ERROR;
			goto out;
		}
	}
	const char *detail = arena_printf(s->arena, "role=%s org=%s totp=%s", v[USER_ROLE], v[USER_ORG],
					  enrol ? "enrolled" : "pending");
	struct user *u = NULL;
	if (svc_audit(s, c, "user.create", "user", id_text(s, id), "ok", detail) != SVC_OK ||
	    load_user(s, c, &q_user_by_id, db_int(id), &u) != 1) {
		rc = SVC_ERROR;
		goto out;
	}
	rc = svc_commit(s, &c);
	if (rc == SVC_OK) {
		if (user_r)
			*user_r = u;
		if (enrol_r)
			*enrol_r = en;
	}
out:
	svc_abort(s, &c);
	sodium_memzero(hash, sizeof hash);
	return rc;
}

/* Appends name to a comma-separated list of changed fields. */
static void changed(struct buf *b, const char *name)
{
	if (b->len)
		buf_putc(b, ',');
	buf_puts(b, name);
}

int user_update(struct svc *s, int64_t id, const char *const *values, int64_t expected_version,
		struct user **user_r)
{
	if (user_r)
		*user_r = NULL;
	const char *v[USER__NFIELDS];
	struct user *u = NULL;
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	int rc = load_user(s, c, &q_user_by_id, db_int(id), &u);
	if (rc <= 0) {
		rc = rc < 0 ? SVC_ERROR : not_found(s, &c, A_USER_EDIT);
		goto out;
	}
	struct resource res = user_resource(u);
	if (!policy_may(s->actor, A_USER_EDIT, &res)) {
		rc = deny(s, &c, A_USER_EDIT, &res);
		goto out;
	}
	if ((rc = check_values(s, values, false, v)) != SVC_OK)
		goto out;
	if (expected_version && expected_version != u->version) {
		rc = SVC_CONFLICT;
		goto out;
	}
	struct buf fields;
	buf_init_arena(&fields, s->arena);
	const char *email = u->v[USER_EMAIL], *name = u->v[USER_DISPLAY_NAME], *lang = u->v[USER_LANG];
	int64_t org_id = u->org_id;
	if (v[USER_EMAIL] && !str_eq(v[USER_EMAIL], email)) {
		int taken = email_taken(s, c, v[USER_EMAIL], id);
		if (taken != 0) {
			rc = taken < 0 ? SVC_ERROR : email_conflict(s);
			goto out;
		}
		email = v[USER_EMAIL];
		changed(&fields, "email");
	}
	if (v[USER_DISPLAY_NAME] && !str_eq(v[USER_DISPLAY_NAME], name)) {
		name = v[USER_DISPLAY_NAME];
		changed(&fields, "display_name");
	}
	bool org_changed = v[USER_ORG] && !str_eq(v[USER_ORG], u->v[USER_ORG]);
	if (org_changed) {
		if ((rc = usable_org(s, c, v[USER_ORG], &org_id)) != SVC_OK)
			goto out;
		/* The actor must be allowed to manage the account in its new organization too. */
		struct resource to = { .org_id = org_id, .user_id = id };
		if (!policy_may(s->actor, A_USER_EDIT, &to)) {
			rc = deny(s, &c, A_USER_EDIT, &to);
			goto out;
		}
		changed(&fields, "org");
	}
	if (v[USER_LANG] && !str_eq(v[USER_LANG], lang)) {
		lang = v[USER_LANG];
		changed(&fields, "lang");
	}
	if (fields.len == 0) {
		/* Nothing changed: no new version, no audit entry. */
		svc_abort(s, &c);
		if (user_r)
			*user_r = u;
		rc = SVC_OK;
		goto out;
	}
	int64_t n = 0;
	if (db_exec(c, &q_user_update,
		    DB_PARAMS(db_text(email), db_text(name), db_int(org_id), db_text(lang), db_int((int64_t)time(NULL)),
			      db_int(id), db_int(u->version)),
		    &n, &s->error) < 0) {
		rc = db_errcode(c) == DB_E_CONSTRAINT ? email_conflict(s) : SVC_ERROR;
		goto out;
	}
	if (n != 1) {
		rc = SVC_CONFLICT;
		goto out;
	}
	/* In another organization the user sees other records: old sessions must not carry over. */
	if (org_changed && session_delete_user(c, id, &s->error) < 0) {
		rc = SVC_ERROR;
		goto out;
	}
	const char *detail = arena_printf(s->arena, "fields=%s%s%s", fields.data, org_changed ? " org=" : "",
					  org_changed ? v[USER_ORG] : "");
	if (svc_audit(s, c, "user.edit", "user", id_text(s, id), "ok", detail) != SVC_OK ||
	    load_user(s, c, &q_user_by_id, db_int(id), &u) != 1) {
		rc = SVC_ERROR;
		goto out;
	}
	rc = svc_commit(s, &c);
	if (rc == SVC_OK && user_r)
		*user_r = u;
out:
	svc_abort(s, &c);
	return rc;
}

/*
 * The frame of the small changes to one account (role, status): loads it,
 * asks policy, refuses changes to one's own account, and leaves the open
 * transaction in *c with the account in *u.  SVC_OK to go on.
 */
static int begin_change(struct svc *s, int64_t id, enum action act, const char *self_problem,
			const char *self_field, struct db_conn **c, struct user **u)
{
	*c = svc_begin(s, true);
	if (*c == NULL)
		return SVC_ERROR;
	int rc = load_user(s, *c, &q_user_by_id, db_int(id), u);
	if (rc <= 0)
		return rc < 0 ? SVC_ERROR : not_found(s, c, act);
	struct resource res = user_resource(*u);
	if (!policy_may(s->actor, act, &res))
		return deny(s, c, act, &res);
	/* Nobody locks themself out or raises their own rights. */
	if (s->actor->user_id != 0 && s->actor->user_id == id)
		return svc_invalid(s, self_problem, self_field);
	return SVC_OK;
}

/*
 * Writes one column of the account *u, loaded by begin_change: q binds
 * (value, time, id, version), so a change made meanwhile is SVC_CONFLICT.
 * Ends the account's sessions when end_sessions, audits action with detail
 * and reloads *u.  The caller commits.
 */
static int write_change(struct svc *s, struct db_conn *c, const struct db_query *q, const char *value,
			bool end_sessions, const char *action, const char *detail, struct user **u)
{
	int64_t id = (*u)->id, n = 0;
	if (db_exec(c, q, DB_PARAMS(db_text(value), db_int((int64_t)time(NULL)), db_int(id), db_int((*u)->version)), &n,
		    &s->error) < 0 ||
	    (n == 1 && end_sessions && session_delete_user(c, id, &s->error) < 0))
		return SVC_ERROR;
	if (n != 1)
		return SVC_CONFLICT;
	if (svc_audit(s, c, action, "user", id_text(s, id), "ok", detail) != SVC_OK ||
	    load_user(s, c, &q_user_by_id, db_int(id), u) != 1)
		return SVC_ERROR;
	return SVC_OK;
}

int user_set_role(struct svc *s, int64_t id, const char *role, struct user **user_r)
{
	if (user_r)
		*user_r = NULL;
	struct db_conn *c = NULL;
	struct user *u = NULL;
	int rc = begin_change(s, id, A_USER_SET_ROLE, N_("You cannot change your own role."), "role", &c, &u);
	if (rc != SVC_OK)
		goto out;
	if (role == NULL || role_from_code(role) < 0) {
		rc = svc_invalid(s, N_("Choose one of the listed values."), "role");
		goto out;
	}
	/* New rights take effect at once: the sessions of the old ones end. */
	if (!str_eq(role, u->v[USER_ROLE]) &&
	    (rc = write_change(s, c, &q_user_set_role, role, true, "user.set_role",
			       arena_printf(s->arena, "fields=role from=%s to=%s", u->v[USER_ROLE], role), &u)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
	if (rc == SVC_OK && user_r)
		*user_r = u;
out:
	svc_abort(s, &c);
	return rc;
}

static int set_status(struct svc *s, int64_t id, const char *status, struct user **user_r)
{
	if (user_r)
		*user_r = NULL;
	bool disabling = str_eq(status, "disabled");
	struct db_conn *c = NULL;
	struct user *u = NULL;
	int rc = begin_change(s, id, A_USER_DISABLE,
			      disabling ? N_("You cannot disable your own account.")
					: N_("You cannot enable your own account."),
			      NULL, &c, &u);
	if (rc != SVC_OK)
		goto out;
	if (!str_eq(status, u->v[USER_STATUS]) &&
	    (rc = write_change(s, c, &q_user_set_status, status, disabling, disabling ? "user.disable" : "user.enable",
			       disabling ? "fields=status sessions=ended" : "fields=status", &u)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
	if (rc == SVC_OK && user_r)
		*user_r = u;
out:
	svc_abort(s, &c);
	return rc;
}

int user_disable(struct svc *s, int64_t id, struct user **user_r)
{
	return set_status(s, id, "disabled", user_r);
}

int user_enable(struct svc *s, int64_t id, struct user **user_r)
{
	return set_status(s, id, "active", user_r);
}

int user_reset(struct svc *s, int64_t id, const char *password, struct user **user_r)
{
	if (user_r)
		*user_r = NULL;
	struct db_conn *c = NULL;
	struct user *u = NULL;
	char hash[PASSWORD_HASH_MAX] = "";
	/* First look (policy, the address for the password check), then hash with no transaction open. */
	int rc = begin_change(s, id, A_USER_RESET, N_("Change your own password on your account page."), "password",
			      &c, &u);
	if (rc != SVC_OK)
		goto out;
	svc_abort(s, &c);
	int64_t seen_version = u->version;
	const char *problem = password_policy_check(password ? password : "", u->v[USER_EMAIL]);
	if (problem) {
		rc = svc_invalid(s, problem, "password");
		goto out;
	}
	if (password_hash(password, hash) < 0) {
		rc = svc_fail(s, "password hashing failed");
		goto out;
	}
	if ((c = svc_begin(s, true)) == NULL) {
		rc = SVC_ERROR;
		goto out;
	}
	int64_t now = (int64_t)time(NULL), n = 0;
	/* The version guards against a change (e.g. of the e-mail checked above) made while hashing. */
	if (db_exec(c, &q_user_reset, DB_PARAMS(db_text(hash), db_int(now), db_int(now), db_int(id), db_int(seen_version)),
		    &n, &s->error) < 0) {
		rc = SVC_ERROR;
		goto out;
	}
	if (n != 1) {
		rc = SVC_CONFLICT;
		goto out;
	}
	if (db_exec(c, &q_user_rc_delete, DB_PARAMS(db_int(id)), NULL, &s->error) < 0 ||
	    session_delete_user(c, id, &s->error) < 0 ||
	    auth_clear_lockout(c, s->key, u->v[USER_EMAIL], &s->error) < 0 ||
	    svc_audit(s, c, "user.reset", "user", id_text(s, id), "ok",
		      u->totp_enabled ? "fields=password,totp sessions=ended" : "fields=password sessions=ended") !=
		    SVC_OK ||
	    load_user(s, c, &q_user_by_id, db_int(id), &u) != 1) {
		rc = SVC_ERROR;
		goto out;
	}
	rc = svc_commit(s, &c);
	if (rc == SVC_OK && user_r)
		*user_r = u;
out:
	svc_abort(s, &c);
	sodium_memzero(hash, sizeof hash);
	return rc;
}

static int get_by(struct svc *s, const struct db_query *q, struct db_val key, struct user **user_r)
{
	*user_r = NULL;
	struct user *u = NULL;
	struct db_conn *c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	int rc = load_user(s, c, q, key, &u);
	if (rc == 0)
		return not_found(s, &c, A_USER_VIEW);
	if (rc < 0) {
		svc_abort(s, &c);
		return SVC_ERROR;
	}
	struct resource res = user_resource(u);
	if (!policy_may(s->actor, A_USER_VIEW, &res))
		return deny(s, &c, A_USER_VIEW, &res);
	svc_abort(s, &c);
	*user_r = u;
	return SVC_OK;
}

int user_get(struct svc *s, int64_t id, struct user **user_r)
{
	return get_by(s, &q_user_by_id, db_int(id), user_r);
}

int user_get_by_email(struct svc *s, const char *email, struct user **user_r)
{
	/* Stored addresses are lower case (FT_EMAIL); so is the one asked for. */
	char *lower = arena_strdup(s->arena, email ? email : "");
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	return get_by(s, &q_user_by_email, db_text(str_trim(lower)), user_r);
}

int user_list(struct svc *s, const struct user_filter *f, struct user ***users_r, size_t *n_r, int64_t *total_r)
{
	*users_r = NULL;
	*n_r = 0;
	*total_r = 0;
	enum scope scope = policy_scope(s->actor, A_USER_LIST);
	if (scope != SCOPE_ANY && scope != SCOPE_OWN_ORG)
		return svc_may(s, A_USER_LIST, NULL);
	const char *org = f->org ? f->org : "", *role = f->role ? f->role : "", *status = f->status ? f->status : "";
	if (*role && !picklist_has(&pl_role, role))
		return svc_invalid(s, N_("Choose one of the listed values."), "role");
	if (*status && !picklist_has(&pl_user_status, status))
		return svc_invalid(s, N_("Choose one of the listed values."), "status");
	int per_page = f->per_page <= 0 ? USER_LIST_DEFAULT : f->per_page > USER_LIST_MAX ? USER_LIST_MAX : f->per_page;
	int64_t page = f->page < 1 ? 1 : f->page;
	/* A manager sees the accounts of their own organization, whatever the filter asks. */
	int64_t only_org = scope == SCOPE_OWN_ORG ? s->actor->org_id : 0;
	if (scope == SCOPE_OWN_ORG && only_org == 0)
		return SVC_DENIED; /* an own-organization scope without an organization sees nothing */
	/* Case-folded, so "олена" finds "Олена". */
	const char *q = NULL;
	if (f->q && *f->q && (q = uni_fold(s->arena, f->q)) == NULL)
		return svc_fail(s, "case folding failed");
	int rc = SVC_ERROR;
	struct db_rows *r = NULL;
	struct db_conn *c = svc_begin(s, false);
	if (c == NULL)
		goto out;
	/*
	 * The text filter runs here rather than in SQL: it must fold Cyrillic case
	 * alike on SQLite and PostgreSQL, and a network has hundreds of accounts,
	 * not millions.  Role, status and organization narrow the rows in SQL.
	 */
	if (db_query(c, &q_user_list,
		     DB_PARAMS(db_int(only_org), db_int(only_org), db_text(org), db_text(org), db_text(role), db_text(role),
			       db_text(status), db_text(status)),
		     &r, &s->error) < 0)
		goto out;
	int64_t first = (page - 1) * per_page, total = 0;
	size_t cap = (size_t)per_page, n = 0;
	struct user **users = arena_alloc(s->arena, cap * sizeof *users);
	int more;
	while ((more = db_rows_next(r, &s->error)) == 1) {
		if (q) {
			const char *e = uni_fold(s->arena, db_rows_text(r, 5));
			const char *name = uni_fold(s->arena, db_rows_text(r, 6));
			if (!(e && strstr(e, q)) && !(name && strstr(name, q)))
				continue;
		}
		if (total >= first && n < cap)
			users[n++] = row_to_user(r, s->arena);
		total++;
	}
	if (more < 0)
		goto out;
	*users_r = users;
	*n_r = n;
	*total_r = total;
	rc = SVC_OK;
out:
	db_rows_free(&r);
	svc_abort(s, &c);
	return rc;
}

int user_org_choices(struct svc *s, struct user_org_choice **orgs_r, size_t *n_r)
{
	*orgs_r = NULL;
	*n_r = 0;
	int rc = svc_may(s, A_ORG_LIST, NULL);
	if (rc != SVC_OK)
		return rc;
	rc = SVC_ERROR;
	struct db_rows *r = NULL;
	struct db_conn *c = svc_begin(s, false);
	if (c == NULL)
		goto out;
	if (db_query(c, &q_user_org_choices, DB_NOPARAMS, &r, &s->error) < 0)
		goto out;
	size_t cap = 16, n = 0;
	struct user_org_choice *orgs = arena_alloc(s->arena, cap * sizeof *orgs);
	int more;
	while ((more = db_rows_next(r, &s->error)) == 1) {
		orgs = arena_grow(s->arena, orgs, sizeof *orgs, n, &cap);
		orgs[n++] = (struct user_org_choice){
			.id = db_rows_int(r, 0),
			.code = arena_strdup(s->arena, db_rows_text(r, 1)),
			.name_uk = arena_strdup(s->arena, db_rows_text(r, 2)),
			.name_en = arena_strdup(s->arena, db_rows_text(r, 3)),
			.status = arena_strdup(s->arena, db_rows_text(r, 4)),
		};
	}
	if (more < 0)
		goto out;
	*orgs_r = orgs;
	*n_r = n;
	rc = SVC_OK;
out:
	db_rows_free(&r);
	svc_abort(s, &c);
	return rc;
}

json_t *user_to_json(const struct user *u)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_integer(u->id));
	record_to_json(&user_record, u->v, o);
	json_object_set_new(o, "totp_enabled", json_boolean(u->totp_enabled));
	json_object_set_new(o, "version", json_integer(u->version));
	json_object_set_new(o, "created_at", json_integer(u->created_at));
	json_object_set_new(o, "updated_at", json_integer(u->updated_at));
	json_object_set_new(o, "password_changed_at", json_integer(u->password_changed_at));
	return o;
}
