/* audit.h — the tamper-evident audit trail.
 *
 * Every sign-in attempt, change, export and view of personal data appends one
 * entry, in the same transaction as the change it records.  Entries are
 * chained: each carries a keyed BLAKE2b (key derived from the master key) over
 * its content and the previous entry's hash, so editing, deleting, inserting
 * or reordering rows breaks the chain at that point.  Appends first update the
 * single audit_head row, which serializes concurrent writers on SQLite and
 * PostgreSQL alike.  `detail` never holds personal data: field names, counts
 * and codes only.
 */
#ifndef NADIYA_AUDIT_H
#define NADIYA_AUDIT_H

#include "base/arena.h"
#include "model/actor.h"

#include <stdbool.h>
#include <stdint.h>

struct db;
struct db_conn;
struct master_key;

struct audit_event {
	const char *action;      /* e.g. "signin", "org.edit", "person.reveal" */
	const char *object_type; /* e.g. "user", "organization", "case" */
	const char *object_id;   /* id or code, never personal data */
	const char *outcome;     /* "ok", "denied", "failed" ... */
	const char *detail;      /* e.g. "fields=name_en,region" */
	const char *client_ip;
};

/*
 * Appends an entry inside the caller's open write transaction.  actor may be
 * NULL (unknown user, e.g. a failed sign-in), then actor_label names who tried.
 */
int audit_append(struct db_conn *c, const struct master_key *k, const struct actor *a, const char *actor_label,
		 const struct audit_event *ev, const char **error_r);

/*
 * Walks the whole chain.  Returns 0 when intact; 1 when broken, with
 * *bad_seq_r the first entry that fails and *why_r a reason; -1 on error.
 */
int audit_verify(struct db *db, const struct master_key *k, int64_t *count_r, int64_t *bad_seq_r,
		 const char **why_r, const char **error_r);

/* The last entry's number and hash (to anchor outside the database).  1 found, 0 no trail, -1 error. */
int audit_head(struct db *db, int64_t *seq_r, char hash_r[65], const char **error_r);

/*
 * Re-hashes up to `batch` entries after after_seq under key k, chaining from
 * the (already re-hashed) entry after_seq, and moves the head when the end is
 * reached; inside the caller's transaction.  *done_r gets the number of
 * entries re-hashed (0 at the end).  Used by rekey.
 */
int audit_rehash(struct db_conn *c, const struct master_key *k, int64_t after_seq, int batch, int64_t *done_r,
		 const char **error_r);

struct audit_row {
	int64_t seq, at, actor_user_id, actor_org_id;
	const char *actor_label, *action, *object_type, *object_id, *client_ip, *outcome, *detail;
};

struct audit_filter {
	const char *action_prefix; /* "" for all */
	const char *actor;         /* actor label contains, "" for all */
	const char *object_type;
	const char *object_id;
	int64_t from, to; /* Unix seconds, 0 for open */
	int64_t before_seq; /* paging: entries with seq < before_seq, 0 for newest */
	int limit;
};

/* Newest first.  Rows live in arena a.  Returns the number of rows or -1. */
int audit_list(struct db_conn *c, const struct audit_filter *f, struct arena *a, struct audit_row **rows_r,
	       const char **error_r);

#endif
