"""harness.py — black-box HTTP tests for nadiya (Python standard library only).

A test is a function decorated with @test in a tests/http/test_*.py module.  It
gets a started Server (one per module, fresh temporary database and key) and
uses its helpers.  run.py imports the modules, runs every test, and prints one
line per test and the closing "N passed, N failed".

Environment:
  NADIYA_BIN      binary under test (default build/nadiya)
  NADIYA_TEST_DB  "sqlite" (default) or a postgresql:// URL of a throw-away server
"""
import http.client
import json as jsonlib
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.parse

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("NADIYA_BIN", os.path.join(ROOT, "build", "nadiya"))
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


class Fail(AssertionError):
    pass


def check(cond, msg="check failed"):
    if not cond:
        raise Fail(msg)


def eq(a, b, msg=""):
    if a != b:
        raise Fail(f"{msg} expected {b!r}, got {a!r}")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run_cli(*args, input=None, env=None, timeout=60):
    e = dict(os.environ)
    for k in list(e):
        if k.startswith("NADIYA_") and k not in ("NADIYA_BIN", "NADIYA_TEST_DB"):
            del e[k]
    if env:
        e.update(env)
    return subprocess.run([BIN, *args], input=input, capture_output=True, text=True, env=e, timeout=timeout)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def header_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return jsonlib.loads(self.body)


class Server:
    """One nadiya serve process on a free loopback port with its own database."""

    def __init__(self, extra_args=(), env=None, tmp=None, db_url=None, key=None):
        self.tmp = tmp or tempfile.mkdtemp(prefix="nadiya-http-")
        self.key = key or os.path.join(self.tmp, "key")
        if not os.path.exists(self.key):
            r = run_cli("keygen", self.key)
            check(r.returncode == 0, r.stderr)
        self.db_url = db_url or test_db_url(self.tmp)
        self.port = free_port()
        self.extra_args = list(extra_args)
        self.env = env or {}
        self.proc = None
        self.cookies = {}
        self.start()

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.log_path = os.path.join(self.tmp, f"serve-{self.port}.log")
        self.log = open(self.log_path, "ab")
        env = dict(os.environ)
        env.update(self.env)
        self.proc = subprocess.Popen(
            [BIN, "serve", "--db", self.db_url, "--key-file", self.key,
             "--listen", f"127.0.0.1:{self.port}", "--threads", "2", *self.extra_args],
            stdout=self.log, stderr=self.log, env=env)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise Fail(f"server exited: {self.read_log()[-2000:]}")
            try:
                c = socket.create_connection(("127.0.0.1", self.port), timeout=0.2)
                c.close()
                return
            except OSError:
                time.sleep(0.05)
        raise Fail("server did not start")

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log.close()
        self.proc = None

    def kill(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def cleanup(self):
        self.stop()
        log = self.read_log()
        shutil.rmtree(self.tmp, ignore_errors=True)
        return log

    def request(self, method, path, body=None, headers=None, cookies=True, lang="uk"):
        h = {"Accept-Language": lang} if lang else {}
        if cookies and self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if headers:
            h.update(headers)
        if isinstance(body, dict) and h.get("Content-Type", "").startswith("application/json"):
            body = jsonlib.dumps(body).encode()
        elif isinstance(body, dict):
            body = urllib.parse.urlencode(body).encode()
            h.setdefault("Content-Type", "application/x-www-form-urlencoded")
        elif isinstance(body, str):
            body = body.encode()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        resp = Response(r.status, r.getheaders(), r.read())
        conn.close()
        if cookies:
            for sc in resp.header_all("Set-Cookie"):
                name, _, rest = sc.partition("=")
                value = rest.split(";")[0]
                if "Max-Age=0" in sc:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = value
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def api(self, method, path, body=None, token=None, headers=None):
        h = {"Accept": "application/json"}
        if body is not None:
            h["Content-Type"] = "application/json"
        if token:
            h["Authorization"] = f"Bearer {token}"
        if headers:
            h.update(headers)
        return self.request(method, path, body=body if body is not None else None, headers=h, cookies=False)

    def raw(self, data, read_timeout=5.0):
        """Sends raw bytes on a new connection and returns everything read until close or timeout."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=read_timeout)
        s.sendall(data)
        chunks = []
        try:
            while True:
                c = s.recv(65536)
                if not c:
                    break
                chunks.append(c)
        except socket.timeout:
            pass
        s.close()
        return b"".join(chunks)


def test_db_url(tmp):
    spec = os.environ.get("NADIYA_TEST_DB", "sqlite")
    if spec == "sqlite":
        return "sqlite:" + os.path.join(tmp, "nadiya.db")
    # A postgresql:// URL of a throw-away cluster: each Server gets its own database.
    from pgutil import new_database  # noqa: E402  (tests/http/pgutil.py)
    return new_database(spec)


def tidy_check(html, where=""):
    """Validates an HTML page with tidy: no errors and no warnings."""
    p = subprocess.run(["tidy", "-q", "-e", "--doctype", "html5", "--show-warnings", "yes",
                        "--gnu-emacs", "yes", "-utf8"],
                       input=html if isinstance(html, bytes) else html.encode(), capture_output=True)
    # tidy 5.6 predates ARIA 1.1 and calls aria-current "proprietary"; that one is valid HTML.
    problems = [l for l in p.stderr.decode(errors="replace").splitlines()
                if l.strip() and 'proprietary attribute "aria-current"' not in l]
    if p.returncode == 2 or problems:
        raise Fail(f"tidy rejects {where}: " + "\n".join(problems)[:1500])


def form_value(html, name):
    """Value of the first <input name=NAME value=...> in a page."""
    m = re.search(r'name="%s"[^>]*value="([^"]*)"' % re.escape(name), html)
    if not m:
        m = re.search(r'value="([^"]*)"[^>]*name="%s"' % re.escape(name), html)
    return m.group(1) if m else None


# ---- people and sign-in --------------------------------------------------

import base64
import hashlib
import hmac
import struct

DEFAULT_PASSWORD = "correct horse battery staple 42"


def totp_code(secret_b32, t=None):
    """RFC 6238 code (SHA-1, 30 s, 6 digits), as an authenticator app computes it."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((t if t is not None else time.time()) // 30)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    off = mac[-1] & 15
    return "%06d" % ((struct.unpack(">I", mac[off:off + 4])[0] & 0x7FFFFFFF) % 1000000)


class User:
    def __init__(self, email, password, role, org, totp_secret=None, recovery=None, id=None):
        self.email, self.password, self.role, self.org = email, password, role, org
        self.totp_secret, self.recovery, self.id = totp_secret, list(recovery or []), id
        self._last_step = None

    def second_factor(self):
        """A TOTP code not used before; a recovery code when this step's code was spent."""
        step = int(time.time() // 30)
        if self._last_step != step:
            self._last_step = step
            return totp_code(self.totp_secret)
        return self.recovery.pop()


def cli_env(server):
    return {"NADIYA_DB": server.db_url, "NADIYA_KEY_FILE": server.key}


def add_org(server, code, kind="ngo", region="UA-61", name=None):
    r = run_cli("org", "add", "--code", code, "--name", name or f"Org {code}", "--kind", kind,
                "--region", region, env=cli_env(server))
    check(r.returncode == 0 or "exists" in r.stderr, f"org add {code}: {r.stderr}")


def add_user(server, email, role, org, password=DEFAULT_PASSWORD, name=None):
    """Creates a user with `nadiya user add` (the console path) and parses what it prints."""
    args = ["user", "add", "--email", email, "--org", org, "--role", role, "--password-stdin"]
    if name:
        args += ["--name", name]
    r = run_cli(*args, input=password + "\n", env=cli_env(server))
    check(r.returncode == 0, f"user add {email}: {r.stdout} {r.stderr}")
    m = re.search(r"otpauth://\S+", r.stdout)
    secret = None
    if m:
        q = urllib.parse.parse_qs(urllib.parse.urlparse(m.group(0)).query)
        secret = q["secret"][0]
    codes = re.findall(r"^\s+([a-z2-9]{5}-[a-z2-9]{5})\s*$", r.stdout, re.M)
    mid = re.search(r"created user (\d+)", r.stdout)
    return User(email, password, role, org, secret, codes, int(mid.group(1)) if mid else None)


def api_login(server, user):
    body = {"email": user.email, "password": user.password}
    if user.totp_secret:
        body["totp"] = user.second_factor()
    r = server.api("POST", "/api/v1/sessions", body)
    check(r.status == 201, f"API sign-in of {user.email}: {r.status} {r.text[:300]}")
    return r.json()["token"]


class Browser:
    """A person at a browser: its own cookie jar; forms carry the CSRF token of the page."""

    def __init__(self, server, lang="uk"):
        self.s = server
        self.cookies = {}
        self.lang = lang

    def request(self, method, path, body=None, headers=None):
        saved = self.s.cookies
        self.s.cookies = self.cookies
        try:
            return self.s.request(method, path, body=body, headers=headers, lang=self.lang)
        finally:
            self.cookies = self.s.cookies
            self.s.cookies = saved

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, fields):
        return self.request("POST", path, body=fields)

    def csrf(self, page_path):
        r = self.get(page_path)
        tok = form_value(r.text, "csrf")
        check(tok, f"no CSRF token on {page_path} ({r.status})")
        return tok

    def submit(self, page_path, action_path, fields):
        """GETs the page with the form, then POSTs fields with its CSRF token."""
        f = dict(fields)
        f["csrf"] = self.csrf(page_path)
        return self.post(action_path, f)

    def login(self, user):
        r = self.submit("/signin", "/signin", {"email": user.email, "password": user.password})
        check(r.status == 303, f"sign-in of {user.email}: {r.status} {r.text[:500]}")
        loc = r.header("Location")
        if loc.startswith("/signin/code"):
            r = self.submit("/signin/code", "/signin/code", {"code": user.second_factor()})
            check(r.status == 303, f"second factor of {user.email}: {r.status} {r.text[:500]}")
        return r


# `nadiya serve` on PostgreSQL remembers a session it looked up for up to this many
# seconds (--session-cache-seconds, default 1) when answering page reads: a change
# made by another process reaches them within that time (docs/SECURITY.md).
SESSION_CACHE_SECONDS = 1
# The tables whose rows the session cache holds (the session, its user, the user's
# organization code and unread inbox count: q_sess_get in src/model/session.c).
SESSION_CACHE_TABLES = re.compile(r"\b(sessions|users|organizations|inbox)\b", re.I)


def session_cache_on(server):
    """Whether this server may answer page reads from its session cache."""
    args = server.extra_args
    off = any(a in ("--session-cache-seconds=0",) for a in args) or any(
        a == "--session-cache-seconds" and i + 1 < len(args) and args[i + 1] == "0" for i, a in enumerate(args))
    return server.db_url.startswith("postgres") and not off


def wait_session_cache(server):
    """Waits until a change made behind the server's back (by another process) is
    seen by its page reads too."""
    if session_cache_on(server):
        time.sleep(SESSION_CACHE_SECONDS + 0.2)


def sql(server, query, args=()):
    """Runs SQL directly on a server's database (tests only): sqlite3 for SQLite, psql for
    PostgreSQL.  `?` placeholders; for psql the values are quoted here (ints and plain text).
    This is another process writing: after a write to a table the session cache reads
    from, it waits out the cache (wait_session_cache) so the next request sees it."""
    try:
        return _sql(server, query, args)
    finally:
        if not query.lstrip().upper().startswith("SELECT") and SESSION_CACHE_TABLES.search(query):
            wait_session_cache(server)


def _sql(server, query, args):
    if server.db_url.startswith("sqlite:"):
        import sqlite3
        con = sqlite3.connect(server.db_url[len("sqlite:"):])
        try:
            with con:
                return con.execute(query, args).fetchall()
        finally:
            con.close()
    parts = query.split("?")
    check(len(parts) == len(args) + 1, "placeholder count")
    out = parts[0]
    for a, p in zip(args, parts[1:]):
        out += (str(int(a)) if isinstance(a, int) else "'" + str(a).replace("'", "''") + "'") + p
    r = subprocess.run(["psql", server.db_url, "-qAt", "-F", "\x1f", "-v", "ON_ERROR_STOP=1", "-c", out],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, f"psql: {r.stderr}")
    return [tuple(line.split("\x1f")) for line in r.stdout.splitlines() if line]
