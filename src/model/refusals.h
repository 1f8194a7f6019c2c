/* refusals.h — the ledger of refused sign-in attempts against a locked
 * account or address, so that a flood costs one audit entry per second and
 * not one durable write per attempt, and no request thread ever waits for
 * such a write.
 *
 * A refusal is only counted here, in memory, per combination of action,
 * kind, e-mail and client address; the server's timer thread calls
 * refusals_flush every second (and shutdown once more), which writes one
 * audit entry per combination carrying the count and the time of the first
 * refusal counted.  The audit thus keeps every refusal, counted, with at
 * most about a second of them in memory; a process killed outright loses
 * that second's count (docs/SECURITY.md).  When the ledger is full, the
 * caller audits refusals one by one again: a flood over very many
 * combinations costs more, but is never under-reported.
 *
 * One ledger per process, shared by every request thread (a mutex).
 */
#ifndef NADIYA_REFUSALS_H
#define NADIYA_REFUSALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct refusals;

/* What one entry stands for; the strings are copied (and cut to their buffers). */
struct refusal_key {
	const char *action;    /* "signin" */
	const char *kind;      /* "web" or "api" */
	const char *label;     /* the e-mail given, lower case */
	const char *client_ip; /* the client's address */
};

/* A ledger of up to slots combinations; NULL when out of memory. */
struct refusals *refusals_new(size_t slots);
void refusals_free(struct refusals **r);

/*
 * Counts one refusal at now (seconds): 0 when it was counted (a later
 * refusals_flush audits it), 1 when the caller must audit it itself (the
 * ledger is full, or r is NULL); *since_r is now.
 */
int64_t refusals_note(struct refusals *r, const struct refusal_key *k, int64_t now, int64_t *since_r);

/* Gives back n refusals that could not be audited (the write failed), so a later entry carries them. */
void refusals_restore(struct refusals *r, const struct refusal_key *k, int64_t n, int64_t since);

/*
 * Takes every pending count out of the ledger, calling emit for each; an
 * emit answering -1 puts that count back.  Entries idle for more than a
 * minute are forgotten.  Answers the number of emit calls that failed.
 */
int refusals_flush(struct refusals *r, int64_t now,
		   int (*emit)(void *arg, const struct refusal_key *k, int64_t n, int64_t since), void *arg);

/* How many refusals wait in memory (tests). */
int64_t refusals_pending(struct refusals *r);

#endif
