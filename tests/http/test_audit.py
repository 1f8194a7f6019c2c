"""The audit trail: auditors browse and filter it (UI and API), check its chain,
and `nadiya audit verify` catches every kind of tampering with the stored rows."""
import datetime
import os
import re
import sqlite3
import subprocess
import urllib.parse

from harness import (Browser, Server, add_org, add_user, api_login, check, cli_env, eq, run_cli, test,
                     tidy_check)


class Ctx:
    pass


def setup():
    c = Ctx()
    c.s = Server()
    add_org(c.s, "org-a")
    add_org(c.s, "org-b")
    c.auditor = add_user(c.s, "auditor@example.org", "auditor", "org-a")
    c.caseworker = add_user(c.s, "worker@example.org", "caseworker", "org-a")
    c.admin = add_user(c.s, "admin@example.org", "admin", "org-b")
    # A trail made of real actions: API sessions, sign-ins (one failing), a denied request.
    # API sign-in takes TOTP codes only, so it goes first, before the web sign-in spends this step's code.
    c.token = api_login(c.s, c.auditor)
    c.admin_token = api_login(c.s, c.admin)
    c.worker_token = api_login(c.s, c.caseworker)
    c.ab = Browser(c.s, lang="en")
    c.ab.login(c.auditor)
    c.wb = Browser(c.s, lang="en")
    c.wb.login(c.caseworker)
    r = Browser(c.s).submit("/signin", "/signin", {"email": c.caseworker.email, "password": "wrong password 1"})
    check(r.status in (200, 401, 422), f"failed sign-in answered {r.status}")
    c.wb.get("/audit")  # denied, and audited as such
    return c


def teardown(c):
    return c.s.cleanup()


def api_items(c, query=""):
    r = c.s.api("GET", "/api/v1/audit" + query, token=c.token)
    eq(r.status, 200, f"/api/v1/audit{query}: {r.text[:300]}")
    return r.json()


def all_items(c):
    j = api_items(c, "?limit=200")
    eq(j["next"], None, "the test trail fits one page of 200:")
    return j["items"]


# ---- who may see it ------------------------------------------------------

@test
def auditor_sees_the_trail_page(c):
    r = c.ab.get("/audit")
    eq(r.status, 200, r.text[:500])
    tidy_check(r.body, "/audit")
    check('href="/audit"' in r.text, "no nav item for the auditor")
    check("<table>" in r.text and "signin" in r.text, "no entries on the page")
    check("worker@example.org" in r.text, "the caseworker's sign-in is not listed")
    # Times in UTC as YYYY-MM-DD HH:MM.
    check(re.search(r"<time datetime=\"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\">\d{4}-\d\d-\d\d \d\d:\d\d</time>", r.text),
          "no UTC time")
    # Newest first.
    seqs = [int(x) for x in re.findall(r'<tr><td class="num">(\d+)</td>', r.text)]
    check(len(seqs) > 5 and seqs == sorted(seqs, reverse=True), f"not newest first: {seqs[:10]}")


@test
def ukrainian_page_is_valid_too(c):
    b = Browser(c.s, lang="uk")
    b.login(c.auditor)
    r = b.get("/audit?from=2020-13-01")
    eq(r.status, 422)
    tidy_check(r.body, "/audit with an error (uk)")
    check("Журнал аудиту" in r.text, "page not in Ukrainian")


@test
def others_get_403(c):
    for who, token in (("caseworker", c.worker_token), ("admin", c.admin_token)):
        for path in ("/api/v1/audit", "/api/v1/audit/verify"):
            r = c.s.api("GET", path, token=token)
            eq(r.status, 403, f"{who} {path}:")
            eq(r.json()["error"]["code"], "forbidden")
    r = c.wb.get("/audit")
    eq(r.status, 403)
    tidy_check(r.body, "403 page")
    check('href="/audit"' not in c.wb.get("/").text, "caseworker has the nav item")
    ad = Browser(c.s, lang="en")
    ad.login(c.admin)
    eq(ad.get("/audit").status, 403, "admin:")
    eq(ad.get("/audit/verify").status, 403, "admin verify:")
    check('href="/audit"' not in ad.get("/").text, "admin has the nav item")
    eq(c.s.api("GET", "/api/v1/audit").status, 401, "no token:")
    # The denials themselves are in the trail.
    denied = [i for i in all_items(c) if i["outcome"] == "denied"]
    check(any(i["actor"] == c.admin.email and i["action"] == "audit.view" for i in denied), denied[:5])


# ---- filters and paging ---------------------------------------------------

@test
def api_items_have_every_column(c):
    items = all_items(c)
    check(len(items) >= 8, f"only {len(items)} entries")
    seqs = [i["seq"] for i in items]
    eq(seqs, sorted(seqs, reverse=True), "newest first:")
    eq(seqs[-1], 1, "oldest entry:")
    for i in items:
        for k in ("seq", "at", "actor", "actor_user_id", "actor_org_id", "action", "object_type", "object_id",
                  "client_ip", "outcome", "detail"):
            check(k in i, f"{k} missing in {i}")
        check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", i["at"]), i["at"])
    signin = [i for i in items if i["action"] == "signin" and i["actor"] == c.caseworker.email]
    check(any(i["outcome"] == "failed" for i in signin), "failed sign-in not recorded")
    check(any(i["outcome"] in ("ok", "password-ok") for i in signin), "sign-in not recorded")
    check(all(i["client_ip"] == "127.0.0.1" for i in signin), "no client address")


@test
def filters_narrow_the_list(c):
    everything = all_items(c)
    j = api_items(c, "?action=signin&limit=200")
    check(j["items"] and all(i["action"].startswith("signin") for i in j["items"]), j["items"][:3])
    check(len(j["items"]) < len(everything))
    j = api_items(c, "?actor=worker%40example&limit=200")
    check(j["items"] and all("worker@example" in i["actor"] for i in j["items"]), j["items"][:3])
    j = api_items(c, "?object_type=organization&limit=200")
    check(j["items"] and all(i["object_type"] == "organization" for i in j["items"]), j["items"][:3])
    one = next(i for i in everything if i["object_type"] == "user" and i["object_id"])
    j = api_items(c, "?object_type=user&object_id=" + urllib.parse.quote(one["object_id"]) + "&limit=200")
    check(j["items"] and all(i["object_id"] == one["object_id"] for i in j["items"]), j["items"][:3])
    # A LIKE wildcard in the actor filter is a plain character.
    eq(api_items(c, "?actor=%25")["items"], [], "actor=% matched:")
    today = datetime.datetime.now(datetime.timezone.utc).date()
    day = datetime.timedelta(days=1)
    eq(api_items(c, f"?from={today + day}")["items"], [], "from tomorrow:")
    eq(api_items(c, f"?to={today - day}")["items"], [], "to yesterday:")
    eq(len(api_items(c, f"?from={today}&to={today}&limit=200")["items"]), len(all_items(c)), "today:")
    # The page filters the same way.
    r = c.ab.get("/audit?action=signin.second")
    eq(r.status, 200)
    actions = set(re.findall(r"</time></td><td>[^<]*</td><td><code>([^<]+)</code>", r.text))
    eq(actions, {"signin.second-factor"}, "UI action filter:")
    check('value="signin.second"' in r.text, "filter value not kept in the form")
    r = c.ab.get(f"/audit?from={today + day}")
    eq(r.status, 200)
    check("<table>" not in r.text and "No entries match" in r.text, "empty result not explained")
    tidy_check(r.body, "/audit empty")


@test
def bad_filters_are_refused_clearly(c):
    for q, field, status in (("?from=2024-02-30", "from", 422), ("?to=yesterday", "to", 422),
                             ("?from=2024-05-02&to=2024-05-01", "to", 422), ("?before=0", "before", 422),
                             ("?limit=100000", "limit", 422), ("?limit=201", "limit", 422),
                             ("?acton=signin", "acton", 400)):
        r = c.s.api("GET", "/api/v1/audit" + q, token=c.token)
        eq(r.status, status, f"{q}:")
        e = r.json()["error"]
        eq(e["field"], field, f"{q} field:")
        check(e["message"], f"{q}: no message")
    r = c.ab.get("/audit?from=2024-13-01&actor=worker")
    eq(r.status, 422)
    tidy_check(r.body, "/audit with a bad date")
    check('id="e-from"' in r.text and "YYYY-MM-DD" in r.text, "no error next to the date field")
    check('value="2024-13-01"' in r.text and 'value="worker"' in r.text, "typed values lost")
    check("<table>" not in r.text, "rows shown for an invalid filter")


@test
def paging_walks_the_whole_trail_once(c):
    everything = [i["seq"] for i in all_items(c)]
    seen = []
    url = "/api/v1/audit?limit=3"
    pages = 0
    while url:
        r = c.s.api("GET", url, token=c.token)
        eq(r.status, 200, url)
        j = r.json()
        check(len(j["items"]) <= 3)
        seen += [i["seq"] for i in j["items"]]
        url = j["next"]
        check(url is None or ("limit=3" in url and "before=" in url), url)
        pages += 1
        check(pages < 200, "paging does not end")
    # Entries added while paging (none here) would only appear above the first page.
    eq(seen, [s for s in everything if s <= seen[0]], "paged entries:")
    # Paging keeps the filters.
    j = api_items(c, "?action=signin&limit=1")
    check("action=signin" in j["next"], j["next"])
    older = c.s.api("GET", j["next"], token=c.token).json()["items"]
    check(older and older[0]["action"].startswith("signin") and older[0]["seq"] < j["items"][0]["seq"])
    # And so does the page's "older" link.
    r = c.ab.get("/audit?limit=2&action=signin")
    m = re.search(r'<a rel="next" href="([^"]+)"', r.text)
    check(m, "no link to older entries")
    href = m.group(1).replace("&amp;", "&")
    check("action=signin" in href and "before=" in href, href)
    r2 = c.ab.get(href)
    eq(r2.status, 200)
    tidy_check(r2.body, "/audit older page")
    check("Newest entries" in r2.text)


# ---- checking the chain ------------------------------------------------------

@test
def verify_over_api_and_ui_is_recorded(c):
    r = c.s.api("GET", "/api/v1/audit/verify", token=c.token)
    eq(r.status, 200, r.text)
    j = r.json()
    eq(j["intact"], True)
    eq(j["first_bad"], None)
    eq(j["reason"], None)
    check(j["entries"] >= 8, j)
    newest = api_items(c, "?limit=1")["items"][0]
    eq(newest["action"], "audit.verify")
    eq(newest["outcome"], "ok")
    eq(newest["detail"], f"entries={j['entries']}")
    r = c.ab.get("/audit/verify")
    eq(r.status, 200)
    tidy_check(r.body, "/audit/verify")
    check("intact" in r.text and 'class="notice ok"' in r.text, r.text[:800])


def db_copies(c):
    """Returns copy(name) -> (db_url, run_sql), copying the stopped server's database."""
    if c.s.db_url.startswith("sqlite:"):
        src_path = c.s.db_url[len("sqlite:"):]

        def copy(name):
            path = os.path.join(c.s.tmp, f"copy-{name}.db")
            src = sqlite3.connect(src_path)
            dst = sqlite3.connect(path)
            src.backup(dst)  # the online backup API, never a raw file copy
            src.close()

            def run_sql(sql):
                dst.executescript(sql)
                dst.commit()
            return "sqlite:" + path, run_sql
        return copy
    from pgutil import admin_psql
    admin = os.environ["NADIYA_TEST_DB"]
    src_name = urllib.parse.urlparse(c.s.db_url).path.lstrip("/")

    def copy_pg(name):
        new = f"{src_name}_{name.replace('-', '_')}"
        admin_psql(admin, f"CREATE DATABASE {new} TEMPLATE {src_name}")
        url = urllib.parse.urlunparse(urllib.parse.urlparse(c.s.db_url)._replace(path="/" + new))

        def run_sql(sql):
            p = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
                               capture_output=True, text=True, timeout=60)
            check(p.returncode == 0, p.stderr)
        return url, run_sql
    return copy_pg


def verify(c, db_url):
    return run_cli("audit", "verify", "--db", db_url, "--key-file", c.s.key)


def query(c, db_url, sql):
    if db_url.startswith("sqlite:"):
        con = sqlite3.connect(db_url[len("sqlite:"):])
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()
    p = subprocess.run(["psql", db_url, "-qAt", "-F", "\t", "-c", sql], capture_output=True, text=True,
                       timeout=60)
    check(p.returncode == 0, p.stderr)
    return [tuple(int(x) if x.isdigit() else x for x in line.split("\t")) for line in p.stdout.splitlines()]


@test
def cli_verify_catches_every_tampering(c):
    c.s.stop()
    try:
        copy = db_copies(c)
        url, _ = copy("untouched")
        n = query(c, url, "SELECT count(*) FROM audit_log")[0][0]
        check(n >= 10, f"only {n} entries")
        r = verify(c, url)
        eq(r.returncode, 0, r.stdout + r.stderr)
        eq(r.stdout.strip(), f"audit trail intact: {n} entries")
        mid = n // 2
        cases = [
            ("edit", f"UPDATE audit_log SET detail = 'fields=nothing' WHERE seq = {mid}", mid,
             "content or hash was changed"),
            ("edit-actor", f"UPDATE audit_log SET actor_label = 'someone@example.org' WHERE seq = 2", 2,
             "content or hash was changed"),
            ("delete-middle", f"DELETE FROM audit_log WHERE seq = {mid}", mid, "missing"),
            # A forger without the key can link a new row to the last one but cannot compute its hash.
            ("insert", "INSERT INTO audit_log (seq, at, actor_user_id, actor_org_id, actor_label, action,"
                       " object_type, object_id, client_ip, outcome, detail, prev_hash, hash)"
                       f" SELECT {n + 1}, at, actor_user_id, actor_org_id, actor_label, 'user.create', 'user',"
                       f" '999', client_ip, 'ok', '', hash, hash FROM audit_log WHERE seq = {n}", n + 1,
             "content or hash was changed"),
            ("swap", f"UPDATE audit_log SET seq = -1 WHERE seq = {mid};"
                     f" UPDATE audit_log SET seq = {mid} WHERE seq = {mid + 1};"
                     f" UPDATE audit_log SET seq = {mid + 1} WHERE seq = -1", mid, "does not link"),
            ("truncate", f"DELETE FROM audit_log WHERE seq = {n}", n, "removed from the end"),
        ]
        for name, sql, bad, why in cases:
            url_t, run_sql = copy(name)
            run_sql(sql)
            r = verify(c, url_t)
            eq(r.returncode, 1, f"{name}: {r.stdout} {r.stderr}")
            check(r.stdout.startswith(f"audit trail broken at entry {bad}: ") and why in r.stdout,
                  f"{name}: {r.stdout!r}")
        # The untouched copy is still intact after all that.
        eq(verify(c, url).returncode, 0)
    finally:
        c.s.start()


@test
def cli_head_anchors_against_a_rewritten_end(c):
    c.s.stop()
    try:
        copy = db_copies(c)
        url, run_sql = copy("anchor")
        r = run_cli("audit", "head", "--db", url)
        eq(r.returncode, 0, r.stderr)
        n, h = query(c, url, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")[0]
        eq(r.stdout.strip(), f"audit head: entry {n} hash {h}")
        anchored = r.stdout
        # Cutting the end and rewriting the head row too passes the internal check;
        # only the head kept elsewhere shows it.
        run_sql(f"DELETE FROM audit_log WHERE seq = {n};"
                f" UPDATE audit_head SET seq = {n - 1}, hash = (SELECT hash FROM audit_log WHERE seq = {n - 1})")
        eq(verify(c, url).returncode, 0)
        check(run_cli("audit", "head", "--db", url).stdout != anchored, "head unchanged after truncation")
    finally:
        c.s.start()


@test
def cli_usage_errors(c):
    for args in (["audit"], ["audit", "frobnicate"], ["audit", "verify"], ["audit", "verify", "--db", c.s.db_url],
                 ["audit", "head"], ["audit", "verify", "--db", c.s.db_url, "--key-file", c.s.key, "--nope"]):
        r = run_cli(*args)
        eq(r.returncode, 2, f"{args}: {r.stdout} {r.stderr}")
        eq(len(r.stderr.strip().splitlines()), 1, f"{args} one line:")
    r = run_cli("audit", "--help")
    eq(r.returncode, 0)
    check("verify" in r.stdout and "head" in r.stdout)
    other = os.path.join(c.s.tmp, "other-key")
    run_cli("keygen", other)
    r = run_cli("audit", "verify", "--db", c.s.db_url, "--key-file", other)
    eq(r.returncode, 2, r.stdout + r.stderr)
    check("does not belong to this database" in r.stderr, r.stderr)
    r = run_cli("audit", "verify", env=cli_env(c.s))
    eq(r.returncode, 0, r.stdout + r.stderr)
    check(r.stdout.startswith("audit trail intact: "), r.stdout)


@test
def a_broken_trail_is_reported_in_the_api_and_the_page(c):
    """Last in this module: it tampers with the live database."""
    c.s.stop()
    try:
        if c.s.db_url.startswith("sqlite:"):
            con = sqlite3.connect(c.s.db_url[len("sqlite:"):])
            con.execute("UPDATE audit_log SET detail = 'fields=forged' WHERE seq = 3")
            con.commit()
            con.close()
        else:
            p = subprocess.run(["psql", c.s.db_url, "-v", "ON_ERROR_STOP=1", "-qAt", "-c",
                                "UPDATE audit_log SET detail = 'fields=forged' WHERE seq = 3"],
                               capture_output=True, text=True, timeout=60)
            check(p.returncode == 0, p.stderr)
    finally:
        c.s.start()
    r = c.s.api("GET", "/api/v1/audit/verify", token=c.token)
    eq(r.status, 200, r.text)
    j = r.json()
    eq((j["intact"], j["first_bad"]), (False, 3), f"{j}:")
    check(j["reason"] and j["entries"] == 2, j)
    newest = api_items(c, "?limit=1")["items"][0]
    eq((newest["action"], newest["outcome"], newest["detail"]), ("audit.verify", "broken", "entries=2 first_bad=3"))
    r = c.ab.get("/audit/verify")
    eq(r.status, 200)
    tidy_check(r.body, "/audit/verify, broken")
    check('class="notice error"' in r.text and "broken at entry 3" in r.text, r.text[-1500:])
    b = Browser(c.s, lang="uk")
    b.cookies = dict(c.ab.cookies)
    b.get("/lang/uk?next=/audit/verify")
    r = b.get("/audit/verify")
    check("порушено на записі 3" in r.text and "вміст або геш змінено" in r.text, r.text[-1500:])
