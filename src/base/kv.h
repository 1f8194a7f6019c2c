/* kv.h — a list of name/value string pairs (parsed forms, query strings). */
#ifndef NADIYA_KV_H
#define NADIYA_KV_H

#include <stddef.h>

struct kv {
	const char *key;
	const char *value;
};

struct kvlist {
	struct kv *items;
	size_t n;
};

/* The first value for key, or NULL. */
const char *kv_get(const struct kvlist *l, const char *key);

#endif
