/* http.c — libmicrohttpd behind our request model.
 *
 * Life of a request:
 *   uri_log_cb        MHD has read the request line: make the request, its
 *                     arena and id, and keep the raw URI (with the query
 *                     string, which MHD would otherwise parse itself).
 *   on_access #1      headers are in: reject smuggling attempts (two
 *                     Content-Length, or Content-Length with chunked), find
 *                     the route, refuse an announced body that is too large.
 *                     Nothing is queued here unless the request is refused:
 *                     MHD 0.9.75 drops keep-alive for responses queued in the
 *                     first call.
 *   on_access #2..n   body chunks, appended up to the route's limit.
 *   on_access last    parse, dispatch, queue the response.
 *   completed_cb      metrics, one access-log line, release the database
 *                     connection, free the arena.
 */
#include "web/http.h"
#include "base/config.h"
#include "base/log.h"
#include "store/db.h"
#include "web/dispatch.h"
#include "web/form.h"
#include "web/metrics.h"
#include "web/router.h"
#include "web/timers.h"
#include "web/web.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* ST_WORKING: suspended while the slow lane runs the handler; ST_READY: its answer waits. */
enum req_state { ST_NEW, ST_BODY, ST_QUEUED, ST_WORKING, ST_READY };

struct req_priv {
	struct req_priv *lane_next; /* in the slow lane's queue */
	struct request req; /* first: the public part */
	enum req_state state;
	const char *raw_uri;
	size_t body_max;
	bool refused; /* answered before the body was read */
};

const char *req_header(struct request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(struct request *req, const char *name)
{
	return cookie_find(req->arena, req_header(req, "Cookie"), name);
}

const char *req_query(struct request *req, const char *key)
{
	return kv_get(&req->query, key);
}

const char *req_form(struct request *req, const char *key)
{
	return kv_get(&req->form, key);
}

const char *req_param(struct request *req, size_t i)
{
	return i < req->nparams ? req->params[i] : NULL;
}

struct db_conn *req_db(struct request *req)
{
	if (req->db)
		return req->db;
	const char *err;
	req->db = db_acquire(req->app->db, &err);
	if (req->db == NULL)
		log_error("id=%s msg=\"no database connection\" error=\"%s\"", req->id, err);
	return req->db;
}

void req_add_header(struct request *req, const char *name, const char *value)
{
	if (req->nheaders >= REQ_MAX_HEADERS) {
		log_error("id=%s msg=\"too many response headers\"", req->id);
		return;
	}
	req->headers[req->nheaders].name = name;
	req->headers[req->nheaders].value = arena_strdup(req->arena, value);
	req->nheaders++;
}

void req_redirect(struct request *req, const char *location)
{
	req->status = 303;
	req_add_header(req, "Location", location);
	buf_reset(&req->out);
}

void req_set_cookie(struct request *req, const char *name, const char *value, long max_age)
{
	/* max_age < 0: a session cookie that ends with the browser. */
	char *c = arena_printf(req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", name, value,
			       req->app->secure_cookies ? "; Secure" : "");
	if (max_age >= 0)
		c = arena_printf(req->arena, "%s; Max-Age=%ld", c, max_age);
	req_add_header(req, "Set-Cookie", c);
}

static void *uri_log_cb(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct app *app = cls;
	struct arena *a = arena_new(8192);
	struct req_priv *p = arena_zalloc(a, sizeof *p);
	struct request *req = &p->req;
	req->arena = a;
	req->app = app;
	req->conn = conn;
	clock_gettime(CLOCK_MONOTONIC, &req->start);
	unsigned char rid[8];
	randombytes_buf(rid, sizeof rid);
	static const char hx[] = "0123456789abcdef";
	for (int i = 0; i < 8; i++) {
		req->id[2 * i] = hx[rid[i] >> 4];
		req->id[2 * i + 1] = hx[rid[i] & 15];
	}
	req->id[16] = '\0';
	p->raw_uri = arena_strdup(a, uri ? uri : "");
	p->state = ST_NEW;
	req->status = 200;
	req->content_type = "text/html; charset=utf-8";
	req->lang = "uk";
	req->method = "";
	req->path = "";
	req->raw_query = "";
	buf_init_arena(&req->body, a);
	buf_init_arena(&req->out, a);
	return p;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	(void)value;
	int *counts = cls;
	if (strcasecmp(key, "Content-Length") == 0)
		counts[0]++;
	else if (strcasecmp(key, "Transfer-Encoding") == 0)
		counts[1]++;
	return MHD_YES;
}

static const char *security_csp =
	"default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
	"frame-ancestors 'none'; base-uri 'none'";

static enum MHD_Result queue(struct req_priv *p)
{
	struct request *req = &p->req;
	struct MHD_Response *r = MHD_create_response_from_buffer(req->out.len, req->out.data,
								 MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", req->content_type);
	MHD_add_response_header(r, "Content-Security-Policy", security_csp);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "X-Request-Id", req->id);
	if (!req->cacheable) {
		MHD_add_response_header(r, "Cache-Control", "no-store");
		MHD_add_response_header(r, "Content-Language", req->lang);
		MHD_add_response_header(r, "Vary", "Accept-Language, Cookie");
	}
	if (req->app->secure_cookies)
		MHD_add_response_header(r, "Strict-Transport-Security", "max-age=63072000; includeSubDomains");
	for (size_t i = 0; i < req->nheaders; i++)
		MHD_add_response_header(r, req->headers[i].name, req->headers[i].value);
	enum MHD_Result ret = MHD_queue_response(req->conn, (unsigned)req->status, r);
	MHD_destroy_response(r);
	p->state = ST_QUEUED;
	return ret;
}

/* Language before the handler knows the user: cookie, else Accept-Language, else Ukrainian. */
static void pick_language(struct request *req)
{
	const char *c = req_cookie(req, "lang");
	if (c && i18n_supported(c)) {
		req->lang = c;
	} else {
		const char *a = accept_language_pick(req_header(req, "Accept-Language"));
		req->lang = a ? a : "uk";
	}
	i18n_use(req->lang);
}

/* Refuses the request right away (before its body is read). */
static enum MHD_Result refuse(struct req_priv *p, int status, const char *msgid)
{
	pick_language(&p->req);
	web_error(&p->req, status, msgid, NULL);
	p->refused = true;
	return queue(p);
}

static enum MHD_Result on_first_call(struct req_priv *p, const char *method)
{
	struct request *req = &p->req;
	req->method = arena_strdup(req->arena, method);
	const char *uri = p->raw_uri;
	const char *q = strchr(uri, '?');
	size_t plen = q ? (size_t)(q - uri) : strlen(uri);
	req->raw_query = q ? q + 1 : "";
	req->is_api = strncmp(uri, "/api/", 5) == 0;
	if (plen == 0 || uri[0] != '/' || plen > 2048 || path_decode(req->arena, uri, plen, &req->path) < 0)
		return refuse(p, 400, N_("The address is malformed."));
	int counts[2] = { 0, 0 };
	MHD_get_connection_values(req->conn, MHD_HEADER_KIND, count_header, counts);
	if (counts[0] > 1 || (counts[0] > 0 && counts[1] > 0))
		return refuse(p, 400, N_("The request has conflicting length headers."));
	bool known = false;
	struct buf allow;
	buf_init_arena(&allow, req->arena);
	req->route = router_match(req, req->method, req->path, &known, &allow);
	if (req->route == NULL) {
		if (known)
			req_add_header(req, "Allow", allow.data);
		/* Decided, but answered on a later call so keep-alive survives. */
		p->body_max = 0;
		p->state = ST_BODY;
		return MHD_YES;
	}
	p->body_max = req->route->body_max ? req->route->body_max
					  : (size_t)req->app->cfg->body_max_kib * 1024;
	if (req->route->body == BODY_NONE)
		p->body_max = 0;
	const char *cl = req_header(req, "Content-Length");
	if (cl) {
		char *end;
		errno = 0;
		unsigned long long n = strtoull(cl, &end, 10);
		if (errno || *end || end == cl)
			return refuse(p, 400, N_("The request has an invalid length header."));
		if (n > p->body_max) {
			if (req->route->body == BODY_NONE)
				return refuse(p, 413, N_("This address accepts no request body."));
			return refuse(p, 413, N_("The request body is too large."));
		}
	}
	p->state = ST_BODY;
	return MHD_YES;
}

/*
 * The slow lane.  Handlers that hash a password (Argon2id: tens of milliseconds
 * and 64 MiB each) would hold a libmicrohttpd worker thread, and every other
 * connection that thread serves would wait behind them: a flood of sign-ins
 * slowed everyone.  Such requests are suspended, handed to these threads (as
 * many as hashes may run at once), and resumed with their answer ready.
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct req_priv *head, *tail;
	bool stop;
	pthread_t threads[64];
	int nthreads;
} lane = { .lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER };

/*
 * Whether the client has closed its side of the connection (it sent its
 * request and hung up while the request waited for the slow lane).  HTTP
 * clients do not half-close while they wait for an answer, so an end of
 * stream here means nobody will read the answer.
 */
static bool client_gone(struct MHD_Connection *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
	if (ci == NULL)
		return false;
	struct pollfd pfd = { .fd = ci->connect_fd, .events = POLLRDHUP };
	return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

static void *lane_main(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&lane.lock);
		while (lane.head == NULL && !lane.stop)
			pthread_cond_wait(&lane.cond, &lane.lock);
		struct req_priv *p = lane.head;
		if (p) {
			lane.head = p->lane_next;
			if (lane.head == NULL)
				lane.tail = NULL;
		}
		pthread_mutex_unlock(&lane.lock);
		if (p == NULL)
			return NULL; /* stopping, and the queue is empty */
		struct request *req = &p->req;
		i18n_use(req->lang);
		if (client_gone(req->conn)) {
			/* Nobody waits for this answer: no hash for it (a flood whose clients gave up would
			 * otherwise keep the lane, and the cores, busy for seconds).  The password was never
			 * checked, so nothing was attempted; the answer only lets libmicrohttpd close. */
			web_error(req, 503, N_("The client closed the connection."), NULL);
			metrics_lane_abandoned();
		} else {
			dispatch(req);
		}
		if (req->db)
			db_release(&req->db);
		i18n_reset();
		p->state = ST_READY;
		MHD_resume_connection(req->conn);
	}
}

static void lane_start(int n)
{
	lane.stop = false;
	lane.nthreads = 0;
	for (int i = 0; i < n && i < 64; i++)
		if (pthread_create(&lane.threads[lane.nthreads], NULL, lane_main, NULL) == 0)
			lane.nthreads++;
}

/* Finishes every queued request, then joins the threads. */
static void lane_stop(void)
{
	pthread_mutex_lock(&lane.lock);
	lane.stop = true;
	pthread_cond_broadcast(&lane.cond);
	pthread_mutex_unlock(&lane.lock);
	for (int i = 0; i < lane.nthreads; i++)
		pthread_join(lane.threads[i], NULL);
	lane.nthreads = 0;
}

static void lane_push(struct req_priv *p)
{
	p->lane_next = NULL;
	pthread_mutex_lock(&lane.lock);
	if (lane.tail)
		lane.tail->lane_next = p;
	else
		lane.head = p;
	lane.tail = p;
	pthread_cond_signal(&lane.cond);
	pthread_mutex_unlock(&lane.lock);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *conn, const char *url,
				 const char *method, const char *version, const char *upload_data,
				 size_t *upload_data_size, void **con_cls)
{
	(void)cls;
	(void)url;
	(void)version;
	struct req_priv *p = *con_cls;
	if (p == NULL)
		return MHD_NO;
	if (p->state == ST_NEW) {
		(void)conn;
		return on_first_call(p, method);
	}
	if (p->state == ST_QUEUED) {
		/* Refused early: swallow what the client still sends. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (p->state == ST_READY)
		return queue(p); /* resumed: the slow lane wrote the answer */
	if (p->state == ST_WORKING)
		return MHD_YES;
	struct request *req = &p->req;
	if (*upload_data_size > 0) {
		if (req->body.len + *upload_data_size > p->body_max)
			req->body_too_large = true;
		else
			buf_append(&req->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	pick_language(req);
	if (req->route == NULL) {
		bool known = false;
		for (size_t i = 0; i < req->nheaders; i++)
			if (strcmp(req->headers[i].name, "Allow") == 0)
				known = true;
		if (known)
			web_error(req, 405, N_("This address does not accept that method."), NULL);
		else
			web_error(req, 404, N_("There is no such page."), NULL);
	} else if (req->body_too_large) {
		web_error(req, 413, N_("The request body is too large."), NULL);
	} else if (req->route->slow && lane.nthreads > 0) {
		p->state = ST_WORKING;
		MHD_suspend_connection(conn);
		lane_push(p);
		return MHD_YES;
	} else {
		dispatch(req);
	}
	/* The answer is in memory now: give the database connection back before
	 * queueing.  Holding it until the response is sent would let one worker
	 * thread, with many slow clients, take every pooled connection and then
	 * wait forever for one of its own. */
	if (req->db)
		db_release(&req->db);
	return queue(p);
}

static void completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	struct req_priv *p = *con_cls;
	if (p == NULL)
		return;
	struct request *req = &p->req;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	double secs = (double)(now.tv_sec - req->start.tv_sec) + (double)(now.tv_nsec - req->start.tv_nsec) / 1e9;
	int ridx = req->route ? (int)(req->route - routes) : -1;
	int status = p->state == ST_QUEUED ? req->status : 0;
	metrics_request(ridx, status, secs);
	/* The route pattern, never the path or query: they may carry search terms. */
	log_info("access id=%s ip=%s method=%s route=%s status=%d bytes=%zu ms=%.2f%s", req->id,
		 req->client_ip ? req->client_ip : "-", req->method[0] ? req->method : "-",
		 req->route ? req->route->pattern : "-", status, req->out.len, secs * 1000.0,
		 toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? "" :
		 toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED ? " end=timeout" : " end=aborted");
	if (req->db)
		db_release(&req->db);
	if (req->json)
		json_decref(req->json);
	i18n_reset();
	struct arena *a = req->arena;
	arena_free(&a);
	*con_cls = NULL;
}

static void notify_conn_cb(void *cls, struct MHD_Connection *conn, void **socket_context,
			   enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	(void)conn;
	(void)socket_context;
	metrics_connection(toe == MHD_CONNECTION_NOTIFY_STARTED ? 1 : -1);
}

static void mhd_log_cb(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof msg, fmt, ap);
	size_t n = strlen(msg);
	while (n > 0 && msg[n - 1] == '\n')
		msg[--n] = '\0';
	for (char *c = msg; *c; c++)
		if (*c == '"')
			*c = '\'';
	log_warn("msg=\"libmicrohttpd: %s\"", msg);
}

static enum MHD_Result accept_cb(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	(void)cls;
	(void)addr;
	(void)addrlen;
	return MHD_YES;
}

/* Parses HOST:PORT or [V6]:PORT into a socket address. */
static int parse_listen(const char *listen, struct sockaddr_storage *ss)
{
	char host[256];
	const char *port;
	if (listen[0] == '[') {
		const char *e = strchr(listen, ']');
		if (!e || e[1] != ':' || (size_t)(e - listen - 1) >= sizeof host)
			return -1;
		memcpy(host, listen + 1, (size_t)(e - listen - 1));
		host[e - listen - 1] = '\0';
		port = e + 2;
	} else {
		const char *c = strrchr(listen, ':');
		if (!c || (size_t)(c - listen) >= sizeof host)
			return -1;
		memcpy(host, listen, (size_t)(c - listen));
		host[c - listen] = '\0';
		port = c + 1;
	}
	char *end;
	long pn = strtol(port, &end, 10);
	if (*port == '\0' || *end || pn < 0 || pn > 65535)
		return -1;
	struct addrinfo hints = { .ai_flags = AI_NUMERICHOST | AI_NUMERICSERV, .ai_socktype = SOCK_STREAM };
	struct addrinfo *res;
	if (getaddrinfo(host[0] ? host : "0.0.0.0", port, &hints, &res) != 0)
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	return 0;
}

/* The client address, kept on the request for the access log and audit. */
static void set_client_ip(struct request *req)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char ip[INET6_ADDRSTRLEN] = "-";
	if (ci && ci->client_addr) {
		if (ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, ip, sizeof ip);
		else if (ci->client_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, ip, sizeof ip);
	}
	req->client_ip = arena_strdup(req->arena, ip);
}

static void *uri_log_wrap(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct req_priv *p = uri_log_cb(cls, uri, conn);
	set_client_ip(&p->req);
	return p;
}

/*
 * The acceptor.  With a thread pool, libmicrohttpd lets every worker accept
 * from one shared listening socket, and whichever wakes first takes a whole
 * burst of connections: under load one worker served everything while the
 * other idled (measured: 395 against 0-77 CPU ticks over 4 s).  So nadiya
 * listens itself, and one thread accepts and hands each connection to
 * MHD_add_connection, which spreads them over the workers (by socket number)
 * and still applies the connection limits and accept_cb.
 */
struct acceptor {
	int listen_fd;
	int stop_fd[2]; /* a pipe: writing to it stops the thread */
	struct MHD_Daemon *d;
	pthread_t thread;
};

static int listen_on(const struct sockaddr_storage *ss)
{
	socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	int fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	int on = 1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0 ||
	    bind(fd, (const struct sockaddr *)ss, len) < 0 || listen(fd, 1024) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

static void *acceptor_main(void *arg)
{
	struct acceptor *a = arg;
	for (;;) {
		struct pollfd pfd[2] = { { .fd = a->listen_fd, .events = POLLIN }, { .fd = a->stop_fd[0], .events = POLLIN } };
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_error("msg=\"acceptor: poll failed\" error=\"%s\"", strerror(errno));
			return NULL;
		}
		if (pfd[1].revents)
			return NULL;
		/* Everything waiting, then back to poll. */
		for (;;) {
			struct sockaddr_storage addr;
			socklen_t alen = sizeof addr;
			int fd = accept4(a->listen_fd, (struct sockaddr *)&addr, &alen, SOCK_NONBLOCK | SOCK_CLOEXEC);
			if (fd < 0) {
				if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
					/* Out of descriptors: the backlog waits until connections close. */
					log_warn("msg=\"acceptor: cannot accept\" error=\"%s\"", strerror(errno));
					poll(NULL, 0, 50);
				}
				break; /* EAGAIN, or a connection that went away before it was taken */
			}
			/* libmicrohttpd owns the socket from here, and closes it when it refuses it. */
			(void)MHD_add_connection(a->d, fd, (const struct sockaddr *)&addr, alen);
		}
	}
}

static int acceptor_start(struct acceptor *a, int listen_fd, struct MHD_Daemon *d)
{
	a->listen_fd = listen_fd;
	a->d = d;
	if (pipe2(a->stop_fd, O_CLOEXEC) < 0)
		return -1;
	int err = pthread_create(&a->thread, NULL, acceptor_main, a);
	if (err != 0) {
		close(a->stop_fd[0]);
		close(a->stop_fd[1]);
		errno = err;
		return -1;
	}
	return 0;
}

/* Stops accepting (connections not yet taken are refused when the socket closes). */
static void acceptor_stop(struct acceptor *a)
{
	(void)!write(a->stop_fd[1], "x", 1);
	pthread_join(a->thread, NULL);
	close(a->stop_fd[0]);
	close(a->stop_fd[1]);
	close(a->listen_fd);
}

int http_serve(struct app *app, const char *listen)
{
	struct sockaddr_storage ss;
	if (parse_listen(listen, &ss) < 0) {
		fprintf(stderr, "nadiya: --listen must be HOST:PORT, e.g. 127.0.0.1:8080 (got `%s`)\n", listen);
		return 2;
	}
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	const struct settings *cfg = app->cfg;
	int listen_fd = listen_on(&ss);
	if (listen_fd < 0) {
		fprintf(stderr, "nadiya: cannot listen on %s: %s\n", listen, strerror(errno));
		return 1;
	}
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_NO_LISTEN_SOCKET |
			MHD_USE_ITC,
		0, accept_cb, NULL, on_access, app,
		MHD_OPTION_EXTERNAL_LOGGER, mhd_log_cb, NULL,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)cfg->threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)cfg->conn_timeout,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->max_conns,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)cfg->max_conns_per_ip,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)cfg->conn_memory_kib * 1024,
		MHD_OPTION_STRICT_FOR_CLIENT, 1,
		MHD_OPTION_URI_LOG_CALLBACK, uri_log_wrap, app,
		MHD_OPTION_NOTIFY_COMPLETED, completed_cb, app,
		MHD_OPTION_NOTIFY_CONNECTION, notify_conn_cb, NULL,
		MHD_OPTION_END);
	/* The slow lane is up before the first connection is taken: on_access reads lane.nthreads. */
	lane_start((int)cfg->hash_concurrency);
	struct acceptor acc;
	if (d == NULL || acceptor_start(&acc, listen_fd, d) < 0) {
		fprintf(stderr, "nadiya: cannot serve on %s: %s\n", listen, strerror(errno));
		lane_stop();
		if (d)
			MHD_stop_daemon(d);
		close(listen_fd);
		return 1;
	}
	log_info("msg=\"serving\" listen=%s threads=%lld db=%s", listen, (long long)cfg->threads,
		 db_safe_url(app->db));
	/* Timed work (expiring overdue referrals) runs even when nobody makes a request.  Started
	 * once the daemon serves (and SIGINT/SIGTERM are blocked, so it never takes them); stopped
	 * first at shutdown, so no job is left half-way when the process exits. */
	struct timers *timers = timers_start(app);
	int sig = 0;
	sigwait(&set, &sig);
	log_info("msg=\"stopping\" signal=%d", sig);
	acceptor_stop(&acc);
	timers_stop(&timers);
	/* Requests on the slow lane are answered before the daemon stops: none stays suspended. */
	lane_stop();
	MHD_stop_daemon(d);
	return 0;
}
