/* i18n.h — the user's language, through gettext.
 *
 * Message ids are English; po/uk.po and po/en.po are compiled to .mo files at
 * build.  Each request switches its thread to the chosen language with
 * uselocale(), which needs the uk_UA.UTF-8 and en_US.UTF-8 locales to exist
 * (scripts/install-deps generates them).  Ukrainian is the default.
 */
#ifndef NADIYA_I18N_H
#define NADIYA_I18N_H

#include "base/intl.h"

#include <stdbool.h>

/* Binds the text domain and prepares one locale object per language.
 * Returns false (after logging) when a locale is missing on this machine. */
bool i18n_init(const char *locale_dir);
/* Switches the calling thread to lang ("uk" or "en"). */
void i18n_use(const char *lang);
/* Back to the C locale for this thread. */
void i18n_reset(void);
/* True for "uk" and "en". */
bool i18n_supported(const char *lang);
/* The locale dir next to the running binary, for when none is configured. */
const char *i18n_default_dir(void);

#endif
