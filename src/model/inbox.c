/* inbox.c — organizations' and people's inboxes, approaching deadlines and
 * the mail that says something is waiting (see inbox.h). */
#include "model/inbox.h"
#include "base/intl.h"
#include "base/log.h"
#include "base/smtp.h"
#include "base/str.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Two counts, each on its own index, rather than one OR the planner cannot split. */
DB_QUERY(q_in_list,
	 "SELECT i.id, i.kind, COALESCE(i.referral_id, 0), i.created_at, COALESCE(i.read_at, 0),"
	 " CASE WHEN i.user_id IS NULL THEN 0 ELSE 1 END, COALESCE(c.code, ''), COALESCE(fo.code, ''),"
	 " COALESCE(tor.code, ''), COALESCE(r.services, ''), COALESCE(r.state, '')"
	 " FROM inbox i LEFT JOIN referrals r ON r.id = i.referral_id LEFT JOIN cases c ON c.id = r.case_id"
	 " LEFT JOIN organizations fo ON fo.id = r.from_org_id LEFT JOIN organizations tor ON tor.id = r.to_org_id"
	 " WHERE ((i.org_id = ? AND i.user_id IS NULL AND ? = 1) OR i.user_id = ?) AND (? = 0 OR i.read_at IS NULL)"
	 " ORDER BY i.id DESC LIMIT ? OFFSET ?");
DB_QUERY(q_in_mine, "SELECT COUNT(*) FROM inbox WHERE id = ? AND ((org_id = ? AND user_id IS NULL AND ? = 1)"
		    " OR user_id = ?)");
DB_QUERY(q_in_read_one, "UPDATE inbox SET read_at = ? WHERE id = ? AND read_at IS NULL");
DB_QUERY(q_in_read_all, "UPDATE inbox SET read_at = ? WHERE read_at IS NULL AND ((org_id = ? AND user_id IS NULL"
			" AND ? = 1) OR user_id = ?)");
/* Less than a quarter of the time left: (deadline - now) < (deadline - created) / 4, in integers. */
DB_QUERY(q_in_soon, "SELECT id, to_org_id FROM referrals WHERE state = 'sent' AND escalated_at IS NULL"
		    " AND deadline_at > ? AND (deadline_at - ?) * 4 < deadline_at - created_at ORDER BY id LIMIT 200");
DB_QUERY(q_in_soon_claim, "UPDATE referrals SET escalated_at = ? WHERE id = ? AND state = 'sent'"
			  " AND escalated_at IS NULL");
DB_QUERY(q_in_add, "INSERT INTO inbox (org_id, user_id, kind, referral_id, created_at) VALUES (?, NULL, ?, ?, ?)");
DB_QUERY(q_in_mark_init, "INSERT INTO meta (name, value) VALUES ('inbox_mailed_through', '0')"
			 " ON CONFLICT (name) DO NOTHING");
DB_QUERY(q_in_mark_get, "SELECT value FROM meta WHERE name = 'inbox_mailed_through'");
DB_QUERY(q_in_mark_swap, "UPDATE meta SET value = ? WHERE name = 'inbox_mailed_through' AND value = ?");
DB_QUERY(q_in_new_items, "SELECT id, org_id, COALESCE(user_id, 0), CASE WHEN read_at IS NULL THEN 1 ELSE 0 END"
			 " FROM inbox WHERE id > ? AND created_at <= ? ORDER BY id LIMIT 500");
DB_QUERY(q_in_org_people, "SELECT email, lang FROM users WHERE org_id = ? AND status = 'active'"
			  " AND role IN ('manager', 'caseworker') ORDER BY id");
DB_QUERY(q_in_person, "SELECT email, lang FROM users WHERE id = ? AND status = 'active'");

/* An item younger than this may belong to a transaction not yet committed: the mail pass leaves it for the next. */
#define MAIL_SETTLE_SECONDS 2
#define MAIL_MAX_RECIPIENTS 500

/* Whether the actor shares its organization's inbox. */
static bool works_referrals(const struct actor *a)
{
	return a->org_id != 0 && policy_may(a, A_REFERRAL_LIST, NULL);
}

int inbox_list(struct svc *s, bool unread_only, int limit, int offset, struct inbox_item **rows_r, int *n_r,
	       bool *more_r)
{
	*n_r = 0;
	*more_r = false;
	*rows_r = NULL;
	if (s->actor->user_id == 0)
		return SVC_DENIED; /* the console has no inbox */
	if (limit <= 0 || limit > 200)
		limit = 50;
	if (offset < 0)
		offset = 0;
	struct db_conn *c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	struct db_rows *r;
	int rc = SVC_ERROR;
	if (db_query(c, &q_in_list,
		     DB_PARAMS(db_int(s->actor->org_id), db_int(works_referrals(s->actor)), db_int(s->actor->user_id),
			       db_int(unread_only), db_int(limit + 1), db_int(offset)),
		     &r, &s->error) < 0)
		goto out;
	struct inbox_item *rows = arena_alloc(s->arena, sizeof *rows * (size_t)(limit + 1));
	int n = 0, q;
	while ((q = db_rows_next(r, &s->error)) == 1) {
		if (n == limit) {
			*more_r = true;
			break;
		}
		struct inbox_item *x = &rows[n++];
		x->id = db_rows_int(r, 0);
		x->kind = arena_strdup(s->arena, db_rows_text(r, 1));
		x->referral_id = db_rows_int(r, 2);
		x->created_at = db_rows_int(r, 3);
		x->read_at = db_rows_int(r, 4);
		x->personal = db_rows_int(r, 5) != 0;
		x->case_code = arena_strdup(s->arena, db_rows_text(r, 6));
		x->from_org = arena_strdup(s->arena, db_rows_text(r, 7));
		x->to_org = arena_strdup(s->arena, db_rows_text(r, 8));
		x->services = arena_strdup(s->arena, db_rows_text(r, 9));
		x->state = arena_strdup(s->arena, db_rows_text(r, 10));
	}
	db_rows_free(&r);
	if (q < 0)
		goto out;
	*rows_r = rows;
	*n_r = n;
	rc = SVC_OK;
out:
	svc_abort(s, &c);
	return rc;
}

int inbox_mark_read(struct svc *s, int64_t id, int *marked_r)
{
	*marked_r = 0;
	if (s->actor->user_id == 0)
		return SVC_DENIED;
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	int64_t org = s->actor->org_id, uid = s->actor->user_id, shares = works_referrals(s->actor), now = time(NULL);
	int64_t changed = 0, mine = 0;
	int rc = SVC_ERROR;
	if (id > 0) {
		if (db_query_int(c, &q_in_mine, DB_PARAMS(db_int(id), db_int(org), db_int(shares), db_int(uid)), &mine,
				 &s->error) < 0)
			goto out;
		if (mine == 0) {
			rc = SVC_NOT_FOUND;
			goto out;
		}
		if (db_exec(c, &q_in_read_one, DB_PARAMS(db_int(now), db_int(id)), &changed, &s->error) < 0)
			goto out;
	} else if (db_exec(c, &q_in_read_all, DB_PARAMS(db_int(now), db_int(org), db_int(shares), db_int(uid)), &changed,
			   &s->error) < 0) {
		goto out;
	}
	if (changed > 0 && svc_audit(s, c, "inbox.read", "inbox", id > 0 ? arena_printf(s->arena, "%lld", (long long)id) : "all",
				     "ok", arena_printf(s->arena, "items=%lld", (long long)changed)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
	if (rc == SVC_OK)
		*marked_r = (int)changed;
out:
	svc_abort(s, &c);
	return rc;
}

int inbox_deadline_soon(struct svc *s, int64_t now, int *created_r)
{
	*created_r = 0;
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	struct db_rows *r;
	int rc = SVC_ERROR;
	if (db_query(c, &q_in_soon, DB_PARAMS(db_int(now), db_int(now)), &r, &s->error) < 0)
		goto out;
	int64_t due[200][2];
	int n = 0, q;
	while (n < 200 && (q = db_rows_next(r, &s->error)) == 1) {
		due[n][0] = db_rows_int(r, 0);
		due[n][1] = db_rows_int(r, 1);
		n++;
	}
	db_rows_free(&r);
	for (int i = 0; i < n; i++) {
		int64_t changed = 0;
		if (db_exec(c, &q_in_soon_claim, DB_PARAMS(db_int(now), db_int(due[i][0])), &changed, &s->error) < 0)
			goto out;
		if (changed == 0)
			continue; /* another process warned first, or it was answered meanwhile */
		if (db_exec(c, &q_in_add, DB_PARAMS(db_int(due[i][1]), db_text("referral.deadline_soon"), db_int(due[i][0]),
						    db_int(now)),
			    NULL, &s->error) < 0 ||
		    svc_audit(s, c, "referral.deadline_soon", "referral", arena_printf(s->arena, "%lld", (long long)due[i][0]),
			      "ok", "") != SVC_OK)
			goto out;
		(*created_r)++;
	}
	rc = svc_commit(s, &c);
out:
	svc_abort(s, &c);
	return rc;
}

/* ---- mail -------------------------------------------------------------------- */

static struct {
	const char *url, *from, *public_url;
	void (*use_lang)(const char *lang);
} mail;

void inbox_mail_configure(const char *smtp_url, const char *from, const char *public_url,
			  void (*use_lang)(const char *lang))
{
	static char base[512];
	/* The link is public_url + "/inbox": without a trailing slash of its own. */
	snprintf(base, sizeof base, "%s", public_url ? public_url : "");
	for (size_t n = strlen(base); n > 0 && base[n - 1] == '/'; n--)
		base[n - 1] = '\0';
	mail.url = smtp_url && *smtp_url ? smtp_url : NULL;
	mail.from = from;
	mail.public_url = base;
	mail.use_lang = use_lang;
}

struct recipient {
	const char *email, *lang;
};

/* Adds the people a query answers (email, lang), each address once. */
static int add_recipients(struct svc *s, struct db_conn *c, const struct db_query *q, int64_t id,
			  struct recipient *to, int *n)
{
	struct db_rows *r;
	if (db_query(c, q, DB_PARAMS(db_int(id)), &r, &s->error) < 0)
		return SVC_ERROR;
	int more;
	while ((more = db_rows_next(r, &s->error)) == 1 && *n < MAIL_MAX_RECIPIENTS) {
		const char *email = db_rows_text(r, 0);
		bool seen = false;
		for (int k = 0; k < *n && !seen; k++)
			seen = str_eq(to[k].email, email);
		if (!seen) {
			to[*n].email = arena_strdup(s->arena, email);
			to[*n].lang = arena_strdup(s->arena, db_rows_text(r, 1));
			(*n)++;
		}
	}
	db_rows_free(&r);
	return more < 0 ? SVC_ERROR : SVC_OK;
}

/*
 * Claims the items added since the last pass (moving the watermark from the
 * value read to the highest id seen, only if nobody moved it meanwhile) and
 * answers whom to tell.  Commits; *n_r 0 when there is nothing to send.
 */
static int mail_claim(struct svc *s, int64_t now, struct recipient *to, int *n_r)
{
	*n_r = 0;
	struct db_conn *c = svc_begin(s, true);
	if (c == NULL)
		return SVC_ERROR;
	int rc = SVC_ERROR;
	struct db_rows *r;
	char mark[32] = "0";
	if (db_exec(c, &q_in_mark_init, DB_NOPARAMS, NULL, &s->error) < 0 ||
	    db_query(c, &q_in_mark_get, DB_NOPARAMS, &r, &s->error) < 0)
		goto out;
	int got = db_rows_next(r, &s->error);
	if (got == 1)
		snprintf(mark, sizeof mark, "%s", db_rows_text(r, 0));
	db_rows_free(&r);
	if (got < 0)
		goto out;
	if (db_query(c, &q_in_new_items, DB_PARAMS(db_int(strtoll(mark, NULL, 10)), db_int(now - MAIL_SETTLE_SECONDS)), &r,
		     &s->error) < 0)
		goto out;
	int64_t items[500][3], last = 0;
	int n = 0, q;
	while ((q = db_rows_next(r, &s->error)) == 1 && n < 500) {
		last = db_rows_int(r, 0);
		if (db_rows_int(r, 3) == 0)
			continue; /* read already: nothing is waiting */
		items[n][0] = last;
		items[n][1] = db_rows_int(r, 1);
		items[n][2] = db_rows_int(r, 2);
		n++;
	}
	db_rows_free(&r);
	if (q < 0)
		goto out;
	if (last == 0) {
		rc = svc_commit(s, &c);
		goto out;
	}
	int64_t swapped = 0;
	if (db_exec(c, &q_in_mark_swap, DB_PARAMS(db_text(arena_printf(s->arena, "%lld", (long long)last)), db_text(mark)),
		    &swapped, &s->error) < 0)
		goto out;
	if (swapped == 0) {
		rc = SVC_OK; /* another process claimed these items */
		goto out;
	}
	for (int i = 0; i < n; i++) {
		bool personal = items[i][2] != 0;
		if (add_recipients(s, c, personal ? &q_in_person : &q_in_org_people, personal ? items[i][2] : items[i][1], to,
				   n_r) != SVC_OK)
			goto out;
	}
	if (svc_audit(s, c, "inbox.mail", "inbox", arena_printf(s->arena, "%lld", (long long)last), "ok",
		      arena_printf(s->arena, "items=%d recipients=%d", n, *n_r)) != SVC_OK)
		goto out;
	rc = svc_commit(s, &c);
out:
	if (rc != SVC_OK)
		*n_r = 0;
	svc_abort(s, &c);
	return rc;
}

int inbox_mail_pass(struct svc *s, int64_t now, int *sent_r)
{
	*sent_r = 0;
	if (mail.url == NULL)
		return SVC_OK;
	struct recipient *to = arena_alloc(s->arena, sizeof *to * MAIL_MAX_RECIPIENTS);
	int n = 0;
	int rc = mail_claim(s, now, to, &n);
	if (rc != SVC_OK)
		return rc;
	/* Sent after the claim committed: a relay that is down costs these messages, never a double send. */
	int failed = 0;
	const char *last_error = "";
	for (int i = 0; i < n; i++) {
		if (mail.use_lang)
			mail.use_lang(to[i].lang);
		const char *body = arena_printf(s->arena, _("Something is waiting for you in nadiya: %s/inbox"),
						mail.public_url);
		const char *err;
		if (smtp_send(mail.url, mail.from, to[i].email, "nadiya", arena_printf(s->arena, "%s\n", body), &err) < 0) {
			failed++;
			last_error = arena_strdup(s->arena, err);
		} else {
			(*sent_r)++;
		}
	}
	if (failed)
		log_warn("msg=\"inbox mail failed\" failed=%d sent=%d relay=\"%s\" error=\"%s\"", failed, *sent_r,
			 smtp_safe_url(mail.url), last_error);
	else if (*sent_r)
		log_info("msg=\"inbox mail sent\" count=%d", *sent_r);
	return SVC_OK;
}

int inbox_timer_pass(struct svc *s, int64_t now)
{
	int created = 0, sent = 0;
	int rc = inbox_deadline_soon(s, now, &created);
	if (rc != SVC_OK)
		return rc;
	if (created)
		log_info("msg=\"deadlines approaching\" referrals=%d", created);
	return inbox_mail_pass(s, now, &sent);
}
