"""Assistance records: the services actually delivered to a person.  The case's organization records
what anyone gave; a receiving organization records what it gave itself, only under a referral it
accepted (not before, not after it ended); a third organization can do nothing.  Bad input is refused
with the field named and changes nothing.  Through the API and the section of the case page."""
import datetime
import html
import re

from harness import Browser, Server, add_org, add_user, api_login, check, eq, sql, test, tidy_check


def today(delta=0):
    return (datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=delta)).isoformat()


def setup():
    s = Server()
    add_org(s, "as-owner", region="UA-61")
    add_org(s, "as-recv", region="UA-46")
    add_org(s, "as-third", region="UA-63")
    s.u = {
        "admin": add_user(s, "admin@as.example", "admin", "as-owner"),
        "a_manager": add_user(s, "a-manager@as.example", "manager", "as-owner"),
        "a_worker": add_user(s, "a-worker@as.example", "caseworker", "as-owner", name="Anna Worker"),
        "a_other": add_user(s, "a-other@as.example", "caseworker", "as-owner"),
        "b_worker": add_user(s, "b-worker@as.example", "caseworker", "as-recv", name="Bohdan Worker"),
        "b_manager": add_user(s, "b-manager@as.example", "manager", "as-recv"),
        "c_manager": add_user(s, "c-manager@as.example", "manager", "as-third"),
        "c_worker": add_user(s, "c-worker@as.example", "caseworker", "as-third"),
    }
    s.tok = {k: api_login(s, u) for k, u in s.u.items()}
    for org in ("as-recv", "as-third"):
        r = s.api("POST", "/api/v1/services", {"org": org, "service": "shelter", "regions": ["UA-46"]},
                  token=s.tok["admin"])
        eq(r.status, 201, r.text)
    # The case of as-owner, its caseworker assigned (she registered it), with a referral consent.
    p = call(s, "a_worker", "POST", "/api/v1/persons", {"prs_FirstName": "Ірина", "prs_SecondName": "Допомога",
                                                        "prs_Gender": "Feminine", "confirm_new": True}, 201).json()
    s.case = call(s, "a_worker", "POST", "/api/v1/cases", {"person_id": p["id"]}, 201).json()["id"]
    call(s, "a_worker", "POST", f"/api/v1/cases/{s.case}/consents", {"purpose": "referral", "method": "signed_form"}, 201)
    s.referral = call(s, "a_worker", "POST", "/api/v1/referrals",
                      {"case_id": s.case, "to_org": "as-recv", "services": ["shelter"], "reason": "A safe place",
                       "urgency": "urgent"}, 201).json()["id"]
    s.browsers = {}
    return s


def call(s, who, method, path, body=None, expect=None):
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


def listing(s, who):
    return call(s, who, "GET", f"/api/v1/assistance?case_id={s.case}", expect=200).json()["items"]


def count(s):
    return int(sql(s, "SELECT COUNT(*) FROM assistance")[0][0])


@test
def the_owner_records_what_anyone_gave(s):
    r = call(s, "a_worker", "POST", "/api/v1/assistance",
             {"case_id": s.case, "service": "psychological", "delivered_on": today(-3), "quantity": 4, "unit": "sessions",
              "cost": "1250.5", "currency": "UAH", "funding_source": "Grant 17"}, 201)
    a = r.json()
    eq((a["service"], a["provider"], a["delivered_on"], a["quantity"], a["unit"], a["cost"], a["currency"],
        a["funding_source"], a["referral_id"], a["recorded_by"]),
       ("psychological", "as-owner", today(-3), 4, "sessions", "1250.50", "UAH", "Grant 17", None, "Anna Worker"))
    # Given by another organization, recorded by the owner (any referral of the case may be named).
    r = call(s, "a_manager", "POST", "/api/v1/assistance",
             {"case_id": s.case, "service": "medical", "provider": "as-third", "cost": "300", "currency": "EUR"}, 201)
    eq((r.json()["provider"], r.json()["delivered_on"], r.json()["cost"], r.json()["quantity"]),
       ("as-third", today(), "300.00", None))
    eq([x["service"] for x in listing(s, "a_manager")], ["medical", "psychological"], "newest delivery first:")
    # A caseworker of the owner organization who is not assigned to the case may not.
    call(s, "a_other", "POST", "/api/v1/assistance", {"case_id": s.case, "service": "legal"}, 403)
    call(s, "a_other", "GET", f"/api/v1/assistance?case_id={s.case}", expect=403)
    # The audit trail names the case, the record and the organizations, never amounts or text.
    rows = sql(s, "SELECT object_id, detail FROM audit_log WHERE action = 'assistance.record' AND outcome = 'ok'")
    eq(len(rows), 2)
    for oid, detail in rows:
        eq(str(oid), str(s.case))
        check("Grant" not in detail and "1250" not in detail and "service=" in detail, detail)


@test
def the_receiver_records_only_under_an_accepted_referral(s):
    body = {"case_id": s.case, "service": "shelter", "quantity": 14, "unit": "nights", "funding_source": "Own funds"}
    before = count(s)
    # Sent, not yet accepted: the receiving organization sees the case, but may not record.
    r = call(s, "b_worker", "POST", "/api/v1/assistance", body, 409)
    eq(r.json()["error"]["field"], "referral_id")
    eq(count(s), before)
    call(s, "b_manager", "POST", f"/api/v1/referrals/{s.referral}/accept", {}, 200)
    r = call(s, "b_worker", "POST", "/api/v1/assistance", body, 201)
    eq((r.json()["provider"], r.json()["referral_id"], r.json()["recorded_by"]), ("as-recv", s.referral, "Bohdan Worker"))
    # Named explicitly, the referral must be this case's to this organization.
    call(s, "b_worker", "POST", "/api/v1/assistance", dict(body, referral_id=s.referral), 201)
    r = call(s, "b_worker", "POST", "/api/v1/assistance", dict(body, referral_id=999999), 422)
    eq(r.json()["error"]["field"], "referral_id")
    # Only what it gave itself.
    r = call(s, "b_worker", "POST", "/api/v1/assistance", dict(body, provider="as-owner"), 422)
    eq(r.json()["error"]["field"], "provider")
    # In progress is still accepted work.
    call(s, "b_manager", "POST", f"/api/v1/referrals/{s.referral}/start", {}, 200)
    call(s, "b_manager", "POST", "/api/v1/assistance", dict(body, quantity=1, service="medical"), 201)
    # The receiver reads what it gave; the owner reads everything.
    mine = listing(s, "b_worker")
    eq({x["provider"] for x in mine}, {"as-recv"})
    eq(len(mine), 3)
    eq(len(listing(s, "a_worker")), len(mine) + 2)
    # Once the referral is completed, no more records under it.
    call(s, "b_manager", "POST", f"/api/v1/referrals/{s.referral}/complete", {"outcome": "Two weeks of shelter"}, 200)
    n = count(s)
    call(s, "b_worker", "POST", "/api/v1/assistance", body, 409)
    eq(count(s), n)


@test
def a_third_organization_can_do_nothing(s):
    n = count(s)
    for who in ("c_manager", "c_worker"):
        call(s, who, "POST", "/api/v1/assistance", {"case_id": s.case, "service": "shelter"}, 403)
        call(s, who, "GET", f"/api/v1/assistance?case_id={s.case}", expect=403)
    eq(count(s), n)
    eq(browser(s, "c_manager").get(f"/cases/{s.case}").status, 403)
    r = browser(s, "c_manager").submit("/directory", f"/cases/{s.case}/assistance", {"service": "shelter"})
    eq(r.status, 403)
    eq(count(s), n)


@test
def bad_input_is_refused_and_changes_nothing(s):
    n = count(s)
    base = {"case_id": s.case, "service": "legal"}
    cases = [
        (dict(base, quantity=-2, unit="sessions"), "quantity", 422),
        (dict(base, quantity=0, unit="sessions"), "quantity", 422),
        (dict(base, quantity=3), "unit", 422),
        (dict(base, unit="days"), "quantity", 422),
        (dict(base, unit="weeks", quantity=1), "unit", 422),
        (dict(base, cost="100", currency="XYZ"), "currency", 422),
        (dict(base, cost="100"), "currency", 422),
        (dict(base, currency="EUR"), "cost", 422),
        (dict(base, cost="-5", currency="EUR"), "cost", 422),
        (dict(base, cost="12.345", currency="EUR"), "cost", 422),
        (dict(base, cost="1,5", currency="EUR"), "cost", 422),
        (dict(base, cost=12.5, currency="EUR"), "cost", 422),
        (dict(base, delivered_on=today(1)), "delivered_on", 422),
        (dict(base, delivered_on="2024-02-30"), "delivered_on", 422),
        (dict(base, service="massage"), "service", 422),
        (dict(base, provider="no-such-org"), "provider", 422),
        ({"service": "legal"}, "case_id", 422),
        (dict(base, case_id="seven"), "case_id", 422),
        (dict(base, price=3), "price", 400),
    ]
    for body, field, status in cases:
        r = call(s, "a_worker", "POST", "/api/v1/assistance", body, status)
        eq(r.json()["error"]["field"], field, f"{body}:")
    call(s, "a_worker", "POST", "/api/v1/assistance", dict(base, case_id=999999), 404)
    call(s, "a_worker", "GET", "/api/v1/assistance", expect=422)
    call(s, "a_worker", "GET", "/api/v1/assistance?case_id=abc", expect=422)
    call(s, "a_worker", "GET", f"/api/v1/assistance?case_id={s.case}&all=1", expect=400)
    call(s, "a_worker", "GET", "/api/v1/assistance?case_id=999999", expect=404)
    eq(count(s), n, "nothing was recorded:")


@test
def the_case_page_shows_the_records_and_the_form(s):
    b = browser(s, "a_worker")
    page = b.get(f"/cases/{s.case}")
    eq(page.status, 200, page.text[:300])
    tidy_check(page.text, "case page with assistance")
    check('id="assistance"' in page.text and "Grant 17" in page.text, "the section lists the records")
    check(f'action="/cases/{s.case}/assistance"' in page.text, "the form is offered")
    r = b.submit(f"/cases/{s.case}", f"/cases/{s.case}/assistance",
                 {"service": "vocational", "delivered_on": today(-1), "quantity": "5", "unit": "days",
                  "cost": "99.90", "currency": "PLN", "funding_source": "Course fund"})
    eq(r.status, 303, r.text[:500])
    check(r.header("Location").endswith("?done=assistance#assistance"), r.header("Location"))
    page = b.get(r.header("Location").split("#")[0])
    check("99.90 PLN" in page.text and "Course fund" in page.text, "recorded")
    # Errors: the form on its own page, the problems next to the fields, everything typed kept.
    n = count(s)
    r = b.submit(f"/cases/{s.case}", f"/cases/{s.case}/assistance",
                 {"service": "vocational", "delivered_on": today(2), "quantity": "-1", "unit": "days",
                  "cost": "1.2.3", "currency": "PLN", "funding_source": "Kept text"})
    eq(r.status, 422, r.text[:300])
    tidy_check(r.text, "assistance form with errors")
    check('href="#f-quantity"' in r.text and 'value="Kept text"' in r.text, r.text[:3000])
    r = b.submit(f"/cases/{s.case}", f"/cases/{s.case}/assistance",
                 {"service": "vocational", "delivered_on": today(2), "funding_source": "Kept again"})
    eq(r.status, 422)
    check('href="#f-delivered_on"' in r.text and 'value="Kept again"' in r.text, "a problem the service found")
    eq(count(s), n)
    # The receiver's page (the referral is completed now): the records it gave, no form.
    page = browser(s, "b_worker").get(f"/cases/{s.case}")
    eq(page.status, 200, page.text[:300])
    tidy_check(page.text, "receiver's case page")
    check("Own funds" in page.text and "Grant 17" not in page.text, "only the receiver's own records")
    check(f'action="/cases/{s.case}/assistance"' not in page.text, "no form after the referral ended")
    # In Ukrainian too.
    ub = Browser(s, lang="uk")
    ub.login(s.u["a_manager"])
    page = ub.get(f"/cases/{s.case}")
    tidy_check(page.text, "case page in Ukrainian")
    check("Надана допомога" in html.unescape(page.text), "Ukrainian section title")
    check(re.search(r"99\.90 PLN", page.text), "amounts as written")
