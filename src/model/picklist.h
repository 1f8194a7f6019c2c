/* picklist.h — fixed, translatable lists of codes (regions, kinds of
 * organization, services, roles, statuses...).  Codes are stored and sent
 * over the API; labels are gettext msgids shown in the user's language.
 * Adding a value is one line here (plus its translation). */
#ifndef NADIYA_PICKLIST_H
#define NADIYA_PICKLIST_H

#include <stdbool.h>
#include <stddef.h>

struct pick {
	const char *code;
	const char *label; /* msgid */
};

struct picklist {
	const char *name;
	const struct pick *items;
	size_t n;
};

extern const struct picklist pl_region;      /* 24 oblasts, Kyiv city, Crimea, abroad */
extern const struct picklist pl_org_kind;
extern const struct picklist pl_org_status;
extern const struct picklist pl_service;     /* the network's service taxonomy */
extern const struct picklist pl_role;
extern const struct picklist pl_user_status;

/* Defines a picklist: PL_DEFINE(pl_x, "x", { "code", N_("Label") }, ...); */
#define PL_DEFINE(var, nm, ...)                                                           \
	static const struct pick var##_items[] = { __VA_ARGS__ };                         \
	const struct picklist var = { nm, var##_items, sizeof var##_items / sizeof var##_items[0] }

bool picklist_has(const struct picklist *pl, const char *code);
/* Translated label of code, or the code itself when unknown. */
const char *picklist_label(const struct picklist *pl, const char *code);
/* Two-letter prefix of a region for case codes (e.g. "TE" for Ternopil). */
const char *region_abbrev(const char *region_code);

#endif
