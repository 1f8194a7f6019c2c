/* demo-cases.h — realistic, clearly fictional cases for trying nadiya and for
 * the benchmarks (`nadiya demo --cases N`). */
#ifndef NADIYA_DEMO_CASES_H
#define NADIYA_DEMO_CASES_H

#include "model/service.h"

#include <stdint.h>
#include <stdio.h>

/*
 * Adds n persons, each with one case, owned by the demo NGOs (organizations
 * whose code starts with "demo-" and whose kind is ngo), in large transactions.
 * Names are common Ukrainian names in Cyrillic and often Latin
 * letters; routes are plausible (recruitment in Ukraine for "work" in Poland,
 * Russia, Greece, the Emirates...), labour and sexual exploitation in
 * realistic proportions.  The random sequence is fixed by seed.  Runs as the
 * console.  SVC_OK or an svc_result.
 */
int demo_add_cases(struct svc *s, int64_t n, uint64_t seed, FILE *progress);

#endif
