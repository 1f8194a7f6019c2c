#include "model/actor.h"

#include <string.h>

static const char *const codes[ROLE__COUNT] = {
	[ROLE_ADMIN] = "admin", [ROLE_COORDINATOR] = "coordinator", [ROLE_MANAGER] = "manager",
	[ROLE_CASEWORKER] = "caseworker", [ROLE_HOTLINE] = "hotline", [ROLE_DONOR] = "donor",
	[ROLE_AUDITOR] = "auditor", [ROLE_SYSTEM] = "system",
};

const char *role_code(enum role r)
{
	return (unsigned)r < ROLE__COUNT ? codes[r] : "unknown";
}

int role_from_code(const char *code)
{
	if (code == NULL)
		return -1;
	for (int i = 0; i < ROLE_SYSTEM; i++)
		if (strcmp(codes[i], code) == 0)
			return i;
	return -1;
}

bool role_requires_2fa(enum role r)
{
	return r == ROLE_ADMIN || r == ROLE_MANAGER || r == ROLE_COORDINATOR || r == ROLE_AUDITOR;
}

const struct actor *actor_console(void)
{
	static const struct actor console = {
		.role = ROLE_SYSTEM, .email = "console", .display_name = "console", .org_code = "", .lang = "en",
	};
	return &console;
}
