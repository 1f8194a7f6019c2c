/* http.h — the request/response model every handler sees, and the server.
 *
 * libmicrohttpd sits behind this file only.  A handler receives a struct
 * request whose inputs are already parsed and bounded (path parameters, query,
 * form or JSON body, cookies) and writes its answer into req->out with the
 * html_* or json helpers, setting req->status and req->content_type.  All
 * memory a handler needs comes from req->arena, freed when the request ends.
 */
#ifndef NADIYA_HTTP_H
#define NADIYA_HTTP_H

#include "base/arena.h"
#include "base/buf.h"
#include "base/kv.h"

#include <jansson.h>
#include <locale.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct app;
struct route;
struct db_conn;
struct actor;


struct header {
	const char *name;
	const char *value;
};

#define REQ_MAX_PATH_PARAMS 4
#define REQ_MAX_HEADERS 12

struct request {
	struct arena *arena;
	struct app *app;
	void *conn; /* struct MHD_Connection */
	char id[17]; /* request id, hex */
	const char *method;
	const char *path;      /* decoded path, no query */
	const char *raw_query; /* after '?', or "" */
	const char *client_ip;
	const struct route *route;
	const char *params[REQ_MAX_PATH_PARAMS];
	size_t nparams;
	struct kvlist query;
	struct kvlist form;
	json_t *json;
	struct buf body;
	bool body_too_large;
	bool is_api; /* path under /api/: errors answer JSON */
	const char *lang;    /* "uk" or "en" */
	struct timespec start;
	struct db_conn *db; /* acquired lazily by req_db() */
	struct actor *actor; /* signed-in user, or NULL */
	const char *csrf;    /* CSRF token of the session (or pre-session), for forms */
	const char *session_token; /* the raw token, for rotating; never logged */
	const char *session_state; /* "full", "mfa", "enrol" or NULL */
	/* response */
	int status;
	const char *content_type;
	bool cacheable; /* false: Cache-Control: no-store */
	struct buf out;
	struct header headers[REQ_MAX_HEADERS];
	size_t nheaders;
};

/* Server-wide state, created by `nadiya serve`. */
struct settings;
struct master_key;
struct db;
struct refusals;
struct session_cache;

struct app {
	const struct settings *cfg;
	struct db *db;
	struct master_key *key;
	bool secure_cookies;
	struct refusals *refusals; /* refused sign-ins counted between their audit entries (model/refusals.h) */
	struct session_cache *session_cache; /* NULL: every request asks the database */
};

/* Request inputs. */
const char *req_header(struct request *req, const char *name);
const char *req_cookie(struct request *req, const char *name);
const char *req_query(struct request *req, const char *key);
const char *req_form(struct request *req, const char *key);
const char *req_param(struct request *req, size_t i);

/*
 * The request's database connection, acquired on first use and released when
 * the request completes.  NULL (after answering 503) when none can be had.
 */
struct db_conn *req_db(struct request *req);

/* Response helpers. */
void req_add_header(struct request *req, const char *name, const char *value);
void req_redirect(struct request *req, const char *location); /* 303 See Other */
void req_set_cookie(struct request *req, const char *name, const char *value, long max_age);

/* Starts the server; blocks until SIGINT/SIGTERM.  Returns a process exit status. */
int http_serve(struct app *app, const char *listen);

#endif
