/* fuzz-http.c — the request line and headers as nadiya sees them: raw bytes
 * on a TCP connection to the real server.
 *
 * LLVMFuzzerInitialize starts `nadiya serve` in a thread, through the very
 * function the command line calls (cmd_serve: settings, key file, SQLite
 * database, migrations, key check, translations, static assets,
 * libmicrohttpd with nadiya's limits and handlers) on a free loopback port,
 * with a fresh key and database in a temporary folder.  Each input is written
 * as is to a new connection, the write side is shut a moment later, and the
 * answer is read until the server closes, the answers are complete, or the
 * time runs out.  At exit the server thread gets SIGTERM (http_serve's
 * sigwait) and the folder is removed.
 *
 * Checks: an answer, if any, is an HTTP/1.x status line; an answer nadiya
 * wrote (it carries X-Request-Id) is never a 500 and has the security
 * headers; markup the input tried to inject (the dictionary's
 * <nadiya-fuzz> tag, raw or %-encoded) never comes back in an HTML page; the server thread is
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
#define TIMEOUT_MS 1000  /* no answer, or an answer cut short, after this long */
#define HEALTH_TIMEOUT_MS 10000
#define QUIET_MS 25      /* after a complete answer: no more bytes for this long ends the read */
#define FIN_DELAY_MS 1

static pthread_t server;
static volatile int server_done;
static bool server_up; /* answered /healthz once */
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

/*
 * True when out ends exactly at the end of a complete answer (status line,
 * headers, Content-Length bytes of body; no body after HEAD or 1xx/204/304).
 * Keep-alive connections are not closed by the server, so this is how the
 * reader knows it has everything.
 */
static bool answers_complete(const char *out, size_t len, bool head)
{
	const char *p = out, *end = out + len;
	if (len == 0)
		return false;
	while (p < end) {
		const char *head_end = strstr(p, "\r\n\r\n");
		if (head_end == NULL || strncmp(p, "HTTP/1.", 7) != 0 || end - p < 12)
			return false;
		int status = atoi(p + 9);
		size_t vl, blen = 0;
		const char *cl = find_header(p, head_end, "Content-Length", &vl);
		if (cl)
			blen = strtoul(cl, NULL, 10);
		else if (!(status < 200 || status == 204 || status == 304))
			return false; /* ends when the server closes */
		if (head || status < 200 || status == 204 || status == 304)
			blen = 0;
		if ((size_t)(end - (head_end + 4)) < blen)
			return false;
		p = head_end + 4 + blen;
	}
	return true;
}

/*
 * Sends req, shuts the write side, reads the answer into out (NUL-terminated)
 * until the server closes, out is full, a complete answer is followed by
 * QUIET_MS of silence, or timeout_ms passed.  Returns the bytes read, or -1
 * when no connection could be made.  *timed_out_r tells whether the time ran
 * out.
 */
static long exchange(const uint8_t *req, size_t n, char *out, size_t cap, int timeout_ms, bool *timed_out_r)
{
	bool head = n >= 5 && memcmp(req, "HEAD ", 5) == 0;
	*timed_out_r = false;
	/* Non-blocking: libFuzzer's SIGALRM (its -timeout watchdog) interrupts blocking calls. */
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (s < 0)
		return -1;
	int one = 1;
	setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	/*
	 * This side closes first, so each connection leaves a TIME_WAIT for a
	 * minute: at thousands a second one source address runs out of ports.
	 * Spread them over 127.0.1.0/24 (all loopback), the port picked at
	 * connect time.
	 */
	static unsigned next_src;
	struct sockaddr_in src = { .sin_family = AF_INET };
	src.sin_addr.s_addr = htonl(0x7f000100u | (1 + next_src++ % 254));
	setsockopt(s, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
	int rc = bind(s, (struct sockaddr *)&src, sizeof src);
	if (rc == 0 && (rc = connect(s, (struct sockaddr *)&addr, sizeof addr)) < 0 && errno == EINPROGRESS) {
		struct pollfd pc = { .fd = s, .events = POLLOUT };
		int err = 0;
		socklen_t el = sizeof err;
		while ((rc = poll(&pc, 1, timeout_ms)) < 0 && errno == EINTR)
			;
		if (rc == 1 && getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el) == 0 && err == 0)
			rc = 0;
		else {
			if (rc == 0)
				errno = ETIMEDOUT;
			else if (err)
				errno = err;
			rc = -1;
		}
	}
	if (rc < 0) {
		if (server_up)
			fprintf(stderr, "fuzz-http: cannot connect to the server: %s\n", strerror(errno));
		close(s);
		return -1;
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* The server may answer and close before reading everything: stop writing then, still read. */
	for (size_t off = 0; off < n;) {
		struct pollfd p = { .fd = s, .events = POLLOUT };
		int pr = poll(&p, 1, timeout_ms);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			break;
		ssize_t w = send(s, req + off, n - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	/*
	 * libmicrohttpd (0.9.75, epoll) misses a FIN that arrives together with
	 * the request: it would then hold the connection until --conn-timeout.
	 * Letting it read the bytes first makes it see the FIN as its own event:
	 * it closes at once after answering, or without answering when the
	 * request is incomplete.
	 */
	struct pollfd pw = { .fd = s, .events = POLLIN };
	(void)poll(&pw, 1, FIN_DELAY_MS);
	shutdown(s, SHUT_WR);
	size_t len = 0;
	bool complete = false;
	for (;;) {
		long left = timeout_ms - ms_since(&t0);
		if (left <= 0) {
			*timed_out_r = true;
			break;
		}
		struct pollfd p = { .fd = s, .events = POLLIN };
		int pr = poll(&p, 1, complete && left > QUIET_MS ? QUIET_MS : (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr == 0 && complete)
			break;
		if (pr <= 0) {
			*timed_out_r = pr == 0;
			break;
		}
		ssize_t r = recv(s, out + len, cap - 1 - len, 0);
		if (r < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len == cap - 1)
			break;
		out[len] = '\0';
		complete = answers_complete(out, len, head);
	}
	out[len] = '\0';
	/* Abort: a connection the server still holds (kept alive, or timed out here) ends now. */
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	close(s);
	return (long)len;
}

/* Checks every answer in out (pipelined requests get several). */
static void check_answers(const char *out, size_t len)
{
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
		/* nadiya never writes this tag itself: in a page it can only come from the request, raw or %-encoded. */
		if (ct && strncmp(ct, "text/html", 9) == 0 && memmem(body, blen, "<nadiya-fuzz", 12)) {
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
	long n = exchange((const uint8_t *)get, sizeof get - 1, out, sizeof out, HEALTH_TIMEOUT_MS, &timed_out);
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
		fprintf(stderr, "fuzz-http: %lu of %lu inputs got no complete answer and no close within %d ms\n",
			timeouts, inputs, TIMEOUT_MS);
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
		if (exchange((const uint8_t *)get, sizeof get - 1, out, sizeof out, HEALTH_TIMEOUT_MS, &timed_out) > 0 &&
		    strncmp(out, "HTTP/1.1 200 ", 13) == 0) {
			server_up = true;
			return 0;
		}
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
	long n = exchange(data, size, out, sizeof out, TIMEOUT_MS, &timed_out);
	fuzz_check(n >= 0);
	inputs++;
	timeouts += timed_out;
	check_answers(out, (size_t)n);
	if (inputs % HEALTH_EVERY == 0)
		check_health();
	return 0;
}
