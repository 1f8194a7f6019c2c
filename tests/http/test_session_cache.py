"""The session cache of `nadiya serve` on PostgreSQL (model/session.c, docs/SECURITY.md).

A process may answer page reads (GET, HEAD) from a session it looked up less than
--session-cache-seconds ago (default 1).  What that process itself writes is seen at
once; what another process writes, within that time; a request that may change
something is always judged by the database.  On SQLite there is no cache: every
check here must then hold at once, which the same assertions accept."""
import time

from harness import (Browser, Server, SESSION_CACHE_SECONDS, add_org, add_user, api_login, check, eq,
                     session_cache_on, sql, test)


def setup():
    a = Server()
    b = Server(tmp=a.tmp, key=a.key, db_url=a.db_url)
    # A third process on the same database that never remembers sessions.
    c = Server(tmp=a.tmp, key=a.key, db_url=a.db_url, extra_args=["--session-cache-seconds", "0"])
    add_org(a, "cache-one", "ngo", "UA-61")
    a.admin = add_user(a, "admin@cache.example.org", "admin", "cache-one")
    a.cw = add_user(a, "cw@cache.example.org", "caseworker", "cache-one")
    a.b, a.c = b, c
    return a


def teardown(a):
    a.b.stop()
    a.c.stop()
    return a.cleanup()


def me(server, token):
    return server.api("GET", "/api/v1/me", token=token)


def warm(server, token):
    """Two reads, so the session is in the server's cache when it has one."""
    for _ in range(2):
        eq(me(server, token).status, 200)


def until_refused(server, token, limit):
    """Seconds until GET /api/v1/me answers 401 (polling); fails after limit seconds."""
    t0 = time.time()
    while True:
        st = me(server, token).status
        if st == 401:
            return time.time() - t0
        eq(st, 200)
        check(time.time() - t0 < limit, f"a revoked session was still served after {limit} s")
        time.sleep(0.05)


@test
def own_sign_out_is_immediate(a):
    token = api_login(a, a.cw)
    warm(a, token)
    eq(a.api("DELETE", "/api/v1/sessions/current", token=token).status, 204)
    eq(me(a, token).status, 401, "a cached session outlived its own sign-out:")
    br = Browser(a)
    br.login(a.cw)
    for _ in range(2):
        eq(br.get("/account").status, 200)
    eq(br.submit("/account", "/signout", {}).status, 303)
    sid = br.cookies.get("sid")
    check(sid is None, "the session cookie was not cleared")


@test
def own_changes_to_the_account_are_seen_at_once(a):
    br = Browser(a)
    br.login(a.cw)
    for _ in range(2):
        check('<html lang="uk">' in br.get("/account").text)
    eq(br.submit("/account", "/account/language", {"lang": "en"}).status, 303)
    check('<html lang="en">' in br.get("/account").text, "the saved language waited for the cache")
    eq(br.submit("/account", "/account/language", {"lang": ""}).status, 303)
    check('<html lang="uk">' in br.get("/account").text, "the cleared language waited for the cache")
    # An administrator of the same process disables the account: its token ends at once.
    u = add_user(a, "cw2@cache.example.org", "caseworker", "cache-one")
    token = api_login(a, u)
    warm(a, token)
    adm = Browser(a)
    adm.login(a.admin)
    eq(adm.submit(f"/users/{u.id}", f"/users/{u.id}/disable", {}).status, 303)
    eq(me(a, token).status, 401, "a cached session outlived disabling its account:")


@test
def another_processs_sign_out_reaches_page_reads_within_the_ttl(a):
    token = api_login(a, a.cw)
    warm(a.b, token)
    eq(a.api("DELETE", "/api/v1/sessions/current", token=token).status, 204)
    took = until_refused(a.b, token, SESSION_CACHE_SECONDS + 1.0)
    if not session_cache_on(a.b):
        check(took < 0.5, f"without a cache the sign-out took {took:.2f} s to reach the other process")


@test
def a_write_on_another_process_is_judged_by_the_database(a):
    token = api_login(a, a.cw)
    warm(a.b, token)
    eq(a.api("DELETE", "/api/v1/sessions/current", token=token).status, 204)
    # Signing out again is a request that may change something: refused at once.
    eq(a.b.api("DELETE", "/api/v1/sessions/current", token=token).status, 401,
       "a revoked session was let in to a write:")
    # And what the database answered replaced the cached entry.
    eq(me(a.b, token).status, 401)


@test
def with_the_cache_off_another_processs_sign_out_is_immediate(a):
    token = api_login(a, a.cw)
    warm(a.c, token)
    eq(a.api("DELETE", "/api/v1/sessions/current", token=token).status, 204)
    eq(me(a.c, token).status, 401, "--session-cache-seconds 0 still served a revoked session:")


@test
def another_processs_sign_out_everywhere_within_the_ttl(a):
    tokens = [api_login(a, a.cw) for _ in range(2)]
    for t in tokens:
        warm(a.b, t)
    br = Browser(a)
    br.login(a.cw)
    eq(br.submit("/account", "/signout", {"everywhere": "1"}).status, 303)
    for t in tokens:
        eq(me(a, t).status, 401, "sign out everywhere missed a session on its own process:")
        until_refused(a.b, t, SESSION_CACHE_SECONDS + 1.0)


@test
def last_seen_is_refreshed_while_the_session_is_cached(a):
    token = api_login(a, a.cw)
    warm(a, token)
    # A minute without a refresh: sql() then waits out the cache, as another process would.
    sql(a, "UPDATE sessions SET last_seen_at = last_seen_at - 61 WHERE user_id = ?", (a.cw.id,))
    before = int(time.time())
    warm(a, token)
    rows = sql(a, "SELECT MIN(last_seen_at) FROM sessions WHERE user_id = ?", (a.cw.id,))
    check(int(rows[0][0]) >= before - 1, f"last-seen was not refreshed: {rows} (now {before})")
    # Idle expiry still ends it, cache or not.
    sql(a, "UPDATE sessions SET last_seen_at = last_seen_at - 16*60 WHERE user_id = ?", (a.cw.id,))
    eq(me(a, token).status, 401, "an idle session was served:")


@test
def the_setting_is_bounded(a):
    from harness import run_cli
    for bad in ("11", "-1", "x"):
        r = run_cli("serve", "--db", a.db_url, "--key-file", a.key, "--listen", "127.0.0.1:1",
                    "--session-cache-seconds", bad)
        eq(r.returncode, 2, f"--session-cache-seconds {bad}: {r.stderr}")
        check("--session-cache-seconds" in r.stderr, r.stderr)
