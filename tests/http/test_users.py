"""Users: `nadiya user add|list|...`, the /users pages and /api/v1/users.

Accounts are made through the console as an operator would (add_user), then
managed by an administrator through the pages and the API.  Every page is
checked with tidy.
"""
import re
import sqlite3
import subprocess
import time
import urllib.parse

from harness import (DEFAULT_PASSWORD, Browser, Server, add_org, add_user, api_login, check, cli_env, eq,
                     form_value, run_cli, test, tidy_check, totp_code, SESSION_CACHE_TABLES,
                     wait_session_cache)

WEAK = "password1234"      # long enough, but on the common list
STRONG = "a quiet river at dawn 7"


class Ctx:
    """One server for the module, with an administrator (browser and API) and a few accounts."""

    def __init__(self):
        self.s = Server()
        add_org(self.s, "ngo-a", name="Org A")
        add_org(self.s, "ngo-b", name="Org B")
        self.admin = add_user(self.s, "admin@a.example.org", "admin", "ngo-a", name="Адміністраторка")
        self.manager = add_user(self.s, "manager@a.example.org", "manager", "ngo-a")
        self.worker = add_user(self.s, "worker@a.example.org", "caseworker", "ngo-a", name="Олена Коваль")
        self.other = add_user(self.s, "worker@b.example.org", "caseworker", "ngo-b")
        # The API takes TOTP codes only (no recovery codes): sign in there first, then in the browser.
        self.token = api_token(self.s, self.admin)
        self.browser = Browser(self.s)
        self.browser.login(self.admin)


def setup():
    return Ctx()


def teardown(ctx):
    return ctx.s.cleanup()


def sql(s, query, params=()):
    """Runs one statement on the server's database (SQLite file or PostgreSQL) and returns the rows."""
    if s.db_url.startswith("sqlite:"):
        con = sqlite3.connect(s.db_url[len("sqlite:"):], timeout=10)
        try:
            rows = con.execute(query, params).fetchall()
            con.commit()
            return rows
        finally:
            con.close()
    for p in params:
        lit = str(p) if isinstance(p, int) else "'" + str(p).replace("'", "''") + "'"
        query = query.replace("?", lit, 1)
    p = subprocess.run(["psql", s.db_url, "-v", "ON_ERROR_STOP=1", "-qAt", "-F", "\t", "-c", query],
                       capture_output=True, text=True, timeout=60)
    check(p.returncode == 0, p.stderr)
    if SESSION_CACHE_TABLES.search(query) and not query.lstrip().upper().startswith("SELECT"):
        wait_session_cache(s)  # another process's write: see harness.sql
    return [tuple(line.split("\t")) for line in p.stdout.splitlines() if line]


def fresh_totp(user):
    """A TOTP code from a step not used yet (waits for the next step when this one was spent)."""
    step = int(time.time() // 30)
    if user._last_step == step:
        time.sleep((step + 1) * 30 - time.time() + 0.2)
        step = int(time.time() // 30)
    user._last_step = step
    return totp_code(user.totp_secret)


def api_token(s, user):
    """A bearer token; with a fresh TOTP code for accounts with a second factor."""
    body = {"email": user.email, "password": user.password}
    if user.totp_secret:
        body["totp"] = fresh_totp(user)
    r = s.api("POST", "/api/v1/sessions", body)
    check(r.status == 201, f"API sign-in of {user.email}: {r.status} {r.text[:300]}")
    return r.json()["token"]


def set_reauth(s, user_id, ago):
    """Pretends the user's sessions confirmed the password `ago` seconds ago."""
    sql(s, "UPDATE sessions SET reauth_at = ? WHERE user_id = ?", (int(time.time()) - ago, user_id))


def cli_add(s, *args, password=DEFAULT_PASSWORD):
    return run_cli("user", "add", *args, input=password + "\n" if password is not None else "", env=cli_env(s))


def user_id_from(location):
    m = re.match(r"^/users/(\d+)\?done=", location or "")
    check(m, f"unexpected Location {location!r}")
    return int(m.group(1))


def page(b, path, status=200):
    r = b.get(path)
    eq(r.status, status, f"GET {path}:")
    tidy_check(r.body, path)
    return r


# ---- the console -------------------------------------------------------------

@test
def user_add_prints_the_contract(ctx):
    s = ctx.s
    r = cli_add(s, "--email", "Second.Admin@A.example.org", "--org", "ngo-a", "--role", "admin", "--password-stdin")
    eq(r.returncode, 0, r.stderr)
    lines = r.stdout.split("\n")
    check(re.fullmatch(r"created user \d+ \(second\.admin@a\.example\.org, admin, ngo-a\)", lines[0]), lines[0])
    check(lines[1].startswith("otpauth://totp/") and "secret=" in lines[1], lines[1])
    eq(lines[2], "Recovery codes (each works once):")
    codes = lines[3:13]
    check(all(re.fullmatch(r"  [a-z2-9]{5}-[a-z2-9]{5}", c) for c in codes), codes)
    eq(len(set(codes)), 10, "distinct codes:")
    eq(lines[13:], [""], "nothing after the codes:")
    # The printed secret works: the new administrator signs in through the API with it.
    secret = urllib.parse.parse_qs(urllib.parse.urlparse(lines[1]).query)["secret"][0]
    r = s.api("POST", "/api/v1/sessions", {"email": "second.admin@a.example.org", "password": DEFAULT_PASSWORD,
                                           "totp": totp_code(secret)})
    eq(r.status, 201, r.text)
    # A role without a second factor: one line only, the name defaults to the e-mail's local part.
    r = cli_add(s, "--email", "hotline1@a.example.org", "--org", "ngo-a", "--role", "hotline", "--password-stdin")
    eq(r.returncode, 0, r.stderr)
    check(re.fullmatch(r"created user \d+ \(hotline1@a\.example\.org, hotline, ngo-a\)\n", r.stdout), r.stdout)
    r = run_cli("user", "list", "--q", "hotline1", env=cli_env(s))
    eq(r.returncode, 0, r.stderr)
    check(re.search(r"hotline1@a\.example\.org\s+hotline\s+ngo-a\s+active\s+no\s+hotline1$", r.stdout, re.M),
          r.stdout)


@test
def user_add_refuses_bad_input_with_one_line(ctx):
    s = ctx.s
    cases = [
        (["--email", "x1@a.example.org", "--org", "nope", "--role", "caseworker"], DEFAULT_PASSWORD, 2,
         "no organization"),
        (["--email", "x1@a.example.org", "--org", "ngo-a", "--role", "boss"], DEFAULT_PASSWORD, 2, "--role"),
        (["--email", "x1@a.example.org", "--org", "ngo-a", "--role", "donor"], WEAK, 2, "common passwords"),
        (["--email", "x1@a.example.org", "--org", "ngo-a", "--role", "donor"], "short", 2, "at least 12"),
        (["--email", "x1@a.example.org", "--org", "ngo-a", "--role", "donor"], "", 2, "empty"),
        (["--email", "not-an-address", "--org", "ngo-a", "--role", "donor"], DEFAULT_PASSWORD, 2, "e-mail"),
        (["--email", "WORKER@a.example.org", "--org", "ngo-a", "--role", "donor"], DEFAULT_PASSWORD, 1,
         "already exists"),
    ]
    for args, pw, code, needle in cases:
        r = cli_add(s, *args, "--password-stdin", password=pw)
        eq(r.returncode, code, f"{args} {pw!r}: {r.stderr}")
        eq(r.stdout, "", f"{args}: stdout")
        lines = r.stderr.strip().split("\n")
        eq(len(lines), 1, f"{args}: one line expected: {r.stderr!r}")
        check(needle in lines[0], f"{args}: {lines[0]!r} lacks {needle!r}")
    r = run_cli("user", "add", "--email", "x1@a.example.org", "--org", "ngo-a", "--role", "donor", env=cli_env(s))
    eq(r.returncode, 2, "without --password-stdin")
    check("--password-stdin" in r.stderr, r.stderr)
    r = run_cli("user", "add", "--email", "x1@a.example.org", "--org", "ngo-a", "--role", "donor",
                "--password-stdin", input=DEFAULT_PASSWORD + "\n")
    eq(r.returncode, 2, "without --db and --key-file")
    check("--db" in r.stderr, r.stderr)
    r = run_cli("user", "list", "--q", "x1@", env=cli_env(s))
    check("x1@a.example.org" not in r.stdout, "a refused account was created")


@test
def console_disables_resets_and_changes_roles(ctx):
    s = ctx.s
    u = add_user(s, "console1@a.example.org", "donor", "ngo-a")
    env = cli_env(s)
    r = run_cli("user", "disable", "--email", u.email, env=env)
    eq(r.returncode, 0, r.stderr)
    check("disabled" in r.stdout, r.stdout)
    r = s.api("POST", "/api/v1/sessions", {"email": u.email, "password": u.password})
    eq(r.status, 401, "a disabled account signs in:")
    eq(run_cli("user", "enable", "--email", u.email, env=env).returncode, 0)
    r = run_cli("user", "role", "--email", u.email, "--role", "hotline", env=env)
    eq(r.returncode, 0, r.stderr)
    check("hotline" in r.stdout, r.stdout)
    r = run_cli("user", "reset", "--email", u.email, "--password-stdin", input=WEAK + "\n", env=env)
    eq(r.returncode, 2, "weak reset password")
    r = run_cli("user", "reset", "--email", u.email, "--password-stdin", input=STRONG + "\n", env=env)
    eq(r.returncode, 0, r.stderr)
    eq(s.api("POST", "/api/v1/sessions", {"email": u.email, "password": STRONG}).status, 201)
    r = run_cli("user", "disable", "--email", "nobody@a.example.org", env=env)
    eq(r.returncode, 1)
    check("no account" in r.stderr, r.stderr)


# ---- pages -------------------------------------------------------------------

@test
def admin_creates_an_account_through_the_pages(ctx):
    b = ctx.browser
    r = page(b, "/users")
    check("worker@b.example.org" in r.text and "Олена Коваль" in r.text, "list lacks accounts")
    check('href="/users"' in r.text, "no Users item in the navigation")
    r = page(b, "/users/new")
    check('name="password"' in r.text and 'name="org"' in r.text and 'name="status"' not in r.text, "form fields")
    r = b.submit("/users/new", "/users", {"email": "New.Worker@A.example.org", "display_name": "Нова Працівниця",
                                          "org": "ngo-a", "role": "caseworker", "lang": "uk",
                                          "password": STRONG})
    eq(r.status, 303, r.text[:500])
    uid = user_id_from(r.header("Location"))
    r = page(b, r.header("Location"))
    check("Нова Працівниця" in r.text and "new.worker@a.example.org" in r.text, "the new account's page")
    check('class="notice ok"' in r.text, "no confirmation")
    r = ctx.s.api("POST", "/api/v1/sessions", {"email": "new.worker@a.example.org", "password": STRONG})
    eq(r.status, 201, "the new account cannot sign in: " + r.text)
    rows = sql(ctx.s, "SELECT action, detail FROM audit_log WHERE object_type = 'user' AND object_id = ?",
               (str(uid),))
    check(any(a == "user.create" for a, _ in rows), rows)
    check(not any(STRONG in d for _, d in rows), "the password reached the audit trail")


@test
def weak_password_and_duplicate_address_are_refused_next_to_the_field(ctx):
    b = ctx.browser
    fields = {"email": "weak@a.example.org", "display_name": "Слабкий Пароль", "org": "ngo-a",
              "role": "caseworker", "lang": "", "password": WEAK}
    r = b.submit("/users/new", "/users", fields)
    eq(r.status, 422)
    tidy_check(r.body, "new account with a weak password")
    m = re.search(r'<span class="field-error" id="e-password">([^<]+)</span>', r.text)
    check(m and "паро" in m.group(1).lower(), "no message next to the password")
    eq(form_value(r.text, "email"), "weak@a.example.org", "the typed address was lost")
    check(form_value(r.text, "password") is None, "the password was sent back")
    b.lang = "en"
    r = b.submit("/users/new", "/users", dict(fields, password="short one"))
    b.lang = "uk"
    eq(r.status, 422)
    check("at least 12 characters" in r.text, "English message for a short password")
    r = b.submit("/users/new", "/users", dict(fields, email="WORKER@a.example.org", password=STRONG))
    eq(r.status, 409)
    tidy_check(r.body, "new account with a taken address")
    check('id="e-email"' in r.text, "no message next to the e-mail address")
    r = b.submit("/users/new", "/users", dict(fields, org="nope", password=STRONG))
    eq(r.status, 422)
    check('id="e-org"' in r.text, "no message next to the organization")
    tidy_check(r.body, "new account with an unknown organization")
    eq(sql(ctx.s, "SELECT count(*) FROM users WHERE email = 'weak@a.example.org'")[0][0] in (0, "0"), True,
       "a refused account was stored:")


@test
def edit_through_the_page_with_concurrency_check(ctx):
    b = ctx.browser
    u = add_user(ctx.s, "edit1@a.example.org", "donor", "ngo-a", name="Before Edit")
    r = page(b, f"/users/{u.id}/edit")
    version = form_value(r.text, "version")
    check(version, "no version in the edit form")
    check('name="role"' not in r.text and 'name="password"' not in r.text, "edit form offers role or password")
    fields = {"email": "edit1@a.example.org", "display_name": "After Edit", "org": "ngo-b", "lang": "en",
              "version": version}
    r = b.submit(f"/users/{u.id}/edit", f"/users/{u.id}/edit", fields)
    eq(r.status, 303, r.text[:500])
    r = page(b, f"/users/{u.id}")
    check("After Edit" in r.text and "ngo-b" in r.text, "the change is not shown")
    # The same old version again: someone else changed it meanwhile.
    r = b.submit(f"/users/{u.id}/edit", f"/users/{u.id}/edit", dict(fields, display_name="Lost Update"))
    eq(r.status, 409)
    tidy_check(r.body, "edit conflict")
    r = b.submit(f"/users/{u.id}/edit", f"/users/{u.id}/edit",
                 dict(fields, version=str(int(version) + 1), email="manager@a.example.org"))
    eq(r.status, 409)
    check('id="e-email"' in r.text, "taken address not shown next to the field")
    r = b.submit(f"/users/{u.id}/edit", f"/users/{u.id}/edit",
                 dict(fields, version=str(int(version) + 1), display_name=""))
    eq(r.status, 422)
    check('id="e-display_name"' in r.text, "empty name not shown next to the field")
    tidy_check(r.body, "edit with errors")


@test
def disable_enable_reset_and_role_through_the_pages(ctx):
    b = ctx.browser
    u = add_user(ctx.s, "pages1@a.example.org", "caseworker", "ngo-a")
    token = api_login(ctx.s, u)
    r = page(b, f"/users/{u.id}")
    for action in ("role", "disable", "reset"):
        check(f'action="/users/{u.id}/{action}"' in r.text, f"no {action} form")
    r = b.submit(f"/users/{u.id}", f"/users/{u.id}/disable", {})
    eq(r.status, 303, r.text[:500])
    eq(ctx.s.api("GET", "/api/v1/me", token=token).status, 401, "the token outlived disabling:")
    r = page(b, r.header("Location"))
    check(f'action="/users/{u.id}/enable"' in r.text, "no enable form on a disabled account")
    eq(b.submit(f"/users/{u.id}", f"/users/{u.id}/enable", {}).status, 303)
    r = b.submit(f"/users/{u.id}", f"/users/{u.id}/role", {"role": "hotline"})
    eq(r.status, 303)
    page(b, r.header("Location"))
    r = b.submit(f"/users/{u.id}", f"/users/{u.id}/role", {"role": "boss"})
    eq(r.status, 422)
    tidy_check(r.body, "bad role")
    r = b.submit(f"/users/{u.id}", f"/users/{u.id}/reset", {"password": WEAK})
    eq(r.status, 422)
    tidy_check(r.body, "weak reset password")
    check('id="e-password"' in r.text, "weak reset password not shown next to the field")
    r = b.submit(f"/users/{u.id}", f"/users/{u.id}/reset", {"password": STRONG})
    eq(r.status, 303)
    page(b, r.header("Location"))
    eq(ctx.s.api("POST", "/api/v1/sessions", {"email": u.email, "password": STRONG}).status, 201)
    # Nobody disables themself or changes their own role.
    r = b.submit(f"/users/{ctx.admin.id}", f"/users/{ctx.admin.id}/disable", {})
    eq(r.status, 422)
    tidy_check(r.body, "own account")
    r = b.submit(f"/users/{ctx.admin.id}", f"/users/{ctx.admin.id}/role", {"role": "donor"})
    eq(r.status, 422)
    eq(sql(ctx.s, "SELECT status, role FROM users WHERE id = ?", (ctx.admin.id,))[0], ("active", "admin"))


@test
def role_change_requires_a_recent_password(ctx):
    s = ctx.s
    u = add_user(s, "reauth1@a.example.org", "donor", "ngo-a")
    # An administrator of its own: signs in with a recovery code, keeping this step's TOTP code for /reauth.
    adm = add_user(s, "reauth-admin@a.example.org", "admin", "ngo-a")
    b = Browser(s)
    r = b.submit("/signin", "/signin", {"email": adm.email, "password": adm.password})
    eq(r.status, 303)
    r = b.submit("/signin/code", "/signin/code", {"code": adm.recovery.pop()})
    eq(r.status, 303, r.text[:500])
    set_reauth(s, adm.id, 3600)
    r = page(b, f"/users/{u.id}")
    check(f'href="/reauth?next=%2Fusers%2F{u.id}"' in r.text, "no link to confirm the password")
    r = b.submit(f"/users/{u.id}", f"/users/{u.id}/role", {"role": "hotline"})
    eq(r.status, 401, "stale re-authentication accepted:")
    eq(r.header("X-Reauth-Required"), "1")
    tidy_check(r.body, "re-auth refusal")
    for action, body in (("role", {"role": "hotline"}), ("disable", None), ("reset", {"password": STRONG})):
        set_reauth(s, ctx.admin.id, 3600)
        r = s.api("POST", f"/api/v1/users/{u.id}/{action}", body, token=ctx.token)
        eq(r.status, 401, f"API {action} with a stale confirmation:")
        eq(r.json()["error"]["code"], "unauthorized")
    row = sql(s, "SELECT role, status, version FROM users WHERE id = ?", (u.id,))[0]
    eq((row[0], row[1], int(row[2])), ("donor", "active", 1), "a refused action changed the account:")
    # Just inside the window, the API accepts it; the module's token stays usable for the other tests.
    set_reauth(s, ctx.admin.id, 60)
    eq(s.api("POST", f"/api/v1/users/{u.id}/role", {"role": "donor"}, token=ctx.token).status, 200)
    set_reauth(s, ctx.admin.id, 0)
    # After confirming the password (and code) the same action goes through.
    r = b.submit(f"/reauth?next=/users/{u.id}", "/reauth",
                 {"password": adm.password, "code": fresh_totp(adm), "next": f"/users/{u.id}"})
    eq(r.status, 303, r.text[:500])
    eq(r.header("Location"), f"/users/{u.id}")
    r = page(b, f"/users/{u.id}")
    check("/reauth?next=" not in r.text, "the notice stays after confirming")
    r = b.submit(f"/users/{u.id}", f"/users/{u.id}/role", {"role": "hotline"})
    eq(r.status, 303)
    eq(sql(s, "SELECT role FROM users WHERE id = ?", (u.id,))[0][0], "hotline")


@test
def list_filters_and_pages(ctx):
    b = ctx.browser
    for i in range(3):
        add_user(ctx.s, f"pager{i}@b.example.org", "donor", "ngo-b", name=f"Пейджер {i}")
    r = page(b, "/users?org=ngo-b&q=pager&per_page=2")
    check("pager0@b.example.org" in r.text and "pager1@b.example.org" in r.text, "first page")
    check("pager2@b.example.org" not in r.text and "worker@b.example.org" not in r.text, "filter or page size")
    check(re.search(r"<p>[^<]*\b3\b[^<]*</p>\n<div class=\"table-wrap\">", r.text), "the count of all matches")
    m = re.search(r'<a rel="next" href="([^"]+)"', r.text)
    check(m, "no link to the next page")
    r = page(b, m.group(1).replace("&amp;", "&"))
    check("pager2@b.example.org" in r.text and "pager0@b.example.org" not in r.text, "second page")
    r = page(b, "/users?q=" + urllib.parse.quote("олена"))
    check("worker@a.example.org" in r.text and "manager@a.example.org" not in r.text, "case-insensitive search")
    r = page(b, "/users?role=boss", status=422)
    check('id="e-role"' in r.text, "bad filter not shown next to the field")
    r = ctx.s.api("GET", "/api/v1/users?status=gone", token=ctx.token)
    eq(r.status, 422)
    eq(r.json()["error"]["field"], "status")


# ---- API ---------------------------------------------------------------------

@test
def api_create_edit_role_disable_enable_reset(ctx):
    s, t = ctx.s, ctx.token
    body = {"email": "api1@a.example.org", "display_name": "API One", "org": "ngo-a", "role": "caseworker",
            "password": STRONG}
    r = s.api("POST", "/api/v1/users", body, token=t)
    eq(r.status, 201, r.text)
    u = r.json()
    check("password" not in u and u["status"] == "active" and u["totp_enabled"] is False, u)
    eq(r.header("Location"), f"/api/v1/users/{u['id']}")
    r = s.api("POST", "/api/v1/users", dict(body, email="API1@a.example.org"), token=t)
    eq(r.status, 409)
    eq(r.json()["error"]["field"], "email")
    r = s.api("POST", "/api/v1/users", dict(body, email="api2@a.example.org", password=WEAK), token=t)
    eq(r.status, 422)
    eq(r.json()["error"]["field"], "password")
    check("common" in r.json()["error"]["message"] or "поширен" in r.json()["error"]["message"], r.text)
    r = s.api("POST", "/api/v1/users", dict(body, email="api2@a.example.org", role="boss"), token=t)
    eq((r.status, r.json()["error"]["field"]), (422, "role"))
    r = s.api("POST", "/api/v1/users", dict(body, email="api2@a.example.org", extra=1), token=t)
    eq((r.status, r.json()["error"]["field"]), (400, "extra"))
    eq(s.api("GET", "/api/v1/users?q=api2", token=t).json()["total"], 0, "a refused account was stored:")

    uid = u["id"]
    r = s.api("PATCH", f"/api/v1/users/{uid}", {"display_name": "API Uno", "version": u["version"]}, token=t)
    eq(r.status, 200, r.text)
    eq((r.json()["display_name"], r.json()["version"]), ("API Uno", u["version"] + 1))
    r = s.api("PATCH", f"/api/v1/users/{uid}", {"display_name": "Stale", "version": u["version"]}, token=t)
    eq(r.status, 409, "stale version:")
    r = s.api("PATCH", f"/api/v1/users/{uid}", {"role": "admin"}, token=t)
    eq((r.status, r.json()["error"]["field"]), (422, "role"))
    r = s.api("PATCH", f"/api/v1/users/{uid}", {"org": "nope"}, token=t)
    eq((r.status, r.json()["error"]["field"]), (422, "org"))

    worker = type(ctx.worker)("api1@a.example.org", STRONG, "caseworker", "ngo-a")
    wt = api_login(s, worker)
    r = s.api("POST", f"/api/v1/users/{uid}/role", {"role": "hotline"}, token=t)
    eq((r.status, r.json()["role"]), (200, "hotline"))
    eq(s.api("GET", "/api/v1/me", token=wt).status, 401, "the token outlived the role change:")
    wt = api_login(s, worker)
    r = s.api("POST", f"/api/v1/users/{uid}/disable", token=t)
    eq((r.status, r.json()["status"]), (200, "disabled"))
    eq(s.api("GET", "/api/v1/me", token=wt).status, 401, "the token outlived disabling:")
    eq(s.api("POST", "/api/v1/sessions", {"email": worker.email, "password": STRONG}).status, 401)
    r = s.api("POST", f"/api/v1/users/{uid}/enable", token=t)
    eq((r.status, r.json()["status"]), (200, "active"))
    r = s.api("POST", f"/api/v1/users/{uid}/reset", {"password": WEAK}, token=t)
    eq((r.status, r.json()["error"]["field"]), (422, "password"))
    r = s.api("POST", f"/api/v1/users/{uid}/reset", {"password": "another quiet river 8"}, token=t)
    eq(r.status, 200, r.text)
    eq(s.api("POST", "/api/v1/sessions", {"email": worker.email, "password": "another quiet river 8"}).status, 201)
    eq(s.api("GET", "/api/v1/users/999999", token=t).status, 404)
    eq(s.api("GET", "/api/v1/users/abc", token=t).status, 404)
    details = [d for (d,) in sql(s, "SELECT detail FROM audit_log WHERE object_type = 'user'")]
    check(not any(STRONG in d or "another quiet river" in d for d in details), "a password reached the audit trail")


@test
def reset_removes_the_second_factor(ctx):
    s, t = ctx.s, ctx.token
    m = add_user(s, "reset2fa@a.example.org", "manager", "ngo-a")
    check(m.totp_secret, "a manager made by the console has no second factor")
    mt = api_token(s, m)
    r = s.api("GET", f"/api/v1/users/{m.id}", token=t)
    eq(r.json()["totp_enabled"], True)
    r = s.api("POST", f"/api/v1/users/{m.id}/reset", {"password": STRONG}, token=t)
    eq((r.status, r.json()["totp_enabled"]), (200, False))
    eq(s.api("GET", "/api/v1/me", token=mt).status, 401, "the token outlived the reset:")
    eq(sql(s, "SELECT count(*) FROM recovery_codes WHERE user_id = ?", (m.id,))[0][0] in (0, "0"), True,
       "recovery codes left after a reset:")
    row = sql(s, "SELECT totp_sealed IS NULL, totp_enabled FROM users WHERE id = ?", (m.id,))[0]
    check(str(row[0]) in ("1", "t", "True") and str(row[1]) in ("0", "f", "False"), row)
    # The old code no longer works, and the API sends the person to enrol first.
    r = s.api("POST", "/api/v1/sessions", {"email": m.email, "password": STRONG, "totp": totp_code(m.totp_secret)})
    check(r.status != 201, f"signed in with the removed second factor: {r.status}")


@test
def manager_sees_only_own_organization(ctx):
    s = ctx.s
    mt = api_token(s, ctx.manager)
    r = s.api("GET", "/api/v1/users?per_page=200", token=mt)
    eq(r.status, 200, r.text)
    orgs = {u["org"] for u in r.json()["items"]}
    eq(orgs, {"ngo-a"}, "organizations a manager sees:")
    emails = {u["email"] for u in r.json()["items"]}
    check("worker@a.example.org" in emails and "worker@b.example.org" not in emails, emails)
    eq(s.api("GET", "/api/v1/users?org=ngo-b", token=mt).json()["total"], 0, "org filter escapes the scope:")
    eq(s.api("GET", f"/api/v1/users/{ctx.worker.id}", token=mt).status, 200)
    eq(s.api("GET", f"/api/v1/users/{ctx.other.id}", token=mt).status, 403)
    eq(s.api("POST", "/api/v1/users", {"email": "m1@a.example.org", "display_name": "M One", "org": "ngo-a",
                                       "role": "caseworker", "password": STRONG}, token=mt).status, 403)
    eq(s.api("POST", f"/api/v1/users/{ctx.worker.id}/disable", token=mt).status, 403)
    b = Browser(s)
    b.login(ctx.manager)
    r = page(b, "/users")
    check("worker@a.example.org" in r.text and "worker@b.example.org" not in r.text, "manager's list")
    check('name="org"' not in r.text, "a manager is offered other organizations")
    check("/users/new" not in r.text, "a manager is offered to create accounts")
    r = page(b, f"/users/{ctx.worker.id}")
    check("/disable" not in r.text and "/role" not in r.text, "a manager is offered admin actions")
    page(b, f"/users/{ctx.other.id}", status=403)


@test
def caseworker_is_refused(ctx):
    s = ctx.s
    wt = api_login(s, ctx.worker)
    eq(s.api("GET", "/api/v1/users", token=wt).status, 403)
    eq(s.api("GET", f"/api/v1/users/{ctx.manager.id}", token=wt).status, 403)
    eq(s.api("GET", f"/api/v1/users/999999", token=wt).status, 403, "unknown ids are told apart:")
    r = s.api("GET", f"/api/v1/users/{ctx.worker.id}", token=wt)
    eq((r.status, r.json()["email"]), (200, ctx.worker.email), "own account:")
    eq(s.api("PATCH", f"/api/v1/users/{ctx.worker.id}", {"display_name": "Me"}, token=wt).status, 403)
    b = Browser(s)
    b.login(ctx.worker)
    r = page(b, "/users", status=403)
    check('href="/users"' not in r.text, "Users in a caseworker's navigation")
    page(b, "/users/new", status=403)
    page(b, f"/users/{ctx.worker.id}")
    rows = sql(s, "SELECT count(*) FROM audit_log WHERE action = 'user.list' AND outcome = 'denied'")
    check(int(rows[0][0]) >= 1, "refusals are not audited")


@test
def pages_in_english_are_valid(ctx):
    b = Browser(ctx.s, lang="en")
    b.login(ctx.admin)
    r = page(b, "/users")
    check("accounts found" in r.text or "account found" in r.text, "English count")
    page(b, "/users/new")
    r = page(b, f"/users/{ctx.worker.id}")
    check("Caseworker" in r.text, "English role label")
    page(b, f"/users/{ctx.worker.id}/edit")
    page(b, "/users/999999", status=404)
    page(b, "/users/x", status=404)
