/* fuzz-http.c — the request line and headers as nadiya sees them: raw bytes
 * on a TCP connection to the real server.
 *
 * LLVMFuzzerInitialize starts `nadiya serve` in a thread, through the very
 * function the command line calls (cmd_serve: settings, key file, SQLite
 * database, migrations, key check, translations, static assets,
 * libmicrohttpd with nadiya's limits and handlers) on a free loopback port,
 * with a fresh key and database in a temporary folder.  Each input is written
 * as is to a new connection, the write side is shut, and the answer is read
 * until the server closes or the time runs out.  At exit the server thread
 * gets SIGTERM (http_serve's sigwait) and the folder is removed.
 *
 * Checks: an answer, if any, is an HTTP/1.x status line; an answer nadiya
 * wrote (it carries X-Request-Id) is never a 500 and has the security
 * headers; markup the input tried to inject (the dictionary's
 * <nadiya-fuzz> tag) never comes back in an HTML page; the server thread is
 * alive, and every HEALTH_EVERY inputs GET /healthz still answers 200 "ok".
 */
#include "fuzz.h"
#include "cmd/cmd.h"
#include "crypto/key.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HEALTH_EVERY 50
#define ANSWER_MAX (256 * 1024)
#define TIMEOUT_MS 3000

static pthread_t server;
static volatile int server_done;
static int server_rc;
static char dir[64], db_url[128], key_path[128], listen_addr[64];
static struct sockaddr_in addr;
static unsigned long inputs;
static unsigned long timeouts;

static void *serve_thread(void *arg)
{
	(void)arg;
	char *argv[] = { "--db", db_url, "--key-file", key_path, "--listen", listen_addr, "--log-level", "error",
			 "--threads", "1", "--conn-timeout", "5", NULL };
	server_rc = cmd_serve((int)(sizeof argv / sizeof argv[0]) - 1, argv);
	server_done = 1;
	return NULL;
}

/* A port nothing listens on now (the kernel's choice for an ephemeral bind). */
static int free_port(void)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof a;
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0 || getsockname(s, (struct sockaddr *)&a, &l) < 0)
		abort();
	close(s);
	return ntohs(a.sin_port);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/*
 * Sends req, shuts the write side, reads the answer into out (NUL-terminated)
 * until the server closes, out is full or TIMEOUT_MS passed.  Returns the
 * bytes read, or -1 when no connection could be made.  *timed_out_r tells
 * whether the time ran out.
 */
static long exchange(const uint8_t *req, size_t n, char *out, size_t cap, bool *timed_out_r)
{
	*timed_out_r = false;
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -1;
	int one = 1;
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(s, (struct sockaddr *)&addr, sizeof addr) < 0) {
		close(s);
		return -1;
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* The server may answer and close before reading everything: stop writing then, still read. */
	for (size_t off = 0; off < n;) {
		struct pollfd p = { .fd = s, .events = POLLOUT };
		if (poll(&p, 1, TIMEOUT_MS) <= 0)
			break;
		ssize_t w = send(s, req + off, n - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	shutdown(s, SHUT_WR);
	size_t len = 0;
	for (;;) {
		long left = TIMEOUT_MS - ms_since(&t0);
		if (left <= 0) {
			*timed_out_r = true;
			break;
		}
		struct pollfd p = { .fd = s, .events = POLLIN };
		int pr = poll(&p, 1, (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0) {
			*timed_out_r = pr == 0;
			break;
		}
		ssize_t r = recv(s, out + len, cap - 1 - len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len == cap - 1)
			break;
	}
	out[len] = '\0';
	/* Reset rather than FIN: thousands of connections a second must not fill TIME_WAIT. */
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(s);
	return (long)len;
}

/* The value of header name in the head of one answer (head ends at end), or NULL. */
static const char *find_header(const char *head, const char *end, const char *name, size_t *len_r)
{
	size_t nl = strlen(name);
	for (const char *p = strstr(head, "\r\n"); p && p < end; p = strstr(p + 2, "\r\n")) {
		const char *h = p + 2;
		if (h + nl + 1 <= end && strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
			const char *v = h + nl + 1;
			while (*v == ' ')
				v++;
			const char *e = strstr(v, "\r\n");
			*len_r = e ? (size_t)(e - v) : strlen(v);
			return v;
		}
	}
	return NULL;
}

/* Checks every answer in out (pipelined requests get several). */
static void check_answers(const uint8_t *req, size_t req_n, const char *out, size_t len)
{
	bool injected = memmem(req, req_n, "<nadiya-fuzz", 12) != NULL;
	const char *p = out, *end = out + len;
	while (p < end) {
		fuzz_check(end - p >= 12 && (strncmp(p, "HTTP/1.1 ", 9) == 0 || strncmp(p, "HTTP/1.0 ", 9) == 0));
		int status = atoi(p + 9);
		fuzz_check(status >= 100 && status <= 599);
		const char *head_end = strstr(p, "\r\n\r\n");
		if (head_end == NULL)
			return; /* cut off by the size limit */
		size_t vl;
		bool ours = find_header(p, head_end, "X-Request-Id", &vl) != NULL;
		if (ours) {
			if (status >= 500 && status != 503) {
				fprintf(stderr, "fuzz-http: nadiya answered %d:\n%.*s\n", status, (int)(end - p), p);
				fuzz_fail("nadiya answered with a server error", __FILE__, __LINE__);
			}
			fuzz_check(find_header(p, head_end, "Content-Security-Policy", &vl) != NULL);
			const char *nosniff = find_header(p, head_end, "X-Content-Type-Options", &vl);
			fuzz_check(nosniff && vl == 7 && strncmp(nosniff, "nosniff", 7) == 0);
		}
		const char *body = head_end + 4;
		const char *cl = find_header(p, head_end, "Content-Length", &vl);
		size_t blen = cl ? strtoul(cl, NULL, 10) : (size_t)(end - body);
		if (status < 200 || status == 204 || status == 304)
			blen = 0;
		if (blen > (size_t)(end - body))
			blen = (size_t)(end - body);
		const char *ct = find_header(p, head_end, "Content-Type", &vl);
		if (injected && ct && strncmp(ct, "text/html", 9) == 0 && memmem(body, blen, "<nadiya-fuzz", 12)) {
			fprintf(stderr, "fuzz-http: markup from the request came back in a page:\n%.*s\n", (int)(end - p), p);
			fuzz_fail("markup from the request was reflected unescaped", __FILE__, __LINE__);
		}
		/* A HEAD answer has a Content-Length but no body: what follows is the next answer. */
		if (strncmp(body, "HTTP/1.", 7) == 0)
			blen = 0;
		p = body + blen;
	}
}

static void check_health(void)
{
	static const char get[] = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
	char out[4096];
	bool timed_out;
	long n = exchange((const uint8_t *)get, sizeof get - 1, out, sizeof out, &timed_out);
	if (n <= 0 || strncmp(out, "HTTP/1.1 200 ", 13) != 0 || strstr(out, "\r\n\r\nok\n") == NULL) {
		fprintf(stderr, "fuzz-http: after %lu inputs GET /healthz answered (%ld bytes%s):\n%s\n", inputs, n,
			timed_out ? ", timed out" : "", n > 0 ? out : "");
		fuzz_fail("the server stopped answering /healthz", __FILE__, __LINE__);
	}
}

static void stop_server(void)
{
	if (!server_done) {
		pthread_kill(server, SIGTERM);
		pthread_join(server, NULL);
	}
	char p[192];
	static const char *const files[] = { "db", "db-wal", "db-shm", "key" };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, files[i]);
		unlink(p);
	}
	rmdir(dir);
	if (timeouts)
		fprintf(stderr, "fuzz-http: %lu of %lu inputs timed out after %d ms\n", timeouts, inputs, TIMEOUT_MS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(dir, sizeof dir, "/tmp/nadiya-fuzz-http-XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(db_url, sizeof db_url, "sqlite:%s/db", dir);
	snprintf(key_path, sizeof key_path, "%s/key", dir);
	const char *err;
	if (crypto_init() < 0 || key_generate_file(key_path, &err) < 0)
		abort();
	int port = free_port();
	snprintf(listen_addr, sizeof listen_addr, "127.0.0.1:%d", port);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	signal(SIGPIPE, SIG_IGN);
	if (pthread_create(&server, NULL, serve_thread, NULL) != 0)
		abort();
	atexit(stop_server);
	/* Migrations run first: wait until /healthz answers. */
	static const char get[] = "GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";
	char out[4096];
	for (int i = 0; i < 300; i++) {
		bool timed_out;
		if (server_done) {
			fprintf(stderr, "fuzz-http: the server did not start (exit status %d)\n", server_rc);
			abort();
		}
		if (exchange((const uint8_t *)get, sizeof get - 1, out, sizeof out, &timed_out) > 0 &&
		    strncmp(out, "HTTP/1.1 200 ", 13) == 0)
			return 0;
		usleep(100 * 1000);
	}
	fprintf(stderr, "fuzz-http: the server did not answer /healthz within 30 s\n");
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char out[ANSWER_MAX];
	fuzz_check(!server_done);
	bool timed_out;
	long n = exchange(data, size, out, sizeof out, &timed_out);
	fuzz_check(n >= 0);
	inputs++;
	timeouts += timed_out;
	check_answers(data, size, out, (size_t)n);
	if (inputs % HEALTH_EVERY == 0)
		check_health();
	return 0;
}
