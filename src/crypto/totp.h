/* totp.h — RFC 6238 one-time codes through liboath, and recovery codes. */
#ifndef NADIYA_TOTP_H
#define NADIYA_TOTP_H

#include "base/arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define TOTP_SECRET_BYTES 20
#define RECOVERY_CODES 10

void totp_new_secret(unsigned char secret[TOTP_SECRET_BYTES]);
/* otpauth://totp/Nadiya:EMAIL?secret=BASE32&issuer=Nadiya&... (arena memory). */
char *totp_uri(struct arena *a, const char *email, const unsigned char *secret, size_t len);
/*
 * Checks a 6-digit code against the steps now-30s, now and now+30s.  A code is
 * accepted only for a step later than last_step, so each is used once; the
 * matched step is returned in *step_r.
 */
bool totp_verify(const unsigned char *secret, size_t len, const char *code, time_t now, int64_t last_step,
		 int64_t *step_r);
/* The current 6-digit code (tests and the demo). */
void totp_now(const unsigned char *secret, size_t len, time_t now, char out[7]);

/* A random recovery code "xxxxx-xxxxx" (11 chars + NUL) from an unambiguous alphabet. */
void recovery_code_new(char out[12]);
/* Canonical form of a typed code (lower case, hyphen restored) or NULL. */
const char *recovery_code_normalize(struct arena *a, const char *typed);

#endif
