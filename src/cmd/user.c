/* user.c — `nadiya user add|list|edit|role|disable|enable|reset`: accounts from the console.
 *
 * The console acts as actor_console() through the same services as the web
 * pages and the API, so every change is checked and audited alike.  The first
 * administrator is made here: for roles that need a second factor, `add`
 * prints the otpauth:// URI and the recovery codes (tests/http/harness.py
 * parses this output; keep its shape).  Passwords are read from standard
 * input only, never from the command line where `ps` would show them.
 */
#include "cmd/cmd.h"
#include "base/arena.h"
#include "base/str.h"
#include "cmd/cli.h"
#include "model/user.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every subcommand also reads --require-2fa-all: `add` enrols every new account at once with it. */
static const enum setting_id user_settings[] = { SET_DB, SET_KEY_FILE, SET_CONFIG, SET_REQUIRE_2FA_ALL, SET__COUNT };

/* The option a service's problem_field came from, for messages. */
static const char *option_of(const char *field)
{
	if (str_eq(field, "display_name"))
		return "--name";
	if (str_eq(field, "email") || str_eq(field, "org") || str_eq(field, "role") || str_eq(field, "lang"))
		return field[0] == 'e' ? "--email" : field[0] == 'o' ? "--org" : field[0] == 'r' ? "--role" : "--lang";
	return field; /* "password", or NULL */
}

/* Prints one line for a failed service call; returns the exit status (2 bad input, 1 otherwise). */
static int report(const struct svc *s, int rc)
{
	return cli_report(s, rc, option_of(s->problem_field), "account");
}

/* Reads one line (the password) from stdin into sodium-guarded memory; NULL after a message on failure. */
static char *read_password(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	if (n < 0) {
		free(line);
		fprintf(stderr, "nadiya: --password-stdin: no password on standard input\n");
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	char *pw = NULL;
	if (n == 0) {
		fprintf(stderr, "nadiya: --password-stdin: the password is empty\n");
	} else {
		pw = sodium_malloc((size_t)n + 1);
		if (pw)
			memcpy(pw, line, (size_t)n + 1);
		else
			fprintf(stderr, "nadiya: out of memory\n");
	}
	sodium_memzero(line, cap);
	free(line);
	return pw;
}

static bool role_ok(const char *role)
{
	if (role && picklist_has(&pl_role, role))
		return true;
	fprintf(stderr, "nadiya: --role must be one of:");
	for (size_t i = 0; i < pl_role.n; i++)
		fprintf(stderr, " %s", pl_role.items[i].code);
	fprintf(stderr, "\n");
	return false;
}

static int user_add(int argc, char **argv)
{
	const char *email = NULL, *org = NULL, *role = NULL, *name = NULL, *lang = NULL;
	bool pw_stdin = false;
	const struct cli_opt opts[] = {
		{ "email", true, &email, NULL, "e-mail address the person signs in with (required)" },
		{ "org", true, &org, NULL, "code of the person's organization (required)" },
		{ "role", true, &role, NULL, "admin, coordinator, manager, caseworker, hotline, donor or auditor (required)" },
		{ "name", true, &name, NULL, "display name (default: the part of the e-mail before @)" },
		{ "lang", true, &lang, NULL, "interface language: uk or en (default: the browser's)" },
		{ "password-stdin", false, NULL, &pw_stdin, "read the temporary password from the first line of stdin (required)" },
		{ NULL, false, NULL, NULL, NULL },
	};
	struct cli_ctx u;
	char *pw = NULL;
	int rc = cli_open(&u, user_settings, opts, argc, argv,
			  "usage: nadiya user add --db URL --key-file PATH --email E --org CODE --role ROLE "
			  "--password-stdin [--name NAME] [--lang uk|en]\n\n"
			  "Creates an account.  For roles that need a second factor (admin, coordinator, manager,\n"
			  "auditor) it is set up at once: add the printed otpauth:// URI to an authenticator app\n"
			  "and keep the recovery codes.",
			  CLI_KEY | CLI_MIGRATE);
	if (rc != CLI_GO_ON)
		goto out;
	rc = 2;
	if (email == NULL || org == NULL || role == NULL) {
		fprintf(stderr, "nadiya: --email, --org and --role are required (see --help)\n");
		goto out;
	}
	if (!pw_stdin) {
		fprintf(stderr, "nadiya: --password-stdin is required: give the password on standard input\n");
		goto out;
	}
	if (!role_ok(role))
		goto out;
	if ((pw = read_password()) == NULL)
		goto out;
	if (name == NULL) {
		const char *at = strchr(email, '@');
		name = at ? arena_strndup(u.arena, email, (size_t)(at - email)) : email;
	}
	const char *values[USER__NFIELDS] = {
		[USER_EMAIL] = email, [USER_DISPLAY_NAME] = name, [USER_ORG] = org,
		[USER_ROLE] = role,   [USER_LANG] = lang ? lang : "", [USER_PASSWORD] = pw,
	};
	struct user *created = NULL;
	struct user_enrolment *en = NULL;
	int src = user_create(&u.svc, values, u.set.require_2fa_all, &created, &en);
	if (src != SVC_OK) {
		rc = report(&u.svc, src);
		goto out;
	}
	printf("created user %lld (%s, %s, %s)\n", (long long)created->id, created->v[USER_EMAIL],
	       created->v[USER_ROLE], created->v[USER_ORG]);
	if (en) {
		printf("%s\n", en->totp_uri);
		printf("Recovery codes (each works once):\n");
		for (int i = 0; i < RECOVERY_CODES; i++)
			printf("  %s\n", en->codes[i]);
		sodium_memzero(en->codes, sizeof en->codes);
	}
	rc = 0;
out:
	if (pw)
		sodium_free(pw);
	cli_close(&u);
	return rc;
}

static int user_list_cmd(int argc, char **argv)
{
	const char *org = NULL, *role = NULL, *status = NULL, *q = NULL;
	const struct cli_opt opts[] = {
		{ "org", true, &org, NULL, "only this organization (code)" },
		{ "role", true, &role, NULL, "only this role" },
		{ "status", true, &status, NULL, "only active or disabled accounts" },
		{ "q", true, &q, NULL, "text in the e-mail address or name" },
		{ NULL, false, NULL, NULL, NULL },
	};
	struct cli_ctx u;
	int rc = cli_open(&u, user_settings, opts, argc, argv,
			  "usage: nadiya user list --db URL --key-file PATH [--org CODE] [--role ROLE] "
			  "[--status active|disabled] [--q TEXT]\n\nLists accounts ordered by e-mail address.",
			  CLI_KEY | CLI_MIGRATE);
	if (rc != CLI_GO_ON)
		goto out;
	struct user_filter f = { .org = org, .role = role, .status = status, .q = q, .page = 1,
				 .per_page = USER_LIST_MAX };
	printf("%-6s %-36s %-12s %-16s %-9s %-4s %s\n", "ID", "E-MAIL", "ROLE", "ORG", "STATUS", "2FA", "NAME");
	for (;;) {
		struct user **users;
		size_t n;
		int64_t total;
		int src = user_list(&u.svc, &f, &users, &n, &total);
		if (src != SVC_OK) {
			rc = report(&u.svc, src);
			goto out;
		}
		for (size_t i = 0; i < n; i++)
			printf("%-6lld %-36s %-12s %-16s %-9s %-4s %s\n", (long long)users[i]->id, users[i]->v[USER_EMAIL],
			       users[i]->v[USER_ROLE], users[i]->v[USER_ORG], users[i]->v[USER_STATUS],
			       users[i]->totp_enabled ? "yes" : "no", users[i]->v[USER_DISPLAY_NAME]);
		if (f.page * f.per_page >= total)
			break;
		f.page++;
	}
	rc = 0;
out:
	cli_close(&u);
	return rc;
}

/* The account named by --email, or an exit status after a message. */
static int find(struct cli_ctx *u, const char *email, struct user **user_r)
{
	if (email == NULL) {
		fprintf(stderr, "nadiya: --email is required (see --help)\n");
		return 2;
	}
	int rc = user_get_by_email(&u->svc, email, user_r);
	if (rc == SVC_NOT_FOUND) {
		fprintf(stderr, "nadiya: --email: there is no account with this address\n");
		return 1;
	}
	return rc == SVC_OK ? 0 : report(&u->svc, rc);
}

static void print_user(const char *what, const struct user *x)
{
	printf("%s user %lld (%s, %s, %s, %s)\n", what, (long long)x->id, x->v[USER_EMAIL], x->v[USER_ROLE],
	       x->v[USER_ORG], x->v[USER_STATUS]);
}

/* `edit`, `role`, `disable`, `enable` and `reset`: one account named by --email. */
static int user_change(const char *sub, int argc, char **argv)
{
	const char *email = NULL, *new_email = NULL, *name = NULL, *org = NULL, *lang = NULL, *role = NULL;
	bool pw_stdin = false;
	struct cli_opt opts[8];
	size_t k = 0;
	opts[k++] = (struct cli_opt){ "email", true, &email, NULL, "e-mail address of the account (required)" };
	const char *usage;
	if (str_eq(sub, "edit")) {
		opts[k++] = (struct cli_opt){ "new-email", true, &new_email, NULL, "new e-mail address" };
		opts[k++] = (struct cli_opt){ "name", true, &name, NULL, "new display name" };
		opts[k++] = (struct cli_opt){ "org", true, &org, NULL, "move to this organization (ends the sessions)" };
		opts[k++] = (struct cli_opt){ "lang", true, &lang, NULL, "interface language: uk, en or \"\"" };
		usage = "usage: nadiya user edit --db URL --key-file PATH --email E [--new-email E2] [--name NAME]"
			" [--org CODE] [--lang uk|en]\n\nChanges an account's address, name, organization or language.";
	} else if (str_eq(sub, "role")) {
		opts[k++] = (struct cli_opt){ "role", true, &role, NULL, "the new role (required)" };
		usage = "usage: nadiya user role --db URL --key-file PATH --email E --role ROLE\n\n"
			"Changes the role of an account and ends its sessions.";
	} else if (str_eq(sub, "reset")) {
		opts[k++] = (struct cli_opt){ "password-stdin", false, NULL, &pw_stdin,
					      "read the new temporary password from stdin (required)" };
		usage = "usage: nadiya user reset --db URL --key-file PATH --email E --password-stdin\n\n"
			"Sets a temporary password, removes the second factor (the person enrols again)\n"
			"and ends the account's sessions.";
	} else if (str_eq(sub, "disable")) {
		usage = "usage: nadiya user disable --db URL --key-file PATH --email E\n\n"
			"Disables an account and ends its sessions.";
	} else {
		usage = "usage: nadiya user enable --db URL --key-file PATH --email E\n\nEnables a disabled account.";
	}
	opts[k] = (struct cli_opt){ NULL, false, NULL, NULL, NULL };
	struct cli_ctx u;
	char *pw = NULL;
	struct user *x = NULL;
	int rc = cli_open(&u, user_settings, opts, argc, argv, usage, CLI_KEY | CLI_MIGRATE);
	if (rc != CLI_GO_ON)
		goto out;
	if (str_eq(sub, "role") && !role_ok(role)) {
		rc = 2;
		goto out;
	}
	if (str_eq(sub, "reset") && !pw_stdin) {
		fprintf(stderr, "nadiya: --password-stdin is required: give the password on standard input\n");
		rc = 2;
		goto out;
	}
	if ((rc = find(&u, email, &x)) != 0)
		goto out;
	int src;
	const char *done = "changed";
	if (str_eq(sub, "edit")) {
		const char *values[USER__NFIELDS] = { [USER_EMAIL] = new_email, [USER_DISPLAY_NAME] = name,
						      [USER_ORG] = org, [USER_LANG] = lang };
		src = user_update(&u.svc, x->id, values, x->version, &x);
	} else if (str_eq(sub, "role")) {
		src = user_set_role(&u.svc, x->id, role, &x);
	} else if (str_eq(sub, "disable")) {
		src = user_disable(&u.svc, x->id, &x);
		done = "disabled";
	} else if (str_eq(sub, "enable")) {
		src = user_enable(&u.svc, x->id, &x);
		done = "enabled";
	} else {
		if ((pw = read_password()) == NULL) {
			rc = 2;
			goto out;
		}
		src = user_reset(&u.svc, x->id, pw, &x);
		done = "reset";
	}
	if (src != SVC_OK) {
		rc = report(&u.svc, src);
		goto out;
	}
	print_user(done, x);
	rc = 0;
out:
	if (pw)
		sodium_free(pw);
	cli_close(&u);
	return rc;
}

int cmd_user(int argc, char **argv)
{
	static const char *const usage =
		"usage: nadiya user <add|list|edit|role|disable|enable|reset> [options]\n"
		"Run `nadiya user <subcommand> --help` for its options.\n";
	if (argc < 1 || str_eq(argv[0], "--help") || str_eq(argv[0], "-h")) {
		fputs(usage, argc < 1 ? stderr : stdout);
		return argc < 1 ? 2 : 0;
	}
	const char *sub = argv[0];
	if (str_eq(sub, "add"))
		return user_add(argc - 1, argv + 1);
	if (str_eq(sub, "list"))
		return user_list_cmd(argc - 1, argv + 1);
	if (str_eq(sub, "edit") || str_eq(sub, "role") || str_eq(sub, "disable") || str_eq(sub, "enable") ||
	    str_eq(sub, "reset"))
		return user_change(sub, argc - 1, argv + 1);
	fprintf(stderr, "nadiya: unknown subcommand `user %s`\n%s", sub, usage);
	return 2;
}
