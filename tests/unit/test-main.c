#include "test.h"

#include <stdio.h>
#include <stdlib.h>

static const char *current;
static bool current_ok;
static int passed, failed;

void test_begin(const char *name)
{
	current = name;
	current_ok = true;
}

void test_assert_at(bool ok, const char *expr, const char *file, int line)
{
	if (!ok) {
		printf("  assertion failed: %s (%s:%d)\n", expr, file, line);
		current_ok = false;
	}
}

void test_end(void)
{
	printf("%-60s %s\n", current, current_ok ? "ok" : "FAILED");
	if (current_ok)
		passed++;
	else
		failed++;
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_suite_base();
	test_suite_form();
	test_suite_html();
	test_suite_db();
	test_suite_key();
	test_suite_blind();
	test_suite_policy();
	test_suite_refusals();
	test_suite_session();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
