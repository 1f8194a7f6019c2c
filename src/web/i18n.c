#include "web/i18n.h"
#include "base/log.h"
#include "base/str.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static locale_t loc_uk, loc_en;

static locale_t make(locale_t base, const char *const *names)
{
	for (; *names; names++) {
		locale_t copy = duplocale(base);
		locale_t l = newlocale(LC_MESSAGES_MASK, *names, copy);
		if (l)
			return l;
		freelocale(copy);
	}
	return (locale_t)0;
}

bool i18n_init(const char *dir)
{
	static const char *const uk[] = { "uk_UA.UTF-8", "uk_UA.utf8", NULL };
	static const char *const en[] = { "en_US.UTF-8", "en_US.utf8", "en_GB.UTF-8", "C.UTF-8", NULL };
	/* LANGUAGE would override the per-thread locale for every request. */
	unsetenv("LANGUAGE");
	bindtextdomain("nadiya", dir);
	bind_textdomain_codeset("nadiya", "UTF-8");
	textdomain("nadiya");
	locale_t base = newlocale(LC_ALL_MASK, "C.UTF-8", (locale_t)0);
	if (base == (locale_t)0)
		base = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	loc_uk = make(base, uk);
	loc_en = make(base, en);
	bool ok = true;
	if (loc_uk == (locale_t)0) {
		log_error("msg=\"locale uk_UA.UTF-8 is missing: pages will not be in Ukrainian; run scripts/install-deps\"");
		loc_uk = duplocale(base);
		ok = false;
	}
	if (loc_en == (locale_t)0) {
		loc_en = duplocale(base);
		ok = false;
	}
	freelocale(base);
	return ok;
}

void i18n_use(const char *lang)
{
	uselocale(str_eq(lang, "en") ? loc_en : loc_uk);
}

void i18n_reset(void)
{
	uselocale(LC_GLOBAL_LOCALE);
}

bool i18n_supported(const char *lang)
{
	return str_eq(lang, "uk") || str_eq(lang, "en");
}

const char *i18n_default_dir(void)
{
	static char dir[PATH_MAX];
	char exe[PATH_MAX - 16];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return "/usr/share/locale";
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = '\0';
	snprintf(dir, sizeof dir, "%s/locale", exe);
	if (access(dir, R_OK) == 0)
		return dir;
	return "/usr/share/locale";
}
