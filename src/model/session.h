/* session.h — sessions stored in the database, so any nadiya process serving
 * the same network accepts them.  Only a keyed hash of each token is stored.
 *
 * States: "mfa" (password accepted, second factor pending), "enrol" (the role
 * needs a second factor that is not set up yet: only enrolment is allowed),
 * "full".  Kinds: "web" (cookie) and "api" (bearer token).
 */
#ifndef NADIYA_SESSION_H
#define NADIYA_SESSION_H

#include "base/arena.h"
#include "crypto/token.h"
#include "model/actor.h"

#include <stdbool.h>
#include <stdint.h>

struct db_conn;
struct master_key;

struct session_limits {
	int64_t idle_seconds;
	int64_t max_seconds;
};

/*
 * A short per-process memory of live sessions, so that a page read on
 * PostgreSQL does not spend a round trip on the session each time.  An entry
 * answers for at most ttl_seconds after it was read from the database, and
 * never after this process wrote anything to the database (db_write_epoch):
 * a sign-out, a role change or a session rotation served by this process takes
 * effect at once; one served by another process within ttl_seconds.  Only
 * live sessions are kept, never unknown tokens.  Thread-safe.
 */
struct session_cache;
/* ttl_seconds >= 1; the memory is bounded (a fixed number of slots). */
struct session_cache *session_cache_new(int64_t ttl_seconds);
/* Frees the cache; sets *sc to NULL. */
void session_cache_free(struct session_cache **sc);

/* Creates a session inside the caller's write transaction; token gets the new secret. */
int session_create(struct db_conn *c, const struct master_key *k, int64_t user_id, const char *kind,
		   const char *state, const char *ip, int64_t now, const struct session_limits *lim,
		   char token[TOKEN_CHARS + 1], const char **error_r);

/*
 * Finds the live session for token and fills the actor (strings in arena a).
 * Returns 1 when found and live, 0 when unknown, expired, idle too long or the
 * user is disabled, -1 on error.  Refreshes last-seen at most once a minute.
 * With a cache (may be NULL), a session read from the database less than the
 * cache's TTL ago is answered from memory, unless fresh is true: requests that
 * may change something pass fresh, so they are always judged by the database
 * (and what the database said replaces the cached entry).
 */
int session_lookup(struct db_conn *c, const struct master_key *k, struct session_cache *cache, bool fresh,
		   const char *token, int64_t now, const struct session_limits *lim, struct arena *a,
		   struct actor *actor_r, const char **state_r, const char **error_r);

/* Replaces a session by a new id in a new state (sign-in steps, privilege change). */
int session_rotate(struct db_conn *c, const struct master_key *k, const char *old_hash, const char *new_state,
		   const char *ip, int64_t now, char token[TOKEN_CHARS + 1], const char **error_r);
int session_mark_reauth(struct db_conn *c, const char *hash, int64_t now, const char **error_r);
int session_delete(struct db_conn *c, const char *hash, const char **error_r);
/* Ends every session of a user ("sign out everywhere", disabling, role change). */
int session_delete_user(struct db_conn *c, int64_t user_id, const char **error_r);
/* The CSRF token bound to a session token (64 hex). */
void session_csrf(const struct master_key *k, const char *token, char out[65]);
void session_hash(const struct master_key *k, const char *token, char out[65]);

#endif
