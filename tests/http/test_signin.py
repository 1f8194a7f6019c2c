"""Sign-in: passwords, second factor, recovery codes, lockout, sessions, CSRF, re-authentication."""
import re
import time

from harness import (Browser, Server, add_org, add_user, api_login, check, eq, form_value, test,
                     tidy_check, totp_code, sql, run_cli, DEFAULT_PASSWORD)


def setup():
    s = Server()
    add_org(s, "revival-ternopil", "ngo", "UA-61")
    add_org(s, "hope-lviv", "ngo", "UA-46")
    s.cw = add_user(s, "caseworker@example.org", "caseworker", "revival-ternopil")
    s.mgr = add_user(s, "manager@example.org", "manager", "revival-ternopil")
    return s


@test
def signin_page_is_valid_in_both_languages(s):
    for lang in ("uk", "en"):
        b = Browser(s, lang)
        r = b.get("/signin")
        eq(r.status, 200)
        tidy_check(r.body, f"/signin ({lang})")
        check(form_value(r.text, "csrf"), "sign-in form has no CSRF token")
    check("Увійти" in Browser(s, "uk").get("/signin").text)


@test
def password_signin_without_second_factor(s):
    b = Browser(s)
    r = b.login(s.cw)
    eq(r.header("Location"), "/")
    sc = [c for c in r.header_all("Set-Cookie") if c.startswith("sid=")][0]
    for attr in ("HttpOnly", "SameSite=Strict", "Path=/"):
        check(attr in sc, f"session cookie lacks {attr}: {sc}")
    r = b.get("/account")
    eq(r.status, 200)
    check("caseworker@example.org" in r.text)
    tidy_check(r.body, "/account")


@test
def manager_needs_totp_and_each_code_works_once(s):
    b = Browser(s)
    r = b.submit("/signin", "/signin", {"email": s.mgr.email, "password": s.mgr.password})
    eq(r.status, 303)
    check(r.header("Location").startswith("/signin/code"), r.header("Location"))
    # Before the code, nothing else is reachable.
    r = b.get("/account")
    eq(r.status, 303)
    check(r.header("Location").startswith("/signin/code"))
    page = b.get("/signin/code")
    tidy_check(page.body, "/signin/code")
    code = totp_code(s.mgr.totp_secret)
    s.mgr._last_step = int(time.time() // 30)
    r = b.submit("/signin/code", "/signin/code", {"code": code})
    eq(r.status, 303)
    eq(b.get("/account").status, 200)
    # The same code again, in another browser: refused.
    b2 = Browser(s)
    b2.submit("/signin", "/signin", {"email": s.mgr.email, "password": s.mgr.password})
    r = b2.submit("/signin/code", "/signin/code", {"code": code})
    eq(r.status, 401, "a TOTP code was accepted twice:")
    # A recovery code works, once.
    rc = s.mgr.recovery.pop()
    r = b2.submit("/signin/code", "/signin/code", {"code": rc.upper()})
    eq(r.status, 303, "recovery code refused:")
    b3 = Browser(s)
    b3.submit("/signin", "/signin", {"email": s.mgr.email, "password": s.mgr.password})
    r = b3.submit("/signin/code", "/signin/code", {"code": rc})
    eq(r.status, 401, "a recovery code was accepted twice:")


@test
def no_user_enumeration(s):
    b = Browser(s)
    t0 = time.time()
    r1 = b.submit("/signin", "/signin", {"email": "nobody@example.org", "password": "wrong password here"})
    t1 = time.time()
    r2 = b.submit("/signin", "/signin", {"email": s.cw.email, "password": "wrong password here"})
    t2 = time.time()
    eq(r1.status, r2.status)
    m1 = re.search(r'class="notice error"[^>]*><p>([^<]*)', r1.text).group(1)
    m2 = re.search(r'class="notice error"[^>]*><p>([^<]*)', r2.text).group(1)
    eq(m1, m2, "different messages for unknown and known users:")
    a, k = t1 - t0, t2 - t1
    check(a > 0.02 and k > 0.02 and max(a, k) / min(a, k) < 5, f"timing differs: {a:.3f}s vs {k:.3f}s")
    r = s.api("POST", "/api/v1/sessions", {"email": "nobody@example.org", "password": "x" * 12})
    r2 = s.api("POST", "/api/v1/sessions", {"email": s.cw.email, "password": "x" * 12})
    eq((r.status, r.json()["error"]["message"]), (r2.status, r2.json()["error"]["message"]))


@test
def lockout_after_repeated_failures(s):
    u = add_user(s, "locked@example.org", "caseworker", "hope-lviv")
    b = Browser(s)
    statuses = [b.submit("/signin", "/signin", {"email": u.email, "password": "not the password"}).status
                for _ in range(6)]
    check(429 in statuses, f"no lockout: {statuses}")
    r = b.submit("/signin", "/signin", {"email": u.email, "password": u.password})
    eq(r.status, 429, "the right password got in during the lockout:")
    check(r.header("Retry-After"), "no Retry-After")
    # Other accounts are not affected.
    eq(Browser(s).login(s.cw).status, 303)
    r = s.api("POST", "/api/v1/sessions", {"email": u.email, "password": u.password})
    eq(r.status, 429)


@test
def csrf_token_required_on_forms(s):
    b = Browser(s)
    b.login(s.cw)
    r = b.post("/account/language", {"lang": "en"})
    eq(r.status, 403)
    r = b.post("/account/language", {"lang": "en", "csrf": "0" * 64})
    eq(r.status, 403)
    r = b.submit("/account", "/account/language", {"lang": "en"})
    eq(r.status, 303)
    r = b.get("/account")
    check('<html lang="en">' in r.text, "saved language not applied")
    b.submit("/account", "/account/language", {"lang": ""})
    # Sign-in itself is protected by the pre-session token.
    r = Browser(s).post("/signin", {"email": s.cw.email, "password": s.cw.password})
    eq(r.status, 403)


@test
def session_idle_and_absolute_expiry(s):
    b = Browser(s)
    b.login(s.cw)
    eq(b.get("/account").status, 200)
    sql(s, "UPDATE sessions SET last_seen_at = last_seen_at - 16*60 WHERE user_id = ?", (s.cw.id,))
    r = b.get("/account")
    eq(r.status, 303, "idle session still valid:")
    check(r.header("Location").startswith("/signin?next="))
    b.login(s.cw)
    sql(s, "UPDATE sessions SET expires_at = ? WHERE user_id = ?", (int(time.time()) - 1, s.cw.id))
    eq(b.get("/account").status, 303, "expired session still valid:")


@test
def new_session_id_at_signin_and_signout_everywhere(s):
    b1, b2 = Browser(s), Browser(s)
    b1.get("/signin")
    b1.login(s.cw)
    b2.login(s.cw)
    check(b1.cookies["sid"] != b2.cookies["sid"])
    token = api_login(s, s.cw)
    eq(s.api("GET", "/api/v1/me", token=token).status, 200)
    r = b1.submit("/account", "/signout", {"everywhere": "1"})
    eq(r.status, 303)
    eq(b2.get("/account").status, 303, "other session survived sign-out everywhere:")
    eq(s.api("GET", "/api/v1/me", token=token).status, 401, "API token survived sign-out everywhere:")


@test
def api_sessions(s):
    token = api_login(s, s.cw)
    r = s.api("GET", "/api/v1/me", token=token)
    eq(r.status, 200)
    j = r.json()
    eq((j["email"], j["role"], j["org"]), (s.cw.email, "caseworker", "revival-ternopil"))
    check(r.header("Cache-Control") == "no-store")
    # A bearer token is not a cookie and the reverse.
    eq(s.get("/account", headers={"Cookie": "sid=" + token}, cookies=False).status, 303)
    eq(s.api("DELETE", "/api/v1/sessions/current", token=token).status, 204)
    eq(s.api("GET", "/api/v1/me", token=token).status, 401)
    # Managers must send the TOTP code.
    r = s.api("POST", "/api/v1/sessions", {"email": s.mgr.email, "password": s.mgr.password})
    eq(r.status, 401)
    eq(s.api("GET", "/api/v1/me", token=api_login(s, s.mgr)).status, 200)
    # Bad bodies.
    eq(s.api("POST", "/api/v1/sessions", {"email": s.cw.email}).status, 422)
    r = s.request("POST", "/api/v1/sessions", body="{not json", headers={"Content-Type": "application/json"},
                  cookies=False)
    eq(r.status, 400)
    check(r.json()["error"]["message"])
    eq(s.api("POST", "/api/v1/sessions", {"email": s.cw.email, "password": "x", "extra": 1}).status, 400)


@test
def oversized_and_malformed_bodies(s):
    r = s.request("POST", "/api/v1/sessions", body="{" + " " * 20000 + "}",
                  headers={"Content-Type": "application/json"}, cookies=False)
    eq(r.status, 413)
    r = s.request("POST", "/signin", body="email=%zz", headers={"Content-Type": "application/x-www-form-urlencoded"})
    eq(r.status, 400)
    check("<html" in r.text)
    r = s.request("POST", "/api/v1/sessions", body="email=a", headers={"Content-Type": "text/plain"}, cookies=False)
    eq(r.status, 415)


@test
def enrolment_required_for_all_when_configured(s):
    srv = Server(tmp=s.tmp, key=s.key, db_url=s.db_url, extra_args=["--require-2fa-all"])
    try:
        b = Browser(srv)
        r = b.submit("/signin", "/signin", {"email": s.cw.email, "password": s.cw.password})
        eq(r.header("Location"), "/account/2fa")
        eq(b.get("/account").status, 303)
        page = b.get("/account/2fa")
        eq(page.status, 200)
        tidy_check(page.body, "/account/2fa")
        check("<svg" in page.text, "no QR code")
        secret = re.search(r'<p class="mono">([A-Z2-7]+)</p>', page.text).group(1)
        r = b.submit("/account/2fa", "/account/2fa", {"code": "000000"})
        eq(r.status, 422)
        page = b.get("/account/2fa")
        secret = re.search(r'<p class="mono">([A-Z2-7]+)</p>', page.text).group(1)
        r = b.post("/account/2fa", {"code": totp_code(secret), "csrf": form_value(page.text, "csrf")})
        eq(r.status, 200)
        codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", r.text)
        eq(len(codes), 10)
        eq(b.get("/account").status, 200)
    finally:
        srv.stop()


@test
def password_change_and_reauth(s):
    u = add_user(s, "changer@example.org", "caseworker", "hope-lviv")
    b = Browser(s)
    b.login(u)
    r = b.submit("/account", "/account/password", {"current": u.password, "new": "password1234"})
    eq(r.status, 422)
    check("common" in r.text or "поширених" in r.text, "common password not refused clearly")
    r = b.submit("/account", "/account/password", {"current": "wrong one entirely", "new": "a much better pass 9"})
    eq(r.status, 422)
    r = b.submit("/account", "/account/password", {"current": u.password, "new": "a much better pass 9"})
    eq(r.status, 303)
    u.password = "a much better pass 9"
    eq(Browser(s).login(u).status, 303)
    r = b.submit("/reauth", "/reauth", {"password": "wrong wrong wrong"})
    eq(r.status, 401)
    r = b.submit("/reauth?next=/account", "/reauth", {"password": u.password, "next": "/account"})
    eq(r.status, 303)
    eq(r.header("Location"), "/account")


@test
def parallel_guesses_are_bounded_by_the_lock(s):
    # Guesses sent at once must not all pass the lock check before any is counted:
    # the failure is reserved before the hash.  A server with many hashing slots.
    from concurrent.futures import ThreadPoolExecutor
    u = add_user(s, "burst@example.org", "caseworker", "hope-lviv")
    sql(s, "DELETE FROM signin_throttle")
    srv = Server(tmp=s.tmp, key=s.key, db_url=s.db_url,
                 extra_args=["--threads", "16", "--hash-concurrency", "8"])
    try:
        def guess(i):
            return srv.api("POST", "/api/v1/sessions", {"email": u.email, "password": f"wrong guess {i:04d}"}).status
        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(guess, range(32)))
        tried = statuses.count(401)
        check(429 in statuses, f"no lockout: {statuses}")
        check(tried <= 5, f"{tried} guesses were tried against an account that locks after 5: {statuses}")
        eq(srv.api("POST", "/api/v1/sessions", {"email": u.email, "password": u.password}).status, 429)
    finally:
        srv.stop()
        sql(s, "DELETE FROM signin_throttle")


@test
def sign_ins_whose_clients_hung_up_are_not_hashed(s):
    # Sign-ins queued for the slow lane whose clients closed the connection are dropped unhashed:
    # a flood that gives up must not keep the cores busy for seconds afterwards.
    import json
    import socket
    u = add_user(s, "quitter@example.org", "caseworker", "hope-lviv")
    srv = Server(tmp=s.tmp, key=s.key, db_url=s.db_url, extra_args=["--hash-concurrency", "1"])
    try:
        body = json.dumps({"email": u.email, "password": u.password}).encode()
        req = (b"POST /api/v1/sessions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
               b"Accept: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        socks = []
        for _ in range(24):
            c = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
            c.sendall(req)
            socks.append(c)
        for c in socks:
            c.close()
        def abandoned():
            m = re.search(r"^nadiya_slow_lane_abandoned_total (\d+)$", srv.get("/metrics").text, re.M)
            check(m, "no nadiya_slow_lane_abandoned_total in /metrics")
            return int(m.group(1))
        deadline = time.monotonic() + 20
        while abandoned() < 12 and time.monotonic() < deadline:
            time.sleep(0.2)
        check(abandoned() >= 12, f"only {abandoned()} of 24 abandoned sign-ins were dropped")
        # Whoever is still connected is answered, and promptly.
        t0 = time.monotonic()
        eq(srv.api("POST", "/api/v1/sessions", {"email": u.email, "password": u.password}).status, 201)
        check(time.monotonic() - t0 < 5, f"the sign-in took {time.monotonic() - t0:.1f} s")
    finally:
        srv.stop()


@test
def the_timer_sweeps_expired_sessions_and_stale_throttle_rows(s):
    # Rows that can no longer mean anything go, with the client addresses they hold; live ones stay.
    u = add_user(s, "sweep@example.org", "caseworker", "hope-lviv")
    token = api_login(s, u)
    now = int(time.time())
    cols = "(id_hash, user_id, kind, state, created_at, last_seen_at, expires_at, reauth_at, client_ip)"
    sql(s, f"INSERT INTO sessions {cols} VALUES ('sweep-expired', ?, 'web', 'full', ?, ?, ?, 0, '192.0.2.1')",
        (u.id, now - 7200, now - 60, now - 1))
    sql(s, f"INSERT INTO sessions {cols} VALUES ('sweep-idle', ?, 'web', 'full', ?, ?, ?, 0, '192.0.2.2')",
        (u.id, now - 86400, now - 86400, now + 86400))
    sql(s, "INSERT INTO signin_throttle (key, failures, last_failure_at, locked_until) VALUES"
           " ('i:192.0.2.3', 3, ?, 0), ('i:192.0.2.4', 30, ?, ?), ('i:192.0.2.5', 2, ?, 0)",
        (now - 7200, now - 7200, now + 600, now - 10))
    srv = Server(tmp=s.tmp, key=s.key, db_url=s.db_url, extra_args=["--timer-seconds", "1"])
    try:
        deadline = time.monotonic() + 10
        def left():
            return {r[0] for r in sql(s, "SELECT id_hash FROM sessions WHERE id_hash LIKE 'sweep-%'")}
        while left() and time.monotonic() < deadline:
            time.sleep(0.2)
        eq(left(), set(), "expired and idle sessions left:")
        keys = {r[0] for r in sql(s, "SELECT key FROM signin_throttle WHERE key LIKE 'i:192.0.2.%'")}
        eq(keys, {"i:192.0.2.4", "i:192.0.2.5"}, "throttle rows after the sweep (locked and recent stay):")
        eq(srv.api("GET", "/api/v1/me", token=token).status, 200, "a live session after the sweep:")
    finally:
        srv.stop()
        sql(s, "DELETE FROM signin_throttle WHERE key LIKE 'i:192.0.2.%'")


def _refused_in_audit(s, email):
    """(entries, attempts) of the 'locked' audit entries for email: an entry covers 1 or attempts=N."""
    rows = sql(s, "SELECT detail FROM audit_log WHERE action = 'signin' AND outcome = 'locked' AND actor_label = ?",
               (email,))
    total = 0
    for (detail,) in rows:
        m = re.search(r"attempts=(\d+)", detail)
        total += int(m.group(1)) if m else 1
    return len(rows), total


@test
def a_flood_of_refusals_is_audited_counted_not_one_by_one(s):
    # A locked account hammered: every refused attempt is in the audit, counted, but in at most one
    # entry per second -- and the count of the last second is written by the timer or at shutdown.
    u = add_user(s, "flooded@example.org", "caseworker", "hope-lviv")
    sql(s, "DELETE FROM signin_throttle")
    srv = Server(tmp=s.tmp, key=s.key, db_url=s.db_url)
    try:
        for i in range(5):
            eq(srv.api("POST", "/api/v1/sessions", {"email": u.email, "password": f"wrong {i}"}).status, 401)
        n = 0
        t0 = time.monotonic()
        while time.monotonic() - t0 < 1.5 or n < 40:
            eq(srv.api("POST", "/api/v1/sessions", {"email": u.email, "password": "still wrong"}).status, 429)
            n += 1
        # The timer writes what is pending within about a second.
        deadline = time.monotonic() + 5
        while _refused_in_audit(s, u.email)[1] < n and time.monotonic() < deadline:
            time.sleep(0.2)
        entries, total = _refused_in_audit(s, u.email)
        eq(total, n, "refused attempts in the audit:")
        check(entries < n and entries <= 2 + int(time.monotonic() - t0) + 1,
              f"{entries} audit entries for {n} refusals in {time.monotonic() - t0:.1f} s")
        # Refusals answered just before a shutdown reach the audit too.
        for _ in range(7):
            eq(srv.api("POST", "/api/v1/sessions", {"email": u.email, "password": "again"}).status, 429)
        srv.stop()
        eq(_refused_in_audit(s, u.email)[1], n + 7, "after shutdown:")
        r = run_cli("audit", "verify", "--db", s.db_url, "--key-file", s.key)
        eq(r.returncode, 0, r.stdout + r.stderr)
    finally:
        srv.stop()
        sql(s, "DELETE FROM signin_throttle")


@test
def signin_attempts_are_audited(s):
    rows = sql(s, "SELECT action, outcome FROM audit_log WHERE action LIKE 'signin%'")
    outcomes = {o for _, o in rows}
    check({"ok", "failed"} <= outcomes, f"audit outcomes: {outcomes}")
    text = " ".join(str(x) for row in sql(s, "SELECT * FROM audit_log") for x in row)
    check(DEFAULT_PASSWORD not in text, "a password reached the audit trail")
