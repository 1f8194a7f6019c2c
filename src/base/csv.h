/* csv.h — RFC 4180 CSV, one record at a time, bounded.  Used for the data
 * the product ships and, later, for imports (fuzzed like every parser). */
#ifndef NADIYA_CSV_H
#define NADIYA_CSV_H

#include "base/arena.h"

#include <stddef.h>

#define CSV_MAX_FIELDS 256

/*
 * Parses the record starting at *p (before end) into fields (arena strings),
 * handling "quoted, fields" with "" escapes and CRLF or LF line ends; advances
 * *p past the record.  Returns the number of fields, 0 at the end of input,
 * -1 on a malformed record (an unterminated quote or too many fields).
 */
int csv_next(struct arena *a, const char **p, const char *end, const char **fields, int max_fields);

#endif
