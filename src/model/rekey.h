/* rekey.h — moving every secret of a database from one master key to another.
 *
 * Re-seals every sealed field (persons, cases, consents, referrals, plan goals,
 * follow-ups, closures, case notes, TOTP secrets), rebuilds the blind indexes and re-hashes the audit chain, in
 * batches of small transactions.  Every sealed row carries the id of the key
 * that sealed it, and a row is re-sealed and re-labelled in one transaction,
 * so at every moment each row opens with exactly one of the two keys: a
 * crash leaves nothing readable by neither.  Progress of the index rebuild
 * and of the chain is kept in `meta`, so running the same command again
 * resumes where it stopped.  The database key check switches to the new key
 * only when everything is done.  Servers must be stopped while it runs.
 */
#ifndef NADIYA_REKEY_H
#define NADIYA_REKEY_H

#include <stdint.h>
#include <stdio.h>

struct db;
struct master_key;

struct rekey_stats {
	int64_t fields, notes, totp, persons_indexed, audit_entries, batches;
};

/*
 * Runs (or resumes) a rekey.  stop_after_batches > 0 stops after that many
 * committed batches and answers 3 (a crash at a batch boundary, for tests).
 * 0 done, 3 stopped, -1 error with *error_r.  Progress lines go to out.
 */
int rekey_run(struct db *db, const struct master_key *old_key, const struct master_key *new_key, int batch,
	      int64_t stop_after_batches, FILE *out, struct rekey_stats *st, const char **error_r);

#endif
