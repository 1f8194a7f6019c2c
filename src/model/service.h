/* service.h — the frame every service runs in.
 *
 * A service takes a struct svc (database, key, acting user, client address,
 * arena for results), asks policy, does its work and writes the audit entry
 * in one transaction, and answers one of the svc_result codes.  The web layer
 * maps them to HTTP (web_svc_fail), the CLI to exit codes, so the UI, the API
 * and the CLI cannot disagree on who may do what.
 *
 * On SVC_INVALID, problem is a msgid for the user and problem_field the field
 * it concerns (or NULL); on SVC_ERROR, error is a technical message for the
 * log, never shown to users.
 */
#ifndef NADIYA_SERVICE_H
#define NADIYA_SERVICE_H

#include "base/arena.h"
#include "model/actor.h"
#include "policy/policy.h"

#include <stdbool.h>
#include <stdint.h>

struct db;
struct db_conn;
struct master_key;

enum svc_result {
	SVC_ERROR = -1,
	SVC_OK = 0,
	SVC_DENIED,
	SVC_NOT_FOUND,
	SVC_INVALID,
	SVC_CONFLICT,
};

struct svc {
	struct db *db;
	const struct master_key *key;
	const struct actor *actor;
	const char *client_ip;
	struct arena *arena;
	/* out */
	const char *error;
	const char *problem;
	const char *problem_field;
};

/* Acquires a connection and opens a transaction; NULL (with s->error) on failure. */
struct db_conn *svc_begin(struct svc *s, bool write);
/* Commits and releases; SVC_OK or SVC_ERROR. */
int svc_commit(struct svc *s, struct db_conn **c);
/* Rolls back and releases (no-op on NULL). */
void svc_abort(struct svc *s, struct db_conn **c);
/* Appends to the audit trail inside c's transaction; SVC_OK or SVC_ERROR. */
int svc_audit(struct svc *s, struct db_conn *c, const char *action, const char *object_type, const char *object_id,
	      const char *outcome, const char *detail);
/* Sets problem and field and returns SVC_INVALID. */
int svc_invalid(struct svc *s, const char *msgid, const char *field);
/* Records an internal error and returns SVC_ERROR. */
int svc_fail(struct svc *s, const char *error);
/* Policy check; SVC_OK or SVC_DENIED (a denial is audited in its own transaction). */
int svc_may(struct svc *s, enum action act, const struct resource *res);

#endif
