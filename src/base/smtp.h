/* smtp.h — one plain-text message through an SMTP relay, with libcurl.
 *
 * No domain knowledge: the caller decides what may be said (nadiya's inbox
 * mails say only that something is waiting, and where).  The relay is a URL:
 * smtps://host:465 (TLS from the start) or smtp://host:25 (STARTTLS when the
 * relay offers it); user:password@ in the URL authenticates.  Thread-safe;
 * blocks for at most SMTP_TIMEOUT_SECONDS.
 */
#ifndef NADIYA_SMTP_H
#define NADIYA_SMTP_H

#define SMTP_TIMEOUT_SECONDS 20

/*
 * Sends subject (ASCII) and body (UTF-8 text) from `from` to one address.
 * 0 on success; -1 with *error_r (static or thread-local text, never holding
 * the URL's password) on failure.
 */
int smtp_send(const char *url, const char *from, const char *to, const char *subject, const char *body,
	      const char **error_r);

/* The URL without any password, safe for logs (static buffer per thread). */
const char *smtp_safe_url(const char *url);

#endif
