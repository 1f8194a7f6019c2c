"""nadiya backup / restore: an encrypted, authenticated archive of the suite's store
(SQLite, or PostgreSQL when NADIYA_TEST_DB is a postgresql:// URL), taken while a
server runs and others write, brought back into an empty database that then serves
sign-in; and everything a restore must refuse without writing anything."""
import math
import os
import stat
import subprocess
import tempfile
import threading

from harness import (Server, add_org, add_user, api_login, check, eq, run_cli, test,
                     test_db_url)

CANARY = "Kanareika backup canary"


def setup():
    s = Server()
    add_org(s, "bk-one", "ngo", "UA-61", name=CANARY)
    add_org(s, "bk-two", "hotline", "UA-30")
    s.admin = add_user(s, "admin@bk.example.org", "admin", "bk-one")
    s.cw = add_user(s, "cw@bk.example.org", "caseworker", "bk-two")
    api_login(s, s.cw)
    s.api("POST", "/api/v1/sessions", {"email": s.cw.email, "password": "wrong wrong wrong"})
    s.archive = None
    return s


def is_pg(s):
    return not s.db_url.startswith("sqlite:")


def fresh_destination(s):
    """An empty destination of the suite's kind: a file not yet there, or a new database."""
    folder = tempfile.mkdtemp(prefix="nadiya-restore-", dir=s.tmp)
    if is_pg(s):
        return test_db_url(folder), folder
    return "sqlite:" + os.path.join(folder, "restored.db"), folder


def pg_tables(url):
    p = subprocess.run(["psql", url, "-qAt", "-c",
                        "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, p.stderr)
    return int(p.stdout.strip())


def check_untouched(s, url, folder):
    """Nothing was written: no database file and no leftover temporary file, or no table."""
    if is_pg(s):
        eq(pg_tables(url), 0, "tables in the destination after a refused restore:")
    else:
        eq(sorted(os.listdir(folder)), [], "files left after a refused restore:")


def backup(s, out):
    return run_cli("backup", "--db", s.db_url, "--key-file", s.key, "--out", out)


def restore(url, key, archive):
    return run_cli("restore", "--db", url, "--key-file", key, "--in", archive)


def archive_of(s):
    """One archive of the running server's store, made once for the tests that only read it."""
    if s.archive is None:
        folder = tempfile.mkdtemp(prefix="nadiya-archive-", dir=s.tmp)
        s.archive = os.path.join(folder, "network.nbk")
        r = backup(s, s.archive)
        eq(r.returncode, 0, r.stdout + r.stderr)
    return s.archive


def entropy(data):
    counts = [0] * 256
    for b in data:
        counts[b] += 1
    n = len(data)
    return -sum(c / n * math.log2(c / n) for c in counts if c)


@test
def round_trip_while_serving_and_writing(s):
    folder = tempfile.mkdtemp(prefix="nadiya-archive-", dir=s.tmp)
    out = os.path.join(folder, "network.nbk")
    # Others keep writing (organizations, their history, audit entries) while the backup runs:
    # the counts the archive records must still describe exactly the data it holds.
    stop, writing = threading.Event(), threading.Event()
    added = []

    def writer():
        i = 0
        while not stop.is_set() and i < 40:
            add_org(s, f"bk-live-{i}", "ngo", "UA-46")
            added.append(i)
            writing.set()
            i += 1
        writing.set()

    t = threading.Thread(target=writer)
    t.start()
    try:
        writing.wait(30)
        r = backup(s, out)
    finally:
        stop.set()
        t.join()
    eq(r.returncode, 0, r.stdout + r.stderr)
    check("written to" in r.stdout and "audit_log" in r.stdout, r.stdout)
    check(len(added) > 0, "the concurrent writer did not run")
    eq(stat.S_IMODE(os.stat(out).st_mode), 0o600, "archive mode")
    # Only the archive is left: no FILE.tmp, no temporary copy of the database.
    eq(os.listdir(folder), ["network.nbk"])
    data = open(out, "rb").read()
    eq(data[:8], b"NADIYABK")
    for clear in (b"SQLite format 3", b"PGDMP", CANARY.encode(), b"admin@bk.example.org", b"CREATE TABLE"):
        check(clear not in data, f"the archive holds {clear!r} in clear")
    e = entropy(data[64:])
    check(e > 7.9, f"the archive does not look encrypted: {e:.3f} bits per byte")

    url, dfolder = fresh_destination(s)
    r = restore(url, s.key, out)
    eq(r.returncode, 0, r.stdout + r.stderr)
    for line in ("row counts equal", "audit trail intact", "organizations", "users"):
        check(line in r.stdout, f"{line!r} not in {r.stdout}")
    if not is_pg(s):
        eq(stat.S_IMODE(os.stat(url[len("sqlite:"):]).st_mode), 0o600, "restored database mode")
        eq(os.listdir(dfolder), ["restored.db"], "files next to the restored database:")
    r = run_cli("audit", "verify", "--db", url, "--key-file", s.key)
    eq(r.returncode, 0, r.stdout + r.stderr)
    # The restored database serves: the same people sign in, with their organization.
    srv = Server(tmp=dfolder, key=s.key, db_url=url)
    try:
        token = api_login(srv, s.admin)
        r = srv.api("GET", "/api/v1/me", token=token)
        eq(r.status, 200, r.text)
        eq(r.json()["org"], "bk-one")
    finally:
        srv.stop()
    # Another backup to the same name replaces the archive atomically.
    r = backup(s, out)
    eq(r.returncode, 0, r.stdout + r.stderr)
    eq(os.listdir(folder), ["network.nbk"])


@test
def tampered_or_truncated_archive_is_refused(s):
    good = open(archive_of(s), "rb").read()
    mid = bytearray(good)
    mid[len(mid) // 2] ^= 0x01
    created = bytearray(good)
    created[30] ^= 0x01  # the creation time in the plain header, bound to the first chunk
    fingerprint = bytearray(good)
    fingerprint[12] = ord("0") if fingerprint[12] != ord("0") else ord("1")
    magic = bytearray(good)
    magic[0] = ord("X")
    dialect = bytearray(good)
    dialect[9] = ord("s") if dialect[9] == ord("p") else ord("p")
    variants = {
        "one byte flipped in the middle": (bytes(mid), "fails authentication"),
        "end cut off": (good[:-10], "truncated"),
        "final chunk dropped": (good[:-(4 + 17 + 8)], "truncated"),
        "cut in the first chunk": (good[:100], "truncated"),
        "header changed": (bytes(created), "fails authentication"),
        "key fingerprint changed": (bytes(fingerprint), "another key"),
        "magic changed": (bytes(magic), "not a nadiya backup archive"),
        "kind of database changed": (bytes(dialect), "fails authentication"),
        "byte appended": (good + b"\0", "data after its end"),
        "empty file": (b"", "not a nadiya backup archive"),
    }
    folder = tempfile.mkdtemp(prefix="nadiya-tampered-", dir=s.tmp)
    for what, (data, says) in variants.items():
        path = os.path.join(folder, "bad.nbk")
        with open(path, "wb") as f:
            f.write(data)
        url, dfolder = fresh_destination(s)
        r = restore(url, s.key, path)
        eq(r.returncode, 1, f"{what}: {r.stdout} {r.stderr}")
        check(says in r.stderr, f"{what}: {says!r} not in {r.stderr}")
        eq(r.stdout, "", f"{what}: printed as if restored:")
        check_untouched(s, url, dfolder)


@test
def wrong_key_is_refused(s):
    other = os.path.join(tempfile.mkdtemp(prefix="nadiya-key-", dir=s.tmp), "other.key")
    eq(run_cli("keygen", other).returncode, 0)
    url, dfolder = fresh_destination(s)
    r = restore(url, other, archive_of(s))
    eq(r.returncode, 1, r.stdout + r.stderr)
    check("made with another key" in r.stderr, r.stderr)
    check_untouched(s, url, dfolder)
    # Backing up with a key that does not belong to the database is refused too.
    r = run_cli("backup", "--db", s.db_url, "--key-file", other, "--out", os.path.join(dfolder, "x.nbk"))
    eq(r.returncode, 2, r.stdout + r.stderr)
    check("does not belong to this database" in r.stderr, r.stderr)
    check_untouched(s, url, dfolder)


@test
def non_empty_destination_is_refused(s):
    # The live database itself.
    r = restore(s.db_url, s.key, archive_of(s))
    eq(r.returncode, 1, r.stdout + r.stderr)
    check("already holds data" in r.stderr, r.stderr)
    # A destination that holds only the empty schema (a server started on it once) is fine.
    url, dfolder = fresh_destination(s)
    eq(run_cli("migrate", "--db", url).returncode, 0)
    r = restore(url, s.key, archive_of(s))
    eq(r.returncode, 0, r.stdout + r.stderr)
    check("audit trail intact" in r.stdout, r.stdout)
    # ... but not a second time.
    r = restore(url, s.key, archive_of(s))
    eq(r.returncode, 1, r.stdout + r.stderr)
    check("already holds data" in r.stderr, r.stderr)
    if not is_pg(s):
        # A file that is not a database at all is not overwritten.
        path = os.path.join(dfolder, "notes.txt")
        with open(path, "w") as f:
            f.write("not a database, and not to be lost\n" * 10)
        r = restore("sqlite:" + path, s.key, archive_of(s))
        eq(r.returncode, 1, r.stdout + r.stderr)
        check("not an SQLite database" in r.stderr, r.stderr)
        eq(open(path).read(), "not a database, and not to be lost\n" * 10)


@test
def other_kind_of_database_is_refused(s):
    if is_pg(s):
        folder = tempfile.mkdtemp(prefix="nadiya-kind-", dir=s.tmp)
        url = "sqlite:" + os.path.join(folder, "x.db")
        expect = "restore it to a postgresql:// URL"
    else:
        folder = None
        url = "postgresql://nobody@127.0.0.1:1/none"
        expect = "restore it to a sqlite:PATH URL"
    r = restore(url, s.key, archive_of(s))
    eq(r.returncode, 1, r.stdout + r.stderr)
    check(expect in r.stderr, r.stderr)
    if folder:
        eq(os.listdir(folder), [])


@test
def backup_never_replaces_what_is_not_an_archive(s):
    folder = tempfile.mkdtemp(prefix="nadiya-out-", dir=s.tmp)
    path = os.path.join(folder, "important.txt")
    with open(path, "w") as f:
        f.write("keep me\n")
    r = backup(s, path)
    eq(r.returncode, 1, r.stdout + r.stderr)
    check("not a nadiya backup archive" in r.stderr, r.stderr)
    eq(open(path).read(), "keep me\n")
    eq(os.listdir(folder), ["important.txt"])
    if not is_pg(s):
        # A typo naming the database itself as the archive.
        db = s.db_url[len("sqlite:"):]
        before = os.path.getsize(db)
        r = backup(s, db)
        eq(r.returncode, 1, r.stdout + r.stderr)
        check(os.path.getsize(db) >= before and open(db, "rb").read(15) == b"SQLite format 3", "database damaged")


@test
def bad_usage(s):
    eq(run_cli("backup", "--db", s.db_url, "--key-file", s.key).returncode, 2)
    eq(run_cli("restore", "--db", s.db_url, "--in", "x.nbk").returncode, 2)
    r = run_cli("restore", "--db", "sqlite:/nonexistent/x.db", "--key-file", "/nonexistent/key", "--in", "x.nbk")
    eq(r.returncode, 2, r.stdout + r.stderr)
    r = run_cli("backup", "--help")
    eq(r.returncode, 0)
    check("--out" in r.stdout, r.stdout)
