/* refusals.c — the in-memory ledger of refused sign-in attempts (see refusals.h).
 *
 * A small array scanned under one mutex: a refusal costs a few string
 * compares, which is nothing next to the durable write it saves.
 */
#include "model/refusals.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An entry nobody has been refused through for this long is forgotten (once nothing is pending). */
#define IDLE_SECONDS 60

struct entry {
	bool used;
	char action[32];
	char kind[16];
	char label[256];
	char client_ip[64];
	int64_t pending;   /* refusals counted since, not yet audited */
	int64_t since;     /* the earliest pending one */
	int64_t last_seen;
};

struct refusals {
	pthread_mutex_t lock;
	size_t slots;
	struct entry e[];
};

struct refusals *refusals_new(size_t slots)
{
	if (slots == 0 || slots > 1u << 20)
		return NULL;
	struct refusals *r = calloc(1, sizeof *r + slots * sizeof r->e[0]);
	if (r == NULL)
		return NULL;
	pthread_mutex_init(&r->lock, NULL);
	r->slots = slots;
	return r;
}

void refusals_free(struct refusals **rp)
{
	struct refusals *r = *rp;
	if (r == NULL)
		return;
	pthread_mutex_destroy(&r->lock);
	free(r);
	*rp = NULL;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* The copy of s as the entry stores it compares equal to s. */
static bool same(const char *stored, size_t cap, const char *s)
{
	return strncmp(stored, or_empty(s), cap - 1) == 0;
}

static struct entry *find(struct refusals *r, const struct refusal_key *k)
{
	for (size_t i = 0; i < r->slots; i++) {
		struct entry *e = &r->e[i];
		if (e->used && same(e->label, sizeof e->label, k->label) &&
		    same(e->client_ip, sizeof e->client_ip, k->client_ip) &&
		    same(e->action, sizeof e->action, k->action) && same(e->kind, sizeof e->kind, k->kind))
			return e;
	}
	return NULL;
}

/* A free slot (or an idle one with nothing pending), set up for k; NULL when the ledger is full. */
static struct entry *claim(struct refusals *r, const struct refusal_key *k, int64_t now)
{
	for (size_t i = 0; i < r->slots; i++) {
		struct entry *e = &r->e[i];
		if (e->used && (e->pending > 0 || now - e->last_seen <= IDLE_SECONDS))
			continue;
		memset(e, 0, sizeof *e);
		e->used = true;
		snprintf(e->action, sizeof e->action, "%s", or_empty(k->action));
		snprintf(e->kind, sizeof e->kind, "%s", or_empty(k->kind));
		snprintf(e->label, sizeof e->label, "%s", or_empty(k->label));
		snprintf(e->client_ip, sizeof e->client_ip, "%s", or_empty(k->client_ip));
		e->last_seen = now;
		return e;
	}
	return NULL;
}

int64_t refusals_note(struct refusals *r, const struct refusal_key *k, int64_t now, int64_t *since_r)
{
	*since_r = now;
	if (r == NULL)
		return 1;
	int64_t n = 0;
	pthread_mutex_lock(&r->lock);
	struct entry *e = find(r, k);
	if (e == NULL)
		e = claim(r, k, now);
	if (e == NULL) {
		n = 1; /* full: the caller audits this one itself */
	} else {
		e->last_seen = now;
		if (e->pending == 0)
			e->since = now;
		e->pending++;
	}
	pthread_mutex_unlock(&r->lock);
	return n;
}

void refusals_restore(struct refusals *r, const struct refusal_key *k, int64_t n, int64_t since)
{
	if (r == NULL || n <= 0)
		return;
	pthread_mutex_lock(&r->lock);
	struct entry *e = find(r, k);
	if (e == NULL)
		e = claim(r, k, since);
	if (e != NULL) {
		if (e->pending == 0 || since < e->since)
			e->since = since;
		e->pending += n;
	}
	/* Full: nowhere to keep them.  Cannot happen for a key that was just noted (its entry has
	 * last_seen within the minute); the caller logs the failed write either way. */
	pthread_mutex_unlock(&r->lock);
}

int refusals_flush(struct refusals *r, int64_t now,
		   int (*emit)(void *arg, const struct refusal_key *k, int64_t n, int64_t since), void *arg)
{
	if (r == NULL)
		return 0;
	/* Taken out under the lock, written without it: request threads keep counting meanwhile. */
	pthread_mutex_lock(&r->lock);
	size_t count = 0;
	for (size_t i = 0; i < r->slots; i++)
		if (r->e[i].used && r->e[i].pending > 0)
			count++;
	struct entry *out = count ? malloc(count * sizeof *out) : NULL;
	size_t taken = 0;
	for (size_t i = 0; i < r->slots; i++) {
		struct entry *e = &r->e[i];
		if (!e->used)
			continue;
		if (e->pending > 0 && out != NULL) {
			out[taken++] = *e;
			e->pending = 0;
		} else if (e->pending == 0 && now - e->last_seen > IDLE_SECONDS) {
			e->used = false;
		}
	}
	pthread_mutex_unlock(&r->lock);
	int failed = count > 0 && out == NULL ? 1 : 0;
	for (size_t i = 0; i < taken; i++) {
		struct refusal_key k = { .action = out[i].action, .kind = out[i].kind, .label = out[i].label,
					 .client_ip = out[i].client_ip };
		if (emit(arg, &k, out[i].pending, out[i].since) < 0) {
			refusals_restore(r, &k, out[i].pending, out[i].since);
			failed++;
		}
	}
	free(out);
	return failed;
}

int64_t refusals_pending(struct refusals *r)
{
	int64_t n = 0;
	if (r == NULL)
		return 0;
	pthread_mutex_lock(&r->lock);
	for (size_t i = 0; i < r->slots; i++)
		if (r->e[i].used)
			n += r->e[i].pending;
	pthread_mutex_unlock(&r->lock);
	return n;
}
