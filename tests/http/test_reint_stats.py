"""Reintegration indicators over a known population: 7 persons monitored by org-a (region UA-61) and 3
by org-b (UA-46), with follow-ups done on time and late, one return abroad, one re-trafficking, one lost
contact and scores at the first and latest follow-up.  Every indicator's value, numerator and
denominator is checked for the manager (her organization, in full) and for the coordinator and the
donor (the network and each region, with every cell of fewer than 5 persons suppressed)."""
from harness import Server, add_org, add_user, api_login, check, eq, test

FROM, TO = "2025-01-01", "2025-12-31"
MID = {"income_sources": "one", "work_or_study": "occasional", "income_vs_needs": "partly", "debt": "manageable",
       "housing": "temporary", "safety": "mostly"}  # every dimension 0.5
BEST = {"income_sources": "several", "work_or_study": "regular", "income_vs_needs": "covers", "debt": "none",
        "housing": "stable", "safety": "safe"}  # every dimension 1.0


class Ctx:
    pass


def ok(r, status=200, what=""):
    eq(r.status, status, f"{what} {r.text[:500]}")
    return r.json() if r.body else None


def person_with_plan(c, who, name):
    """A case registered before the period, with an approved plan starting on 2025-01-01; its follow-ups."""
    t = c.tok[who]
    p = ok(c.s.api("POST", "/api/v1/persons", {"prs_FirstName": name, "prs_SecondName": "Stat",
                                               "prs_Gender": "Feminine", "confirm_new": True}, token=t), 201)
    k = ok(c.s.api("POST", "/api/v1/cases", {"person_id": p["id"], "registered_on": "2024-12-01"}, token=t), 201)
    plan = ok(c.s.api("POST", "/api/v1/plans", {"case_id": k["id"], "start_on": "2025-01-01", "goals": [
        {"dimension": "social", "text": "Housing of her own", "services": ["legal"]}]}, token=t), 201)
    ok(c.s.api("POST", f"/api/v1/plans/{plan['id']}/submit", token=t))
    ok(c.s.api("POST", f"/api/v1/plans/{plan['id']}/approve", token=t))
    fus = ok(c.s.api("GET", f"/api/v1/followups?case_id={k['id']}", token=t))["items"]
    eq([f["due_on"] for f in fus], ["2025-02-01", "2025-04-01", "2025-07-01", "2026-01-01"])
    return fus


def rec(c, who, f, done_on, outcome, **extra):
    body = {"done_on": done_on, "method": "visit", "contact_made": True, "outcome": outcome}
    body.update(extra)
    ok(c.s.api("POST", f"/api/v1/followups/{f['id']}/record", body, token=c.tok[who]), 200, outcome)


def setup():
    c = Ctx()
    c.s = s = Server()
    add_org(s, "org-a", region="UA-61")
    add_org(s, "org-b", region="UA-46")
    users = {"manager": ("manager", "org-a"), "manager_b": ("manager", "org-b"), "worker": ("caseworker", "org-a"),
             "coordinator": ("coordinator", "org-a"), "donor": ("donor", "org-a")}
    c.u = {k: add_user(s, f"{k}@stats.example", role, org) for k, (role, org) in users.items()}
    c.tok = {k: api_login(s, u) for k, u in c.u.items()}
    for i in range(5):  # A1..A5: first follow-up on time (0.5), the second late (1.0)
        fus = person_with_plan(c, "manager", f"A{i + 1}")
        rec(c, "manager", fus[0], "2025-02-05", "reintegrating", answers=MID)
        rec(c, "manager", fus[1], "2025-04-30", "reintegrated", answers=BEST)
    fus = person_with_plan(c, "manager", "A6")  # on time (day 9 of 14), lost contact
    rec(c, "manager", fus[0], "2025-02-10", "lost_contact", contact_made=False, method="phone")
    fus = person_with_plan(c, "manager", "A7")  # late; went abroad within 12 months
    rec(c, "manager", fus[0], "2025-03-01", "returned_abroad", outcome_country="PL", safe_channels=False)
    fus = person_with_plan(c, "manager_b", "B1")  # on time, trafficked again
    rec(c, "manager_b", fus[0], "2025-02-01", "re_trafficked")
    fus = person_with_plan(c, "manager_b", "B2")  # on time, scored 0.5
    rec(c, "manager_b", fus[0], "2025-02-15", "reintegrating", answers=MID)
    person_with_plan(c, "manager_b", "B3")  # never reached
    return c


def teardown(c):
    return c.s.cleanup()


def get(c, who, query=""):
    return c.s.api("GET", f"/api/v1/indicators/reintegration?from={FROM}&to={TO}{query}", token=c.tok[who])


def cell_is(cells, name, value, num, den):
    got = cells[name]
    eq(got["suppressed"], False, f"{name} suppressed:")
    eq((got["numerator"], got["denominator"]), (num, den), f"{name} numerator and denominator:")
    if value is None:
        eq(got["value"], None, f"{name}:")
    else:
        check(abs(got["value"] - value) < 1e-6, f"{name}: expected {value}, got {got['value']}")


def suppressed(cells, name):
    got = cells[name]
    eq(got, {"suppressed": True, "value": "<5"}, f"{name} (fewer than 5 persons):")


ORG_A = {  # 7 persons; 21 follow-ups due in the period (offsets 1, 3, 6), 6 done on time
    "persons_monitored": (7, 7, None),
    "followups_on_time": (6 / 21, 6, 21),
    "returned_abroad_12m": (1 / 7, 1, 7),
    "re_trafficked": (0.0, 0, 7),
    "lost_contact": (1 / 7, 1, 7),
}
for dim in ("economic", "social", "psychosocial", "composite"):
    ORG_A[f"score_{dim}_first"] = (0.5, 2500, 5)
    ORG_A[f"score_{dim}_latest"] = (1.0, 5000, 5)
    ORG_A[f"score_{dim}_change"] = (0.5, 2500, 5)


@test
def manager_sees_her_organization_in_full(c):
    r = ok(get(c, "manager"))
    eq((r["from"], r["to"], r["aggregate"], r["by_region"], r["suppressed_below"]), (FROM, TO, False, [], 5))
    eq(set(r["indicators"]), set(ORG_A), "the indicators:")
    for name, (value, num, den) in ORG_A.items():
        cell_is(r["indicators"], name, value, num, den)
    # Her own organization by code is the same; another organization is not hers to see.
    eq(ok(get(c, "manager", "&org=org-a"))["indicators"], r["indicators"])
    eq(get(c, "manager", "&org=org-b").status, 403)
    b = ok(get(c, "manager_b"))["indicators"]
    cell_is(b, "persons_monitored", 3, 3, None)
    cell_is(b, "followups_on_time", 2 / 9, 2, 9)
    cell_is(b, "re_trafficked", 1 / 3, 1, 3)
    cell_is(b, "score_composite_first", 0.5, 500, 1)


@test
def coordinators_and_donors_see_aggregates_with_small_cells_suppressed(c):
    for who in ("coordinator", "donor"):
        r = ok(get(c, who))
        eq(r["aggregate"], True)
        net = r["indicators"]
        cell_is(net, "persons_monitored", 10, 10, None)
        cell_is(net, "followups_on_time", 8 / 30, 8, 30)
        for name in ("returned_abroad_12m", "re_trafficked", "lost_contact"):
            suppressed(net, name)  # 1 person each
        for dim in ("economic", "social", "psychosocial", "composite"):
            cell_is(net, f"score_{dim}_first", 0.5, 3000, 6)
            cell_is(net, f"score_{dim}_latest", 5500 / 6 / 1000, 5500, 6)
            cell_is(net, f"score_{dim}_change", 2500 / 6 / 1000, 2500, 6)
        regions = {x["region"]: x["indicators"] for x in r["by_region"]}
        eq(sorted(regions), ["UA-46", "UA-61"])
        a = regions["UA-61"]
        for name, (value, num, den) in ORG_A.items():
            if name in ("returned_abroad_12m", "re_trafficked", "lost_contact"):
                suppressed(a, name)
            else:
                cell_is(a, name, value, num, den)
        for name in regions["UA-46"]:
            suppressed(regions["UA-46"], name)  # 3 persons: nothing of it shows
        # One region narrows both the whole and the breakdown.
        one = ok(get(c, who, "&region=UA-46"))
        suppressed(one["indicators"], "persons_monitored")
        eq([x["region"] for x in one["by_region"]], ["UA-46"])
        # Aggregates only: never one organization's figures.
        eq(get(c, who, "&org=org-a").status, 403)


@test
def indicators_refuse_bad_input_and_other_roles(c):
    eq(get(c, "worker").status, 403)
    for q, field in (("&region=UA-99", "region"), ("&org=nope", "org")):
        r = get(c, "manager", q)
        eq(r.status, 422, r.text)
        eq(r.json()["error"]["field"], field)
    r = c.s.api("GET", "/api/v1/indicators/reintegration?from=2025-12-01&to=2025-01-01", token=c.tok["manager"])
    eq((r.status, r.json()["error"]["field"]), (422, "to"))
    r = c.s.api("GET", "/api/v1/indicators/reintegration?from=2025-13-01", token=c.tok["manager"])
    eq((r.status, r.json()["error"]["field"]), (422, "from"))
    r = c.s.api("GET", "/api/v1/indicators/reintegration?colour=red", token=c.tok["manager"])
    eq(r.status, 400)
    # A period before any follow-up was due: persons are monitored, nothing is due yet.
    r = ok(c.s.api("GET", "/api/v1/indicators/reintegration?from=2025-01-01&to=2025-01-31", token=c.tok["manager"]))
    cell_is(r["indicators"], "persons_monitored", 7, 7, None)
    cell_is(r["indicators"], "followups_on_time", None, 0, 0)
    cell_is(r["indicators"], "score_economic_first", None, 0, 0)
