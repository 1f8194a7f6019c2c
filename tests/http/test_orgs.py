"""Organizations: the partner-network registry through its pages, the API and the CLI,
its history, and the growth of the network."""
import html
import re
import urllib.parse

from harness import (Browser, Server, add_org, add_user, api_login, check, cli_env, eq, form_value, run_cli,
                     test, tidy_check)


def setup():
    s = Server()
    add_org(s, "nadiya-hq", kind="ngo", region="UA-30", name="Надія")
    s.admin = add_user(s, "admin@orgs.example", "admin", "nadiya-hq")
    s.coord = add_user(s, "coord@orgs.example", "coordinator", "nadiya-hq")
    s.worker = add_user(s, "worker@orgs.example", "caseworker", "nadiya-hq")
    s.auditor = add_user(s, "auditor@orgs.example", "auditor", "nadiya-hq")
    # API tokens first: an API sign-in takes only a fresh TOTP code, while the web
    # second-factor page also takes recovery codes when this step's code is spent.
    s.tokens = {"admin": api_login(s, s.admin), "worker": api_login(s, s.worker),
                "auditor": api_login(s, s.auditor)}
    s.browsers = {}
    return s


def token(s, who):
    if who not in s.tokens:
        s.tokens[who] = api_login(s, getattr(s, who))
    return s.tokens[who]


def browser(s, who, lang="uk"):
    key = (who, lang)
    if key not in s.browsers:
        b = Browser(s, lang=lang)
        b.login(getattr(s, who))
        s.browsers[key] = b
    return s.browsers[key]


def create(s, body, who="admin"):
    r = s.api("POST", "/api/v1/orgs", body, token=token(s, who))
    eq(r.status, 201, f"create {body.get('code')}: {r.text[:300]}")
    return r.json()


def submit(b, page_path, action_path, fields):
    """Browser.submit for forms with repeated keys (checkboxes): lists become one pair per value."""
    f = dict(fields)
    f["csrf"] = b.csrf(page_path)
    body = urllib.parse.urlencode(f, doseq=True)
    return b.request("POST", action_path, body=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded"})


def codes(r):
    return [o["code"] for o in r.json()["items"]]


def text(page):
    """Page text with entities decoded, for looking for words."""
    return html.unescape(page)


# ---- CLI ---------------------------------------------------------------------


@test
def cli_org_add_ok_exists_and_bad_values(s):
    env = cli_env(s)
    r = run_cli("org", "add", "--code", "revival-ternopil", "--name", "Відродження", "--name-en", "Revival",
                "--kind", "ngo", "--region", "UA-61", "--joined", "2019-03-15", "--services", "shelter,legal",
                env=env)
    eq(r.returncode, 0, r.stderr)
    check("created organization revival-ternopil" in r.stdout, r.stdout)
    r = run_cli("org", "add", "--code", "revival-ternopil", "--name", "Інша", "--kind", "ngo", "--region", "UA-61",
                env=env)
    eq(r.returncode, 1, r.stderr)
    lines = r.stderr.strip().splitlines()
    eq(len(lines), 1, f"one line: {r.stderr!r}")
    check("exists" in lines[0], r.stderr)
    r = run_cli("org", "add", "--code", "bad-kind", "--name", "X Y", "--kind", "charity", "--region", "UA-61", env=env)
    eq(r.returncode, 2, r.stderr)
    eq(len(r.stderr.strip().splitlines()), 1, r.stderr)
    check("--kind" in r.stderr and "ngo" in r.stderr, r.stderr)
    r = run_cli("org", "add", "--code", "bad-region", "--name", "X Y", "--kind", "ngo", "--region", "UA-99", env=env)
    eq(r.returncode, 2, r.stderr)
    check("--region" in r.stderr, r.stderr)
    r = run_cli("org", "add", "--code", "Bad Code", "--name", "X Y", "--kind", "ngo", "--region", "UA-61", env=env)
    eq(r.returncode, 2, r.stderr)
    check("--code" in r.stderr, r.stderr)
    r = run_cli("org", "add", "--code", "abroad-nocountry", "--name", "X Y", "--kind", "ngo", "--region", "abroad",
                env=env)
    eq(r.returncode, 2, r.stderr)
    check("--country" in r.stderr, r.stderr)
    r = run_cli("org", "add", "--code", "bad-date", "--name", "X Y", "--kind", "ngo", "--region", "UA-61",
                "--joined", "2019-02-30", env=env)
    eq(r.returncode, 2, r.stderr)
    check("--joined" in r.stderr, r.stderr)
    # The audit chain is keyed: without the key nothing is written.
    r = run_cli("org", "add", "--code", "no-key", "--name", "X Y", "--kind", "ngo", "--region", "UA-61",
                env={"NADIYA_DB": s.db_url})
    eq(r.returncode, 2, r.stderr)
    check("key-file" in r.stderr, r.stderr)
    r = run_cli("org", "add", "--code", "lastrada-pl", "--name", "Ла Страда Польща", "--kind", "international",
                "--region", "abroad", "--country", "pl", env=env)
    eq(r.returncode, 0, r.stderr)
    r = run_cli("org", "list", "--region", "UA-61", env=env)
    eq(r.returncode, 0, r.stderr)
    listed = [l.split("\t")[0] for l in r.stdout.splitlines()]
    check("revival-ternopil" in listed and "lastrada-pl" not in listed and "no-key" not in listed, r.stdout)
    r = run_cli("org", "list", "--region", "abroad", env=env)
    check(r.stdout.startswith("lastrada-pl\tactive\tinternational\tabroad\tPL\t"), r.stdout)
    r = run_cli("org", "list", "--kind", "nonsense", env=env)
    eq(r.returncode, 2, r.stderr)


# ---- API ---------------------------------------------------------------------


@test
def api_create_get_and_filter(s):
    o = create(s, {"code": "api-lviv-shelter", "name_uk": "Притулок Львів", "name_en": "Lviv Shelter",
                   "kind": "ngo", "region": "UA-46", "services": ["shelter", "psychological"],
                   "email": "Info@Lviv.Example", "phone": "+380 67 123 4567", "joined_on": "2021-06-01"})
    eq(o["country"], "UA")
    eq(o["status"], "active")
    eq(o["email"], "info@lviv.example")
    eq(o["phone"], "+380671234567")
    eq(o["services"], ["shelter", "psychological"])
    eq(o["version"], 1)
    create(s, {"code": "api-lviv-police", "name_uk": "Поліція Львівщини", "kind": "law_enforcement",
               "region": "UA-46", "services": ["outreach"]})
    create(s, {"code": "api-odesa-legal", "name_uk": "Юридична клініка Одеса", "kind": "ngo", "region": "UA-51",
               "services": ["legal", "shelter"]})
    tok = token(s, "admin")
    r = s.api("GET", "/api/v1/orgs/api-lviv-shelter", token=tok)
    eq(r.status, 200)
    eq(r.json()["name_en"], "Lviv Shelter")
    eq(s.api("GET", "/api/v1/orgs/no-such-org", token=tok).status, 404)
    r = s.api("GET", "/api/v1/orgs?region=UA-46", token=tok)
    eq(r.status, 200)
    eq(codes(r), ["api-lviv-police", "api-lviv-shelter"])
    eq(codes(s.api("GET", "/api/v1/orgs?region=UA-46&kind=ngo", token=tok)), ["api-lviv-shelter"])
    got = codes(s.api("GET", "/api/v1/orgs?service=shelter", token=tok))
    check("api-lviv-shelter" in got and "api-odesa-legal" in got and "api-lviv-police" not in got, got)
    eq(codes(s.api("GET", "/api/v1/orgs?service=legal&region=UA-51", token=tok)), ["api-odesa-legal"])
    # Search ignores case, in Cyrillic too.
    eq(codes(s.api("GET", "/api/v1/orgs?q=%D0%BF%D0%A0%D0%98%D0%A2%D1%83%D0%BB%D0%BE%D0%BA", token=tok)),
       ["api-lviv-shelter"])  # "пРИТулок"
    eq(codes(s.api("GET", "/api/v1/orgs?q=LVIV-POL", token=tok)), ["api-lviv-police"])
    # Paging: one at a time, following "next", visits each once.
    seen, after = [], ""
    for _ in range(50):
        r = s.api("GET", "/api/v1/orgs?region=UA-46&limit=1" + (f"&after={after}" if after else ""), token=tok)
        j = r.json()
        seen += [o["code"] for o in j["items"]]
        if j["next"] is None:
            break
        after = j["next"]
    eq(seen, ["api-lviv-police", "api-lviv-shelter"])
    r = s.api("GET", "/api/v1/orgs?region=UA-99", token=tok)
    eq(r.status, 422)
    eq(r.json()["error"]["field"], "region")
    eq(s.api("GET", "/api/v1/orgs?limit=1000", token=tok).json()["error"]["field"], "limit")
    eq(s.api("GET", "/api/v1/orgs").status, 401)


@test
def api_validation_answers_422_with_field(s):
    tok = token(s, "admin")
    cases = [
        ({"code": "v-kind", "name_uk": "Назва", "kind": "charity", "region": "UA-61"}, 422, "kind"),
        ({"code": "v-name", "kind": "ngo", "region": "UA-61"}, 422, "name_uk"),
        ({"code": "V Bad", "name_uk": "Назва", "kind": "ngo", "region": "UA-61"}, 422, "code"),
        ({"code": "v-country", "name_uk": "Назва", "kind": "ngo", "region": "UA-61", "country": "PL"}, 422, "country"),
        ({"code": "v-abroad", "name_uk": "Назва", "kind": "ngo", "region": "abroad"}, 422, "country"),
        ({"code": "v-abroad-ua", "name_uk": "Назва", "kind": "ngo", "region": "abroad", "country": "UA"}, 422, "region"),
        ({"code": "v-cc", "name_uk": "Назва", "kind": "ngo", "region": "abroad", "country": "QQ"}, 422, "country"),
        ({"code": "v-svc", "name_uk": "Назва", "kind": "ngo", "region": "UA-61", "services": ["spa"]}, 422, "services"),
        ({"code": "v-date", "name_uk": "Назва", "kind": "ngo", "region": "UA-61", "joined_on": "15.03.2019"}, 422,
         "joined_on"),
        ({"code": "v-mou", "name_uk": "Назва", "kind": "ngo", "region": "UA-61", "mou_signed_on": "2020-01-01",
          "mou_renewal_on": "2019-01-01"}, 422, "mou_renewal_on"),
        ({"code": "v-status", "name_uk": "Назва", "kind": "ngo", "region": "UA-61", "status": "left"}, 422, "status"),
        ({"code": "v-unknown", "name_uk": "Назва", "kind": "ngo", "region": "UA-61", "colour": "red"}, 400, "colour"),
        ({"code": "revival-ternopil", "name_uk": "Назва", "kind": "ngo", "region": "UA-61"}, 409, "code"),
    ]
    for body, status, field in cases:
        r = s.api("POST", "/api/v1/orgs", body, token=tok)
        eq(r.status, status, f"{body}: {r.text[:200]}")
        e = r.json()["error"]
        eq(e["field"], field, f"{body}:")
        check(e["message"], e)
        if status != 409 and " " not in body["code"]:
            eq(s.api("GET", f"/api/v1/orgs/{body['code']}", token=tok).status, 404, f"{body['code']} stored:")
    r = s.api("POST", "/api/v1/orgs", "[1]", token=tok)
    eq(r.status, 400)


@test
def api_patch_detects_stale_version(s):
    tok = token(s, "admin")
    o = create(s, {"code": "patch-org", "name_uk": "Зміни", "kind": "ngo", "region": "UA-05"})
    v = o["version"]
    r = s.api("PATCH", "/api/v1/orgs/patch-org", {"version": v, "phone": "+380 44 000 1122", "name_en": "Changes"},
              token=tok)
    eq(r.status, 200, r.text)
    eq(r.json()["version"], v + 1)
    eq(r.json()["phone"], "+380440001122")
    eq(r.json()["name_uk"], "Зміни", "absent fields stay:")
    # A second writer who still has the old version is refused, and nothing changes.
    r = s.api("PATCH", "/api/v1/orgs/patch-org", {"version": v, "name_en": "Overwrite"}, token=tok)
    eq(r.status, 409, r.text)
    eq(r.json()["error"]["code"], "conflict")
    eq(s.api("GET", "/api/v1/orgs/patch-org", token=tok).json()["name_en"], "Changes")
    # Without a version the change applies to whatever is current.
    r = s.api("PATCH", "/api/v1/orgs/patch-org", {"region": "abroad", "country": "MD"}, token=tok)
    eq(r.status, 200, r.text)
    eq((r.json()["region"], r.json()["country"]), ("abroad", "MD"))
    r = s.api("PATCH", "/api/v1/orgs/patch-org", {"region": "UA-05"}, token=tok)
    eq(r.status, 200, r.text)
    eq(r.json()["country"], "UA", "back in Ukraine:")
    for body, status, field in [({"code": "renamed"}, 422, "code"), ({"status": "left"}, 422, "status"),
                                ({"email": "not an address"}, 422, "email"), ({"version": "3"}, 422, "version"),
                                ({"kind": None}, 422, "kind"), ({"nope": 1}, 400, "nope")]:
        r = s.api("PATCH", "/api/v1/orgs/patch-org", body, token=tok)
        eq(r.status, status, f"{body}: {r.text}")
        eq(r.json()["error"]["field"], field)
    eq(s.api("PATCH", "/api/v1/orgs/nobody-here", {"phone": "+380440001122"}, token=tok).status, 404)


@test
def api_status_and_history(s):
    tok = token(s, "admin")
    create(s, {"code": "status-org", "name_uk": "Статус", "kind": "donor", "region": "UA-18"})
    r = s.api("POST", "/api/v1/orgs/status-org/status", {"status": "suspended"}, token=tok)
    eq(r.status, 422)
    eq(r.json()["error"]["field"], "reason")
    r = s.api("POST", "/api/v1/orgs/status-org/status", {"status": "closed", "reason": "x"}, token=tok)
    eq(r.json()["error"]["field"], "status")
    r = s.api("POST", "/api/v1/orgs/status-org/status", {"status": "suspended", "reason": "MoU expired",
                                                          "version": 99}, token=tok)
    eq(r.status, 409)
    r = s.api("POST", "/api/v1/orgs/status-org/status", {"status": "suspended", "reason": "MoU expired"}, token=tok)
    eq(r.status, 200, r.text)
    eq((r.json()["status"], r.json()["status_reason"]), ("suspended", "MoU expired"))
    eq(codes(s.api("GET", "/api/v1/orgs?status=suspended", token=tok)), ["status-org"])
    r = s.api("POST", "/api/v1/orgs/status-org/status", {"status": "active", "reason": "MoU renewed"}, token=tok)
    eq(r.status, 200, r.text)
    eq(r.json()["status"], "active")
    s.api("PATCH", "/api/v1/orgs/status-org", {"address": "Житомир, вул. Київська, 1"}, token=tok)
    r = s.api("GET", "/api/v1/orgs/status-org/history", token=tok)
    eq(r.status, 200)
    items = r.json()["items"]
    eq([i["action"] for i in items], ["edit", "status", "status", "create"])
    eq(items[0]["by"], "admin@orgs.example")
    eq(items[0]["changes"], [{"field": "address", "before": "", "after": "Житомир, вул. Київська, 1"}])
    ch = {c["field"]: (c["before"], c["after"]) for c in items[2]["changes"]}
    eq(ch, {"status": ("active", "suspended"), "status_reason": ("", "MoU expired")})
    check({"field": "kind", "before": "", "after": "donor"} in items[3]["changes"], items[3])
    r = s.api("GET", "/api/v1/orgs/status-org/history", token=token(s, "worker"))
    eq(r.status, 200, "anyone signed in may read an organization's history")
    eq(s.api("GET", "/api/v1/orgs/nothing-here/history", token=tok).status, 404)


@test
def caseworker_may_look_but_not_create(s):
    tok = token(s, "worker")
    eq(s.api("GET", "/api/v1/orgs", token=tok).status, 200)
    r = s.api("POST", "/api/v1/orgs", {"code": "worker-org", "name_uk": "Назва", "kind": "ngo", "region": "UA-61"},
              token=tok)
    eq(r.status, 403)
    eq(r.json()["error"]["code"], "forbidden")
    eq(s.api("PATCH", "/api/v1/orgs/revival-ternopil", {"phone": "+380351234567"}, token=tok).status, 403)
    eq(s.api("POST", "/api/v1/orgs/revival-ternopil/status", {"status": "left", "reason": "x"}, token=tok).status, 403)
    eq(s.api("GET", "/api/v1/network/growth", token=tok).status, 403)
    eq(s.api("GET", "/api/v1/orgs/worker-org", token=token(s, "admin")).status, 404)
    b = browser(s, "worker")
    r = b.get("/orgs")
    eq(r.status, 200)
    check('href="/orgs"' in r.text and 'href="/network"' not in r.text, "nav for a caseworker")
    check('href="/orgs/new"' not in r.text, "no create button for a caseworker")
    tidy_check(r.body, "/orgs (caseworker)")
    eq(b.get("/orgs/new").status, 403)
    r = b.post("/orgs", {"csrf": b.csrf("/orgs"), "code": "worker-org2", "name_uk": "Назва", "kind": "ngo",
                         "region": "UA-61"})
    eq(r.status, 403)
    eq(b.get("/orgs/revival-ternopil/edit").status, 403)
    eq(b.get("/network").status, 403)
    r = b.get("/orgs/revival-ternopil")
    eq(r.status, 200)
    check("/orgs/revival-ternopil/edit" not in r.text and "/orgs/revival-ternopil/status" not in r.text,
          "no edit or status forms for a caseworker")
    tidy_check(r.body, "detail (caseworker)")


# ---- pages -------------------------------------------------------------------


@test
def page_create_shows_errors_in_ukrainian_next_to_fields(s):
    b = browser(s, "admin")
    r = b.get("/orgs/new")
    eq(r.status, 200)
    tidy_check(r.body, "/orgs/new")
    check('name="csrf"' in r.text and 'name="status"' not in r.text, "status is not part of the form")
    fields = {"code": "page-org", "name_uk": "", "name_en": "Page Org", "kind": "ngo", "region": "UA-61",
              "email": "not-an-email", "phone": "+380 67 765 4321", "website": "ftp://x", "joined_on": "2022-13-01",
              "services": ["legal", "medical"]}
    r = submit(b, "/orgs/new", "/orgs", fields)
    eq(r.status, 422)
    tidy_check(r.body, "/orgs with errors")
    page = text(r.text)
    check('<html lang="uk">' in page)
    # Each error sits in its field's block, in Ukrainian.
    for name in ("name_uk", "email", "website", "joined_on"):
        m = re.search(r'<div class="field invalid"><label for="f-%s">.*?<span class="field-error" id="e-%s">([^<]+)'
                      % (name, name), page)
        check(m, f"no error next to {name}")
        check(re.search("[а-яіїєґ]", m.group(1)), f"{name}: error not in Ukrainian: {m.group(1)!r}")
    # What was typed is kept.
    eq(form_value(r.text, "code"), "page-org")
    eq(form_value(r.text, "name_en"), "Page Org")
    eq(form_value(r.text, "email"), "not-an-email")
    eq(form_value(r.text, "joined_on"), "2022-13-01")
    check(re.search(r'value="legal" checked', r.text) and re.search(r'value="medical" checked', r.text),
          "checked services kept")
    check(re.search(r'<option value="UA-61" selected>', r.text), "region kept")
    eq(s.api("GET", "/api/v1/orgs/page-org", token=token(s, "admin")).status, 404, "nothing stored:")
    # Region and country disagree: the service's rule lands next to the country field.
    fields.update({"name_uk": "Сторінка", "email": "info@page.example", "website": "https://page.example",
                   "joined_on": "2022-02-01", "country": "PL"})
    r = submit(b, "/orgs/new", "/orgs", fields)
    eq(r.status, 422)
    check(re.search(r'id="e-country"', r.text), "country error placed")
    tidy_check(r.body, "/orgs country error")
    fields["country"] = ""
    r = submit(b, "/orgs/new", "/orgs", fields)
    eq(r.status, 303, r.text[:500])
    eq(r.header("Location"), "/orgs/page-org?done=created")
    r = b.get("/orgs/page-org?done=created")
    eq(r.status, 200)
    tidy_check(r.body, "/orgs/page-org")
    page = text(r.text)
    check("Сторінка" in page and "info@page.example" in page, "detail shows the record")
    check('<a rel="noopener noreferrer" href="https://page.example">' in r.text, "website link")
    # The same code again: the error is next to the code field.
    r = submit(b, "/orgs/new", "/orgs", fields)
    eq(r.status, 409)
    check('id="e-code"' in r.text, "duplicate code error placed")
    tidy_check(r.body, "duplicate code")


@test
def page_edit_with_version_and_conflict(s):
    b = browser(s, "admin")
    create(s, {"code": "edit-org", "name_uk": "Редагування", "kind": "ngo", "region": "UA-71",
               "services": ["shelter"], "joined_on": "2020-05-05"})
    r = b.get("/orgs/edit-org/edit")
    eq(r.status, 200)
    tidy_check(r.body, "edit page")
    eq(form_value(r.text, "version"), "1")
    check('name="code"' not in r.text, "the code is not editable")
    eq(form_value(r.text, "name_uk"), "Редагування")
    fields = {"version": "1", "name_uk": "Редагування", "name_en": "Editing", "kind": "ngo", "region": "UA-71",
              "country": "UA", "joined_on": "2020-05-05", "services": ["shelter", "vocational"]}
    r = submit(b, "/orgs/edit-org/edit", "/orgs/edit-org/edit", fields)
    eq(r.status, 303, r.text[:500])
    j = s.api("GET", "/api/v1/orgs/edit-org", token=token(s, "admin")).json()
    eq((j["name_en"], j["services"], j["version"]), ("Editing", ["shelter", "vocational"], 2))
    eq(codes(s.api("GET", "/api/v1/orgs?service=vocational&region=UA-71", token=token(s, "admin"))), ["edit-org"])
    # The form still says version 1: someone saved in between.
    fields.update({"name_en": "Stale edit"})
    r = submit(b, "/orgs/edit-org/edit", "/orgs/edit-org/edit", fields)
    eq(r.status, 409)
    tidy_check(r.body, "edit conflict")
    eq(form_value(r.text, "name_en"), "Stale edit", "typed value kept:")
    eq(form_value(r.text, "version"), "2", "the form now carries the current version:")
    eq(s.api("GET", "/api/v1/orgs/edit-org", token=token(s, "admin")).json()["name_en"], "Editing")
    # Invalid edit: error next to the field, typed values kept.
    fields.update({"version": "2", "email": "broken@", "name_en": "Kept"})
    r = submit(b, "/orgs/edit-org/edit", "/orgs/edit-org/edit", fields)
    eq(r.status, 422)
    check('id="e-email"' in r.text, "email error placed")
    eq(form_value(r.text, "name_en"), "Kept")
    eq(form_value(r.text, "email"), "broken@")
    tidy_check(r.body, "edit errors")


@test
def page_deactivate_and_reactivate_keep_history(s):
    b = browser(s, "admin")
    create(s, {"code": "deact-org", "name_uk": "Деактивація", "kind": "hotline", "region": "UA-74"})
    r = b.get("/orgs/deact-org")
    eq(r.status, 200)
    check('action="/orgs/deact-org/status"' in r.text, "status form shown to an admin")
    v = form_value(r.text.split('action="/orgs/deact-org/status"')[1], "version")
    r = b.submit("/orgs/deact-org", "/orgs/deact-org/status", {"version": v, "status": "left", "reason": ""})
    eq(r.status, 422)
    check(re.search(r'<span class="field-error" id="e-reason">[^<]*[а-яіїєґ]', r.text), "reason error in Ukrainian")
    tidy_check(r.body, "status error")
    r = b.submit("/orgs/deact-org", "/orgs/deact-org/status",
                 {"version": v, "status": "left", "reason": "Організація припинила діяльність"})
    eq(r.status, 303, r.text[:400])
    r = b.get("/orgs/deact-org?done=status")
    page = text(r.text)
    check('<span class="tag bad">' in r.text and "Організація припинила діяльність" in page, "status shown")
    check("Reactivate" in page or "Відновити" in page, "reactivate form")
    tidy_check(r.body, "deactivated detail")
    v = form_value(r.text.split('action="/orgs/deact-org/status"')[1], "version")
    r = b.submit("/orgs/deact-org", "/orgs/deact-org/status", {"version": v, "status": "active", "reason": ""})
    eq(r.status, 303, r.text[:400])
    r = b.get("/orgs/deact-org")
    check('<span class="tag good">' in r.text, "active again")
    rows = re.findall(r"<tr><td><time", r.text)
    eq(len(rows), 3, "history rows (create, left, active)")
    eq([i["action"] for i in s.api("GET", "/api/v1/orgs/deact-org/history", token=token(s, "admin")).json()["items"]],
       ["status", "status", "create"])
    # A coordinator may edit but not deactivate.
    c = browser(s, "coord")
    r = c.get("/orgs/deact-org")
    check("/orgs/deact-org/edit" in r.text and 'action="/orgs/deact-org/status"' not in r.text, "coordinator view")
    r = c.post("/orgs/deact-org/status", {"csrf": c.csrf("/orgs"), "version": "3", "status": "left", "reason": "x"})
    eq(r.status, 403)


@test
def list_page_filters_by_region_kind_service(s):
    create(s, {"code": "flt-a", "name_uk": "Фільтр А", "kind": "government", "region": "UA-56",
               "services": ["legal"]})
    create(s, {"code": "flt-b", "name_uk": "Фільтр Б", "kind": "ngo", "region": "UA-56",
               "services": ["medical", "legal"]})
    create(s, {"code": "flt-c", "name_uk": "Фільтр В", "kind": "ngo", "region": "UA-59", "services": ["medical"]})
    b = browser(s, "admin")
    r = b.get("/orgs")
    eq(r.status, 200)
    tidy_check(r.body, "/orgs")
    check('<form method="get" action="/orgs"' in r.text and 'href="/orgs/new"' in r.text)

    def listed(q):
        r = b.get("/orgs?" + q)
        eq(r.status, 200, q)
        tidy_check(r.body, "/orgs?" + q)
        return set(re.findall(r'<td class="mono">(flt-[a-z])</td>', r.text))

    eq(listed("region=UA-56"), {"flt-a", "flt-b"})
    eq(listed("region=UA-56&kind=ngo"), {"flt-b"})
    eq(listed("service=medical"), {"flt-b", "flt-c"})
    eq(listed("service=legal&region=UA-56&kind=government"), {"flt-a"})
    eq(listed("q=%D1%84%D1%96%D0%BB%D1%8C%D1%82%D1%80+%D0%B2"), {"flt-c"})  # "фільтр в"
    r = b.get("/orgs?region=UA-56&kind=donor")
    check("flt-" not in r.text, "no rows")
    r = b.get("/orgs?kind=charity")
    eq(r.status, 400)
    check('id="e-kind"' in r.text, "filter error next to the filter")
    tidy_check(r.body, "/orgs bad filter")
    r = b.get("/orgs?region=UA-56")
    check(re.search(r'<option value="UA-56" selected>', r.text), "chosen filter kept")


@test
def network_growth_counts_by_month_and_year(s):
    for code, joined in [("grow-1", "2016-05-01"), ("grow-2", "2016-11-20"), ("grow-3", "2016-11-02"),
                         ("grow-4", "2018-01-10")]:
        create(s, {"code": code, "name_uk": f"Зростання {code}", "kind": "ngo", "region": "UA-07",
                   "joined_on": joined})
    create(s, {"code": "grow-5", "name_uk": "Зростання 5", "kind": "donor", "region": "UA-07",
               "joined_on": "2019-09-09"})
    tok = token(s, "admin")
    r = s.api("GET", "/api/v1/network/growth?region=UA-07&by=year", token=tok)
    eq(r.status, 200, r.text)
    j = r.json()
    eq(j["by"], "year")
    eq(j["total"], 5)
    eq(j["points"], [{"period": "2016", "joined": 3, "total": 3}, {"period": "2018", "joined": 1, "total": 4},
                     {"period": "2019", "joined": 1, "total": 5}])
    j = s.api("GET", "/api/v1/network/growth?region=UA-07&kind=ngo", token=tok).json()
    eq(j["by"], "month")
    eq([(p["period"], p["joined"], p["total"]) for p in j["points"]],
       [("2016-05", 1, 1), ("2016-11", 2, 3), ("2018-01", 1, 4)])
    # The whole network: the running total ends at the number of organizations.
    allj = s.api("GET", "/api/v1/network/growth", token=tok).json()
    n = 0
    after = ""
    while True:
        page = s.api("GET", "/api/v1/orgs?limit=200" + (f"&after={after}" if after else ""), token=tok).json()
        n += len(page["items"])
        if not page["next"]:
            break
        after = page["next"]
    eq(allj["total"], n)
    eq(s.api("GET", "/api/v1/network/growth?by=week", token=tok).json()["error"]["field"], "by")
    b = browser(s, "admin")
    r = b.get("/network?by=year&region=UA-07")
    eq(r.status, 200)
    tidy_check(r.body, "/network")
    check("style=" not in r.text, "no inline styles (CSP)")
    check('<meter min="0" max="5" value="3">' in r.text, "bars")
    check(re.search(r'<th scope="row">2016</th><td class="num">3</td><td class="num">3</td>', r.text), r.text[-1500:])
    r = b.get("/network")
    eq(r.status, 200)
    tidy_check(r.body, "/network by month")
    check('href="/network"' in r.text, "nav has Network for an admin")
    r = b.get("/network?region=nowhere")
    eq(r.status, 400)
    tidy_check(r.body, "/network bad filter")


@test
def pages_in_ukrainian_and_english(s):
    uk = browser(s, "admin")
    r = uk.get("/orgs/revival-ternopil")
    eq(r.status, 200)
    check('<html lang="uk">' in r.text)
    page = text(r.text)
    check("Відродження" in page and "Тернопільська область" in page, "Ukrainian names and labels")
    en = browser(s, "admin", lang="en")
    r = en.get("/orgs/revival-ternopil")
    eq(r.status, 200)
    check('<html lang="en">' in r.text)
    page = text(r.text)
    check("<h1>Revival</h1>" in page, "English name in English")
    check("Ternopil oblast" in page and "Shelter" in page and "Legal aid" in page, "English labels")
    tidy_check(r.body, "detail (en)")
    for path in ["/orgs", "/orgs/new", "/orgs/revival-ternopil/edit", "/network"]:
        r = en.get(path)
        eq(r.status, 200, path)
        tidy_check(r.body, path + " (en)")
    check("Organizations of the network" in en.get("/orgs").text)
    check("Організації мережі" in text(uk.get("/orgs").text), "Ukrainian list title")
    check("Зростання мережі" in text(uk.get("/network").text), "Ukrainian growth title")


@test
def every_change_is_in_the_audit_trail_without_values(s):
    r = s.api("GET", "/api/v1/audit?object_type=organization&object_id=status-org&limit=50",
              token=token(s, "auditor"))
    eq(r.status, 200, r.text[:300])
    entries = r.json()["items"]
    got = [(e["action"], e["outcome"], e["actor"]) for e in reversed(entries)]
    eq(got, [("org.create", "ok", "admin@orgs.example"), ("org.deactivate", "ok", "admin@orgs.example"),
             ("org.reactivate", "ok", "admin@orgs.example"), ("org.edit", "ok", "admin@orgs.example")])
    eq(entries[0]["detail"], "fields=address")
    for e in entries:
        check("MoU" not in e["detail"] and "Житомир" not in e["detail"], f"values in audit detail: {e['detail']}")
    r = s.api("GET", "/api/v1/audit?action=org.create&limit=200", token=token(s, "auditor"))
    check(any(e["outcome"] == "denied" and e["actor"] == "worker@orgs.example" for e in r.json()["items"]),
          "the caseworker's refused creation is audited")
    r = run_cli("audit", "verify", env=cli_env(s))
    eq(r.returncode, 0, r.stdout + r.stderr)
