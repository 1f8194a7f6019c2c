#include "crypto/blind.h"
#include "base/buf.h"
#include "crypto/key.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

int blind_bits_for(int64_t expected)
{
	int bits = 0;
	int64_t per = expected / 8;
	while (per > 1) {
		per >>= 1;
		bits++;
	}
	return bits < 8 ? 8 : bits > 20 ? 20 : bits;
}

static pthread_key_t trans_key;
static pthread_once_t trans_once = PTHREAD_ONCE_INIT;

static void trans_free(void *p)
{
	utrans_close(p);
}

static void trans_init(void)
{
	pthread_key_create(&trans_key, trans_free);
}

/* The calling thread's transliterator (ICU's are not safe to share). */
static UTransliterator *transliterator(void)
{
	pthread_once(&trans_once, trans_init);
	UTransliterator *t = pthread_getspecific(trans_key);
	if (t)
		return t;
	UErrorCode e = U_ZERO_ERROR;
	UChar id[64];
	u_uastrcpy(id, "Any-Latin; Latin-ASCII; Lower");
	t = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &e);
	if (U_FAILURE(e))
		return NULL;
	pthread_setspecific(trans_key, t);
	return t;
}

/* Any script to Latin ASCII lower case; NULL on failure. */
static char *to_ascii(struct arena *a, const char *in)
{
	UTransliterator *t = transliterator();
	if (t == NULL)
		return NULL;
	UErrorCode e = U_ZERO_ERROR;
	int32_t len = 0;
	u_strFromUTF8(NULL, 0, &len, in, -1, &e);
	if (e != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(e))
		return NULL;
	/* Transliteration can grow text (Щ -> shch): leave room. */
	int32_t cap = len * 4 + 16;
	UChar *buf = arena_alloc(a, (size_t)cap * sizeof(UChar));
	e = U_ZERO_ERROR;
	u_strFromUTF8(buf, cap, &len, in, -1, &e);
	if (U_FAILURE(e))
		return NULL;
	int32_t limit = len;
	utrans_transUChars(t, buf, &len, cap, 0, &limit, &e);
	if (U_FAILURE(e))
		return NULL;
	int32_t olen = 0;
	e = U_ZERO_ERROR;
	char *out = arena_alloc(a, (size_t)len * 3 + 1);
	u_strToUTF8(out, len * 3 + 1, &olen, buf, len, &e);
	if (U_FAILURE(e))
		return NULL;
	out[olen] = '\0';
	return out;
}

/* Folds romanization variants of one lower-case ASCII word into its skeleton. */
static void skeleton(const char *w, struct buf *out)
{
	static const struct {
		const char *from, *to;
	} rules[] = {
		{ "shch", "s" }, { "sch", "s" }, { "iia", "a" }, { "sh", "s" }, { "zh", "z" }, { "kh", "h" }, { "ch", "c" },
		{ "ts", "c" },   { "tz", "c" },  { "yu", "u" }, { "ju", "u" }, { "iu", "u" }, { "ya", "a" },
		{ "ja", "a" },   { "ia", "a" },  { "ye", "e" }, { "je", "e" }, { "ie", "e" }, { "yi", "i" },
		{ "ji", "i" },   { "ii", "i" },  { "ph", "f" }, { "w", "v" },  { "g", "h" },  { "y", "i" },
		{ "j", "i" },    { "x", "ks" },  { "q", "k" },
	};
	size_t start = out->len;
	for (const char *p = w; *p;) {
		if (!isalnum((unsigned char)*p)) {
			p++;
			continue;
		}
		bool hit = false;
		for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
			size_t n = strlen(rules[i].from);
			if (strncmp(p, rules[i].from, n) == 0) {
				buf_puts(out, rules[i].to);
				p += n;
				hit = true;
				break;
			}
		}
		if (!hit)
			buf_putc(out, *p++);
	}
	/* Doubled letters are spelled either way ("Hanna"/"Hana"). */
	size_t j = start;
	for (size_t i = start; i < out->len; i++)
		if (i == start || out->data[i] != out->data[j - 1])
			out->data[j++] = out->data[i];
	out->len = j;
	out->data[j] = '\0';
}

int blind_name_tokens(struct arena *a, const char *name, const char **tokens_r)
{
	char *ascii = to_ascii(a, name ? name : "");
	if (ascii == NULL)
		return 0;
	int n = 0;
	char *save = NULL;
	for (char *w = strtok_r(ascii, " \t\n\r-,.;:/()\"", &save); w && n < BLIND_MAX_TOKENS;
	     w = strtok_r(NULL, " \t\n\r-,.;:/()\"", &save)) {
		struct buf b;
		buf_init_arena(&b, a);
		skeleton(w, &b);
		if (b.len < 2)
			continue;
		bool dup = false;
		for (int i = 0; i < n; i++)
			dup |= strcmp(tokens_r[i], b.data) == 0;
		if (!dup)
			tokens_r[n++] = b.data;
	}
	return n;
}

const char *blind_phone_e164(struct arena *a, const char *phone)
{
	char d[32];
	size_t n = 0;
	bool plus = false;
	for (const char *p = phone ? phone : ""; *p; p++) {
		if (*p == '+' && n == 0 && !plus)
			plus = true;
		else if (isdigit((unsigned char)*p)) {
			if (n >= sizeof d - 1)
				return NULL;
			d[n++] = *p;
		} else if (!strchr(" -().", *p))
			return NULL;
	}
	d[n] = '\0';
	if (!plus) {
		if (n == 10 && d[0] == '0')
			return arena_printf(a, "+380%s", d + 1); /* Ukrainian national format */
		if (n == 12 && strncmp(d, "380", 3) == 0)
			return arena_printf(a, "+%s", d);
		if (n > 2 && d[0] == '0' && d[1] == '0')
			return n - 2 >= 8 && n - 2 <= 15 ? arena_printf(a, "+%s", d + 2) : NULL;
	}
	if (n < 8 || n > 15)
		return NULL;
	return arena_printf(a, "+%s", d);
}

const char *blind_dob_normalize(struct arena *a, const char *dob)
{
	int y, m, dd;
	char tail;
	if (dob == NULL)
		return NULL;
	if (sscanf(dob, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) == 3 && strlen(dob) == 10) {
	} else if (sscanf(dob, "%2d.%2d.%4d%c", &dd, &m, &y, &tail) == 3 && strlen(dob) == 10) {
	} else {
		return NULL;
	}
	if (y < 1900 || y > 2100 || m < 1 || m > 12 || dd < 1 || dd > 31)
		return NULL;
	return arena_printf(a, "%04d-%02d-%02d", y, m, dd);
}

int64_t blind_value(const struct master_key *k, enum blind_kind kind, const char *normalized, int bits)
{
	char purpose[16];
	snprintf(purpose, sizeof purpose, "blind:%c", (char)kind);
	unsigned char key[32], h[16];
	key_derive(k, purpose, key, sizeof key);
	crypto_generichash(h, sizeof h, (const unsigned char *)normalized, strlen(normalized), key, sizeof key);
	sodium_memzero(key, sizeof key);
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | h[i];
	return (int64_t)(v >> (64 - bits));
}
