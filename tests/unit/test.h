/* test.h — a ten-line unit test harness (after Dovecot's test-common).
 *   test_begin("name"); test_assert(cond); ... test_end();
 * Each failed assertion prints its file and line; test_end prints the test
 * name with ok/FAILED.  main() in test-main.c runs every suite and prints
 * "N passed, N failed". */
#ifndef NADIYA_TEST_H
#define NADIYA_TEST_H

#include <stdbool.h>

void test_begin(const char *name);
void test_assert_at(bool ok, const char *expr, const char *file, int line);
void test_end(void);

#define test_assert(expr) test_assert_at((expr), #expr, __FILE__, __LINE__)

/* Every suite, one per tests/unit/test-*.c */
void test_suite_base(void);
void test_suite_form(void);
void test_suite_html(void);
void test_suite_db(void);
void test_suite_key(void);
void test_suite_blind(void);
void test_suite_policy(void);
void test_suite_refusals(void);
void test_suite_session(void);

#endif
