/* backup.c — the archive format (see backup.h), streaming encryption with
 * libsodium's secretstream, and PostgreSQL's side through pg_dump and
 * pg_restore, run without a shell and with the password in the child's
 * environment rather than on its command line (where `ps` shows it). */
#include "store/backup.h"
#include "crypto/key.h"
#include "base/str.h"
#include "store/copy.h"
#include "store/db-private.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <libpq-fe.h>
#include <signal.h>
#include <stdarg.h>
#include <sodium.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAGIC "NADIYABK"
#define FORMAT_VERSION 1
#define PLAIN_HEADER_BYTES 34
#define CHUNK_BYTES 65536
#define SS_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define SS_HEADERBYTES crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define TAG_MESSAGE crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
#define TAG_FINAL crypto_secretstream_xchacha20poly1305_TAG_FINAL

static __thread char msg[900];

static int fail(const char **error_r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Formats through a copy, so that an argument may be the message already in msg. */
static int fail(const char **error_r, const char *fmt, ...)
{
	char tmp[sizeof msg];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	memcpy(msg, tmp, sizeof msg);
	*error_r = msg;
	return -1;
}

/* ---- plain I/O ---------------------------------------------------------- */

static int write_all(int fd, const void *p, size_t n)
{
	const unsigned char *b = p;
	while (n > 0) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Reads up to n bytes, stopping early only at end of file; returns the count or -1. */
static ssize_t read_full(int fd, void *p, size_t n)
{
	unsigned char *b = p;
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, b + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static void put_be64(unsigned char *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

static uint64_t get_be64(const unsigned char *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* The folder of path, for temporary files that must live on the same file system. */
static void folder_of(const char *path, char *out, size_t outlen)
{
	char *copy = strdup(path);
	if (copy == NULL)
		abort();
	snprintf(out, outlen, "%s", dirname(copy));
	free(copy);
}

static void fsync_folder_of(const char *path)
{
	char dir[4096];
	folder_of(path, dir, sizeof dir);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* A new empty file of mode 0600 named after prefix in the folder of near; its path goes to out. */
static int temp_file_near(const char *near, const char *prefix, char *out, size_t outlen, const char **error_r)
{
	char dir[4096];
	folder_of(near, dir, sizeof dir);
	if (snprintf(out, outlen, "%s/%s-XXXXXX", dir, prefix) >= (int)outlen)
		return fail(error_r, "path too long: %s", near);
	int fd = mkostemp(out, O_CLOEXEC);
	if (fd < 0)
		return fail(error_r, "cannot create a temporary file in %s: %s", dir, strerror(errno));
	close(fd);
	return 0;
}

/* ---- writing an archive ------------------------------------------------- */

struct writer {
	int fd;
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char *plain; /* CHUNK_BYTES of payload waiting to be sealed */
	size_t plain_len;
	unsigned char *sealed; /* 4 + CHUNK_BYTES + SS_ABYTES */
	uint64_t payload;
	int err; /* errno of the first write that failed */
};

static int writer_chunk(struct writer *w, const unsigned char *p, size_t n, unsigned char tag, const unsigned char *ad,
			size_t adlen)
{
	unsigned long long clen;
	crypto_secretstream_xchacha20poly1305_push(&w->st, w->sealed + 4, &clen, p, n, ad, adlen, tag);
	w->sealed[0] = (unsigned char)(clen >> 24);
	w->sealed[1] = (unsigned char)(clen >> 16);
	w->sealed[2] = (unsigned char)(clen >> 8);
	w->sealed[3] = (unsigned char)clen;
	if (write_all(w->fd, w->sealed, 4 + (size_t)clen) < 0) {
		w->err = errno ? errno : EIO;
		return -1;
	}
	return 0;
}

static int writer_flush(struct writer *w)
{
	if (w->plain_len == 0)
		return 0;
	int rc = writer_chunk(w, w->plain, w->plain_len, TAG_MESSAGE, NULL, 0);
	w->plain_len = 0;
	return rc;
}

/* Seals everything fd gives until its end, in chunks of 64 KiB. */
static int writer_from_fd(struct writer *w, int fd, const char *what, const char *path, const char **error_r)
{
	for (;;) {
		ssize_t got = read(fd, w->plain + w->plain_len, CHUNK_BYTES - w->plain_len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			return fail(error_r, "cannot read %s: %s", what, strerror(errno));
		if (got == 0)
			return 0;
		w->plain_len += (size_t)got;
		w->payload += (uint64_t)got;
		if (w->plain_len == CHUNK_BYTES && writer_flush(w) < 0)
			return fail(error_r, "cannot write %s: %s", path, strerror(w->err));
	}
}

static void manifest_text(const struct backup_info *info, char **text_r, size_t *len_r)
{
	size_t cap = 128 + info->ntables * 96, len = 0;
	char *t = malloc(cap);
	if (t == NULL)
		abort();
	len += (size_t)snprintf(t + len, cap - len, "nadiya-backup\nschema %lld\n", (long long)info->schema);
	for (size_t i = 0; i < info->ntables; i++)
		len += (size_t)snprintf(t + len, cap - len, "rows %s %lld\n", info->tables[i].name,
					(long long)info->tables[i].rows);
	*text_r = t;
	*len_r = len;
}

/* Opens path for writing (mode 0600) and writes the plain header, the stream header and the manifest. */
static int writer_open(struct writer *w, const char *path, const struct master_key *k, const struct backup_info *info,
		       const char **error_r)
{
	memset(w, 0, sizeof *w);
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (w->fd < 0)
		return fail(error_r, "cannot create %s: %s", path, strerror(errno));
	w->plain = malloc(CHUNK_BYTES);
	w->sealed = malloc(4 + CHUNK_BYTES + SS_ABYTES);
	if (w->plain == NULL || w->sealed == NULL)
		abort();
	/* The file may have been there, left by a failed run, with wider permissions. */
	if (fchmod(w->fd, 0600) < 0)
		return fail(error_r, "cannot set the mode of %s: %s", path, strerror(errno));
	unsigned char hdr[PLAIN_HEADER_BYTES + SS_HEADERBYTES];
	memcpy(hdr, MAGIC, 8);
	hdr[8] = FORMAT_VERSION;
	hdr[9] = (unsigned char)info->dialect;
	memcpy(hdr + 10, info->fingerprint, 16);
	put_be64(hdr + 26, (uint64_t)info->created);
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	key_derive(k, "backup", key, sizeof key);
	crypto_secretstream_xchacha20poly1305_init_push(&w->st, hdr + PLAIN_HEADER_BYTES, key);
	sodium_memzero(key, sizeof key);
	char *text;
	size_t len;
	manifest_text(info, &text, &len);
	int rc = 0;
	if (len > CHUNK_BYTES)
		rc = fail(error_r, "too many tables for the archive's manifest");
	else if (write_all(w->fd, hdr, sizeof hdr) < 0 ||
		 writer_chunk(w, (unsigned char *)text, len, TAG_MESSAGE, hdr, PLAIN_HEADER_BYTES) < 0)
		rc = fail(error_r, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
	free(text);
	return rc;
}

/* Seals what is pending and the FINAL chunk, then makes the file durable. */
static int writer_finish(struct writer *w, const char *path, const char **error_r)
{
	unsigned char end[8];
	put_be64(end, w->payload);
	if (writer_flush(w) < 0 || writer_chunk(w, end, sizeof end, TAG_FINAL, NULL, 0) < 0)
		return fail(error_r, "cannot write %s: %s", path, strerror(w->err));
	if (fsync(w->fd) < 0)
		return fail(error_r, "cannot write %s to disk: %s", path, strerror(errno));
	return 0;
}

static void writer_close(struct writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
	sodium_memzero(&w->st, sizeof w->st);
	free(w->plain);
	free(w->sealed);
	w->plain = w->sealed = NULL;
}

/* ---- reading an archive ------------------------------------------------- */

struct reader {
	int fd;
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char hdr[PLAIN_HEADER_BYTES];
	unsigned char *sealed, *plain;
	uint64_t chunk_no;
};

static const char damaged[] = "the archive is damaged or was altered: it fails authentication at chunk %llu; "
			      "nothing was restored";

/*
 * Reads and opens the next chunk into r->plain.  1 with *len_r and *tag_r, 0
 * at the end of the file, -1 with *error_r on damage.
 */
static int reader_chunk(struct reader *r, const unsigned char *ad, size_t adlen, size_t *len_r, unsigned char *tag_r,
			const char **error_r)
{
	unsigned char lenb[4];
	ssize_t got = read_full(r->fd, lenb, 4);
	if (got == 0)
		return 0;
	r->chunk_no++;
	if (got != 4)
		return fail(error_r, "the archive is truncated (inside chunk %llu); nothing was restored",
			    (unsigned long long)r->chunk_no);
	size_t clen = (size_t)lenb[0] << 24 | (size_t)lenb[1] << 16 | (size_t)lenb[2] << 8 | lenb[3];
	if (clen < SS_ABYTES || clen > CHUNK_BYTES + SS_ABYTES)
		return fail(error_r, damaged, (unsigned long long)r->chunk_no);
	got = read_full(r->fd, r->sealed, clen);
	if (got < 0)
		return fail(error_r, "cannot read the archive: %s", strerror(errno));
	if ((size_t)got != clen)
		return fail(error_r, "the archive is truncated (inside chunk %llu); nothing was restored",
			    (unsigned long long)r->chunk_no);
	unsigned long long plen;
	if (crypto_secretstream_xchacha20poly1305_pull(&r->st, r->plain, &plen, tag_r, r->sealed, clen, ad, adlen) != 0)
		return fail(error_r, damaged, (unsigned long long)r->chunk_no);
	*len_r = (size_t)plen;
	return 1;
}

static int parse_manifest(const char *text, size_t len, struct backup_info *info, const char **error_r)
{
	char *copy = malloc(len + 1);
	if (copy == NULL)
		abort();
	memcpy(copy, text, len);
	copy[len] = '\0';
	int rc = 0;
	char *save = NULL;
	char *line = strtok_r(copy, "\n", &save);
	if (line == NULL || strcmp(line, "nadiya-backup") != 0) {
		rc = fail(error_r, "the archive's manifest is not one this nadiya understands");
		goto out;
	}
	bool have_schema = false;
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		char name[64];
		long long v;
		if (sscanf(line, "schema %lld", &v) == 1) {
			info->schema = v;
			have_schema = true;
		} else if (sscanf(line, "rows %63[a-z_] %lld", name, &v) == 2 && info->ntables < BACKUP_MAX_TABLES) {
			snprintf(info->tables[info->ntables].name, sizeof info->tables[0].name, "%s", name);
			info->tables[info->ntables++].rows = v;
		} else {
			rc = fail(error_r, "the archive's manifest has a line this nadiya does not understand");
			goto out;
		}
	}
	if (!have_schema)
		rc = fail(error_r, "the archive's manifest does not say its schema version");
out:
	free(copy);
	return rc;
}

/*
 * Opens an archive: checks the plain header, that it was made with k, and
 * authenticates the manifest (and with it the header) into info.
 */
static int reader_open(struct reader *r, const char *path, const struct master_key *k, struct backup_info *info,
		       const char **error_r)
{
	memset(r, 0, sizeof *r);
	memset(info, 0, sizeof *info);
	r->sealed = malloc(CHUNK_BYTES + SS_ABYTES);
	r->plain = malloc(CHUNK_BYTES + 1);
	if (r->sealed == NULL || r->plain == NULL)
		abort();
	r->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (r->fd < 0)
		return fail(error_r, "cannot open %s: %s", path, strerror(errno));
	unsigned char ssh[SS_HEADERBYTES];
	ssize_t got = read_full(r->fd, r->hdr, sizeof r->hdr);
	if (got < 0)
		return fail(error_r, "cannot read %s: %s", path, strerror(errno));
	if ((size_t)got < sizeof r->hdr || memcmp(r->hdr, MAGIC, 8) != 0)
		return fail(error_r, "%s is not a nadiya backup archive", path);
	if (r->hdr[8] != FORMAT_VERSION)
		return fail(error_r, "%s has archive format %u, which this nadiya does not read", path, r->hdr[8]);
	info->dialect = (char)r->hdr[9];
	if (info->dialect != 's' && info->dialect != 'p')
		return fail(error_r, "%s names an unknown kind of database", path);
	memcpy(info->fingerprint, r->hdr + 10, 16);
	info->fingerprint[16] = '\0';
	info->created = (int64_t)get_be64(r->hdr + 26);
	char fp[17];
	key_fingerprint(k, fp);
	if (memcmp(fp, info->fingerprint, 16) != 0)
		return fail(error_r,
			    "the archive was made with another key (fingerprint %s); the key file given has "
			    "fingerprint %s.  Use the key of the database that was backed up",
			    info->fingerprint, fp);
	if (read_full(r->fd, ssh, sizeof ssh) != (ssize_t)sizeof ssh)
		return fail(error_r, "the archive is truncated (in its header); nothing was restored");
	unsigned char key[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	key_derive(k, "backup", key, sizeof key);
	int rc = crypto_secretstream_xchacha20poly1305_init_pull(&r->st, ssh, key);
	sodium_memzero(key, sizeof key);
	if (rc != 0)
		return fail(error_r, damaged, 0ull);
	size_t len;
	unsigned char tag;
	rc = reader_chunk(r, r->hdr, sizeof r->hdr, &len, &tag, error_r);
	if (rc == 0)
		return fail(error_r, "the archive is truncated (in its header); nothing was restored");
	if (rc < 0)
		return -1;
	if (tag != TAG_MESSAGE)
		return fail(error_r, damaged, 1ull);
	return parse_manifest((const char *)r->plain, len, info, error_r);
}

static void reader_close(struct reader *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
	sodium_memzero(&r->st, sizeof r->st);
	free(r->sealed);
	free(r->plain);
	r->sealed = r->plain = NULL;
}

/*
 * Reads the payload to its FINAL chunk, giving each piece to sink_fd (or
 * nowhere when it is -1), and checks that the archive ends there.  Only a 0
 * return means every byte was authentic; the sink may have been given the
 * pieces before a later one failed.  *payload_r gets the payload's length.
 */
static int reader_payload(struct reader *r, int sink_fd, uint64_t *payload_r, const char **error_r)
{
	uint64_t total = 0;
	for (;;) {
		size_t len;
		unsigned char tag;
		int rc = reader_chunk(r, NULL, 0, &len, &tag, error_r);
		if (rc < 0)
			return -1;
		if (rc == 0)
			return fail(error_r, "the archive is truncated (its end is missing); nothing was restored");
		if (tag == TAG_FINAL) {
			if (len != 8 || get_be64(r->plain) != total)
				return fail(error_r, damaged, (unsigned long long)r->chunk_no);
			break;
		}
		if (tag != TAG_MESSAGE)
			return fail(error_r, damaged, (unsigned long long)r->chunk_no);
		total += len;
		if (sink_fd >= 0 && write_all(sink_fd, r->plain, len) < 0)
			return fail(error_r, "cannot write the restored data: %s", strerror(errno ? errno : EIO));
	}
	unsigned char extra;
	if (read_full(r->fd, &extra, 1) != 0)
		return fail(error_r, "the archive has data after its end; it was altered; nothing was restored");
	*payload_r = total;
	return 0;
}

/* ---- PostgreSQL tools --------------------------------------------------- */

/* The newest /usr/lib/postgresql/N/bin/NAME (a newer pg_dump reads older servers), else NAME in PATH. */
static int pg_tool_find(const char *name, char *out, size_t outlen, const char **error_r)
{
	char pattern[128];
	glob_t g;
	long best = -1;
	snprintf(pattern, sizeof pattern, "/usr/lib/postgresql/*/bin/%s", name);
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc; i++) {
			long v = strtol(g.gl_pathv[i] + strlen("/usr/lib/postgresql/"), NULL, 10);
			if (v > best && access(g.gl_pathv[i], X_OK) == 0) {
				best = v;
				snprintf(out, outlen, "%s", g.gl_pathv[i]);
			}
		}
		globfree(&g);
	}
	if (best >= 0)
		return 0;
	const char *path = getenv("PATH");
	char *copy = strdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (copy == NULL)
		abort();
	char *save = NULL;
	int rc = -1;
	for (char *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (snprintf(out, outlen, "%s/%s", d, name) < (int)outlen && access(out, X_OK) == 0) {
			rc = 0;
			break;
		}
	}
	free(copy);
	if (rc < 0)
		fail(error_r, "%s was not found in PATH or /usr/lib/postgresql/*/bin (Debian package postgresql-client)",
		     name);
	return rc;
}

/*
 * Splits a PostgreSQL URL into a keyword=value connection string without the
 * password, for the tool's argv, and "PGPASSWORD=..." for its environment (or
 * NULL when the URL holds none).
 */
static int pg_conninfo(const char *url, char **conninfo_r, char **password_env_r, const char **error_r)
{
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &perr);
	*conninfo_r = NULL;
	*password_env_r = NULL;
	if (opts == NULL) {
		fail(error_r, "cannot parse the database URL: %s", perr ? perr : "out of memory");
		PQfreemem(perr);
		return -1;
	}
	size_t cap = strlen(url) * 2 + 64, len = 0;
	char *ci = malloc(cap);
	if (ci == NULL)
		abort();
	ci[0] = '\0';
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (o->val == NULL)
			continue;
		if (strcmp(o->keyword, "password") == 0) {
			size_t n = strlen("PGPASSWORD=") + strlen(o->val) + 1;
			*password_env_r = malloc(n);
			if (*password_env_r == NULL)
				abort();
			snprintf(*password_env_r, n, "PGPASSWORD=%s", o->val);
			continue;
		}
		size_t need = len + strlen(o->keyword) + 2 * strlen(o->val) + 8;
		if (need > cap) {
			cap = need * 2;
			ci = realloc(ci, cap);
			if (ci == NULL)
				abort();
		}
		len += (size_t)sprintf(ci + len, "%s%s='", len ? " " : "", o->keyword);
		for (const char *p = o->val; *p; p++) {
			if (*p == '\'' || *p == '\\')
				ci[len++] = '\\';
			ci[len++] = *p;
		}
		ci[len++] = '\'';
		ci[len] = '\0';
	}
	PQconninfoFree(opts);
	*conninfo_r = ci;
	return 0;
}

static void password_free(char **p)
{
	if (*p) {
		sodium_memzero(*p, strlen(*p));
		free(*p);
	}
	*p = NULL;
}

/*
 * Starts tool (never through a shell) with child_fd as its stdin (to_fd 0) or
 * stdout (to_fd 1), the other standard stream on /dev/null, stderr shared.
 */
static int pg_tool_spawn(const char *tool, char *const argv[], const char *password_env, int child_fd, int to_fd,
			 pid_t *pid_r, const char **error_r)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 2, sizeof *env);
	if (env == NULL)
		abort();
	size_t j = 0;
	for (size_t i = 0; i < n; i++)
		if (password_env == NULL || strncmp(environ[i], "PGPASSWORD=", 11) != 0)
			env[j++] = environ[i];
	if (password_env)
		env[j++] = (char *)password_env;
	env[j] = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, child_fd, to_fd);
	posix_spawn_file_actions_addopen(&fa, to_fd == 0 ? 1 : 0, "/dev/null", to_fd == 0 ? O_WRONLY : O_RDONLY, 0);
	int rc = posix_spawn(pid_r, tool, &fa, NULL, argv, env);
	posix_spawn_file_actions_destroy(&fa);
	free(env);
	if (rc != 0)
		return fail(error_r, "cannot start %s: %s", tool, strerror(rc));
	return 0;
}

/* 0 when the child exited with status 0. */
static int pg_tool_wait(pid_t pid, const char *name, const char **error_r)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return fail(error_r, "cannot wait for %s: %s", name, strerror(errno));
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return fail(error_r, "%s failed with exit status %d (its messages are above)", name, WEXITSTATUS(status));
	return fail(error_r, "%s was ended by signal %d", name, WTERMSIG(status));
}

/* ---- taking a backup ---------------------------------------------------- */

DB_QUERY(q_backup_schema, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
/* pg_dump reads the snapshot the rows were counted in, so the counts describe exactly the dump. */
DB_QUERY(q_backup_snapshot_mode, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
DB_QUERY(q_backup_snapshot_export, "SELECT pg_export_snapshot()");

/* Schema version and catalogue row counts, on c, in its current transaction. */
static int count_tables(struct db_conn *c, struct backup_info *info, const char **error_r)
{
	if (db_query_int(c, &q_backup_schema, DB_NOPARAMS, &info->schema, error_r) < 0)
		return -1;
	info->ntables = 0;
	for (size_t i = 0; i < copy_catalogue_size() && i < BACKUP_MAX_TABLES; i++) {
		struct backup_table *t = &info->tables[info->ntables++];
		snprintf(t->name, sizeof t->name, "%s", copy_catalogue_table(i));
		if (copy_catalogue_count(c, i, &t->rows, error_r) < 0)
			return -1;
	}
	return 0;
}

/* An existing file at out_path may be replaced only when it is an archive (never the database itself, by a typo). */
static int check_out_path(const char *out_path, const char **error_r)
{
	int fd = open(out_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return fail(error_r, "cannot use %s as the archive: %s", out_path, strerror(errno));
	}
	char head[8];
	ssize_t got = read_full(fd, head, sizeof head);
	struct stat st;
	int rc = fstat(fd, &st);
	close(fd);
	if (rc == 0 && S_ISREG(st.st_mode) && (st.st_size == 0 || (got == 8 && memcmp(head, MAGIC, 8) == 0)))
		return 0;
	return fail(error_r, "%s exists and is not a nadiya backup archive; it is not replaced", out_path);
}

static int backup_sqlite(struct db *db, struct writer *w, const char *tmp_out, const char *out_path,
			 const struct master_key *k, struct backup_info *info, const char **error_r)
{
	char copy_path[4200], url[4300];
	struct db *copy = NULL;
	struct db_conn *c = NULL;
	int fd = -1, rc = -1;
	if (temp_file_near(out_path, ".nadiya-backup", copy_path, sizeof copy_path, error_r) < 0)
		return -1;
	if (backup_sqlite_snapshot(db, copy_path, error_r) < 0)
		goto out;
	/* Counted in the copy: exactly the rows it holds. */
	snprintf(url, sizeof url, "sqlite:%s", copy_path);
	if (db_open(url, 1, &copy, error_r) < 0 || (c = db_acquire(copy, error_r)) == NULL ||
	    count_tables(c, info, error_r) < 0)
		goto out;
	db_release(&c);
	db_close(&copy);
	backup_sqlite_unlink_companions(copy_path);
	if (writer_open(w, tmp_out, k, info, error_r) < 0)
		goto out;
	fd = open(copy_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fail(error_r, "cannot read the temporary copy %s: %s", copy_path, strerror(errno));
		goto out;
	}
	if (writer_from_fd(w, fd, "the temporary copy", tmp_out, error_r) < 0)
		goto out;
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	db_release(&c);
	db_close(&copy);
	unlink(copy_path);
	backup_sqlite_unlink_companions(copy_path);
	return rc;
}

static int backup_pg(struct db *db, struct writer *w, const char *tmp_out, const char *url, const struct master_key *k,
		     struct backup_info *info, const char **error_r)
{
	char tool[4200], *conninfo = NULL, *password = NULL, *snapshot = NULL;
	int pipefd[2] = { -1, -1 };
	pid_t pid = -1;
	int rc = -1;
	struct db_rows *r = NULL;
	struct db_conn *c = db_acquire(db, error_r);
	if (c == NULL)
		return -1;
	if (pg_tool_find("pg_dump", tool, sizeof tool, error_r) < 0 ||
	    pg_conninfo(url, &conninfo, &password, error_r) < 0)
		goto out;
	if (db_begin(c, true, error_r) /* a real transaction: the snapshot lives while it does */ < 0 || db_exec(c, &q_backup_snapshot_mode, DB_NOPARAMS, NULL, error_r) < 0 ||
	    db_query(c, &q_backup_snapshot_export, DB_NOPARAMS, &r, error_r) < 0)
		goto out;
	int found = db_rows_next(r, error_r);
	if (found == 0)
		fail(error_r, "PostgreSQL exported no snapshot");
	if (found != 1)
		goto out;
	snapshot = strdup(db_rows_text(r, 0));
	db_rows_free(&r);
	if (snapshot == NULL)
		abort();
	if (count_tables(c, info, error_r) < 0 || writer_open(w, tmp_out, k, info, error_r) < 0)
		goto out;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		fail(error_r, "cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	char snap_arg[256], db_arg[8192];
	snprintf(snap_arg, sizeof snap_arg, "--snapshot=%s", snapshot);
	if (snprintf(db_arg, sizeof db_arg, "--dbname=%s", conninfo) >= (int)sizeof db_arg) {
		fail(error_r, "the database URL is too long");
		goto out;
	}
	char *argv[] = { "pg_dump", "--format=custom", "--no-owner", "--no-privileges", snap_arg, db_arg, NULL };
	if (pg_tool_spawn(tool, argv, password, pipefd[1], 1, &pid, error_r) < 0)
		goto out;
	close(pipefd[1]);
	pipefd[1] = -1;
	if (writer_from_fd(w, pipefd[0], "from pg_dump", tmp_out, error_r) < 0)
		goto out;
	rc = pg_tool_wait(pid, "pg_dump", error_r);
	pid = -1;
out:
	if (pid > 0) {
		kill(pid, SIGTERM);
		const char *ignored;
		pg_tool_wait(pid, "pg_dump", &ignored);
	}
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	db_rows_free(&r);
	db_release(&c); /* ends the snapshot's transaction */
	free(snapshot);
	free(conninfo);
	password_free(&password);
	return rc;
}

int backup_create(struct db *db, const struct master_key *k, const char *out_path, struct backup_info *info_r,
		  const char **error_r)
{
	char tmp_out[4200];
	struct writer w = { .fd = -1 };
	int rc = -1;
	memset(info_r, 0, sizeof *info_r);
	if (snprintf(tmp_out, sizeof tmp_out, "%s.tmp", out_path) >= (int)sizeof tmp_out)
		return fail(error_r, "path too long: %s", out_path);
	if (check_out_path(out_path, error_r) < 0)
		return -1;
	info_r->dialect = db_dialect(db) == DB_SQLITE ? 's' : 'p';
	info_r->created = (int64_t)time(NULL);
	key_fingerprint(k, info_r->fingerprint);
	if (info_r->dialect == 's')
		rc = backup_sqlite(db, &w, tmp_out, out_path, k, info_r, error_r);
	else
		rc = backup_pg(db, &w, tmp_out, db->url, k, info_r, error_r);
	if (rc == 0)
		rc = writer_finish(&w, tmp_out, error_r);
	info_r->payload = w.payload;
	writer_close(&w);
	if (rc == 0 && rename(tmp_out, out_path) < 0)
		rc = fail(error_r, "cannot rename %s to %s: %s", tmp_out, out_path, strerror(errno));
	if (rc == 0)
		fsync_folder_of(out_path);
	else
		unlink(tmp_out);
	return rc;
}

/* ---- restoring ---------------------------------------------------------- */

DB_QUERY(q_restore_pg_tables, "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'");

/* The file of a sqlite: URL, read as db_open() reads it; NULL for other URLs. */
static const char *sqlite_path_of(const char *url)
{
	if (!str_starts(url, "sqlite:"))
		return NULL;
	const char *p = url + 7;
	if (str_starts(p, "//"))
		p += 2;
	return *p ? p : NULL;
}

/*
 * 0 when the destination may be filled: no tables at all, or nadiya's tables
 * without data rows (a database a server was started on once); then
 * *has_schema_r says which.  -1 with *error_r otherwise.
 */
static int destination_empty(const char *url, char dialect, bool *has_schema_r, const char **error_r)
{
	struct db *d = NULL;
	*has_schema_r = false;
	if (dialect == 's') {
		int t = backup_sqlite_has_tables(sqlite_path_of(url), error_r);
		if (t < 0)
			return fail(error_r, "the destination cannot be filled: %s", *error_r);
		if (t == 0)
			return 0;
	}
	if (db_open(url, 1, &d, error_r) < 0)
		return fail(error_r, "destination: %s", *error_r);
	int rc = 0;
	if (dialect == 'p') {
		struct db_conn *c = db_acquire(d, error_r);
		int64_t n = 0;
		if (c == NULL || db_query_int(c, &q_restore_pg_tables, DB_NOPARAMS, &n, error_r) < 0) {
			rc = fail(error_r, "destination: %s", *error_r);
			db_release(&c);
			goto out;
		}
		db_release(&c);
		if (n == 0)
			goto out;
	}
	*has_schema_r = true;
	int has = copy_destination_has_data(d, error_r);
	if (has < 0)
		rc = fail(error_r, "the destination is not an empty nadiya database (%s); restore only fills an "
				   "empty database", *error_r);
	else if (has > 0)
		rc = fail(error_r, "the destination already holds data; restore only fills an empty database");
out:
	db_close(&d);
	return rc;
}

static int restore_sqlite(struct reader *r, const char *path, uint64_t *payload_r, const char **error_r)
{
	char tmp[4200];
	int rc = -1;
	if (temp_file_near(path, ".nadiya-restore", tmp, sizeof tmp, error_r) < 0)
		return -1;
	int fd = open(tmp, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0) {
		fail(error_r, "cannot open %s: %s", tmp, strerror(errno));
		goto out;
	}
	/* Every chunk authenticated before a page reaches the destination. */
	rc = reader_payload(r, fd, payload_r, error_r);
	close(fd);
	if (rc < 0)
		goto out;
	rc = -1;
	if (backup_sqlite_check(tmp, error_r) < 0 || backup_sqlite_install(tmp, path, error_r) < 0)
		goto out;
	rc = 0;
out:
	unlink(tmp);
	backup_sqlite_unlink_companions(tmp);
	return rc;
}

/*
 * Streams the payload into pg_restore.  The caller authenticated the whole
 * archive on a first pass; if the file changed since and a chunk fails now,
 * pg_restore is stopped before its single transaction commits.
 */
static int restore_pg(struct reader *r, const char *url, bool has_schema, uint64_t *payload_r, const char **error_r)
{
	char tool[4200], db_arg[8192], *conninfo = NULL, *password = NULL;
	int pipefd[2] = { -1, -1 };
	pid_t pid = -1;
	int rc = -1;
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	bool sig_saved = false;
	if (pg_tool_find("pg_restore", tool, sizeof tool, error_r) < 0 ||
	    pg_conninfo(url, &conninfo, &password, error_r) < 0)
		goto out;
	if (snprintf(db_arg, sizeof db_arg, "--dbname=%s", conninfo) >= (int)sizeof db_arg) {
		fail(error_r, "the database URL is too long");
		goto out;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		fail(error_r, "cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	/* A database a server was started on has the empty tables: replace them in the same transaction. */
	char *argv_clean[] = { "pg_restore", "--no-owner", "--no-privileges", "--single-transaction",
			       "--clean", "--if-exists", db_arg, NULL };
	char *argv_plain[] = { "pg_restore", "--no-owner", "--no-privileges", "--single-transaction", db_arg, NULL };
	if (pg_tool_spawn(tool, has_schema ? argv_clean : argv_plain, password, pipefd[0], 0, &pid, error_r) < 0)
		goto out;
	close(pipefd[0]);
	pipefd[0] = -1;
	/* pg_restore may stop reading early; its exit status says why, not a SIGPIPE here. */
	sigaction(SIGPIPE, &ign, &old);
	sig_saved = true;
	rc = reader_payload(r, pipefd[1], payload_r, error_r);
	if (rc < 0) {
		kill(pid, SIGTERM);
		const char *ignored;
		close(pipefd[1]);
		pipefd[1] = -1;
		pg_tool_wait(pid, "pg_restore", &ignored);
		pid = -1;
		goto out;
	}
	close(pipefd[1]);
	pipefd[1] = -1;
	rc = pg_tool_wait(pid, "pg_restore", error_r);
	pid = -1;
	if (rc < 0)
		fail(error_r, "%s; its single transaction was rolled back, nothing was restored", *error_r);
out:
	if (pid > 0) {
		const char *ignored;
		kill(pid, SIGTERM);
		pg_tool_wait(pid, "pg_restore", &ignored);
	}
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (sig_saved)
		sigaction(SIGPIPE, &old, NULL);
	free(conninfo);
	password_free(&password);
	return rc;
}

int backup_restore(const char *db_url, const struct master_key *k, const char *in_path,
		   struct backup_info *info_r, const char **error_r)
{
	struct reader r = { .fd = -1 };
	bool has_schema;
	uint64_t payload = 0;
	int rc = -1;
	char dest;
	memset(info_r, 0, sizeof *info_r);
	if (db_url == NULL)
		return fail(error_r, "no destination database given");
	if (sqlite_path_of(db_url))
		dest = 's';
	else if (str_starts(db_url, "postgresql://") || str_starts(db_url, "postgres://"))
		dest = 'p';
	else
		return fail(error_r, "unsupported database URL (expected sqlite:PATH or postgresql://...)");
	if (reader_open(&r, in_path, k, info_r, error_r) < 0)
		goto out;
	if (info_r->dialect != dest) {
		fail(error_r,
		     info_r->dialect == 's'
			     ? "the archive holds an SQLite database: restore it to a sqlite:PATH URL (then `nadiya "
			       "migrate-data` moves it to PostgreSQL)"
			     : "the archive holds a PostgreSQL database: restore it to a postgresql:// URL");
		goto out;
	}
	if (info_r->schema > db_schema_latest()) {
		fail(error_r, "the archive holds schema version %lld, newer than this nadiya knows (%d): restore it "
			      "with the version that made it",
		     (long long)info_r->schema, db_schema_latest());
		goto out;
	}
	if (destination_empty(db_url, dest, &has_schema, error_r) < 0)
		goto out;
	if (dest == 's') {
		rc = restore_sqlite(&r, sqlite_path_of(db_url), &payload, error_r);
	} else {
		/* First pass: authenticate everything, keeping no plaintext anywhere. */
		if (reader_payload(&r, -1, &payload, error_r) < 0)
			goto out;
		reader_close(&r);
		struct backup_info again;
		if (reader_open(&r, in_path, k, &again, error_r) < 0)
			goto out;
		rc = restore_pg(&r, db_url, has_schema, &payload, error_r);
	}
	info_r->payload = payload;
out:
	reader_close(&r);
	return rc;
}

int backup_compare_counts(struct db *db, const struct backup_info *info, FILE *out, const char **error_r)
{
	struct db_conn *c = db_acquire(db, error_r);
	if (c == NULL)
		return -1;
	int rc = 0;
	for (size_t t = 0; t < info->ntables; t++) {
		const struct backup_table *bt = &info->tables[t];
		size_t i = 0;
		while (i < copy_catalogue_size() && strcmp(copy_catalogue_table(i), bt->name) != 0)
			i++;
		if (i == copy_catalogue_size()) {
			fprintf(out, "  %-18s not counted (a table this version no longer keeps)\n", bt->name);
			continue;
		}
		int64_t n;
		if (copy_catalogue_count(c, i, &n, error_r) < 0) {
			rc = -1;
			break;
		}
		if (n == bt->rows) {
			fprintf(out, "  %-18s %lld %s\n", bt->name, (long long)n, n == 1 ? "row" : "rows");
		} else {
			fprintf(out, "  %-18s %lld %s, but the archive recorded %lld\n", bt->name, (long long)n,
				n == 1 ? "row" : "rows", (long long)bt->rows);
			rc = 1;
		}
	}
	db_release(&c);
	return rc;
}
