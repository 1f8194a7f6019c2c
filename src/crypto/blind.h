/* blind.h — searching sealed data without decrypting everything.
 *
 * A blind index value is a keyed BLAKE2b (key derived from the master key per
 * kind: "blind:name", "blind:phone", "blind:dob") of a normalized value,
 * truncated to a few bits so that every value matches several records: the
 * index narrows a search to a handful of candidates, which are decrypted and
 * checked before anything is shown, and it never identifies a record on its
 * own.  The number of bits follows from the expected population:
 *     bits = floor(log2(expected_persons / 8)), clamped to [8, 20]
 * so each index value is shared by about 8 or more persons (100,000 persons:
 * 13 bits, 8,192 values, ~12 persons each).  Only high-cardinality values are
 * indexed (name tokens, full phone numbers, full dates of birth), never a
 * low-cardinality field such as sex or region on its own.
 *
 * Names are normalized to a "skeleton": ICU transliterates any script to
 * Latin ASCII lower case, then the spelling variants of Ukrainian
 * romanization are folded (yu/iu/ju -> u, kh -> h, g -> h, zh -> z, shch ->
 * s, y/j -> i, ...), so "Олена Коваленко", "Olena Kovalenko" and "Olena
 * Kovalenko" meet in one skeleton, as do "Юлія" and "Yuliia".
 */
#ifndef NADIYA_BLIND_H
#define NADIYA_BLIND_H

#include "base/arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct master_key;

enum blind_kind { BLIND_NAME = 'n', BLIND_PHONE = 'p', BLIND_DOB = 'd' };

#define BLIND_MAX_TOKENS 16

/* The bits for an expected population (see above). */
int blind_bits_for(int64_t expected_persons);

/*
 * Splits a name (any script) into normalized tokens (skeletons), at most
 * BLIND_MAX_TOKENS, each at least 2 characters; answers how many.  Tokens live
 * in arena a.  Thread-safe (one ICU transliterator per thread).
 */
int blind_name_tokens(struct arena *a, const char *name, const char **tokens_r);
/*
 * E.164 form of a phone number: "+" and 8 to 15 digits.  Ukrainian national
 * numbers (0XX XXX XX XX) get +380.  NULL when it cannot be a phone number.
 */
const char *blind_phone_e164(struct arena *a, const char *phone);
/* YYYY-MM-DD from "YYYY-MM-DD" or "DD.MM.YYYY"; NULL otherwise. */
const char *blind_dob_normalize(struct arena *a, const char *dob);
/* The truncated keyed hash of a normalized value, as an integer in [0, 2^bits). */
int64_t blind_value(const struct master_key *k, enum blind_kind kind, const char *normalized, int bits);

#endif
