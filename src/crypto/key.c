#include "crypto/key.h"
#include "base/str.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct master_key {
	unsigned char bytes[KEY_BYTES];
};

int crypto_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

int key_generate_file(const char *path, const char **error_r)
{
	static __thread char msg[600];
	unsigned char k[KEY_BYTES];
	char hex[2 * KEY_BYTES + 2];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST)
			snprintf(msg, sizeof msg, "%s already exists; nadiya never overwrites a key file", path);
		else
			snprintf(msg, sizeof msg, "cannot create %s: %s", path, strerror(errno));
		*error_r = msg;
		return -1;
	}
	randombytes_buf(k, sizeof k);
	str_hex(k, sizeof k, hex);
	sodium_memzero(k, sizeof k);
	size_t n = strlen(hex);
	hex[n++] = '\n';
	/* umask may have narrowed, never widened, 0600; make it exact. */
	int rc = fchmod(fd, 0600);
	if (rc == 0 && write(fd, hex, n) != (ssize_t)n)
		rc = -1;
	if (rc == 0)
		rc = fsync(fd);
	sodium_memzero(hex, sizeof hex);
	if (close(fd) < 0)
		rc = -1;
	if (rc < 0) {
		snprintf(msg, sizeof msg, "cannot write %s: %s", path, strerror(errno));
		unlink(path);
		*error_r = msg;
		return -1;
	}
	return 0;
}

struct master_key *key_load_file(const char *path, const char **error_r)
{
	static __thread char msg[600];
	if (path == NULL || *path == '\0') {
		*error_r = "no key file given (--key-file PATH)";
		return NULL;
	}
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		snprintf(msg, sizeof msg, "cannot open key file %s: %s", path, strerror(errno));
		*error_r = msg;
		return NULL;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(msg, sizeof msg, "key file %s is not a regular file", path);
		goto fail;
	}
	if (st.st_mode & 077) {
		snprintf(msg, sizeof msg,
			 "key file %s is accessible by group or others (mode %03o); run: chmod 600 %s", path,
			 (unsigned)(st.st_mode & 0777), path);
		goto fail;
	}
	char hex[2 * KEY_BYTES + 4];
	ssize_t n = read(fd, hex, sizeof hex - 1);
	if (n < 0)
		n = 0;
	hex[n] = '\0';
	while (n > 0 && (hex[n - 1] == '\n' || hex[n - 1] == '\r'))
		hex[--n] = '\0';
	struct master_key *k = sodium_malloc(sizeof *k);
	if (k == NULL) {
		snprintf(msg, sizeof msg, "cannot allocate protected memory for the key");
		goto fail;
	}
	if (n != 2 * KEY_BYTES || str_unhex(hex, k->bytes, KEY_BYTES) < 0) {
		sodium_free(k);
		sodium_memzero(hex, sizeof hex);
		snprintf(msg, sizeof msg, "key file %s does not hold a nadiya key (64 hex digits)", path);
		goto fail;
	}
	sodium_memzero(hex, sizeof hex);
	close(fd);
	sodium_mprotect_readonly(k);
	return k;
fail:
	close(fd);
	*error_r = msg;
	return NULL;
}

void key_free(struct master_key **k)
{
	if (*k == NULL)
		return;
	sodium_free(*k); /* wipes */
	*k = NULL;
}

void key_derive(const struct master_key *k, const char *purpose, unsigned char *out, size_t out_len)
{
	/* Keyed BLAKE2b of the purpose: a PRF, so subkeys are independent. */
	crypto_generichash(out, out_len, (const unsigned char *)purpose, strlen(purpose), k->bytes,
			   KEY_BYTES);
}

void key_fingerprint(const struct master_key *k, char out[17])
{
	unsigned char fp[16];
	key_derive(k, "fingerprint", fp, sizeof fp);
	str_hex(fp, 8, out);
}
