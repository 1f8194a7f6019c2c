#include "cmd/cmd.h"
#include "base/config.h"
#include "crypto/key.h"

#include <stdio.h>

int cmd_keygen(int argc, char **argv)
{
	static const enum setting_id allowed[] = { SET__COUNT };
	struct settings s;
	const char *pos[1];
	int npos;
	settings_defaults(&s);
	int rc = settings_parse(&s, allowed, argc, argv,
				"usage: nadiya keygen PATH\n\n"
				"Writes a new random master key to PATH with mode 0600. Refuses to overwrite.\n"
				"Keep the key apart from the database and its backups: without it the\n"
				"personal data in them cannot be read, and with it, it can.",
				pos, 1, &npos);
	settings_free(&s);
	if (rc != 0)
		return rc < 0 ? 2 : 0;
	if (npos != 1) {
		fprintf(stderr, "nadiya: keygen needs the PATH of the key file to create\n");
		return 2;
	}
	const char *err;
	if (crypto_init() < 0) {
		fprintf(stderr, "nadiya: cannot initialize libsodium\n");
		return 1;
	}
	if (key_generate_file(pos[0], &err) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		return 1;
	}
	printf("wrote a new key to %s (mode 0600)\n", pos[0]);
	return 0;
}
