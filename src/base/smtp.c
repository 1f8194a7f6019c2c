/* smtp.c — one message through an SMTP relay (see smtp.h). */
#include "base/smtp.h"
#include "base/buf.h"

#include <stdbool.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc = CURLE_FAILED_INIT;

static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

struct upload {
	const char *data;
	size_t len, pos;
};

static size_t read_cb(char *out, size_t size, size_t nmemb, void *arg)
{
	struct upload *u = arg;
	size_t room = size * nmemb, left = u->len - u->pos;
	size_t n = left < room ? left : room;
	memcpy(out, u->data + u->pos, n);
	u->pos += n;
	return n;
}

/* A header value may not carry a line break: that would let it add headers of its own. */
static bool header_safe(const char *s)
{
	return s && *s && strpbrk(s, "\r\n") == NULL;
}

/* RFC 5322 date, in English whatever the process locale. */
static void rfc5322_date(char *out, size_t cap)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	snprintf(out, cap, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

const char *smtp_safe_url(const char *url)
{
	static _Thread_local char out[512];
	const char *scheme = strstr(url, "://");
	const char *auth = scheme ? scheme + 3 : url, *at = strchr(auth, '@'), *slash = strchr(auth, '/');
	if (scheme == NULL || at == NULL || (slash && slash < at)) {
		snprintf(out, sizeof out, "%s", url);
		return out;
	}
	snprintf(out, sizeof out, "%.*s***%s", (int)(auth - url), url, at);
	return out;
}

int smtp_send(const char *url, const char *from, const char *to, const char *subject, const char *body,
	      const char **error_r)
{
	static _Thread_local char err[CURL_ERROR_SIZE + 64];
	if (!header_safe(from) || !header_safe(to) || !header_safe(subject) || body == NULL) {
		*error_r = "a sender, recipient or subject is empty or holds a line break";
		return -1;
	}
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK) {
		*error_r = "libcurl could not be initialized";
		return -1;
	}
	char date[64];
	rfc5322_date(date, sizeof date);
	struct buf msg;
	buf_init(&msg);
	buf_printf(&msg, "Date: %s\r\nFrom: <%s>\r\nTo: <%s>\r\nSubject: %s\r\nMIME-Version: 1.0\r\n"
			 "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
		   date, from, to, subject);
	/* Bare LF to CRLF, as SMTP wants; libcurl escapes lines starting with a dot. */
	for (const char *p = body; *p; p++) {
		if (*p == '\n' && (p == body || p[-1] != '\r'))
			buf_putc(&msg, '\r');
		buf_putc(&msg, *p);
	}
	buf_puts(&msg, "\r\n");
	struct upload up = { msg.data, msg.len, 0 };
	int rc = -1;
	char curl_err[CURL_ERROR_SIZE] = "";
	char angle_from[320];
	snprintf(angle_from, sizeof angle_from, "<%s>", from);
	struct curl_slist *rcpt = curl_slist_append(NULL, to);
	CURL *h = curl_easy_init();
	if (h == NULL || rcpt == NULL) {
		*error_r = "libcurl could not make a handle";
		goto out;
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, angle_from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_cb);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	/* smtps:// is TLS from the start; on smtp:// STARTTLS is used whenever the relay offers it. */
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)CURLUSESSL_TRY);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)SMTP_TIMEOUT_SECONDS);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 10L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); /* threads: no SIGALRM for DNS timeouts */
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, curl_err);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	CURLcode cc = curl_easy_perform(h);
	if (cc != CURLE_OK) {
		snprintf(err, sizeof err, "%s: %s", curl_easy_strerror(cc), curl_err[0] ? curl_err : "-");
		*error_r = err;
		goto out;
	}
	rc = 0;
out:
	if (h)
		curl_easy_cleanup(h);
	curl_slist_free_all(rcpt);
	buf_free(&msg);
	return rc;
}
