#include "test.h"
#include "store/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

DB_QUERY(q_t_create, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, name TEXT UNIQUE, data BLOB)");
DB_QUERY(q_t_insert, "INSERT INTO t (name, data) VALUES (?, ?) RETURNING id");
DB_QUERY(q_t_get, "SELECT id, name, data FROM t WHERE name = ?");
DB_QUERY(q_t_count, "SELECT COUNT(*) FROM t");

static void test_roundtrip(void)
{
	test_begin("db: open, migrate, bound parameters, transactions, constraint errors");
	char dir[] = "/tmp/nadiya-unit-XXXXXX";
	test_assert(mkdtemp(dir) != NULL);
	char url[128];
	snprintf(url, sizeof url, "sqlite:%s/t.db", dir);
	struct db *db;
	const char *err;
	test_assert(db_open(url, 2, &db, &err) == 0);
	int ver = 0, applied = 0;
	test_assert(db_migrate(db, &ver, &applied, &err) == 0);
	test_assert(ver == db_schema_latest() && applied > 0);
	test_assert(db_migrate(db, &ver, &applied, &err) == 0 && applied == 0);
	struct db_conn *c = db_acquire(db, &err);
	test_assert(c != NULL);
	test_assert(db_exec(c, &q_t_create, DB_NOPARAMS, NULL, &err) == 0);
	/* A value that would be an injection if pasted is stored as data. */
	const char *evil = "x'); DROP TABLE t; --";
	int64_t id = 0;
	test_assert(db_query_int(c, &q_t_insert, DB_PARAMS(db_text(evil), db_blob("\0\1\2", 3)), &id, &err) == 1);
	test_assert(id == 1);
	struct db_rows *r;
	test_assert(db_query(c, &q_t_get, DB_PARAMS(db_text(evil)), &r, &err) == 0);
	test_assert(db_rows_next(r, &err) == 1);
	size_t len;
	const unsigned char *blob = db_rows_blob(r, 2, &len);
	test_assert(len == 3 && blob[2] == 2);
	test_assert(strcmp(db_rows_text(r, 1), evil) == 0);
	test_assert(db_rows_next(r, &err) == 0);
	db_rows_free(&r);
	/* Unique violation is classified; rollback undoes the transaction. */
	test_assert(db_begin(c, true, &err) == 0);
	test_assert(db_query_int(c, &q_t_insert, DB_PARAMS(db_text("y"), db_null()), &id, &err) == 1);
	test_assert(db_query_int(c, &q_t_insert, DB_PARAMS(db_text("y"), db_null()), &id, &err) < 0);
	test_assert(db_errcode(c) == DB_E_CONSTRAINT);
	db_rollback(c);
	int64_t n = 0;
	test_assert(db_query_int(c, &q_t_count, DB_NOPARAMS, &n, &err) == 1 && n == 1);
	/* Wrong parameter count is an error, not undefined behaviour. */
	test_assert(db_exec(c, &q_t_get, DB_NOPARAMS, NULL, &err) < 0);
	db_release(&c);
	db_close(&db);
	test_assert(db == NULL);
	test_assert(db_open("mysql://x", 1, &db, &err) < 0);
	test_assert(db_open("sqlite:", 1, &db, &err) < 0);
	test_assert(db_open("sqlite:/nonexistent-dir/x/y.db", 1, &db, &err) < 0);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	test_assert(system(cmd) == 0);
	test_end();
}

void test_suite_db(void)
{
	test_roundtrip();
}
