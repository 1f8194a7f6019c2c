/* uni.h — the few Unicode and locale services nadiya takes from ICU, behind
 * a small API so the rest of the code never includes <unicode/...>.
 *
 * Every function is thread-safe and allocates its answer in the arena given.
 * Languages are the two-letter codes of i18n.h ("uk", "en").
 */
#ifndef NADIYA_UNI_H
#define NADIYA_UNI_H

#include "base/arena.h"

#include <stddef.h>

/*
 * The name of a country (ISO 3166-1 alpha-2 code, e.g. "PL") in the language
 * lang, from ICU's locale data: "Польща" for ("PL", "uk").  Answers the code
 * itself when ICU has no name for it, and "" for NULL or "".
 * (Added for the case pages: the country picklist's labels are English.)
 */
const char *uni_country_name(struct arena *a, const char *code, const char *lang);

/*
 * Sorts order[0..n) (indexes into names) so that names[order[i]] follow the
 * collation of lang ("Австрія" before "Бельгія"; "Åland" among the A's).
 * Falls back to byte order when ICU has no collator.
 */
void uni_sort_index(const char *lang, const char *const *names, size_t *order, size_t n);

/*
 * The Unicode case fold of s (ICU's full folding), for finding text whatever
 * its case: "ОЛЕНА", "Олена" and "олена" fold alike, so do "STRASSE" and
 * "straße".  Bytes that are not UTF-8 fold as U+FFFD.  NULL for NULL, or
 * when ICU fails.  (Added for the searches of the organization and user lists.)
 */
char *uni_fold(struct arena *a, const char *s);

#endif
