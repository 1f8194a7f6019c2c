/* inbox.h — what is waiting for an organization and for one person: new
 * referrals, answers to the ones sent, deadlines coming close and missed.
 *
 * Items are rows of the inbox table, written by the referral services
 * (referral.new, referral.accepted, .declined, .in_progress, .completed,
 * .closed_unfinished, .cancelled, .expired, and referral.overdue for each
 * manager of a sender whose referral expired) and by the timer pass here
 * (referral.deadline_soon).  An item names a referral only: pages show its
 * case code and the organizations' codes, never personal data.
 *
 * An organization's items (user_id NULL) are shared by the people who work
 * its referrals (policy referral.list: managers and caseworkers); one
 * person's items are theirs alone.  Marking an organization's item read marks
 * it for all of them, as in a shared mailbox.
 */
#ifndef NADIYA_INBOX_H
#define NADIYA_INBOX_H

#include "model/service.h"

#include <stdbool.h>
#include <stdint.h>

struct db_conn;

struct inbox_item {
	int64_t id, referral_id, created_at, read_at; /* read_at 0: unread */
	bool personal;                                /* for the actor alone, not the organization */
	const char *kind;                             /* "referral.new", ... */
	const char *case_code, *from_org, *to_org, *services, *state; /* of the referral */
};

/* The unread count is read with the session (session.c, actor.inbox_unread). */

/* Items newest first (unread_only: only unread), in s->arena; *more_r when there are more after limit. */
int inbox_list(struct svc *s, bool unread_only, int limit, int offset, struct inbox_item **rows_r, int *n_r,
	       bool *more_r);

/* Marks one item (id > 0) or every item (id 0) read; SVC_NOT_FOUND for an item that is not the actor's. */
int inbox_mark_read(struct svc *s, int64_t id, int *marked_r);

/*
 * Puts a referral.deadline_soon item in the receiving organization's inbox
 * for every referral still unanswered with less than a quarter of its time
 * left, once per referral: the claim is a conditional update of the
 * referral's escalated_at, so several processes never warn twice.
 */
int inbox_deadline_soon(struct svc *s, int64_t now, int *created_r);

/*
 * Where inbox mail goes: the SMTP relay URL (NULL: no mail), the sender
 * address and the public address of nadiya for the link; use_lang (or NULL)
 * switches the calling thread to a person's language ("uk", "en") before
 * their message is written.  Call once at start, before any timer pass; the
 * strings must outlive the server.
 */
void inbox_mail_configure(const char *smtp_url, const char *from, const char *public_url,
			  void (*use_lang)(const char *lang));

/*
 * Mails every person with something new in their inbox since the last pass:
 * only "Something is waiting for you in nadiya: <public-url>/inbox", never
 * what.  New items are claimed through a compare-and-swap of a watermark in
 * the meta table, so with several processes each item is mailed about once.
 * *sent_r gets the number of messages sent.  Does nothing without a relay.
 */
int inbox_mail_pass(struct svc *s, int64_t now, int *sent_r);

/*
 * The inbox's part of the server's timer: approaching deadlines, then mail.
 * Runs as the console actor on the timer thread (web/timers.c) after
 * referral_expire_due.  SVC_OK or SVC_ERROR (s->error).
 */
int inbox_timer_pass(struct svc *s, int64_t now);

#endif
