#include "model/picklist.h"
#include "base/intl.h"

#include <string.h>


/* Codes are ISO 3166-2:UA where one exists. */
PL_DEFINE(pl_region, "region",
   { "UA-71", N_("Cherkasy oblast") }, { "UA-74", N_("Chernihiv oblast") },
   { "UA-77", N_("Chernivtsi oblast") }, { "UA-12", N_("Dnipropetrovsk oblast") },
   { "UA-14", N_("Donetsk oblast") }, { "UA-26", N_("Ivano-Frankivsk oblast") },
   { "UA-63", N_("Kharkiv oblast") }, { "UA-65", N_("Kherson oblast") },
   { "UA-68", N_("Khmelnytskyi oblast") }, { "UA-35", N_("Kirovohrad oblast") },
   { "UA-32", N_("Kyiv oblast") }, { "UA-30", N_("Kyiv city") },
   { "UA-09", N_("Luhansk oblast") }, { "UA-46", N_("Lviv oblast") },
   { "UA-48", N_("Mykolaiv oblast") }, { "UA-51", N_("Odesa oblast") },
   { "UA-53", N_("Poltava oblast") }, { "UA-56", N_("Rivne oblast") },
   { "UA-59", N_("Sumy oblast") }, { "UA-61", N_("Ternopil oblast") },
   { "UA-05", N_("Vinnytsia oblast") }, { "UA-07", N_("Volyn oblast") },
   { "UA-21", N_("Zakarpattia oblast") }, { "UA-23", N_("Zaporizhzhia oblast") },
   { "UA-18", N_("Zhytomyr oblast") }, { "UA-43", N_("Autonomous Republic of Crimea") },
   { "abroad", N_("Abroad") });

PL_DEFINE(pl_org_kind, "org_kind",
   { "ngo", N_("NGO") }, { "international", N_("International organization") },
   { "government", N_("Government body") }, { "law_enforcement", N_("Law enforcement") },
   { "donor", N_("Donor") }, { "hotline", N_("Hotline operator") });

PL_DEFINE(pl_org_status, "org_status",
   { "active", N_("Active") }, { "suspended", N_("Suspended") }, { "left", N_("Left the network") });

PL_DEFINE(pl_service, "service",
   { "shelter", N_("Shelter") }, { "medical", N_("Medical care") },
   { "psychological", N_("Psychological counselling") }, { "legal", N_("Legal aid") },
   { "vocational", N_("Vocational training") },
   { "business", N_("Business start-up support and microgrants") },
   { "family_mediation", N_("Family mediation") }, { "return_travel", N_("Return and travel assistance") },
   { "hotline", N_("Hotline consultation") }, { "outreach", N_("Outreach and identification") },
   { "other", N_("Other") });

PL_DEFINE(pl_role, "role",
   { "admin", N_("Administrator") }, { "coordinator", N_("Network coordinator") },
   { "manager", N_("Manager") }, { "caseworker", N_("Caseworker") },
   { "hotline", N_("Hotline operator") }, { "donor", N_("Donor") }, { "auditor", N_("Auditor") });

PL_DEFINE(pl_user_status, "user_status", { "active", N_("Active") }, { "disabled", N_("Disabled") });

bool picklist_has(const struct picklist *pl, const char *code)
{
	if (code == NULL)
		return false;
	for (size_t i = 0; i < pl->n; i++)
		if (strcmp(pl->items[i].code, code) == 0)
			return true;
	return false;
}

const char *picklist_label(const struct picklist *pl, const char *code)
{
	for (size_t i = 0; i < pl->n; i++)
		if (strcmp(pl->items[i].code, code) == 0)
			return gettext(pl->items[i].label);
	return code;
}

const char *region_abbrev(const char *code)
{
	static const char *const map[][2] = {
		{ "UA-71", "CK" }, { "UA-74", "CH" }, { "UA-77", "CV" }, { "UA-12", "DP" }, { "UA-14", "DO" },
		{ "UA-26", "IF" }, { "UA-63", "KH" }, { "UA-65", "KS" }, { "UA-68", "KM" }, { "UA-35", "KR" },
		{ "UA-32", "KO" }, { "UA-30", "KY" }, { "UA-09", "LU" }, { "UA-46", "LV" }, { "UA-48", "MY" },
		{ "UA-51", "OD" }, { "UA-53", "PL" }, { "UA-56", "RV" }, { "UA-59", "SU" }, { "UA-61", "TE" },
		{ "UA-05", "VI" }, { "UA-07", "VO" }, { "UA-21", "ZK" }, { "UA-23", "ZP" }, { "UA-18", "ZT" },
		{ "UA-43", "CR" }, { "abroad", "XX" },
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], code) == 0)
			return map[i][1];
	return "XX";
}
