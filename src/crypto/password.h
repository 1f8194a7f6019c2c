/* password.h — Argon2id password hashes, with a bound on how many are
 * computed at once so a sign-in flood cannot exhaust memory or starve other
 * requests (each hash takes ~64 MiB and tens of milliseconds). */
#ifndef NADIYA_PASSWORD_H
#define NADIYA_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#define PASSWORD_MIN 12
#define PASSWORD_MAX 256
#define PASSWORD_HASH_MAX 128

/* Sets how many hashes may run at once (default 2); call before serving. */
void password_set_concurrency(int n);
/*
 * Hashes a password (Argon2id, libsodium's INTERACTIVE limits) into out.
 * Waits for a free slot.  0 on success.
 */
int password_hash(const char *password, char out[PASSWORD_HASH_MAX]);
/* Verifies; waits for a free slot.  A NULL hash still spends the same time. */
bool password_verify(const char *hash, const char *password);
/*
 * Checks the password policy: length (in characters) and the shipped list of
 * common passwords.  NULL when acceptable, else the msgid of the problem.
 */
const char *password_policy_check(const char *password, const char *email);

#endif
