/* org.c — `nadiya org add|list`: the partner-network registry from the console.
 *
 * The console acts as actor_console() through the same services as the web
 * pages and the API, so every organization added here is validated, kept in
 * its history and audited alike.  `add` is how the first organization (the
 * one the first administrator belongs to) comes into being, so it applies
 * pending migrations first, as `serve` does.
 */
#include "cmd/cmd.h"
#include "base/str.h"
#include "cmd/cli.h"
#include "model/org.h"

#include <stdio.h>
#include <string.h>

/* Command-line option of each field `org add` accepts. */
static const struct {
	enum org_field field;
	const char *option;
} add_options[] = {
	{ ORG_CODE, "code" },
	{ ORG_NAME_UK, "name" },
	{ ORG_NAME_EN, "name-en" },
	{ ORG_KIND, "kind" },
	{ ORG_REGION, "region" },
	{ ORG_COUNTRY, "country" },
	{ ORG_JOINED_ON, "joined" },
	{ ORG_ADDRESS, "address" },
	{ ORG_PHONE, "phone" },
	{ ORG_EMAIL, "email" },
	{ ORG_WEBSITE, "website" },
	{ ORG_CONTACT_PERSON, "contact-person" },
	{ ORG_MOU_SIGNED_ON, "mou-signed" },
	{ ORG_MOU_RENEWAL_ON, "mou-renewal" },
	{ ORG_SERVICES, "services" },
};
#define N_ADD_OPTIONS (sizeof add_options / sizeof add_options[0])

static const char *option_of(const char *field)
{
	for (size_t i = 0; i < N_ADD_OPTIONS; i++)
		if (str_eq(org_record.fields[add_options[i].field].name, field))
			return add_options[i].option;
	return field;
}

/* "ngo, international, ..." for messages about a picklist field. */
static void print_codes(const struct picklist *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		fprintf(stderr, "%s%s", i ? ", " : "", pl->items[i].code);
}

/* One line for a bad value: what is wrong and, for lists, what is allowed. */
static void bad_value(const char *field, const char *problem)
{
	int fi = record_field_index(&org_record, field ? field : "");
	if (fi < 0) {
		fprintf(stderr, "nadiya: %s\n", problem ? problem : "invalid input");
		return;
	}
	fprintf(stderr, "nadiya: --%s: %s", option_of(field), problem);
	if (org_record.fields[fi].pl) {
		fprintf(stderr, " Allowed: ");
		print_codes(org_record.fields[fi].pl);
		fprintf(stderr, ".");
	}
	fprintf(stderr, "\n");
}

/* Prints one line for a failed service call; returns the exit status (2 bad input, 1 otherwise). */
static int report(const struct svc *s, int rc, const char *code)
{
	if (rc == SVC_INVALID) {
		bad_value(s->problem_field, s->problem);
		return 2;
	}
	if (rc == SVC_CONFLICT && str_eq(s->problem_field, "code")) {
		fprintf(stderr, "nadiya: organization %s already exists\n", code);
		return 1;
	}
	/* Any other conflict is a concurrent change: no option to name. */
	return cli_report(s, rc, NULL, "organization");
}

static int org_add(int argc, char **argv)
{
	const char *given[N_ADD_OPTIONS] = { 0 };
	struct cli_opt opts[N_ADD_OPTIONS + 1];
	static const char *const help[] = {
		[ORG_CODE] = "short unique code, e.g. revival-ternopil (required)",
		[ORG_NAME_UK] = "name in Ukrainian (required)",
		[ORG_NAME_EN] = "name in English",
		[ORG_KIND] = "ngo, international, government, law_enforcement, donor or hotline (required)",
		[ORG_REGION] = "ISO 3166-2:UA code such as UA-61, or abroad (required)",
		[ORG_COUNTRY] = "ISO 3166 country code; required with --region abroad (default UA)",
		[ORG_JOINED_ON] = "date it joined the network, YYYY-MM-DD (default: today)",
		[ORG_ADDRESS] = "postal address",
		[ORG_PHONE] = "phone number",
		[ORG_EMAIL] = "contact e-mail",
		[ORG_WEBSITE] = "website, https://...",
		[ORG_CONTACT_PERSON] = "contact person",
		[ORG_MOU_SIGNED_ON] = "memorandum of understanding signed, YYYY-MM-DD",
		[ORG_MOU_RENEWAL_ON] = "memorandum renewal due, YYYY-MM-DD",
		[ORG_SERVICES] = "services offered, comma-separated codes (shelter,legal,...)",
	};
	for (size_t i = 0; i < N_ADD_OPTIONS; i++)
		opts[i] = (struct cli_opt){ add_options[i].option, true, &given[i], NULL, help[add_options[i].field] };
	opts[N_ADD_OPTIONS] = (struct cli_opt){ NULL, false, NULL, NULL, NULL };

	struct cli_ctx u;
	/* The audit chain is keyed: adding needs the key. */
	int rc = cli_open(&u, NULL, opts, argc, argv,
			  "usage: nadiya org add --db URL --key-file PATH --code CODE --name NAME --kind KIND "
			  "--region REGION [options]\n\n"
			  "Adds an organization to the partner-network registry.  Prints \"created organization CODE\";\n"
			  "exits 1 when the code already exists and 2 when a value is not valid.",
			  CLI_KEY | CLI_MIGRATE);
	if (rc != CLI_GO_ON)
		goto out;
	const char *values[ORG__NFIELDS] = { 0 };
	for (size_t i = 0; i < N_ADD_OPTIONS; i++)
		values[add_options[i].field] = given[i];
	rc = 2;
	if (!values[ORG_CODE] || !values[ORG_NAME_UK] || !values[ORG_KIND] || !values[ORG_REGION]) {
		fprintf(stderr, "nadiya: --code, --name, --kind and --region are required (see --help)\n");
		goto out;
	}
	struct org *g;
	int s = org_create(&u.svc, values, &g);
	if (s != SVC_OK) {
		rc = report(&u.svc, s, values[ORG_CODE]);
		goto out;
	}
	printf("created organization %s\n", g->v[ORG_CODE]);
	rc = 0;
out:
	cli_close(&u);
	return rc;
}

static int org_list_cmd(int argc, char **argv)
{
	const char *region = NULL, *kind = NULL, *service = NULL, *status = NULL, *search = NULL;
	const struct cli_opt opts[] = {
		{ "region", true, &region, NULL, "only this region (UA-61, ..., abroad)" },
		{ "kind", true, &kind, NULL, "only this kind (ngo, international, ...)" },
		{ "service", true, &service, NULL, "only organizations offering this service" },
		{ "status", true, &status, NULL, "active, suspended or left" },
		{ "search", true, &search, NULL, "text in the code or either name" },
		{ NULL, false, NULL, NULL, NULL },
	};
	struct cli_ctx u;
	int rc = cli_open(&u, NULL, opts, argc, argv,
			  "usage: nadiya org list --db URL [--region R] [--kind K] [--service S] [--status S] "
			  "[--search TEXT]\n\n"
			  "Prints the organizations, one a line: code, status, kind, region, country, joined, name.",
			  CLI_MIGRATE);
	if (rc != CLI_GO_ON)
		goto out;
	struct org_filter f = { .region = region, .kind = kind, .service = service, .status = status, .q = search,
				.limit = ORG_LIST_MAX };
	const char *next = NULL;
	do {
		struct org **orgs;
		size_t n;
		f.after = next;
		int s = org_list(&u.svc, &f, &orgs, &n, &next);
		if (s != SVC_OK) {
			rc = report(&u.svc, s, "");
			goto out;
		}
		for (size_t i = 0; i < n; i++) {
			const struct org *g = orgs[i];
			printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", g->v[ORG_CODE], g->v[ORG_STATUS], g->v[ORG_KIND],
			       g->v[ORG_REGION], g->v[ORG_COUNTRY], g->v[ORG_JOINED_ON], g->v[ORG_NAME_UK]);
		}
	} while (next);
	rc = 0;
out:
	cli_close(&u);
	return rc;
}

int cmd_org(int argc, char **argv)
{
	if (argc < 1 || str_eq(argv[0], "--help") || str_eq(argv[0], "-h")) {
		FILE *f = argc < 1 ? stderr : stdout;
		fprintf(f, "usage: nadiya org add|list [options]\n\n"
			   "add   adds an organization to the registry (see nadiya org add --help)\n"
			   "list  prints the organizations (see nadiya org list --help)\n");
		return argc < 1 ? 2 : 0;
	}
	if (str_eq(argv[0], "add"))
		return org_add(argc - 1, argv + 1);
	if (str_eq(argv[0], "list"))
		return org_list_cmd(argc - 1, argv + 1);
	fprintf(stderr, "nadiya: unknown subcommand `org %s` (add or list)\n", argv[0]);
	return 2;
}
