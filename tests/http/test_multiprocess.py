"""Several nadiya processes serving one network: shared sessions, shared records, one audit chain.
Runs on whichever store the suite runs on (PostgreSQL is the case that matters; SQLite in WAL mode
must behave the same on one machine)."""
import threading
import time

from harness import (Browser, Server, SESSION_CACHE_SECONDS, add_org, add_user, api_login, check, eq, run_cli,
                     session_cache_on, test, cli_env)


def setup():
    a = Server()
    b = Server(tmp=a.tmp, key=a.key, db_url=a.db_url)
    add_org(a, "multi-one", "ngo", "UA-61")
    a.admin = add_user(a, "admin@multi.example.org", "admin", "multi-one")
    a.cw = add_user(a, "cw@multi.example.org", "caseworker", "multi-one")
    a.other = b
    return a


def teardown(a):
    a.other.stop()
    return a.cleanup()


@test
def session_from_one_process_is_valid_on_the_other(a):
    b = a.other
    token = api_login(a, a.cw)
    r = b.api("GET", "/api/v1/me", token=token)
    eq(r.status, 200)
    eq(r.json()["email"], a.cw.email)
    br = Browser(a)
    br.login(a.cw)
    # The same cookie jar against the other process.
    saved = b.cookies
    b.cookies = br.cookies
    try:
        eq(b.get("/account").status, 200)
    finally:
        b.cookies = saved
    eq(a.api("DELETE", "/api/v1/sessions/current", token=token).status, 204)
    # On PostgreSQL the other process may answer page reads from its session cache
    # for up to SESSION_CACHE_SECONDS (test_session_cache.py); never longer.
    t0 = time.time()
    while b.api("GET", "/api/v1/me", token=token).status != 401:
        check(session_cache_on(b) and time.time() - t0 < SESSION_CACHE_SECONDS + 1.0,
              "signed out on one, still valid on the other")
        time.sleep(0.05)


@test
def record_written_through_one_is_read_through_the_other(a):
    token = api_login(a, a.admin)
    body = {"code": "multi-two", "name_uk": "Друга (демо)", "name_en": "Second (demo)", "kind": "ngo",
            "region": "UA-46", "joined_on": "2024-05-01"}
    r = a.api("POST", "/api/v1/orgs", body, token=token)
    eq(r.status, 201, r.text)
    r = a.other.api("GET", "/api/v1/orgs/multi-two", token=token)
    eq(r.status, 200, r.text)
    eq(r.json()["name_en"], "Second (demo)")


@test
def audit_chain_stays_single_under_concurrent_writes(a):
    # Failed sign-ins on both processes at once: every one appends to the trail.
    def hammer(server, n, tag):
        for i in range(n):
            server.api("POST", "/api/v1/sessions", {"email": f"nobody{tag}{i}@example.org",
                                                    "password": "wrong password x"})
    threads = [threading.Thread(target=hammer, args=(srv, 25, t)) for srv, t in
               ((a, "a"), (a.other, "b"), (a, "c"), (a.other, "d"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    r = run_cli("audit", "verify", "--db", a.db_url, "--key-file", a.key)
    eq(r.returncode, 0, r.stdout + r.stderr)
    check("intact" in r.stdout, r.stdout)
