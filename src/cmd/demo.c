/* demo.c — `nadiya demo`: a realistic, clearly fictional network to try
 * nadiya with.
 *
 * Seventy partner NGOs spread over Ukraine's regions (joining from 2003 on,
 * the way the real network grew from 15 to more than 70 members), an IOM
 * mission, the ministry of social policy, regional administrations, police
 * units, a donor and a hotline operator; and one account for every role.
 * Every name ends in "(demo)" / "(демо)", every address is under example.org,
 * so nobody mistakes the data for a real organization or person.
 *
 * Everything goes through the same services as the web and the CLI, as the
 * console (actor_console()), so it is validated and audited like any change.
 * Running it again creates only what is missing: organizations are matched by
 * code, accounts by e-mail address.
 */
#include "cmd/cmd.h"
#include "model/demo-cases.h"
#include "base/str.h"
#include <time.h>
#include <unistd.h>
#include "base/arena.h"
#include "base/buf.h"
#include "base/str.h"
#include "cmd/cli.h"
#include "crypto/totp.h"
#include "model/org.h"
#include "model/user.h"

#include <liboath/oath.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEMO_NGOS 70

struct demo_region {
	const char *code, *slug, *city_uk, *city_en;
};

/* Every oblast under government control when the network grew, and Kyiv city. */
static const struct demo_region regions[] = {
	{ "UA-61", "ternopil", "Тернопіль", "Ternopil" },
	{ "UA-46", "lviv", "Львів", "Lviv" },
	{ "UA-51", "odesa", "Одеса", "Odesa" },
	{ "UA-63", "kharkiv", "Харків", "Kharkiv" },
	{ "UA-12", "dnipro", "Дніпро", "Dnipro" },
	{ "UA-05", "vinnytsia", "Вінниця", "Vinnytsia" },
	{ "UA-77", "chernivtsi", "Чернівці", "Chernivtsi" },
	{ "UA-21", "uzhhorod", "Ужгород", "Uzhhorod" },
	{ "UA-30", "kyiv", "Київ", "Kyiv" },
	{ "UA-71", "cherkasy", "Черкаси", "Cherkasy" },
	{ "UA-74", "chernihiv", "Чернігів", "Chernihiv" },
	{ "UA-14", "kramatorsk", "Краматорськ", "Kramatorsk" },
	{ "UA-26", "ivano-frankivsk", "Івано-Франківськ", "Ivano-Frankivsk" },
	{ "UA-65", "kherson", "Херсон", "Kherson" },
	{ "UA-68", "khmelnytskyi", "Хмельницький", "Khmelnytskyi" },
	{ "UA-35", "kropyvnytskyi", "Кропивницький", "Kropyvnytskyi" },
	{ "UA-32", "bila-tserkva", "Біла Церква", "Bila Tserkva" },
	{ "UA-09", "sievierodonetsk", "Сєвєродонецьк", "Sievierodonetsk" },
	{ "UA-48", "mykolaiv", "Миколаїв", "Mykolaiv" },
	{ "UA-53", "poltava", "Полтава", "Poltava" },
	{ "UA-56", "rivne", "Рівне", "Rivne" },
	{ "UA-59", "sumy", "Суми", "Sumy" },
	{ "UA-07", "lutsk", "Луцьк", "Lutsk" },
	{ "UA-23", "zaporizhzhia", "Запоріжжя", "Zaporizhzhia" },
	{ "UA-18", "zhytomyr", "Житомир", "Zhytomyr" },
};
#define NREGIONS (sizeof regions / sizeof regions[0])

/* Invented NGO names: common Ukrainian words, not the names of real organizations. */
static const struct {
	const char *uk, *slug, *en;
} ngo_names[] = {
	{ "Світанок", "svitanok", "Svitanok" }, { "Джерело", "dzherelo", "Dzherelo" },
	{ "Берегиня", "berehynia", "Berehynia" }, { "Калина", "kalyna", "Kalyna" },
	{ "Оберіг", "oberih", "Oberih" },         { "Мрія", "mriia", "Mriia" },
	{ "Крила", "kryla", "Kryla" },           { "Домівка", "domivka", "Domivka" },
	{ "Промінь", "promin", "Promin" },       { "Сонях", "soniakh", "Soniakh" },
	{ "Лелека", "leleka", "Leleka" },        { "Злагода", "zlahoda", "Zlahoda" },
	{ "Паросток", "parostok", "Parostok" },  { "Стежина", "stezhyna", "Stezhyna" },
};
#define NNAMES (sizeof ngo_names / sizeof ngo_names[0])

/* Services in the order the NGOs add them as they grow. */
static const char *const ngo_services[] = { "psychological", "legal", "medical", "vocational", "shelter",
					    "family_mediation", "business", "return_travel" };

/* The partners that are not NGOs. */
static const struct demo_org {
	const char *code, *kind, *region, *name_uk, *name_en, *joined_on, *services;
} partners[] = {
	{ "demo-iom", "international", "UA-30", "Місія МОМ в Україні (демо)", "IOM Mission in Ukraine (demo)",
	  "2002-09-02", "return_travel,medical,business,other" },
	{ "demo-ministry-social", "government", "UA-30", "Міністерство соціальної політики (демо)",
	  "Ministry of Social Policy (demo)", "2004-03-01", "other" },
	{ "demo-oda-ternopil", "government", "UA-61", "Обласна державна адміністрація, Тернопіль (демо)",
	  "Regional State Administration, Ternopil (demo)", "2005-02-14", "other" },
	{ "demo-oda-lviv", "government", "UA-46", "Обласна державна адміністрація, Львів (демо)",
	  "Regional State Administration, Lviv (demo)", "2005-04-11", "other" },
	{ "demo-oda-odesa", "government", "UA-51", "Обласна державна адміністрація, Одеса (демо)",
	  "Regional State Administration, Odesa (demo)", "2005-06-06", "other" },
	{ "demo-oda-kharkiv", "government", "UA-63", "Обласна державна адміністрація, Харків (демо)",
	  "Regional State Administration, Kharkiv (demo)", "2006-01-16", "other" },
	{ "demo-oda-chernivtsi", "government", "UA-77", "Обласна державна адміністрація, Чернівці (демо)",
	  "Regional State Administration, Chernivtsi (demo)", "2006-05-22", "other" },
	{ "demo-oda-zakarpattia", "government", "UA-21", "Обласна державна адміністрація, Ужгород (демо)",
	  "Regional State Administration, Uzhhorod (demo)", "2006-09-04", "other" },
	{ "demo-police-kyiv", "law_enforcement", "UA-30", "Відділ протидії торгівлі людьми, поліція Києва (демо)",
	  "Counter-trafficking unit, Kyiv police (demo)", "2004-10-01", "outreach" },
	{ "demo-police-odesa", "law_enforcement", "UA-51", "Відділ протидії торгівлі людьми, поліція Одеси (демо)",
	  "Counter-trafficking unit, Odesa police (demo)", "2005-03-01", "outreach" },
	{ "demo-police-lviv", "law_enforcement", "UA-46", "Відділ протидії торгівлі людьми, поліція Львова (демо)",
	  "Counter-trafficking unit, Lviv police (demo)", "2005-09-01", "outreach" },
	{ "demo-police-kharkiv", "law_enforcement", "UA-63",
	  "Відділ протидії торгівлі людьми, поліція Харкова (демо)", "Counter-trafficking unit, Kharkiv police (demo)",
	  "2006-02-01", "outreach" },
	{ "demo-donor", "donor", "UA-30", "Фонд безпечної міграції (демо)", "Safe Migration Fund (demo)", "2003-01-20",
	  "" },
	{ "demo-hotline", "hotline", "UA-30", "Гаряча лінія з протидії торгівлі людьми (демо)",
	  "Counter-trafficking hotline (demo)", "2003-05-12", "hotline" },
};
#define NPARTNERS (sizeof partners / sizeof partners[0])

/* The first two NGOs (Ternopil and Lviv) get staff, so managers see their own organization only. */
static const struct demo_user {
	const char *role, *email, *name, *org, *password;
} people[] = {
	{ "admin", "demo-admin@example.org", "Марта Коваль (демо)", "demo-iom", "demo-admin-password" },
	{ "coordinator", "demo-coordinator@example.org", "Тарас Мельник (демо)", "demo-iom",
	  "demo-coordinator-password" },
	{ "manager", "demo-manager@example.org", "Галина Бойко (демо)", "demo-svitanok-ternopil",
	  "demo-manager-password" },
	{ "manager", "demo-manager-lviv@example.org", "Роман Гнатюк (демо)", "demo-dzherelo-lviv",
	  "demo-manager-lviv-password" },
	{ "caseworker", "demo-caseworker@example.org", "Олена Шевчук (демо)", "demo-svitanok-ternopil",
	  "demo-caseworker-password" },
	{ "caseworker", "demo-caseworker-lviv@example.org", "Ірина Савчук (демо)", "demo-dzherelo-lviv",
	  "demo-caseworker-lviv-password" },
	{ "hotline", "demo-hotline@example.org", "Ігор Ткаченко (демо)", "demo-hotline", "demo-hotline-password" },
	{ "donor", "demo-donor@example.org", "Sarah Miller (demo)", "demo-donor", "demo-donor-password" },
	{ "auditor", "demo-auditor@example.org", "Наталія Левченко (демо)", "demo-ministry-social",
	  "demo-auditor-password" },
};
#define NPEOPLE (sizeof people / sizeof people[0])

struct demo {
	struct svc svc;
	int orgs_new, orgs_old, users_new, users_old;
};

/* Explains a failed service call in one line; the run stops there. */
static int demo_fail(const struct svc *s, int rc, const char *what)
{
	if (rc == SVC_INVALID || rc == SVC_CONFLICT)
		fprintf(stderr, "nadiya: demo: %s: %s%s%s\n", what, s->problem ? s->problem : "invalid",
			s->problem_field ? " — field " : "", s->problem_field ? s->problem_field : "");
	else
		fprintf(stderr, "nadiya: demo: %s: %s\n", what,
			rc == SVC_DENIED ? "not allowed" : s->error ? s->error : "internal error");
	return -1;
}

/* Creates the organization unless its code exists.  0 or -1 after a message. */
static int ensure_org(struct demo *d, const char *const *values)
{
	struct org *o = NULL;
	int rc = org_get_by_code(&d->svc, values[ORG_CODE], &o);
	if (rc == SVC_OK) {
		d->orgs_old++;
		return 0;
	}
	if (rc != SVC_NOT_FOUND)
		return demo_fail(&d->svc, rc, values[ORG_CODE]);
	rc = org_create(&d->svc, values, NULL);
	if (rc != SVC_OK)
		return demo_fail(&d->svc, rc, values[ORG_CODE]);
	d->orgs_new++;
	return 0;
}

static int make_ngos(struct demo *d)
{
	struct arena *a = d->svc.arena;
	for (int i = 0; i < DEMO_NGOS; i++) {
		/* 25 regions and 14 names: every (region, name) pair differs for the first 350. */
		const struct demo_region *r = &regions[(size_t)i % NREGIONS];
		size_t k = (size_t)i % NNAMES;
		/* Fifteen founders in the first months of 2003, then about one a month until the end of 2007. */
		int month = i < 15 ? i / 3 : 5 + (i - 15);
		const char *joined = arena_printf(a, "%04d-%02d-%02d", 2003 + month / 12, month % 12 + 1, 1 + (i * 11) % 28);
		/* Every NGO does outreach; older ones offer more services. */
		size_t nserv = 1 + (size_t)(DEMO_NGOS - i) * (sizeof ngo_services / sizeof ngo_services[0]) / DEMO_NGOS;
		struct buf services;
		buf_init_arena(&services, a);
		buf_puts(&services, "outreach");
		for (size_t j = 0; j < nserv && j < sizeof ngo_services / sizeof ngo_services[0]; j++) {
			buf_putc(&services, ',');
			buf_puts(&services, ngo_services[(j + (size_t)i) % (sizeof ngo_services / sizeof ngo_services[0])]);
		}
		const char *code = arena_printf(a, "demo-%s-%s", ngo_names[k].slug, r->slug);
		const char *values[ORG__NFIELDS] = {
			[ORG_CODE] = code,
			[ORG_NAME_UK] = arena_printf(a, "ГО «%s», %s (демо)", ngo_names[k].uk, r->city_uk),
			[ORG_NAME_EN] = arena_printf(a, "%s NGO, %s (demo)", ngo_names[k].en, r->city_en),
			[ORG_KIND] = "ngo",
			[ORG_REGION] = r->code,
			[ORG_EMAIL] = arena_printf(a, "%s@example.org", code),
			[ORG_WEBSITE] = arena_printf(a, "https://%s.example.org", code),
			[ORG_JOINED_ON] = joined,
			[ORG_MOU_SIGNED_ON] = joined,
			[ORG_SERVICES] = services.data,
		};
		if (ensure_org(d, values) < 0)
			return -1;
	}
	return 0;
}

static int make_partners(struct demo *d)
{
	for (size_t i = 0; i < NPARTNERS; i++) {
		const struct demo_org *p = &partners[i];
		const char *values[ORG__NFIELDS] = {
			[ORG_CODE] = p->code,
			[ORG_NAME_UK] = p->name_uk,
			[ORG_NAME_EN] = p->name_en,
			[ORG_KIND] = p->kind,
			[ORG_REGION] = p->region,
			[ORG_EMAIL] = arena_printf(d->svc.arena, "%s@example.org", p->code),
			[ORG_JOINED_ON] = p->joined_on,
			[ORG_MOU_SIGNED_ON] = p->joined_on,
			[ORG_SERVICES] = p->services,
		};
		if (ensure_org(d, values) < 0)
			return -1;
	}
	return 0;
}

/* The code an authenticator app shows now, from the otpauth URI's secret; "" when it cannot be read. */
static void code_now(const char *uri, char out[7])
{
	out[0] = '\0';
	const char *p = strstr(uri, "secret=");
	if (p == NULL)
		return;
	p += 7;
	size_t len = strcspn(p, "&");
	char *secret = NULL;
	size_t slen = 0;
	if (oath_init() != OATH_OK)
		return;
	if (oath_base32_decode(p, len, &secret, &slen) == OATH_OK && slen > 0)
		totp_now((const unsigned char *)secret, slen, time(NULL), out);
	if (secret) {
		sodium_memzero(secret, slen);
		free(secret);
	}
}

static void print_block(const struct demo_user *p, const struct user *u, const struct org *o,
			const struct user_enrolment *en)
{
	printf("role:          %s\n", u->v[USER_ROLE]);
	printf("e-mail:        %s\n", u->v[USER_EMAIL]);
	printf("password:      %s\n", p->password);
	printf("organization:  %s — %s\n", u->v[USER_ORG], o ? o->v[ORG_NAME_EN] : u->v[USER_ORG]);
	if (en) {
		char code[7];
		code_now(en->totp_uri, code);
		printf("otpauth:       %s\n", en->totp_uri);
		if (code[0])
			printf("code now:      %s (a new one every 30 seconds: add the otpauth URI to an authenticator app)\n",
			       code);
		printf("recovery codes (each works once):\n");
		for (int i = 0; i < RECOVERY_CODES; i++)
			printf("  %s\n", en->codes[i]);
	} else if (u->totp_enabled) {
		printf("second factor: set up when the account was made (see that run's output), or reset it with\n"
		       "               `nadiya user reset --email %s --password-stdin`\n",
		       u->v[USER_EMAIL]);
	}
	printf("\n");
}

static int make_people(struct demo *d)
{
	for (size_t i = 0; i < NPEOPLE; i++) {
		const struct demo_user *p = &people[i];
		struct user *u = NULL;
		struct user_enrolment *en = NULL;
		int rc = user_get_by_email(&d->svc, p->email, &u);
		if (rc == SVC_OK) {
			d->users_old++;
		} else if (rc == SVC_NOT_FOUND) {
			const char *values[USER__NFIELDS] = {
				[USER_EMAIL] = p->email, [USER_DISPLAY_NAME] = p->name, [USER_ORG] = p->org,
				[USER_ROLE] = p->role,   [USER_LANG] = "",             [USER_PASSWORD] = p->password,
			};
			rc = user_create(&d->svc, values, false, &u, &en);
			if (rc != SVC_OK)
				return demo_fail(&d->svc, rc, p->email);
			d->users_new++;
		} else {
			return demo_fail(&d->svc, rc, p->email);
		}
		struct org *o = NULL;
		if (org_get_by_code(&d->svc, u->v[USER_ORG], &o) != SVC_OK)
			o = NULL;
		print_block(p, u, o, en);
		if (en)
			sodium_memzero(en->codes, sizeof en->codes);
	}
	return 0;
}

int cmd_demo(int argc, char **argv)
{
	struct cli_ctx c;
	const char *cases_s = NULL, *seed_s = NULL;
	const struct cli_opt opts[] = {
		{ "cases", true, &cases_s, NULL, "also add N fictional cases (persons with one case each) to the demo NGOs" },
		{ "seed", true, &seed_s, NULL, "the random sequence of the cases (default: a fixed one)" },
		{ NULL, false, NULL, NULL, NULL },
	};
	int exit_code = cli_open(&c, NULL, opts, argc, argv,
				 "usage: nadiya demo --db URL --key-file PATH [--cases N]\n\n"
				 "Fills the database with a fictional network to try nadiya with: 70 partner NGOs\n"
				 "over Ukraine's regions, an IOM mission, the ministry of social policy, regional\n"
				 "administrations, police units, a donor and a hotline operator, and an account for\n"
				 "every role.  Prints how to sign in with each account.  Every name is marked (demo)\n"
				 "and every address is under example.org.  Running it again adds only what is missing.\n"
				 "Never run it on a database with real data: the printed passwords are public.",
				 CLI_KEY | CLI_MIGRATE);
	if (exit_code != CLI_GO_ON)
		goto out;
	exit_code = 1;
	struct demo d = { .svc = c.svc };
	if (make_partners(&d) < 0 || make_ngos(&d) < 0)
		goto out;
	printf("Demo network (fictional: every name is marked \"(demo)\"): %d organizations, %d of them partner "
	       "NGOs (%d added now).\n",
	       d.orgs_new + d.orgs_old, DEMO_NGOS, d.orgs_new);
	printf("The passwords below are public: use this database for trying nadiya only.\n\n");
	if (make_people(&d) < 0)
		goto out;
	printf("%d accounts (%d added now).\n", d.users_new + d.users_old, d.users_new);
	if (cases_s) {
		int64_t ncases = 0, seed = 0;
		if (str_to_i64(cases_s, 1, 10000000, &ncases) < 0 || (seed_s && str_to_i64(seed_s, 1, INT64_MAX, &seed) < 0)) {
			fprintf(stderr, "nadiya: --cases takes 1 to 10000000, --seed a positive number\n");
			exit_code = 2;
			goto out;
		}
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		int rc = demo_add_cases(&d.svc, ncases, (uint64_t)seed, isatty(2) ? stderr : NULL);
		if (rc != SVC_OK) {
			exit_code = cli_report(&d.svc, rc, "--cases", "cases");
			goto out;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("%lld fictional cases added in %.1f s.\n", (long long)ncases,
		       (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	}
	exit_code = 0;
out:
	cli_close(&c);
	return exit_code;
}
