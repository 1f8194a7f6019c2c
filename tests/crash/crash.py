#!/usr/bin/env python3
"""crash.py — kills `nadiya serve` with SIGKILL in the middle of concurrent writes,
restarts it, and checks that nothing acknowledged was lost and nothing was left
half-written.  Python standard library only; it reuses tests/http/harness.py.

One round:
  1. WRITERS threads write through the API with the admin's bearer token:
     POST /api/v1/orgs with codes that were never used before, and PATCH
     /api/v1/orgs/{code} (a new name_en) of organizations the same thread
     created.  A write counts as acknowledged only when its whole 2xx response
     was read.  Each thread also remembers the one write it had sent but not
     seen answered when the server died (it may or may not have committed).
  2. After a random 20-300 ms the server gets SIGKILL (Server.kill()).
  3. The server is started again on the same database; it recovers it itself.
  4. Checks:
     - SQLite: PRAGMA integrity_check says "ok" and PRAGMA foreign_key_check
       finds nothing (sqlite3 module on the file).  Skipped on PostgreSQL,
       which keeps its own files.
     - every organization created in the round is served by GET
       /api/v1/orgs/{code} with the name_en of its last acknowledged PATCH
       (or of the one in flight, if that committed);
     - in the database, every organization acknowledged in any round is
       there with that name_en, and every organization there was sent by a
       writer (no phantom), its version equals its org_history rows (one
       'create', the rest 'edit') and lies between its acknowledged edits and
       those plus the one in flight, its org_services rows match its services
       column, and its audit entries are one org.create plus one org.edit per
       edit; no audit entry names an organization that is not there: no
       half-written record;
     - the audit chain: `nadiya audit verify` exits 0.
  A round is one test; it passes when every check does.

Environment:
  NADIYA_BIN      binary under test (default build/nadiya)
  NADIYA_TEST_DB  "sqlite" (default) or a postgresql:// URL: SQLite always
                  runs; a postgresql:// URL adds the same rounds on PostgreSQL
  CRASH_ROUNDS    rounds per database (default 50; `make soak` runs 1000)
  CRASH_WRITERS   writer threads (default 4)
  CRASH_SEED      seed of the random delays and operations (default: time)
  CRASH_STORES    "sqlite", "postgresql" or both (default: SQLite, and PostgreSQL
                  when NADIYA_TEST_DB is a URL), e.g. to soak one store

Prints one line per 10 rounds and ends with "N passed, N failed".
"""
import http.client
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "http"))

from harness import Fail, Server, add_org, add_user, api_login, run_cli, test_db_url  # noqa: E402

ROUNDS = int(os.environ.get("CRASH_ROUNDS", "50"))
WRITERS = int(os.environ.get("CRASH_WRITERS", "4"))
SEED = int(os.environ.get("CRASH_SEED", str(int(time.time() * 1000) % 1000000)))
KILL_MIN, KILL_MAX = 0.020, 0.300

HQ = "crash-hq"


class Writer(threading.Thread):
    """One client: creates organizations and edits its own, on one keep-alive connection.

    created:  codes whose create was acknowledged, in order
    acked:    code -> name_en after the last acknowledged write ("" right after the create)
    edits:    code -> acknowledged edits
    pending:  (kind, code, name_en) of the request whose answer never came, or None
    errors:   unexpected answers (any other status, or a failure before the kill began)
    """

    def __init__(self, port, token, tag, rnd, killing):
        super().__init__(daemon=True)
        self.port, self.token, self.tag, self.rnd, self.killing = port, token, tag, rnd, killing
        self.created, self.acked, self.edits = [], {}, {}
        self.pending = None
        self.errors = []
        self.n = 0
        self.conn = None

    def send(self, method, path, body):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        self.conn.request(method, path, body=json.dumps(body).encode(),
                          headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json",
                                   "Content-Type": "application/json"})
        r = self.conn.getresponse()
        payload = r.read()  # acknowledged means the whole response arrived, not just its status line
        return r.status, payload

    def one(self):
        self.n += 1
        if self.created and self.rnd.random() < 0.4:
            code = self.rnd.choice(self.created)
            name = f"Edited {code} {self.n}"
            self.pending = ("edit", code, name)
            status, payload = self.send("PATCH", f"/api/v1/orgs/{code}", {"name_en": name})
            want = 200
        else:
            code, name = f"{self.tag}-{self.n}", ""
            self.pending = ("create", code, name)
            status, payload = self.send("POST", "/api/v1/orgs",
                                        {"code": code, "name_uk": f"Організація {code}", "kind": "ngo",
                                         "region": "UA-61", "services": ["shelter", "legal"]})
            want = 201
        kind = self.pending[0]
        self.pending = None
        if status != want:
            self.errors.append(f"{kind} {code}: HTTP {status} {payload[:200]!r}")
            return
        self.acked[code] = name
        if kind == "create":
            self.created.append(code)
        else:
            self.edits[code] = self.edits.get(code, 0) + 1

    def run(self):
        try:
            while not self.killing.is_set():
                self.one()
        except (OSError, http.client.HTTPException) as e:
            if not self.killing.is_set():
                self.pending = None
                self.errors.append(f"connection failed before the kill: {e!r}")
            # else: the server died under this request, which stays pending
        if self.conn:
            self.conn.close()


class Store:
    """Direct read access to the database under test, for checks the API cannot make."""

    def __init__(self, db_url):
        self.url = db_url
        self.sqlite = db_url.startswith("sqlite:")

    def rows(self, sql):
        if self.sqlite:
            con = sqlite3.connect(self.url[len("sqlite:"):], timeout=30)
            try:
                return [tuple(r) for r in con.execute(sql).fetchall()]
            finally:
                con.close()
        p = subprocess.run(["psql", self.url, "-v", "ON_ERROR_STOP=1", "-qAt", "-F", "\t", "-c", sql],
                           capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise Fail(f"psql failed: {p.stderr.strip()}")
        return [tuple(l.split("\t")) for l in p.stdout.splitlines() if l != ""]

    def integrity(self):
        """Problems found by SQLite's own checks; [] when none (and always on PostgreSQL)."""
        if not self.sqlite:
            return []
        problems = []
        r = self.rows("PRAGMA integrity_check")
        if r != [("ok",)]:
            problems.append(f"integrity_check: {r[:5]}")
        r = self.rows("PRAGMA foreign_key_check")
        if r:
            problems.append(f"foreign_key_check: {r[:5]}")
        return problems


class Mode:
    """One database (SQLite file or PostgreSQL database), one server, all its rounds.

    What the store may hold, per organization code sent in a create:
      names[code]    the name_en values it may have now
      edits[code]    (least, most) edits it may have had: its version is 1 + that
      optional       codes whose create was in flight at a kill: they may be absent
    After every round the state is read back from the store, so an in-flight
    write that did or did not commit is settled before the next round.
    """

    def __init__(self, label, tmp, db_url, rng):
        self.label, self.rng = label, rng
        self.server = Server(extra_args=("--log-level", "warn"), tmp=tmp, db_url=db_url)
        self.store = Store(self.server.db_url)
        add_org(self.server, HQ, name="Crash HQ")
        admin = add_user(self.server, f"admin@{label}.crash.example", "admin", HQ)
        # One sign-in for the whole run: sessions live in the database, so the
        # token outlives every restart, and a TOTP step can be spent only once.
        self.token = api_login(self.server, admin)
        self.names, self.edits, self.optional = {}, {}, set()
        self.acked_total = self.inflight_total = 0

    def write_and_kill(self, n):
        """Writers against the server until it is killed; returns (problems, codes acknowledged now)."""
        s = self.server
        killing = threading.Event()
        writers = [Writer(s.port, self.token, f"{self.label[0]}{n}-w{i}", random.Random(self.rng.random()),
                          killing) for i in range(WRITERS)]
        for w in writers:
            w.start()
        time.sleep(self.rng.uniform(KILL_MIN, KILL_MAX))
        # No writer starts a request from here on; those in flight die with the server.
        killing.set()
        s.kill()
        problems, fresh = [], []
        for w in writers:
            w.join(30)
            if w.is_alive():
                problems.append(f"writer {w.tag} still running 30 s after the kill")
            problems += [f"writer {w.tag}: {e}" for e in w.errors]
            for code in w.created:
                self.names[code] = {""}
                self.edits[code] = (0, 0)
                fresh.append(code)
            for code, k in w.edits.items():
                lo, hi = self.edits[code]
                self.edits[code] = (lo + k, hi + k)
            for code, name in w.acked.items():
                self.names[code] = {name}
            self.acked_total += len(w.created) + sum(w.edits.values())
            if w.pending:
                self.inflight_total += 1
                kind, code, name = w.pending
                if kind == "create":
                    self.names[code] = {""}
                    self.edits[code] = (0, 0)
                    self.optional.add(code)
                else:
                    self.names[code] = self.names[code] | {name}
                    lo, hi = self.edits[code]
                    self.edits[code] = (lo, hi + 1)
        return problems, fresh

    def restart_and_check(self, fresh):
        """Restarts the server and checks everything; returns (problems, server_dead)."""
        s = self.server
        try:
            s.start()
        except Fail as e:
            return [f"server did not restart: {e}"], True
        problems = self.store.integrity()

        # Every organization acknowledged in this round, through the API.
        api = http.client.HTTPConnection("127.0.0.1", s.port, timeout=15)
        try:
            for code in fresh:
                api.request("GET", f"/api/v1/orgs/{code}",
                            headers={"Authorization": f"Bearer {self.token}", "Accept": "application/json"})
                r = api.getresponse()
                body = r.read()
                if r.status != 200:
                    problems.append(f"acknowledged {code}: GET answers {r.status} {body[:200]!r}")
                    continue
                got = json.loads(body).get("name_en", "")
                if got not in self.names[code]:
                    problems.append(f"acknowledged {code}: name_en {got!r}, expected one of "
                                    f"{sorted(self.names[code])}")
        finally:
            api.close()

        # Every record in the store, whole: the row, its history, its services and its audit entries.
        # Aggregated in SQL: the store grows by ~100 records a round, and `make soak` runs 1000 rounds.
        orgs = self.store.rows("SELECT id, code, name_en, version, services FROM organizations")
        hist = {}  # org id -> (rows, 'create' rows, 'edit' rows)
        for org_id, n, creates, edits in self.store.rows(
                "SELECT org_id, count(*),"
                " sum(CASE WHEN change LIKE '%\"action\":\"create\"%' THEN 1 ELSE 0 END),"
                " sum(CASE WHEN change LIKE '%\"action\":\"edit\"%' THEN 1 ELSE 0 END)"
                " FROM org_history GROUP BY org_id"):
            hist[str(org_id)] = (int(n), int(creates), int(edits))
        svc = {str(org_id): int(n) for org_id, n in
               self.store.rows("SELECT org_id, count(*) FROM org_services GROUP BY org_id")}
        # A service row the services column does not name (with the count equal, the sets are).
        stray = self.store.rows(
            "SELECT o.code, s.service FROM org_services s JOIN organizations o ON o.id = s.org_id"
            " WHERE ',' || o.services || ',' NOT LIKE '%,' || s.service || ',%'")
        if stray:
            problems.append(f"org_services rows their organization does not name: {stray[:10]}")
        aud = {}
        for object_id, action, count in self.store.rows(
                "SELECT object_id, action, count(*) FROM audit_log"
                " WHERE object_type = 'organization' AND outcome = 'ok' GROUP BY object_id, action"):
            aud.setdefault(object_id, {})[action] = int(count)
        seen = {}
        for org_id, code, name_en, version, services in orgs:
            org_id, version = str(org_id), int(version)
            seen[code] = (name_en, version)
            if code == HQ:
                continue
            if code not in self.names:
                problems.append(f"{code}: in the store but never sent (phantom record)")
                continue
            rows, creates, edits = hist.get(org_id, (0, 0, 0))
            if creates != 1 or creates + edits != rows:
                problems.append(f"{code}: {rows} history rows, {creates} 'create' and {edits} 'edit'")
            if rows != version:
                problems.append(f"{code}: version {version} but {rows} history rows")
            lo, hi = self.edits[code]
            if not 1 + lo <= version <= 1 + hi:
                problems.append(f"{code}: version {version}, expected {1 + lo}..{1 + hi}")
            if name_en not in self.names[code]:
                problems.append(f"{code}: name_en {name_en!r}, expected one of {sorted(self.names[code])}")
            want_svc = len([x for x in services.split(",") if x])
            if svc.get(org_id, 0) != want_svc:
                problems.append(f"{code}: services {services!r} but {svc.get(org_id, 0)} org_services rows")
            a = aud.get(code, {})
            if a.get("org.create", 0) != 1 or a.get("org.edit", 0) != edits or set(a) - {"org.create", "org.edit"}:
                problems.append(f"{code}: audit entries {a} for {creates} create and {edits} edit history rows")
        orphans = [c for c in aud if c not in seen]
        if orphans:
            problems.append(f"audit entries for organizations not in the store: {orphans[:10]}")
        missing = [c for c in self.names if c not in seen and c not in self.optional]
        if missing:
            problems.append(f"acknowledged but missing from the store: {missing[:10]} ({len(missing)} in all)")

        r = run_cli("audit", "verify", "--db", s.db_url, "--key-file", s.key, timeout=300)
        if r.returncode != 0:
            problems.append(f"audit verify exits {r.returncode}: {(r.stdout + r.stderr).strip()[:300]}")

        # Settle what the in-flight writes did, so the next round expects exactly that.
        for code in list(self.names):
            if code in seen:
                name_en, version = seen[code]
                self.names[code] = {name_en}
                self.edits[code] = (version - 1, version - 1)
            elif code in self.optional:
                del self.names[code], self.edits[code]  # never committed: a later appearance is a phantom
        self.optional.clear()
        return problems, False


def run_mode(label, make_db, rng, counts):
    """All rounds on one database; counts is [passed, failed], updated in place."""
    print(f"== {label}: {ROUNDS} rounds, {WRITERS} writers, SIGKILL {int(KILL_MIN * 1000)}-"
          f"{int(KILL_MAX * 1000)} ms after the writes begin, seed {SEED}", flush=True)
    tmp = tempfile.mkdtemp(prefix=f"nadiya-crash-{label}-")
    try:
        m = Mode(label, tmp, make_db(tmp), rng)
    except Exception:  # noqa: BLE001 — without a server no round can run: each one fails
        print(f"FAIL {label}: setup: {traceback.format_exc()}", flush=True)
        counts[1] += ROUNDS
        shutil.rmtree(tmp, ignore_errors=True)
        return
    t0 = time.time()
    first = 1
    block = [0, 0]
    acked0 = inflight0 = 0
    dead = False
    try:
        for n in range(1, ROUNDS + 1):
            if dead:
                problems = ["not run: the server did not restart"]
            else:
                try:
                    problems, fresh = m.write_and_kill(n)
                    more, dead = m.restart_and_check(fresh)
                    problems += more
                except Exception:  # noqa: BLE001 — an error in the test fails the round, with its trace
                    problems = ["test error: " + traceback.format_exc()]
            if problems:
                counts[1] += 1
                block[1] += 1
                if not dead or problems[0].startswith("server"):
                    print(f"FAIL {label} round {n}:", flush=True)
                    for p in problems[:20]:
                        print(f"  {p}", flush=True)
                    if len(problems) > 20:
                        print(f"  ... and {len(problems) - 20} more", flush=True)
            else:
                counts[0] += 1
                block[0] += 1
            if n % 10 == 0 or n == ROUNDS:
                print(f"{label} rounds {first}-{n}: {block[0]} passed, {block[1]} failed; "
                      f"{m.acked_total - acked0} writes acknowledged, {m.inflight_total - inflight0} in flight "
                      f"at the kills; {len(m.names)} organizations; {time.time() - t0:.1f} s", flush=True)
                first, block = n + 1, [0, 0]
                acked0, inflight0 = m.acked_total, m.inflight_total
    finally:
        m.server.stop()
        log = m.server.read_log()
        if "AddressSanitizer" in log or "runtime error" in log or " level=error" in log:
            print(f"{label} server log (tail):\n{log[-3000:]}", flush=True)
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    rng = random.Random(SEED)
    counts = [0, 0]
    spec = os.environ.get("NADIYA_TEST_DB", "sqlite")
    pg = spec.startswith(("postgresql://", "postgres://"))
    stores = os.environ.get("CRASH_STORES", "sqlite postgresql" if pg else "sqlite").split()
    unknown = [x for x in stores if x not in ("sqlite", "postgresql")]
    if unknown or not stores:
        print(f"crash.py: CRASH_STORES must name sqlite and/or postgresql, got {unknown or stores}", flush=True)
        return 2
    if "sqlite" in stores:
        run_mode("sqlite", lambda tmp: "sqlite:" + os.path.join(tmp, "nadiya.db"), rng, counts)
    if "postgresql" in stores:
        if not pg:
            print("crash.py: CRASH_STORES names postgresql, but NADIYA_TEST_DB is not a postgresql:// URL",
                  flush=True)
            return 2
        run_mode("postgresql", test_db_url, rng, counts)
    print(f"{counts[0]} passed, {counts[1]} failed", flush=True)
    return 0 if counts[1] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
