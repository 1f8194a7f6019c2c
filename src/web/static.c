/* static.c — stylesheet and icons compiled into the binary, served under
 * content-hashed names so browsers may cache them for a year. */
#include "base/embedded.h"
#include "base/str.h"
#include "web/ui.h"
#include "web/web.h"

#include <sodium.h>
#include <string.h>

#define MAX_ASSETS 32

struct asset {
	const struct embedded_file *f;
	char url[128];      /* /static/style.0123456789.css */
	const char *hashed; /* points into url after /static/ */
	const char *type;
};

static struct asset assets[MAX_ASSETS];
static size_t nassets;

static const char *type_of(const char *name)
{
	const char *dot = strrchr(name, '.');
	if (dot == NULL)
		return "application/octet-stream";
	if (str_eq(dot, ".css"))
		return "text/css; charset=utf-8";
	if (str_eq(dot, ".svg"))
		return "image/svg+xml";
	if (str_eq(dot, ".png"))
		return "image/png";
	if (str_eq(dot, ".js"))
		return "text/javascript; charset=utf-8";
	return "application/octet-stream";
}

void static_init(void)
{
	for (size_t i = 0; i < embedded_assets_count && nassets < MAX_ASSETS; i++) {
		const struct embedded_file *f = &embedded_assets[i];
		unsigned char h[16];
		char hex[33];
		crypto_generichash(h, sizeof h, f->data, f->len, NULL, 0);
		str_hex(h, sizeof h, hex);
		hex[10] = '\0';
		const char *dot = strrchr(f->name, '.');
		size_t stem = dot ? (size_t)(dot - f->name) : strlen(f->name);
		struct asset *a = &assets[nassets++];
		a->f = f;
		snprintf(a->url, sizeof a->url, "/static/%.*s.%s%s", (int)stem, f->name, hex, dot ? dot : "");
		a->hashed = a->url + strlen("/static/");
		a->type = type_of(f->name);
	}
}

const char *static_url(const char *name)
{
	for (size_t i = 0; i < nassets; i++)
		if (str_eq(assets[i].f->name, name))
			return assets[i].url;
	return "/static/missing";
}

void ui_static(struct request *req)
{
	const char *name = req_param(req, 0);
	for (size_t i = 0; i < nassets; i++) {
		if (str_eq(assets[i].hashed, name)) {
			req->cacheable = true;
			req->content_type = assets[i].type;
			req_add_header(req, "Cache-Control", "public, max-age=31536000, immutable");
			buf_append(&req->out, assets[i].f->data, assets[i].f->len);
			return;
		}
	}
	web_error(req, 404, N_("There is no such page."), NULL);
}
