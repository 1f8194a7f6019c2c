#include "model/demo-cases.h"
#include "model/case.h"
#include "model/person.h"
#include "base/str.h"
#include "store/db.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

DB_QUERY(q_demo_ngos, "SELECT o.id, o.region, COALESCE((SELECT MIN(u.id) FROM users u WHERE u.org_id = o.id"
		      " AND u.role = 'caseworker' AND u.status = 'active'), 0)"
		      " FROM organizations o WHERE o.code LIKE 'demo-%' AND o.kind = 'ngo' AND o.status = 'active'"
		      " ORDER BY o.id");

struct names {
	const char *uk, *en;
};

static const struct names women[] = {
	{ "Олена", "Olena" },	  { "Оксана", "Oksana" },   { "Наталія", "Nataliia" }, { "Ірина", "Iryna" },
	{ "Тетяна", "Tetiana" },  { "Юлія", "Yuliia" },	    { "Марія", "Mariia" },     { "Світлана", "Svitlana" },
	{ "Анна", "Anna" },	  { "Людмила", "Liudmyla" }, { "Галина", "Halyna" },   { "Вікторія", "Viktoriia" },
	{ "Катерина", "Kateryna" }, { "Ольга", "Olha" },    { "Ганна", "Hanna" },      { "Христина", "Khrystyna" },
	{ "Дарина", "Daryna" },	  { "Аліна", "Alina" },	    { "Софія", "Sofiia" },     { "Мар'яна", "Mariana" },
};
static const struct names men[] = {
	{ "Андрій", "Andrii" }, { "Олександр", "Oleksandr" }, { "Сергій", "Serhii" },	  { "Дмитро", "Dmytro" },
	{ "Володимир", "Volodymyr" }, { "Іван", "Ivan" },    { "Микола", "Mykola" },	  { "Юрій", "Yurii" },
	{ "Василь", "Vasyl" },	{ "Петро", "Petro" },	      { "Богдан", "Bohdan" },	  { "Тарас", "Taras" },
};
static const struct names surnames[] = {
	{ "Коваленко", "Kovalenko" }, { "Шевченко", "Shevchenko" }, { "Бондаренко", "Bondarenko" },
	{ "Ткаченко", "Tkachenko" },  { "Кравченко", "Kravchenko" }, { "Олійник", "Oliinyk" },
	{ "Мельник", "Melnyk" },      { "Гнатюк", "Hnatiuk" },	     { "Бойко", "Boiko" },
	{ "Коваль", "Koval" },	      { "Савчук", "Savchuk" },	     { "Поліщук", "Polishchuk" },
	{ "Лисенко", "Lysenko" },     { "Руденко", "Rudenko" },	     { "Марченко", "Marchenko" },
	{ "Петренко", "Petrenko" },   { "Кузьменко", "Kuzmenko" },   { "Ковальчук", "Kovalchuk" },
	{ "Левченко", "Levchenko" },  { "Гончаренко", "Honcharenko" }, { "Романюк", "Romaniuk" },
	{ "Стасюк", "Stasiuk" },      { "Данилюк", "Danyliuk" },     { "Мороз", "Moroz" },
};

/* xorshift64*: a fixed sequence per seed, so a demo database can be rebuilt alike. */
static uint64_t rnd_state;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 2685821657736338717ull;
}
static int pick(int n)
{
	return (int)(rnd() % (uint64_t)n);
}
static bool chance(int percent)
{
	return pick(100) < percent;
}

/* Weighted choice: weights[i] for items[i], the weights summing to 100. */
static const char *weighted(const char *const *items, const int *weights, int n)
{
	int x = pick(100), acc = 0;
	for (int i = 0; i < n; i++) {
		acc += weights[i];
		if (x < acc)
			return items[i];
	}
	return items[n - 1];
}

static const char *date_between(struct svc *s, int y0, int y1)
{
	int y = y0 + pick(y1 - y0 + 1), m = 1 + pick(12), d = 1 + pick(28);
	return arena_printf(s->arena, "%04d-%02d-%02d", y, m, d);
}

static const char *days_before(struct svc *s, const char *date, int days)
{
	struct tm tm = { 0 };
	tm.tm_year = atoi(date) - 1900;
	tm.tm_mon = atoi(date + 5) - 1;
	tm.tm_mday = atoi(date + 8) - days;
	tm.tm_hour = 12;
	timegm(&tm);
	return arena_printf(s->arena, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

struct ngo {
	int64_t id, caseworker;
	char region[8];
};

static void make_case(struct svc *s, const struct ngo *o, const char **p, const char **c)
{
	for (int i = 0; i < P__COUNT; i++)
		p[i] = "";
	for (int i = 0; i < C__COUNT; i++)
		c[i] = "";
	bool woman = chance(72);
	const struct names *first = woman ? &women[pick(sizeof women / sizeof women[0])] : &men[pick(sizeof men / sizeof men[0])];
	const struct names *last = &surnames[pick(sizeof surnames / sizeof surnames[0])];
	p[P_FIRST_NAME] = first->uk;
	p[P_SECOND_NAME] = last->uk;
	if (chance(55)) {
		p[P_FIRST_NAME_LATIN] = first->en;
		p[P_SECOND_NAME_LATIN] = last->en;
	}
	p[P_GENDER] = woman ? "Feminine" : chance(97) ? "Masculine" : "NonSpecifiedUnknown";
	p[P_BIRTHDATE] = date_between(s, 1966, 2007);
	p[P_BIRTH_YEAR] = arena_printf(s->arena, "%.4s", p[P_BIRTHDATE]);
	static const char *const ops[] = { "67", "68", "96", "97", "98", "50", "66", "95", "63", "73", "93" };
	p[P_MOBILE_PHONE] = arena_printf(s->arena, "+380%s%07d", ops[pick(11)], pick(10000000));
	static const char *const streets[] = { "вул. Шевченка", "вул. Франка", "вул. Грушевського", "вул. Миру",
					       "вул. Садова", "вул. Лесі Українки", "просп. Незалежності" };
	p[P_STREET] = arena_printf(s->arena, "%s, %d (демо)", streets[pick(7)], 1 + pick(120));
	p[P_CITIZENSHIP] = chance(96) ? "UA" : chance(50) ? "MD" : "BY";
	p[P_REGION] = chance(85) ? o->region : "UA-61";
	p[P_LANGUAGES] = chance(70) ? "uk" : "ru,uk";
	p[P_EDUCATION] = chance(60) ? "UpperSecondaryEducation" : chance(50) ? "LowerSecondaryEducation" : "ShortCycleTertiaryEducation";
	if (chance(20))
		p[P_SAFE_CONTACT] = "Лише телефоном після 18:00; не через родину (демо).";

	static const char *const statuses[] = { "Active", "FollowUp", "Closed", "ClosedReferred" };
	static const int status_w[] = { 30, 32, 33, 5 };
	c[C_STATUS] = weighted(statuses, status_w, 4);
	c[C_REGISTERED_ON] = date_between(s, 2016, 2025);
	c[C_IDENTIFIED_ON] = days_before(s, c[C_REGISTERED_ON], 1 + pick(20));
	static const char *const methods[] = { "ngo_outreach", "hotline", "police", "border_guard", "consulate", "iom",
					       "self_referral", "family_friends" };
	static const int method_w[] = { 24, 18, 12, 6, 10, 8, 7, 15 };
	c[C_IDENTIFICATION_METHOD] = weighted(methods, method_w, 8);
	c[C_TRAFFICKING_STATUS] = chance(65) ? "PossibleVictimOfTrafficking" : "ActualVictimOfTrafficking";
	if (str_eq(c[C_TRAFFICKING_STATUS], "ActualVictimOfTrafficking"))
		c[C_TRAFFICKING_STATUS_BY] = chance(70) ? "Police" : "NonPoliceGovernmentalOrganization";
	/* Roughly as the network sees them: most labour, a third sexual, a few both or other forms. */
	int kind = pick(100);
	c[C_EXPLOITATION_TYPES] = kind < 55 ? "ForcedLabour" : kind < 88 ? "SexualExploitation"
				  : kind < 93 ? "ForcedLabour,SexualExploitation" : kind < 97 ? "ForcedBegging" : "Servitude";
	if (strstr(c[C_EXPLOITATION_TYPES], "ForcedLabour")) {
		static const char *const ind[] = { "F_Construction", "A_AgricultureForestryAndFishing", "C_Manufacturing",
						   "I_AccommodationAndFoodServiceActivities", "T_ActivitiesOfHouseholdsAsEmployers" };
		static const int ind_w[] = { 35, 25, 20, 12, 8 };
		c[C_FORCED_LABOUR_INDUSTRY] = weighted(ind, ind_w, 5);
	}
	if (strstr(c[C_EXPLOITATION_TYPES], "Sexual"))
		c[C_SEX_EXPLOITATION_TYPES] = chance(85) ? "Prostitution" : "Prostitution,Pornography";
	static const char *const dest[] = { "RU", "PL", "GR", "AE", "CZ", "IT", "DE", "TR", "IL", "UA" };
	static const int dest_w[] = { 24, 24, 10, 8, 8, 6, 5, 6, 4, 5 };
	c[C_COUNTRIES_OF_EXPLOITATION] = weighted(dest, dest_w, 10);
	c[C_COUNTRY_OF_ORIGIN] = "UA";
	if (str_eq(c[C_COUNTRIES_OF_EXPLOITATION], "AE") || str_eq(c[C_COUNTRIES_OF_EXPLOITATION], "IL"))
		c[C_COUNTRIES_OF_TRANSIT] = "TR";
	else if (str_eq(c[C_COUNTRIES_OF_EXPLOITATION], "GR") || str_eq(c[C_COUNTRIES_OF_EXPLOITATION], "IT"))
		c[C_COUNTRIES_OF_TRANSIT] = chance(50) ? "PL" : "";
	c[C_RECRUITMENT_REGION] = p[P_REGION];
	c[C_RECRUITMENT_COUNTRY] = "UA";
	static const char *const rec[] = { "ThroughFriendsOrSocialEvents", "ThroughAnOnlineAdvertisement",
					   "ThroughOnlineSocialNetworks", "ThroughFamilyOrFamilyEvents",
					   "ThroughANewspaperAdvert", "AtWork" };
	static const int rec_w[] = { 32, 22, 20, 12, 8, 6 };
	c[C_RECRUITMENT_METHODS] = weighted(rec, rec_w, 6);
	static const char *const ctrl[] = { "WithholdsDocuments,DebtBondage", "FalsePromises,TakesEarnings",
					    "PhysicalThreats,WithholdsDocuments", "DebtBondage,ExcessiveWorkingHours",
					    "PsychologicalAbuse,RestrictsFinancialAccess" };
	c[C_METHODS_OF_CONTROL] = ctrl[pick(5)];
	c[C_RELATIONSHIP] = chance(55) ? "Acquainted" : chance(60) ? "Unaquainted" : "Familial";
	c[C_EXPLOITATION_TO] = days_before(s, c[C_IDENTIFIED_ON], 1 + pick(60));
	c[C_EXPLOITATION_FROM] = days_before(s, c[C_EXPLOITATION_TO], 30 + pick(700));
	int age = atoi(c[C_EXPLOITATION_FROM]) - atoi(p[P_BIRTH_YEAR]);
	if (age >= 0 && age <= 120)
		c[C_AGE_WHEN_TRAFFICKED] = arena_printf(s->arena, "%d", age);
	static const char *const needs[] = { "shelter,medical,psychological", "legal,psychological", "vocational,business",
					     "medical,psychological,legal", "return_travel,shelter", "family_mediation,psychological" };
	c[C_NEEDS] = needs[pick(6)];
	if (str_eq(c[C_STATUS], "Closed") || str_eq(c[C_STATUS], "ClosedReferred")) {
		static const char *const why[] = { "support_completed", "person_chose_to_stop", "moved_away", "lost_contact",
						   "re_migrated" };
		static const int why_w[] = { 70, 10, 8, 10, 2 };
		c[C_CLOSURE_REASON] = weighted(why, why_w, 5);
		c[C_CLOSED_ON] = c[C_REGISTERED_ON];
	}
}

int demo_add_cases(struct svc *s, int64_t n, uint64_t seed, FILE *progress)
{
	rnd_state = seed ? seed : 0x9E3779B97F4A7C15ull;
	struct db_conn *c = svc_begin(s, false);
	if (c == NULL)
		return SVC_ERROR;
	struct ngo ngos[256];
	int nngo = 0, rc;
	struct db_rows *r;
	if (db_query(c, &q_demo_ngos, DB_NOPARAMS, &r, &s->error) < 0) {
		svc_abort(s, &c);
		return SVC_ERROR;
	}
	while (nngo < 256 && db_rows_next(r, &s->error) == 1) {
		ngos[nngo].id = db_rows_int(r, 0);
		snprintf(ngos[nngo].region, sizeof ngos[nngo].region, "%s", db_rows_text(r, 1));
		ngos[nngo].caseworker = db_rows_int(r, 2);
		nngo++;
	}
	db_rows_free(&r);
	int bits = person_blind_bits(c, &s->error);
	svc_abort(s, &c);
	if (nngo == 0)
		return svc_invalid(s, "run `nadiya demo` without --cases first: there are no demo NGOs", NULL);
	if (bits < 0)
		return SVC_ERROR;
	/* Large transactions: each commit is an fsync (synchronous=FULL). */
	const int per_tx = 5000;
	struct arena *saved = s->arena;
	for (int64_t done = 0; done < n;) {
		struct arena *a = arena_new(1 << 20);
		s->arena = a;
		if ((c = svc_begin(s, true)) == NULL) {
			rc = SVC_ERROR;
			goto fail;
		}
		for (int k = 0; k < per_tx && done < n; k++, done++) {
			const struct ngo *o = &ngos[pick(nngo)];
			const char *p[P__COUNT], *cv[C__COUNT];
			make_case(s, o, p, cv);
			int64_t pid, cid;
			if ((rc = person_insert_tx(s, c, o->id, p, bits, &pid)) != SVC_OK ||
			    (rc = case_insert_tx(s, c, pid, o->id, cv, 0, o->caseworker, &cid, NULL)) != SVC_OK)
				goto fail;
		}
		if ((rc = svc_commit(s, &c)) != SVC_OK)
			goto fail;
		s->arena = saved;
		arena_free(&a);
		if (progress)
			fprintf(progress, "\r%lld of %lld cases", (long long)done, (long long)n);
		continue;
	fail:
		svc_abort(s, &c);
		s->arena = saved;
		arena_free(&a);
		return rc;
	}
	if (progress)
		fprintf(progress, "\n");
	return SVC_OK;
}
