/* fuzz-path.c — the request path: percent-decoding (src/web/form.c:
 * path_decode) and the route table lookup on the decoded path
 * (src/web/router.c), as http.c runs them for every request.
 *
 * The first input byte picks the method; the rest is the raw path.  Checks:
 * path_decode agrees with a plain decoder written here and returns valid
 * one-line UTF-8; html_url_arg of the result decodes back to it; a matched
 * route's parameters are non-empty segments without '/', and putting them back
 * into the pattern gives the path; an unmatched path known under another
 * method lists those methods in Allow.
 */
#include "fuzz.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/str.h"
#include "web/form.h"
#include "web/html.h"
#include "web/router.h"

static int hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* -1 on a bad escape; else the decoded bytes (without a validity check) in out, length in *n_r. */
static int plain_decode(const uint8_t *in, size_t len, char *out, size_t *n_r)
{
	size_t j = 0;
	for (size_t i = 0; i < len; i++) {
		if (in[i] != '%') {
			out[j++] = (char)in[i];
			continue;
		}
		if (len - i < 3 || hex(in[i + 1]) < 0 || hex(in[i + 2]) < 0)
			return -1;
		out[j++] = (char)(hex(in[i + 1]) << 4 | hex(in[i + 2]));
		i += 2;
	}
	*n_r = j;
	return 0;
}

static void check_route(struct arena *a, const char *method, const char *path)
{
	struct request req;
	memset(&req, 0, sizeof req);
	req.arena = a;
	struct buf allow;
	buf_init_arena(&allow, a);
	bool known = true;
	const struct route *r = router_match(&req, method, path, &known, &allow);
	if (r == NULL) {
		fuzz_check(known == (allow.len > 0));
		return;
	}
	fuzz_check(strcmp(r->method, method) == 0 || (strcmp(method, "HEAD") == 0 && strcmp(r->method, "GET") == 0));
	/* Rebuild the path from the pattern and the parameters. */
	struct buf rebuilt;
	buf_init_arena(&rebuilt, a);
	size_t np = 0;
	for (const char *p = r->pattern; *p;) {
		if (*p == '{') {
			const char *e = strchr(p, '}');
			fuzz_check(e && np < req.nparams);
			const char *v = req.params[np++];
			fuzz_check(*v && strchr(v, '/') == NULL);
			buf_puts(&rebuilt, v);
			p = e + 1;
		} else {
			buf_putc(&rebuilt, *p++);
		}
	}
	fuzz_check(np == req.nparams);
	fuzz_check(strcmp(rebuilt.data ? rebuilt.data : "", path) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = { "GET", "POST", "HEAD", "PATCH", "DELETE", "PUT", "OPTIONS" };
	if (size == 0)
		return 0;
	const char *method = methods[data[0] % (sizeof methods / sizeof methods[0])];
	data++;
	size--;
	struct arena *a = arena_new(4096);
	char *in = fuzz_bytes(data, size);
	char *plain = malloc(size + 1);
	size_t plain_n = 0;
	const char *out = NULL;
	int rc = path_decode(a, in, size, &out);
	int want = plain_decode(data, size, plain, &plain_n);
	if (want == 0 && !str_valid_utf8_text(plain, plain_n, false))
		want = -1;
	fuzz_check(rc == want);
	if (rc == 0) {
		fuzz_check(strlen(out) == plain_n && memcmp(out, plain, plain_n) == 0);
		struct buf enc;
		buf_init_arena(&enc, a);
		html_url_arg(&enc, out);
		const char *back = NULL;
		fuzz_check(path_decode(a, enc.len ? enc.data : "", enc.len, &back) == 0);
		fuzz_check(strcmp(back, out) == 0);
		check_route(a, method, out);
	}
	free(plain);
	free(in);
	arena_free(&a);
	return 0;
}
