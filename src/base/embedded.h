/* embedded.h — files compiled into the binary by tools/embed (see Makefile). */
#ifndef NADIYA_EMBEDDED_H
#define NADIYA_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* base name, e.g. "0001_foundation.sql" */
	const unsigned char *data; /* NUL-terminated for convenience */
	size_t len;
};

extern const struct embedded_file embedded_migrations[];
extern const size_t embedded_migrations_count;
extern const struct embedded_file embedded_assets[];
extern const size_t embedded_assets_count;
/* Data the product ships (lists, rule tables), from data/: never served as files. */
extern const struct embedded_file embedded_data[];
extern const size_t embedded_data_count;

/* Finds an embedded file by name in a group; NULL when absent. */
const struct embedded_file *embedded_find(const struct embedded_file *group, const char *name);

#endif
