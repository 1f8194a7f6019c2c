"""Foundation: the server, its headers, limits, languages and the CLI contract."""
import os
import socket
import stat
import time

from harness import Server, check, eq, free_port, run_cli, test, tidy_check

SECURITY_HEADERS = {
    "Content-Security-Policy": "frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def setup():
    return Server(extra_args=["--conn-timeout", "2", "--body-max-kib", "16"])


def assert_security_headers(r, where):
    for name, needle in SECURITY_HEADERS.items():
        v = r.header(name)
        check(v is not None and needle in v, f"{where}: header {name} missing or wrong: {v!r}")
    csp = r.header("Content-Security-Policy")
    check("'unsafe-inline'" not in csp and "script-src" not in csp or "'none'" in csp, f"{where}: CSP allows inline")
    check(r.header("X-Request-Id") and len(r.header("X-Request-Id")) == 16, f"{where}: no request id")


@test
def healthz_checks_database(s):
    r = s.get("/healthz")
    eq(r.status, 200)
    eq(r.text, "ok\n")
    assert_security_headers(r, "/healthz")
    eq(r.header("Cache-Control"), "no-store")


@test
def pages_carry_security_headers_and_no_store(s):
    for path in ["/", "/nope", "/lang/xx"]:
        r = s.get(path)
        assert_security_headers(r, path)
        eq(r.header("Cache-Control"), "no-store", f"{path}:")


@test
def start_page_is_ukrainian_by_default_and_valid_html(s):
    r = s.get("/", lang=None)
    eq(r.status, 200)
    check('<html lang="uk">' in r.text, "html lang is not uk")
    check("Надія" in r.text, "no Ukrainian text on the start page")
    tidy_check(r.body, "/")


@test
def accept_language_english(s):
    r = s.get("/", lang="en-GB,en;q=0.9")
    check('<html lang="en">' in r.text, "html lang is not en")
    check("Sign in" in r.text, "no English text")
    eq(r.header("Content-Language"), "en")
    tidy_check(r.body, "/ (en)")


@test
def language_switch_sets_cookie_and_redirects_safely(s):
    r = s.get("/lang/en?next=/healthz", cookies=False)
    eq(r.status, 303)
    eq(r.header("Location"), "/healthz")
    sc = next((c for c in r.header_all("Set-Cookie") if c.startswith("lang=")), None)
    check(sc and sc.startswith("lang=en") and "HttpOnly" in sc and "SameSite=Strict" in sc, sc)
    r = s.get("/", headers={"Cookie": "lang=en"}, lang="uk", cookies=False)
    check('<html lang="en">' in r.text, "cookie did not switch the language")
    r = s.get("/lang/en?next=//evil.example/", cookies=False)
    eq(r.header("Location"), "/", "open redirect:")
    eq(s.get("/lang/de", cookies=False).status, 404)


@test
def static_assets_are_hashed_and_cacheable(s):
    page = s.get("/").text
    import re
    m = re.search(r'href="(/static/style\.[0-9a-f]{10}\.css)"', page)
    check(m, "no hashed stylesheet link")
    r = s.get(m.group(1))
    eq(r.status, 200)
    check(r.header("Content-Type").startswith("text/css"), r.header("Content-Type"))
    check("immutable" in r.header("Cache-Control") and "max-age=31536000" in r.header("Cache-Control"))
    assert_security_headers(r, "stylesheet")
    eq(s.get("/static/style.0000000000.css").status, 404)


@test
def unknown_route_404_and_wrong_method_405(s):
    r = s.get("/no/such/page")
    eq(r.status, 404)
    check("<h1>" in r.text)
    tidy_check(r.body, "404 page")
    r = s.request("DELETE", "/healthz")
    eq(r.status, 405)
    check("GET" in (r.header("Allow") or ""), f"Allow: {r.header('Allow')}")
    tidy_check(r.body, "405 page")


@test
def api_errors_are_json(s):
    r = s.get("/api/v1/nothing-here", headers={"Accept": "application/json"})
    eq(r.status, 404)
    j = r.json()
    check(j["error"]["code"] == "not_found" and j["error"]["message"], j)
    check("field" in j["error"])
    assert_security_headers(r, "api 404")


@test
def keep_alive_two_requests_on_one_connection(s):
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=5)
    f = sock.makefile("rb")
    for i in range(2):
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        status = f.readline()
        check(status.startswith(b"HTTP/1.1 200"), f"request {i}: {status!r}")
        length = None
        while True:
            line = f.readline()
            if line in (b"\r\n", b""):
                break
            k, _, v = line.decode().partition(":")
            if k.lower() == "content-length":
                length = int(v)
            check(not (k.lower() == "connection" and "close" in v.lower()), "server closes the connection")
        f.read(length)
    sock.close()


@test
def two_content_length_headers_rejected(s):
    out = s.raw(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd")
    check(out.startswith(b"HTTP/1.1 400"), out[:200])


@test
def content_length_with_chunked_rejected(s):
    out = s.raw(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    check(out.startswith(b"HTTP/1.1 400"), out[:200])


@test
def body_on_a_bodyless_route_is_refused(s):
    out = s.raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
    check(out.startswith(b"HTTP/1.1 413"), out[:200])


@test
def malformed_path_and_query_are_400(s):
    out = s.raw(b"GET /%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    check(out.startswith(b"HTTP/1.1 400"), out[:200])
    r = s.get("/?a=%ff")
    eq(r.status, 400)
    check("<html" in r.text)


@test
def stalled_client_is_cut_off(s):
    sock = socket.create_connection(("127.0.0.1", s.port), timeout=10)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # never finishes the headers
    t0 = time.time()
    data = b""
    try:
        data = sock.recv(100)
    except (ConnectionResetError, socket.timeout):
        pass
    waited = time.time() - t0
    check(data == b"" and waited < 8, f"connection not closed by timeout (waited {waited:.1f}s, got {data!r})")
    sock.close()


@test
def metrics_in_prometheus_format(s):
    s.get("/healthz")
    r = s.get("/metrics")
    eq(r.status, 200)
    t = r.text
    check('nadiya_http_requests_total{method="GET",route="/healthz",status="200"}' in t, t[:500])
    check("nadiya_http_request_duration_seconds_bucket" in t)
    check("nadiya_http_open_connections" in t)


@test
def access_log_has_no_query_string(s):
    s.get("/?q=Olena+Kovalenko+secret")
    time.sleep(0.2)
    log = s.read_log()
    check("access id=" in log, "no access log line")
    check("Kovalenko" not in log and "secret" not in log, "query string leaked into the log")


# ---- CLI contract -------------------------------------------------------

@test
def cli_help_and_unknown_command(s):
    r = run_cli("--help")
    eq(r.returncode, 0)
    for c in ["serve", "migrate", "keygen", "version"]:
        check(c in r.stdout, f"{c} missing from --help")
    r = run_cli("serve", "--help")
    eq(r.returncode, 0)
    check("--key-file" in r.stdout and "NADIYA_DB" in r.stdout)
    r = run_cli("frobnicate")
    eq(r.returncode, 2)
    eq(len(r.stderr.strip().splitlines()), 1, "one clear line:")
    r = run_cli("version")
    eq(r.returncode, 0)
    check(r.stdout.startswith("nadiya "))


@test
def cli_keygen_mode_and_no_overwrite(s):
    path = os.path.join(s.tmp, "k2")
    r = run_cli("keygen", path)
    eq(r.returncode, 0, r.stderr)
    eq(stat.S_IMODE(os.stat(path).st_mode), 0o600)
    before = open(path).read()
    r = run_cli("keygen", path)
    check(r.returncode != 0, "overwrote a key")
    eq(open(path).read(), before)
    eq(run_cli("keygen").returncode, 2)


@test
def cli_bad_options_exit_2_with_one_line(s):
    for args in (["serve", "--nope"], ["serve", "--db"], ["serve", "--key-file", s.key],
                 ["serve", "--db", "sqlite:" + os.path.join(s.tmp, "x.db")],
                 ["serve", "--db", "sqlite:x", "--key-file", s.key, "--threads", "zero"],
                 ["migrate"], ["migrate", "--listen", "1"]):
        r = run_cli(*args)
        eq(r.returncode, 2, f"{args}: {r.stderr}")
        eq(len(r.stderr.strip().splitlines()), 1, f"{args} one line:")


@test
def cli_refuses_key_readable_by_others(s):
    path = os.path.join(s.tmp, "k3")
    run_cli("keygen", path)
    os.chmod(path, 0o644)
    r = run_cli("serve", "--db", "sqlite:" + os.path.join(s.tmp, "y.db"), "--key-file", path,
                "--listen", f"127.0.0.1:{free_port()}")
    eq(r.returncode, 2)
    check("group or others" in r.stderr, r.stderr)


@test
def cli_migrate_reports_schema_version(s):
    db = "sqlite:" + os.path.join(s.tmp, "m.db")
    r = run_cli("migrate", "--db", db)
    eq(r.returncode, 0, r.stderr)
    check("schema version" in r.stdout, r.stdout)
    r2 = run_cli("migrate", "--db", db)
    check("0 migrations applied" in r2.stdout, r2.stdout)


@test
def serve_from_environment_and_config_file(s):
    port = free_port()
    cfg = os.path.join(s.tmp, "nadiya.ini")
    with open(cfg, "w") as f:
        f.write("[nadiya]\n# comment\nlisten = 127.0.0.1:%d\nthreads = 2\n" % port)
    srv = Server(tmp=s.tmp, key=s.key, db_url="sqlite:" + os.path.join(s.tmp, "cfg.db"),
                 extra_args=["--config", cfg])
    try:
        # --listen on the command line (from Server) wins over the file; the file was read.
        eq(srv.get("/healthz").status, 200)
    finally:
        srv.stop()
    with open(cfg, "w") as f:
        f.write("bogus = 1\n")
    r = run_cli("serve", "--config", cfg)
    eq(r.returncode, 2)
    check("unknown setting" in r.stderr, r.stderr)


@test
def wrong_key_for_database_is_refused(s):
    other = os.path.join(s.tmp, "other-key")
    run_cli("keygen", other)
    r = run_cli("serve", "--db", s.db_url, "--key-file", other, "--listen", f"127.0.0.1:{free_port()}")
    eq(r.returncode, 1)
    check("does not belong to this database" in r.stderr, r.stderr)


@test
def ukrainian_translation_is_complete(s):
    """Every message the code can show has a Ukrainian translation (make pot refreshes po/)."""
    import subprocess
    from harness import ROOT
    pot = subprocess.run(["xgettext", "--from-code=UTF-8", "-k_", "-kN_", "-kngettext:1,2", "-o", "-"]
                         + sorted(str(p) for p in __import__("pathlib").Path(ROOT, "src").rglob("*.c")),
                         capture_output=True, text=True)
    check(pot.returncode == 0, pot.stderr)
    import re
    ids = set(re.findall(r'^msgid "(.+)"$', pot.stdout, re.M))
    po = open(os.path.join(ROOT, "po", "uk.po"), encoding="utf-8").read()
    have = set(re.findall(r'^msgid "(.+)"$', po, re.M))
    # Multi-line msgids: compare their first line only.
    missing = sorted(i for i in ids if i not in have and not any(h.startswith(i) for h in have))
    check(not missing, f"{len(missing)} msgids missing from po/uk.po (run make pot): {missing[:10]}")
    st = subprocess.run(["msgfmt", "--check", "--statistics", "-o", "/dev/null", os.path.join(ROOT, "po", "uk.po")],
                        capture_output=True, text=True)
    check(st.returncode == 0 and "untranslated" not in st.stderr and "fuzzy" not in st.stderr, st.stderr)


@test
def connection_limits_hold_with_the_acceptor(s):
    # nadiya accepts connections itself and hands them to libmicrohttpd: its per-address and total
    # limits must still hold.
    import socket
    srv = Server(tmp=s.tmp, key=s.key, db_url=s.db_url, extra_args=["--max-conns-per-ip", "3", "--threads", "2"])
    try:
        socks = [socket.create_connection(("127.0.0.1", srv.port), timeout=3) for _ in range(5)]
        answered = 0
        for c in socks:
            try:
                c.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                answered += c.recv(4096).startswith(b"HTTP/1.1 200")
            except OSError:
                pass
        # At most 3 (the harness's own readiness check may still hold one while the server is slow,
        # as under ASan); at least one, or nothing was served at all.
        check(1 <= answered <= 3, f"{answered} of 5 connections answered with --max-conns-per-ip 3")
        for c in socks:
            c.close()
        # Once those are closed, new ones are welcome again.
        time.sleep(0.3)
        eq(srv.get("/healthz").status, 200)
    finally:
        srv.stop()
