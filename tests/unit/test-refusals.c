/* The ledger of refused sign-ins: counted in memory, flushed one entry per combination, counts kept, full ledger. */
#include "model/refusals.h"
#include "test.h"

#include <string.h>

struct sink {
	int calls;
	int64_t total;
	bool fail;
};

static int emit(void *arg, const struct refusal_key *k, int64_t n, int64_t since)
{
	struct sink *s = arg;
	(void)k;
	(void)since;
	s->calls++;
	if (s->fail)
		return -1;
	s->total += n;
	return 0;
}

static void test_coalescing(void)
{
	test_begin("refusals: counted in memory, one entry per combination and flush");
	struct refusals *r = refusals_new(4);
	struct refusal_key k = { .action = "signin", .kind = "api", .label = "a@example.org", .client_ip = "10.0.0.1" };
	int64_t since;
	for (int i = 0; i < 10; i++)
		test_assert(refusals_note(r, &k, 100 + i / 5, &since) == 0);
	/* Another address is another combination. */
	struct refusal_key k2 = k;
	k2.client_ip = "10.0.0.2";
	test_assert(refusals_note(r, &k2, 101, &since) == 0);
	test_assert(refusals_pending(r) == 11);
	/* A failing write keeps the counts for the next pass. */
	struct sink bad = { .fail = true }, good = { 0 };
	test_assert(refusals_flush(r, 102, emit, &bad) == 2 && refusals_pending(r) == 11);
	test_assert(refusals_flush(r, 102, emit, &good) == 0 && good.calls == 2 && good.total == 11);
	test_assert(refusals_pending(r) == 0);
	/* Nothing pending: nothing written. */
	good.calls = 0;
	test_assert(refusals_flush(r, 103, emit, &good) == 0 && good.calls == 0);
	/* A restored count is carried by the next entry, with its first time. */
	refusals_restore(r, &k, 3, 102);
	test_assert(refusals_note(r, &k, 104, &since) == 0 && refusals_pending(r) == 4);
	test_assert(refusals_flush(r, 104, emit, &good) == 0 && good.calls == 1 && good.total == 15);
	refusals_free(&r);
	test_assert(r == NULL);
	test_end();
}

static void test_full_ledger(void)
{
	test_begin("refusals: a full ledger has each refusal audited at once");
	struct refusals *r = refusals_new(2);
	char ip[3][16] = { "a", "b", "c" };
	int64_t since;
	for (int i = 0; i < 2; i++) {
		struct refusal_key k = { .action = "signin", .kind = "web", .label = "x", .client_ip = ip[i] };
		test_assert(refusals_note(r, &k, 50, &since) == 0);
	}
	struct refusal_key c = { .action = "signin", .kind = "web", .label = "x", .client_ip = ip[2] };
	/* "c" finds no slot: every one of its refusals is for the caller to audit. */
	test_assert(refusals_note(r, &c, 50, &since) == 1 && since == 50);
	test_assert(refusals_note(r, &c, 50, &since) == 1);
	/* Flushed, the entries stay a minute (they are likely to be hammered again), then go. */
	struct sink s = { 0 };
	refusals_flush(r, 51, emit, &s);
	test_assert(s.calls == 2 && s.total == 2);
	test_assert(refusals_note(r, &c, 60, &since) == 1);
	refusals_flush(r, 200, emit, &s);
	test_assert(s.calls == 2);
	test_assert(refusals_note(r, &c, 200, &since) == 0 && refusals_pending(r) == 1);
	/* Without a ledger: every refusal at once. */
	test_assert(refusals_note(NULL, &c, 200, &since) == 1 && refusals_pending(NULL) == 0);
	test_assert(refusals_new(0) == NULL);
	refusals_free(&r);
	test_end();
}

void test_suite_refusals(void)
{
	test_coalescing();
	test_full_ledger();
}
