/* timers.c — the background thread of timed work (see timers.h).
 *
 * The thread sleeps on a condition variable with a timeout on the monotonic
 * clock, so a change of the wall clock neither stops nor races it, and
 * timers_stop() wakes it at once instead of waiting out the interval.
 */
#include "web/timers.h"
#include "base/arena.h"
#include "base/config.h"
#include "base/log.h"
#include "model/auth.h"
#include "model/followup.h"
#include "model/inbox.h"
#include "model/referral.h"
#include "model/service.h"
#include "web/http.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct timers {
	struct app *app;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stopping; /* under lock */
};

/* Every job once, in the calling thread; how many referrals expired, or -1 on error (logged). */
static int timers_run_once(struct app *app)
{
	struct arena *a = arena_new(4096);
	struct svc s = { .db = app->db, .key = app->key, .actor = actor_console(), .client_ip = "", .arena = a };
	int expired = 0;
	int rc = referral_expire_due(&s, (int64_t)time(NULL), &expired);
	if (rc != SVC_OK) {
		/* Busy or unreachable store: the next run tries again; nothing is half done (one transaction). */
		log_error("msg=\"timer: expiring referrals failed\" error=\"%s\"", s.error ? s.error : "?");
		expired = -1;
	} else if (expired > 0) {
		log_info("msg=\"timer: referrals expired\" count=%d", expired);
	}
	/* Approaching deadlines and inbox mail, after expiry so an expired referral is not also "due soon". */
	struct svc si = { .db = app->db, .key = app->key, .actor = actor_console(), .client_ip = "", .arena = a };
	if (inbox_timer_pass(&si, (int64_t)time(NULL)) != SVC_OK)
		log_error("msg=\"timer: inbox pass failed\" error=\"%s\"", si.error ? si.error : "?");
	/* Overdue follow-ups: one inbox alert each to the organization's managers (followup.c logs its failures). */
	struct svc sf = { .db = app->db, .key = app->key, .actor = actor_console(), .client_ip = "", .arena = a };
	followup_timer_pass(&sf, (int64_t)time(NULL));
	/* Expired sessions and stale throttle rows: they hold client addresses and mean nothing now. */
	int64_t swept_s = 0, swept_t = 0;
	const char *error = NULL;
	if (auth_sweep(app->db, (int64_t)time(NULL), app->cfg->session_idle_min * 60, &swept_s, &swept_t, &error) < 0)
		log_error("msg=\"timer: sweeping expired sessions failed\" error=\"%s\"", error ? error : "?");
	else if (swept_s > 0 || swept_t > 0)
		log_info("msg=\"timer: swept\" sessions=%lld throttle_rows=%lld", (long long)swept_s, (long long)swept_t);
	arena_free(&a);
	return expired;
}

static void *timers_main(void *arg)
{
	struct timers *t = arg;
	int64_t every = t->app->cfg->timer_seconds > 0 ? t->app->cfg->timer_seconds : 30;
	struct timespec next_jobs;
	clock_gettime(CLOCK_MONOTONIC, &next_jobs);
	pthread_mutex_lock(&t->lock);
	while (!t->stopping) {
		pthread_mutex_unlock(&t->lock);
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec >= next_jobs.tv_sec) {
			timers_run_once(t->app);
			clock_gettime(CLOCK_MONOTONIC, &next_jobs);
			next_jobs.tv_sec += (time_t)every;
		}
		/* Every second: the refused sign-ins counted in memory reach the audit. */
		auth_refusals_flush(t->app->db, t->app->key, t->app->refusals, (int64_t)time(NULL));
		pthread_mutex_lock(&t->lock);
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_sec += 1;
		if (until.tv_sec > next_jobs.tv_sec)
			until = next_jobs;
		/* Spurious wake-ups go round again only once the second has passed or we are stopping. */
		while (!t->stopping && pthread_cond_timedwait(&t->wake, &t->lock, &until) != ETIMEDOUT)
			;
	}
	pthread_mutex_unlock(&t->lock);
	return NULL;
}

struct timers *timers_start(struct app *app)
{
	struct timers *t = calloc(1, sizeof *t);
	if (t == NULL) {
		log_error("msg=\"timer: out of memory\"");
		return NULL;
	}
	t->app = app;
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->wake, &ca);
	pthread_condattr_destroy(&ca);
	int err = pthread_create(&t->thread, NULL, timers_main, t);
	if (err != 0) {
		log_error("msg=\"timer: cannot start the thread; overdue referrals will not expire\" error=\"%s\"",
			  strerror(err));
		pthread_cond_destroy(&t->wake);
		pthread_mutex_destroy(&t->lock);
		free(t);
		return NULL;
	}
	log_info("msg=\"timer started\" every_seconds=%lld", (long long)app->cfg->timer_seconds);
	return t;
}

void timers_stop(struct timers **tp)
{
	struct timers *t = *tp;
	if (t == NULL)
		return;
	pthread_mutex_lock(&t->lock);
	t->stopping = true;
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	pthread_cond_destroy(&t->wake);
	pthread_mutex_destroy(&t->lock);
	free(t);
	*tp = NULL;
}
