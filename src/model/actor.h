/* actor.h — who is asking: the signed-in user (or the console operator of a
 * CLI command), their organization and role.  Every service takes one. */
#ifndef NADIYA_ACTOR_H
#define NADIYA_ACTOR_H

#include <stdbool.h>
#include <stdint.h>

enum role {
	ROLE_ADMIN,
	ROLE_COORDINATOR,
	ROLE_MANAGER,
	ROLE_CASEWORKER,
	ROLE_HOTLINE,
	ROLE_DONOR,
	ROLE_AUDITOR,
	ROLE_SYSTEM, /* the console: a CLI command run by whoever holds the key file */
	ROLE__COUNT
};

struct actor {
	int64_t user_id; /* 0 for the console */
	int64_t org_id;  /* 0 for the console */
	enum role role;
	const char *email;
	const char *display_name;
	const char *org_code;
	const char *lang;
	bool totp_enabled;
	int64_t reauth_at;        /* when the password was last confirmed in this session */
	const char *session_hash; /* NULL for the console */
	const char *session_kind; /* "web" or "api" */
	int64_t inbox_unread;     /* unread inbox items, read with the session */
};

/* "admin" <-> ROLE_ADMIN; role_from_code answers -1 for unknown codes and for "system". */
const char *role_code(enum role r);
int role_from_code(const char *code);
/* Roles that must use a second factor (admin, manager, coordinator, auditor). */
bool role_requires_2fa(enum role r);
/* The console actor used by CLI commands. */
const struct actor *actor_console(void);

#endif
