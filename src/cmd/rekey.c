/* rekey.c — `nadiya rekey --db URL --key-file OLD --new-key-file NEW`. */
#include "base/config.h"
#include "base/str.h"
#include "cmd/cmd.h"
#include "crypto/key.h"
#include "model/audit.h"
#include "model/rekey.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>

int cmd_rekey(int argc, char **argv)
{
	static const enum setting_id allowed[] = { SET_DB, SET_KEY_FILE, SET__COUNT };
	const char *new_path = NULL, *batch_s = NULL, *stop_s = NULL;
	const struct cli_opt opts[] = {
		{ "new-key-file", true, &new_path, NULL, "the new master key (made with `nadiya keygen`)" },
		{ "batch-size", true, &batch_s, NULL, "rows per transaction (default 500)" },
		{ "stop-after-batches", true, &stop_s, NULL,
		  "stop after N committed batches with status 3, as a crash would (for testing resumption)" },
		{ NULL, false, NULL, NULL, NULL },
	};
	struct settings s;
	const char *pos[1];
	int npos, exit_code = 1;
	settings_defaults(&s);
	int rc = settings_parse_cmd(&s, allowed, opts, argc, argv,
				    "usage: nadiya rekey --db URL --key-file OLD --new-key-file NEW\n\n"
				    "Moves every sealed field, blind index and the audit chain to a new master key,\n"
				    "in small transactions; run it again after an interruption to resume.  Stop every\n"
				    "`nadiya serve` of the network first, and keep the old key until it has finished.",
				    pos, 0, &npos);
	if (rc != 0) {
		settings_free(&s);
		return rc < 0 ? 2 : 0;
	}
	struct master_key *old_k = NULL, *new_k = NULL;
	struct db *db = NULL;
	const char *err;
	int64_t batch = 500, stop = 0;
	if (s.db_url == NULL || s.key_file == NULL || new_path == NULL) {
		fprintf(stderr, "nadiya: --db, --key-file and --new-key-file are all required\n");
		exit_code = 2;
		goto out;
	}
	if ((batch_s && str_to_i64(batch_s, 1, 1000, &batch) < 0) || (stop_s && str_to_i64(stop_s, 1, 1000000000, &stop) < 0)) {
		fprintf(stderr, "nadiya: --batch-size takes 1 to 1000, --stop-after-batches a positive number\n");
		exit_code = 2;
		goto out;
	}
	if (crypto_init() < 0) {
		fprintf(stderr, "nadiya: cannot initialize libsodium\n");
		goto out;
	}
	if ((old_k = key_load_file(s.key_file, &err)) == NULL || (new_k = key_load_file(new_path, &err)) == NULL) {
		fprintf(stderr, "nadiya: %s\n", err);
		exit_code = 2;
		goto out;
	}
	int version, applied;
	if (db_open(s.db_url, 1, &db, &err) < 0 || db_migrate(db, &version, &applied, &err) < 0) {
		fprintf(stderr, "nadiya: %s\n", err);
		goto out;
	}
	struct rekey_stats st;
	rc = rekey_run(db, old_k, new_k, (int)batch, stop, stdout, &st, &err);
	if (rc < 0) {
		fprintf(stderr, "nadiya: rekey: %s\n", err);
		goto out;
	}
	printf("re-sealed %lld fields, %lld notes, %lld second-factor secrets; re-indexed %lld persons; "
	       "re-hashed %lld audit entries (%lld batches)\n",
	       (long long)st.fields, (long long)st.notes, (long long)st.totp, (long long)st.persons_indexed,
	       (long long)st.audit_entries, (long long)st.batches);
	if (rc == 3) {
		printf("stopped before the end, as asked: run the same command again to resume\n");
		exit_code = 3;
		goto out;
	}
	int64_t n, bad;
	const char *why;
	int v = audit_verify(db, new_k, &n, &bad, &why, &err);
	if (v != 0) {
		fprintf(stderr, "nadiya: after the rekey the audit trail does not verify: %s\n",
			v < 0 ? err : why);
		goto out;
	}
	printf("done: the database is under the new key; audit trail intact (%lld entries). "
	       "Keep the old key until the backups made with it have expired.\n",
	       (long long)n);
	exit_code = 0;
out:
	db_close(&db);
	key_free(&old_k);
	key_free(&new_k);
	settings_free(&s);
	return exit_code;
}
