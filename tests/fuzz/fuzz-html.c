/* fuzz-html.c — escaping (src/web/html.c) and rendering of arbitrary text
 * (src/web/layout.c page frame and notices, src/web/forms.c widgets that echo
 * what the user typed).
 *
 * Checks: html_txt/html_attr/html_txtn output has no raw '<', '>', '"' or '\''
 * at all, every '&' starts one of the five entities we write, and unescaping
 * gives the input back (NULs dropped); html_url_arg writes only unreserved
 * characters and %XX and decodes back; a whole page with the text as title,
 * notice, every form widget's value and the request path has exactly the
 * markup of the same page rendered with the text "x": the text cannot add a
 * tag, end an attribute or open one.
 */
#include "fuzz.h"
#include "fuzz-record.h"
#include "base/arena.h"
#include "base/buf.h"
#include "crypto/key.h"
#include "web/forms.h"
#include "web/html.h"
#include "web/web.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (crypto_init() < 0)
		abort();
	static_init(); /* page_begin links the hashed stylesheet name */
	return 0;
}

/* Decodes our five entities; fails the run on a raw markup character or any other '&'. */
static void check_unescape(const char *out, size_t n, const char *want, size_t want_n)
{
	static const struct {
		const char *ent;
		char c;
	} ents[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&#39;", '\'' } };
	char *dec = malloc(n + 1);
	size_t j = 0;
	for (size_t i = 0; i < n;) {
		char c = out[i];
		fuzz_check(c != '<' && c != '>' && c != '"' && c != '\'' && c != '\0');
		if (c != '&') {
			dec[j++] = c;
			i++;
			continue;
		}
		size_t k = 0;
		while (k < 5 && strncmp(out + i, ents[k].ent, strlen(ents[k].ent)) != 0)
			k++;
		fuzz_check(k < 5);
		dec[j++] = ents[k].c;
		i += strlen(ents[k].ent);
	}
	fuzz_check(j == want_n && memcmp(dec, want, j) == 0);
	free(dec);
}

static void check_escapers(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	size_t tn = strlen(text);
	struct buf b;
	buf_init(&b);

	html_txt(&b, text);
	check_unescape(b.data ? b.data : "", b.len, text, tn);
	buf_reset(&b);
	html_attr(&b, text);
	check_unescape(b.data ? b.data : "", b.len, text, tn);
	buf_reset(&b);

	/* html_txtn takes a length: embedded NULs are dropped, not a reason to stop. */
	char *raw = fuzz_bytes(data, size);
	char *nonul = malloc(size + 1);
	size_t nn = 0;
	for (size_t i = 0; i < size; i++)
		if (data[i])
			nonul[nn++] = (char)data[i];
	html_txtn(&b, raw, size);
	check_unescape(b.data ? b.data : "", b.len, nonul, nn);
	buf_reset(&b);
	free(nonul);
	free(raw);

	html_url_arg(&b, text);
	size_t j = 0;
	char *dec = malloc(b.len + 1);
	for (size_t i = 0; i < b.len;) {
		char c = b.data[i];
		if (c == '%') {
			fuzz_check(i + 2 < b.len && strchr("0123456789ABCDEF", b.data[i + 1]) && b.data[i + 1] &&
				   strchr("0123456789ABCDEF", b.data[i + 2]) && b.data[i + 2]);
			unsigned v;
			sscanf(b.data + i + 1, "%2X", &v);
			dec[j++] = (char)v;
			i += 3;
			continue;
		}
		fuzz_check((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			   strchr("-_.~", c));
		dec[j++] = c;
		i++;
	}
	fuzz_check(j == tn && memcmp(dec, text, tn) == 0);
	free(dec);
	buf_reset(&b);

	/* A hidden input with the first half as name and the rest as value: one tag, six quotes. */
	char *name = fuzz_cstr(data, size / 2), *value = fuzz_cstr(data + size / 2, size - size / 2);
	html_hidden(&b, name, value);
	size_t lt = 0, gt = 0, q = 0;
	for (size_t i = 0; i < b.len; i++) {
		lt += b.data[i] == '<';
		gt += b.data[i] == '>';
		q += b.data[i] == '"';
	}
	fuzz_check(lt == 1 && gt == 1 && q == 6 && b.data[b.len - 1] == '>');
	free(name);
	free(value);
	buf_free(&b);
	free(text);
}

/* Counts of each markup character in a rendered page. */
struct shape {
	size_t lt, gt, dq, sq, amp_other;
};

static struct shape render(struct arena *a, bool english, const char *path, const char *text)
{
	struct request req;
	memset(&req, 0, sizeof req);
	req.arena = a;
	req.lang = english ? "en" : "uk";
	req.path = path;
	req.raw_query = "";
	buf_init_arena(&req.out, a);
	const char *values[AT__COUNT], *errors[AT__COUNT];
	for (size_t i = 0; i < AT__COUNT; i++) {
		values[i] = text;
		errors[i] = i % 2 ? "This is required." : NULL;
	}
	page_begin(&req, text);
	notice(&req, "error", text);
	notice(&req, "ok", text);
	form_error_summary(&req, &fuzz_all_rt, errors);
	form_fields(&req, &fuzz_all_rt, values, errors, true);
	for (size_t i = 0; i < AT__COUNT; i++)
		form_field(&req, &fuzz_all_fields[i], text, NULL);
	form_end(&req, text);
	page_end(&req);
	struct shape s = { 0 };
	for (size_t i = 0; i < req.out.len; i++) {
		char c = req.out.data[i];
		s.lt += c == '<';
		s.gt += c == '>';
		s.dq += c == '"';
		s.sq += c == '\'';
		s.amp_other += c == '&' && strncmp(req.out.data + i, "&amp;", 5) != 0 &&
			       strncmp(req.out.data + i, "&lt;", 4) != 0 && strncmp(req.out.data + i, "&gt;", 4) != 0 &&
			       strncmp(req.out.data + i, "&quot;", 6) != 0 && strncmp(req.out.data + i, "&#39;", 5) != 0;
	}
	return s;
}

static void check_page(const uint8_t *data, size_t size)
{
	if (size == 0)
		return;
	bool english = data[0] & 1;
	char *text = fuzz_cstr(data + 1, size - 1);
	struct arena *a = arena_new(16384);
	/* The path is the same in both renders: it decides which menu item is current. */
	struct shape got = render(a, english, text, text);
	struct shape want = render(a, english, text, "x");
	fuzz_check(got.lt == want.lt && got.gt == want.gt);
	fuzz_check(got.dq == want.dq && got.sq == want.sq);
	fuzz_check(got.amp_other == want.amp_other);
	arena_free(&a);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_escapers(data, size);
	check_page(data, size);
	return 0;
}
