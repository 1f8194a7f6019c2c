"""The service directory: entries per organization and service, searched by service and by the
region she is in (nearest first, then fresh before stale, then by free places), the stale flag,
free places updated by the provider, who may change what, and bad input — through the API and
the pages."""
import datetime
import html
import re
import urllib.parse

from harness import (Browser, Server, add_org, add_user, api_login, check, eq, test, tidy_check)


def setup():
    s = Server()
    # Ternopil is where she is; Lviv is the neighbour (about 130 km); Kharkiv is across the country.
    add_org(s, "dir-ternopil", region="UA-61")
    for code in ("dir-lviv-a", "dir-lviv-b", "dir-lviv-c", "dir-lviv-d"):
        add_org(s, code, region="UA-46")
    add_org(s, "dir-kharkiv", region="UA-63")
    s.u = {
        "admin": add_user(s, "admin@dir.example", "admin", "dir-ternopil"),
        "coord": add_user(s, "coord@dir.example", "coordinator", "dir-ternopil"),
        "m_ternopil": add_user(s, "m-ternopil@dir.example", "manager", "dir-ternopil"),
        "m_lviv": add_user(s, "m-lviv@dir.example", "manager", "dir-lviv-a"),
        "worker": add_user(s, "worker@dir.example", "caseworker", "dir-lviv-a"),
        "donor": add_user(s, "donor@dir.example", "donor", "dir-ternopil"),
    }
    s.tok = {k: api_login(s, u) for k, u in s.u.items()}
    r = s.api("POST", "/api/v1/orgs", {"code": "dir-abroad", "name_uk": "За кордоном", "kind": "ngo",
                                       "region": "abroad", "country": "PL"}, token=s.tok["admin"])
    eq(r.status, 201, r.text)
    s.browsers = {}
    s.ids = {}
    return s


def api(s, who, method, path, body=None, expect=None):
    r = s.api(method, path, body, token=s.tok[who])
    if expect is not None:
        eq(r.status, expect, f"{method} {path} as {who}: {r.text[:400]}")
    return r


def browser(s, who):
    if who not in s.browsers:
        b = Browser(s, lang="en")
        b.login(s.u[who])
        s.browsers[who] = b
    return s.browsers[who]


def days_ago(n):
    return (datetime.datetime.now(datetime.timezone.utc).date() - datetime.timedelta(days=n)).isoformat()


def entry(s, org, regions, total=None, free=None, verified=None, service="shelter", who="admin", **more):
    body = {"org": org, "service": service, "regions": regions, "languages": ["uk"], **more}
    if total is not None:
        body["capacity_total"] = total
    if free is not None:
        body["capacity_free"] = free
    if verified:
        body["verified_on"] = verified
    r = api(s, who, "POST", "/api/v1/services", body)
    check(r.status in (200, 201), f"entry {org}: {r.status} {r.text[:300]}")
    s.ids[(org, service)] = r.json()["id"]
    return r.json()


def search(s, who="worker", **q):
    r = api(s, who, "GET", "/api/v1/services?" + urllib.parse.urlencode(q), expect=200)
    return r.json()["items"]


@test
def upsert_creates_then_replaces(s):
    r = api(s, "admin", "POST", "/api/v1/services", {"org": "dir-ternopil", "service": "legal", "regions": ["UA-61"]}, 201)
    first = r.json()
    eq(r.header("Location"), f"/api/v1/services/{first['id']}")
    eq(first["org"], "dir-ternopil")
    eq(first["verified_on"], days_ago(0), "verified today by default:")
    eq(first["capacity_total"], None)
    # The same organization and service again: the entry is replaced, not duplicated.
    r = api(s, "admin", "POST", "/api/v1/services", {"org": "dir-ternopil", "service": "legal",
                                                     "regions": ["UA-61", "UA-46"], "opening_hours": "Mon-Fri"}, 200)
    eq(r.json()["id"], first["id"])
    eq(r.json()["regions"], ["UA-46", "UA-61"], "regions in picklist order:")
    eq(r.json()["version"], first["version"] + 1)
    got = api(s, "worker", "GET", f"/api/v1/services/{first['id']}", expect=200).json()
    eq(got["opening_hours"], "Mon-Fri")


@test
def search_nearest_first_then_fresh_then_free_places(s):
    entry(s, "dir-ternopil", ["UA-61"], total=4, free=0)                       # here, but full
    entry(s, "dir-lviv-a", ["UA-46"], total=10, free=2)
    entry(s, "dir-lviv-b", ["UA-46", "UA-07"], total=10, free=5)
    entry(s, "dir-lviv-c", ["UA-46"], total=12, free=9, verified=days_ago(400))  # most free, but stale
    entry(s, "dir-lviv-d", ["UA-46"])                                           # places not counted
    entry(s, "dir-kharkiv", ["UA-63"], total=30, free=30)
    entry(s, "dir-abroad", ["abroad"], total=5, free=5)
    items = search(s, service="shelter", region="UA-61")
    eq([i["org"] for i in items], ["dir-ternopil", "dir-lviv-b", "dir-lviv-a", "dir-lviv-d", "dir-lviv-c",
                                   "dir-kharkiv", "dir-abroad"], "order from Ternopil:")
    by = {i["org"]: i for i in items}
    eq(by["dir-ternopil"]["distance_km"], 0)
    check(100 < by["dir-lviv-a"]["distance_km"] < 200, by["dir-lviv-a"])
    eq(by["dir-lviv-a"]["distance_km"], by["dir-lviv-b"]["distance_km"], "the same nearest region, the same distance:")
    check(600 < by["dir-kharkiv"]["distance_km"] < 1000, by["dir-kharkiv"])
    eq(by["dir-abroad"]["distance_km"], None)
    # From Kharkiv the order turns round: Ternopil (about 790 km) before Volyn, which dir-lviv-b also
    # covers (about 830 km), before Lviv (about 905 km).
    items = search(s, service="shelter", region="UA-63")
    eq([i["org"] for i in items], ["dir-kharkiv", "dir-ternopil", "dir-lviv-b", "dir-lviv-a", "dir-lviv-d",
                                   "dir-lviv-c", "dir-abroad"], "order from Kharkiv:")
    check(by_org(items, "dir-lviv-b")["distance_km"] < by_org(items, "dir-lviv-a")["distance_km"], items)
    # Asked from abroad: the entries abroad first, the rest by availability.
    items = search(s, service="shelter", region="abroad")
    eq(items[0]["org"], "dir-abroad")
    eq(items[0]["distance_km"], 0)
    # Without a region: by availability only (fresh before stale, known free places first, then uncounted, then full).
    eq([i["org"] for i in search(s, service="shelter")],
       ["dir-kharkiv", "dir-abroad", "dir-lviv-b", "dir-lviv-a", "dir-lviv-d", "dir-ternopil", "dir-lviv-c"])
    # Another service is not mixed in; one organization's entries.
    eq({i["service"] for i in search(s, service="legal")}, {"legal"})
    eq({i["org"] for i in search(s, org="dir-lviv-a")}, {"dir-lviv-a"})


def by_org(items, org):
    return next(i for i in items if i["org"] == org)


@test
def stale_flag_after_180_days(s):
    fresh = entry(s, "dir-lviv-a", ["UA-46"], service="medical", verified=days_ago(179))
    stale = entry(s, "dir-lviv-b", ["UA-46"], service="medical", verified=days_ago(181))
    eq(fresh["stale"], False)
    eq(stale["stale"], True)
    # Verifying again clears the flag.
    r = api(s, "m_lviv", "PATCH", f"/api/v1/services/{fresh['id']}", {"verified_on": days_ago(0)}, 200)
    eq(r.json()["stale"], False)
    r = api(s, "admin", "PATCH", f"/api/v1/services/{stale['id']}", {"verified_on": days_ago(0)}, 200)
    eq(r.json()["stale"], False)
    api(s, "admin", "PATCH", f"/api/v1/services/{stale['id']}", {"verified_on": days_ago(181)}, 200)
    # The page tags a stale entry, and passes tidy.
    page = browser(s, "worker").get("/directory?service=medical&region=UA-46")
    eq(page.status, 200, page.text[:300])
    tidy_check(page.text, "/directory")
    rows = re.findall(r'<tr id="entry-(\d+)">(.*?)</tr>', page.text, re.S)
    eq([int(i) for i, _ in rows], [fresh["id"], stale["id"]], "fresh before stale:")
    check('class="tag bad">stale<' in rows[1][1] and "stale<" not in rows[0][1], rows)


@test
def free_places_updated_by_the_provider(s):
    eid = s.ids[("dir-lviv-a", "shelter")]
    r = api(s, "m_lviv", "POST", f"/api/v1/services/{eid}/capacity", {"capacity_free": 7}, 200)
    eq(r.json()["capacity_free"], 7)
    version = r.json()["version"]
    api(s, "m_lviv", "POST", f"/api/v1/services/{eid}/capacity", {"capacity_free": 11}, 422)
    api(s, "m_lviv", "POST", f"/api/v1/services/{eid}/capacity", {"capacity_free": -1}, 422)
    api(s, "m_lviv", "POST", f"/api/v1/services/{eid}/capacity", {"capacity_free": "3"}, 422)
    api(s, "m_lviv", "POST", f"/api/v1/services/{eid}/capacity", {"capacity_free": 3, "beds": 1}, 400)
    api(s, "m_lviv", "POST", f"/api/v1/services/{eid}/capacity", {"capacity_free": 3, "version": version - 1}, 409)
    # Another organization's manager, a caseworker and a donor may not.
    api(s, "m_ternopil", "POST", f"/api/v1/services/{eid}/capacity", {"capacity_free": 1}, 403)
    api(s, "worker", "POST", f"/api/v1/services/{eid}/capacity", {"capacity_free": 1}, 403)
    api(s, "donor", "POST", f"/api/v1/services/{eid}/capacity", {"capacity_free": 1}, 403)
    uncounted = s.ids[("dir-lviv-d", "shelter")]
    api(s, "admin", "POST", f"/api/v1/services/{uncounted}/capacity", {"capacity_free": 1}, 422)
    eq(api(s, "worker", "GET", f"/api/v1/services/{eid}", expect=200).json()["capacity_free"], 7, "unchanged:")
    # The provider's form in the search results.
    b = browser(s, "m_lviv")
    page = b.get("/directory?service=shelter&region=UA-46")
    check(f'action="/directory/{eid}/capacity"' in page.text, "the provider sees the form")
    check(f'action="/directory/{s.ids[("dir-lviv-b", "shelter")]}/capacity"' not in page.text,
          "no form for another organization's entry")
    cur = api(s, "m_lviv", "GET", f"/api/v1/services/{eid}", expect=200).json()
    r = b.submit("/directory", f"/directory/{eid}/capacity", {"capacity_free": "4", "version": str(cur["version"])})
    eq(r.status, 303, r.text[:300])
    check("done=capacity" in r.header("Location"), r.header("Location"))
    eq(api(s, "worker", "GET", f"/api/v1/services/{eid}", expect=200).json()["capacity_free"], 4)
    # Too many: the form comes back with the number typed and the problem next to it.
    cur = api(s, "m_lviv", "GET", f"/api/v1/services/{eid}", expect=200).json()
    r = b.submit("/directory", f"/directory/{eid}/capacity", {"capacity_free": "99", "version": str(cur["version"])})
    eq(r.status, 422, r.text[:300])
    tidy_check(r.text, "capacity error page")
    check('value="99"' in r.text and 'class="field-error"' in r.text, r.text[:2000])
    r = b.submit("/directory", f"/directory/{eid}/capacity", {"capacity_free": "many", "version": str(cur["version"])})
    eq(r.status, 422)
    eq(api(s, "worker", "GET", f"/api/v1/services/{eid}", expect=200).json()["capacity_free"], 4, "unchanged:")
    # Another organization's manager cannot use the form either.
    r = browser(s, "m_ternopil").submit("/directory", f"/directory/{eid}/capacity",
                                        {"capacity_free": "1", "version": str(cur["version"])})
    eq(r.status, 403)


@test
def a_manager_edits_only_their_own_organizations_entries(s):
    lviv = s.ids[("dir-lviv-a", "shelter")]
    api(s, "m_ternopil", "PATCH", f"/api/v1/services/{lviv}", {"opening_hours": "never"}, 403)
    api(s, "m_ternopil", "POST", "/api/v1/services", {"org": "dir-lviv-a", "service": "shelter", "regions": ["UA-61"]}, 403)
    api(s, "worker", "POST", "/api/v1/services", {"service": "legal", "regions": ["UA-46"]}, 403)
    api(s, "donor", "PATCH", f"/api/v1/services/{lviv}", {"opening_hours": "never"}, 403)
    eq(api(s, "worker", "GET", f"/api/v1/services/{lviv}", expect=200).json()["opening_hours"], "")
    # Their own: yes; without "org", a manager's entry is their organization's.
    r = api(s, "m_ternopil", "POST", "/api/v1/services", {"service": "psychological", "regions": ["UA-61"]}, 201)
    eq(r.json()["org"], "dir-ternopil")
    api(s, "m_lviv", "PATCH", f"/api/v1/services/{lviv}", {"opening_hours": "24/7"}, 200)
    # Administrators and the coordinator, any organization's.
    api(s, "coord", "PATCH", f"/api/v1/services/{lviv}", {"contact_point": "+380 32 000 00 00"}, 200)
    # The pages say the same.
    tb = browser(s, "m_ternopil")
    eq(tb.get(f"/directory/{lviv}/edit").status, 403)
    r = tb.submit("/directory/new", f"/directory/{lviv}/edit", {"version": "1", "regions": "UA-61"})
    eq(r.status, 403)
    lb = browser(s, "m_lviv")
    page = lb.get(f"/directory/{lviv}/edit")
    eq(page.status, 200)
    tidy_check(page.text, "edit page")
    check('name="org"' not in page.text, "a manager does not choose the organization")
    eq(browser(s, "worker").get("/directory/new").status, 403)
    # A manager adds a service for their own organization even when the form is tampered with.
    r = lb.submit("/directory/new", "/directory/new",
                  {"org": "dir-ternopil", "service": "vocational", "regions": "UA-46", "opening_hours": "Tue"})
    eq(r.status, 303, r.text[:500])
    items = search(s, service="vocational")
    eq([i["org"] for i in items], ["dir-lviv-a"])


@test
def bad_input_is_refused_and_changes_nothing(s):
    def bad(body, field, status=422, method="POST", path="/api/v1/services"):
        r = api(s, "admin", method, path, body, status)
        eq(r.json()["error"]["field"], field, f"{body}:")
    base = {"org": "dir-kharkiv", "service": "legal", "regions": ["UA-63"]}
    bad(dict(base, service="spa"), "service")
    bad(dict(base, regions=["UA-99"]), "regions")
    bad(dict(base, regions=[]), "regions")
    bad(dict(base, org="no-such-org"), "org")
    bad(dict(base, capacity_total=5, capacity_free=6), "capacity_free")
    bad(dict(base, capacity_free=2), "capacity_total")
    bad(dict(base, capacity_total=-3), "capacity_total")
    bad(dict(base, verified_on="2999-01-01"), "verified_on")
    bad(dict(base, verified_on="01.02.2024"), "verified_on")
    bad(dict(base, sexes=["robots"]), "sexes")
    bad(dict(base, languages=["klingon"]), "languages")
    bad(dict(base, children_accepted="maybe"), "children_accepted")
    bad(dict(base, beds=3), "beds", status=400)
    eq(search(s, service="legal", org="dir-kharkiv"), [], "nothing was added:")
    eid = s.ids[("dir-kharkiv", "shelter")]
    cur = api(s, "admin", "GET", f"/api/v1/services/{eid}", expect=200).json()
    bad({"service": "legal"}, "service", method="PATCH", path=f"/api/v1/services/{eid}")
    bad({"org": "dir-lviv-a"}, "org", method="PATCH", path=f"/api/v1/services/{eid}")
    bad({"capacity_free": 31}, "capacity_free", method="PATCH", path=f"/api/v1/services/{eid}")
    bad({"opening_hours": "x", "version": cur["version"] + 5}, "version", 409, "PATCH", f"/api/v1/services/{eid}")
    eq(api(s, "admin", "GET", f"/api/v1/services/{eid}", expect=200).json(), cur, "unchanged:")
    api(s, "admin", "GET", "/api/v1/services/999999", expect=404)
    api(s, "admin", "GET", "/api/v1/services/abc", expect=404)
    api(s, "admin", "PATCH", "/api/v1/services/999999", {"opening_hours": "x"}, 404)
    r = api(s, "worker", "GET", "/api/v1/services?region=UA-99", expect=422)
    eq(r.json()["error"]["field"], "region")
    api(s, "worker", "GET", "/api/v1/services?service=spa", expect=422)
    api(s, "worker", "GET", "/api/v1/services?org=nobody", expect=422)
    api(s, "worker", "GET", "/api/v1/services?colour=red", expect=400)
    # The form keeps what was typed and puts the problem next to the field.
    b = browser(s, "coord")
    r = b.submit("/directory/new", "/directory/new",
                 {"org": "dir-kharkiv", "service": "legal", "regions": "UA-63", "capacity_total": "2",
                  "capacity_free": "5", "opening_hours": "Mon 9-12"})
    eq(r.status, 422, r.text[:300])
    tidy_check(r.text, "new entry with errors")
    check('value="Mon 9-12"' in r.text and 'href="#f-capacity_free"' in r.text, r.text[:3000])
    r = b.submit("/directory/new", "/directory/new", {"org": "dir-kharkiv", "service": "", "regions": "UA-63"})
    eq(r.status, 422)
    check('href="#f-service"' in r.text, "service is required")
    page = b.get("/directory?service=spa")
    eq(page.status, 400)
    tidy_check(page.text, "search with a bad service")
    eq(search(s, service="legal", org="dir-kharkiv"), [], "still nothing was added:")


@test
def pages_render_in_both_languages(s):
    for lang in ("uk", "en"):
        b = Browser(s, lang=lang)
        b.login(s.u["coord"])
        for path in ("/directory", "/directory?service=shelter&region=UA-61", "/directory/new",
                     f"/directory/{s.ids[('dir-lviv-a', 'shelter')]}/edit"):
            r = b.get(path)
            eq(r.status, 200, f"{path}: {r.text[:300]}")
            tidy_check(r.text, f"{path} ({lang})")
        if lang == "uk":
            check("Довідник послуг" in html.unescape(r.text), "Ukrainian page")


@test
def a_service_in_the_directory_can_be_referred_to(s):
    """referral_create accepts a service the receiving organization lists in the directory even when its
    registry entry does not name it, and refuses one it offers nowhere."""
    t = s.tok["m_ternopil"]
    p = s.api("POST", "/api/v1/persons", {"prs_FirstName": "Оксана", "prs_SecondName": "Тест", "prs_Gender": "Feminine",
                                          "confirm_new": True}, token=t)
    eq(p.status, 201, p.text)
    k = s.api("POST", "/api/v1/cases", {"person_id": p.json()["id"]}, token=t)
    eq(k.status, 201, k.text)
    cid = k.json()["id"]
    r = s.api("POST", f"/api/v1/cases/{cid}/consents", {"purpose": "referral", "method": "signed_form"}, token=t)
    eq(r.status, 201, r.text)
    # dir-kharkiv's registry entry names no services; its directory entry offers shelter.
    r = s.api("POST", "/api/v1/referrals", {"case_id": cid, "to_org": "dir-kharkiv", "services": ["shelter"],
                                            "reason": "Needs a safe place", "urgency": "urgent"}, token=t)
    eq(r.status, 201, r.text)
    r = s.api("POST", "/api/v1/referrals", {"case_id": cid, "to_org": "dir-kharkiv", "services": ["business"],
                                            "reason": "A course", "urgency": "normal"}, token=t)
    eq(r.status, 422, r.text)
    eq(r.json()["error"]["field"], "services")
