#include "model/install.h"
#include "base/str.h"
#include "crypto/key.h"
#include "store/db.h"

#include <stdio.h>
#include <string.h>

DB_QUERY(q_meta_get, "SELECT value FROM meta WHERE name = ?");
DB_QUERY(q_meta_put, "INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING");

int install_check_key(struct db *db, const struct master_key *key, const char **error_r)
{
	static __thread char msg[300];
	char fp[17];
	key_fingerprint(key, fp);
	struct db_conn *c = db_acquire(db, error_r);
	if (c == NULL)
		return -1;
	int rc = -1;
	if (db_begin(c, true, error_r) < 0)
		goto out;
	if (db_exec(c, &q_meta_put, DB_PARAMS(db_text("key_check"), db_text(fp)), NULL, error_r) < 0)
		goto out;
	struct db_rows *r;
	if (db_query(c, &q_meta_get, DB_PARAMS(db_text("key_check")), &r, error_r) < 0)
		goto out;
	int found = db_rows_next(r, error_r);
	bool same = found == 1 && str_eq(db_rows_text(r, 0), fp);
	db_rows_free(&r);
	if (found < 0)
		goto out;
	if (!same) {
		snprintf(msg, sizeof msg,
			 "the key file does not belong to this database (key %s); use the key the data was "
			 "sealed with",
			 fp);
		*error_r = msg;
		goto out;
	}
	if (db_commit(c, error_r) < 0)
		goto out;
	rc = 0;
out:
	db_release(&c);
	return rc;
}
