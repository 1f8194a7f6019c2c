/* timers.h — the server's timed work: what must happen on time even when
 * nobody is using the system.
 *
 * One background thread per `nadiya serve` process runs every job once at
 * start and then every cfg->timer_seconds, as the console actor, in turn:
 * expiring referrals whose deadline passed (referral_expire_due, which
 * escalates them to the sender's managers), the inbox's pass (deadlines
 * coming close, mail), overdue follow-ups and the sweep of expired sessions
 * and stale throttle rows (auth_sweep); and every second it writes
 * the refused sign-ins counted in app->refusals to the audit trail.  Jobs must be safe when
 * several processes run them against one database at once: each claims its
 * rows with a conditional update (a referral expires exactly once, whichever
 * process gets there first).
 */
#ifndef NADIYA_TIMERS_H
#define NADIYA_TIMERS_H

struct app;
struct timers;

/*
 * Starts the thread (it inherits the caller's signal mask: start it after
 * SIGINT and SIGTERM are blocked).  NULL, after logging why, when the thread
 * cannot be started; the server still serves.
 */
struct timers *timers_start(struct app *app);

/* Wakes the thread, waits for the job in progress to finish and frees everything; sets *t to NULL. */
void timers_stop(struct timers **t);

#endif
