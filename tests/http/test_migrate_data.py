"""nadiya migrate-data: a whole network copied into an empty database, verified there."""
import os
import tempfile

from harness import Server, add_org, add_user, api_login, check, eq, run_cli, test, test_db_url


def setup():
    # The source is always SQLite; the destination is the suite's store (PostgreSQL in the pg run).
    tmp = tempfile.mkdtemp(prefix="nadiya-move-")
    s = Server(tmp=tmp, db_url="sqlite:" + os.path.join(tmp, "source.db"))
    add_org(s, "move-one", "ngo", "UA-61")
    add_org(s, "move-two", "hotline", "UA-30")
    s.admin = add_user(s, "admin@move.example.org", "admin", "move-one")
    s.cw = add_user(s, "cw@move.example.org", "caseworker", "move-two")
    api_login(s, s.cw)
    s.api("POST", "/api/v1/sessions", {"email": s.cw.email, "password": "wrong wrong wrong"})
    return s


@test
def copies_everything_and_verifies(s):
    src = s.db_url if s.db_url.startswith("sqlite:") else None
    check(src, "source must be SQLite")
    dst = test_db_url(s.tmp)  # a new PostgreSQL database in the pg run, else tmp/nadiya.db
    r = run_cli("migrate-data", "--from", src, "--to", dst, "--key-file", s.key)
    eq(r.returncode, 0, r.stdout + r.stderr)
    check("audit trail intact" in r.stdout, r.stdout)
    check("copied users" in r.stdout.replace("  ", " ") or "users" in r.stdout, r.stdout)
    # The copy serves: the same people sign in there.
    srv = Server(tmp=s.tmp, key=s.key, db_url=dst)
    try:
        token = api_login(srv, s.admin)
        r = srv.api("GET", "/api/v1/me", token=token)
        eq(r.status, 200)
        eq(r.json()["org"], "move-one")
    finally:
        srv.stop()
    # A second run refuses the now non-empty destination, and changes nothing.
    r = run_cli("migrate-data", "--from", src, "--to", dst, "--key-file", s.key)
    eq(r.returncode, 1)
    check("already holds data" in r.stderr, r.stderr)


@test
def bad_usage(s):
    eq(run_cli("migrate-data", "--from", s.db_url).returncode, 2)
    r = run_cli("migrate-data", "--from", s.db_url, "--to", "mysql://x", "--key-file", s.key)
    eq(r.returncode, 1)
    check("unsupported database URL" in r.stderr, r.stderr)
