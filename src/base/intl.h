/* intl.h — gettext markers for any layer: _() translates now, N_() marks a
 * msgid to translate later (services return msgids, the web layer renders). */
#ifndef NADIYA_INTL_H
#define NADIYA_INTL_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)

#endif
