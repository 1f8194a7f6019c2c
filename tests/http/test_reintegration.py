"""Reintegration monitoring over the JSON API: a plan agreed and approved schedules the follow-ups
(+1, +3, +6, +12 months), editing an approved plan makes a new version needing approval, an overdue
follow-up raises one inbox alert to the managers (the server's timer), each outcome is recorded (and
"returned abroad" needs its country and channels), closure needs a manager and a closed case can be
reopened, and bad input is refused with its field."""
import datetime
import time

from harness import Browser, Server, add_org, add_user, api_login, check, eq, sql, test, tidy_check

ANSWERS = {"income_sources": "one", "work_or_study": "regular", "income_vs_needs": "partly", "debt": "none",
           "housing": "stable", "safety": "mostly"}


class Ctx:
    pass


def setup():
    c = Ctx()
    c.s = s = Server(extra_args=["--timer-seconds", "1"])
    add_org(s, "org-a", region="UA-61")
    add_org(s, "org-b", region="UA-46")
    c.u = {
        "manager": add_user(s, "manager@reint.example", "manager", "org-a", name="Maria Manager"),
        "manager2": add_user(s, "manager2@reint.example", "manager", "org-a", name="Mila Manager"),
        "worker": add_user(s, "worker@reint.example", "caseworker", "org-a", name="Wanda Worker"),
        "worker2": add_user(s, "worker2@reint.example", "caseworker", "org-a", name="Vira Worker"),
        "manager_b": add_user(s, "manager-b@reint.example", "manager", "org-b"),
    }
    c.tok = {k: api_login(s, u) for k, u in c.u.items()}
    return c


def teardown(c):
    return c.s.cleanup()


def api(c, who, method, path, body=None):
    return c.s.api(method, path, body, token=c.tok[who])


def ok(r, status=200, what=""):
    eq(r.status, status, f"{what} {r.text[:600]}")
    return r.json() if r.body else None


def error_of(r, status, field=None):
    eq(r.status, status, r.text[:400])
    e = r.json()["error"]
    check(e["message"], "an error message")
    if field is not None:
        eq(e["field"], field, f"field of {r.text[:300]}:")
    return e


def today():
    return datetime.datetime.now(datetime.timezone.utc).date()


def add_months(d, n):
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    last = [31, 29 if (y % 4 == 0 and y % 100 != 0) or y % 400 == 0 else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
    return datetime.date(y, m, min(d.day, last))


def new_case(c, name, identified_on=None):
    p = ok(api(c, "manager", "POST", "/api/v1/persons",
               {"prs_FirstName": name, "prs_SecondName": "Reint", "prs_Gender": "Feminine", "confirm_new": True}), 201)
    body = {"person_id": p["id"]}
    if identified_on:
        body["identified_on"] = identified_on
    k = ok(api(c, "manager", "POST", "/api/v1/cases", body), 201)
    ok(api(c, "manager", "POST", f"/api/v1/cases/{k['id']}/assign", {"user_id": c.u["worker"].id}))
    return k["id"]


GOALS = [{"dimension": "economic", "text": "Find steady work near her village", "services": ["vocational"]},
         {"dimension": "psychosocial", "text": "Weekly counselling", "services": ["psychological"]}]


def approved_plan(c, case_id, start_on=None):
    body = {"case_id": case_id, "goals": GOALS}
    if start_on:
        body["start_on"] = start_on
    p = ok(api(c, "worker", "POST", "/api/v1/plans", body), 201, "plan")
    ok(api(c, "worker", "POST", f"/api/v1/plans/{p['id']}/submit"))
    return ok(api(c, "manager", "POST", f"/api/v1/plans/{p['id']}/approve"), 200, "approve")


def followups(c, case_id, who="worker"):
    return ok(api(c, who, "GET", f"/api/v1/followups?case_id={case_id}"))["items"]


@test
def plan_approval_creates_the_schedule(c):
    case_id = new_case(c, "Olena")
    p = ok(api(c, "worker", "POST", "/api/v1/plans", {"case_id": case_id, "goals": GOALS, "review_on": "2099-01-01"}),
           201)
    eq(p["state"], "draft")
    eq(p["version_no"], 1)
    eq(p["start_on"], today().isoformat(), "no assistance yet: the start is today:")
    eq(p["responsible_user_id"], c.u["worker"].id)
    eq([g["text"] for g in p["goals"]], [g["text"] for g in GOALS])
    # The goal's words are sealed in the store.
    rows = sql(c.s, "SELECT sealed FROM plan_goals WHERE plan_id = ?", (p["id"],))
    eq(len(rows), 2)
    for (b,) in rows:
        check(b"steady work" not in (b if isinstance(b, bytes) else b.encode()), "goal text in clear")
    eq(followups(c, case_id), [], "nothing scheduled before approval:")
    error_of(api(c, "manager", "POST", f"/api/v1/plans/{p['id']}/approve"), 409)  # still a draft
    ok(api(c, "worker", "POST", f"/api/v1/plans/{p['id']}/submit"))
    error_of(api(c, "worker", "POST", f"/api/v1/plans/{p['id']}/approve"), 403)
    error_of(api(c, "manager_b", "POST", f"/api/v1/plans/{p['id']}/approve"), 403)
    a = ok(api(c, "manager", "POST", f"/api/v1/plans/{p['id']}/approve"))
    eq(a["state"], "approved")
    eq(a["approved_by"], "Maria Manager")
    fus = followups(c, case_id)
    eq([f["offset_months"] for f in fus], [1, 3, 6, 12])
    eq([f["due_on"] for f in fus], [add_months(today(), n).isoformat() for n in (1, 3, 6, 12)])
    check(all(f["plan_id"] == p["id"] and f["done_on"] is None for f in fus), "scheduled, not done")
    # A second plan for the same case is an edit, not a new plan.
    error_of(api(c, "worker", "POST", "/api/v1/plans", {"case_id": case_id, "goals": GOALS}), 409, "case_id")
    c.sched_case, c.sched_plan = case_id, p["id"]


@test
def editing_an_approved_plan_makes_a_new_version(c):
    case_id, pid = c.sched_case, c.sched_plan
    start = (today() - datetime.timedelta(days=10)).isoformat()
    r = api(c, "worker", "PATCH", f"/api/v1/plans/{pid}", {"start_on": start})
    v2 = ok(r, 201, "new version")
    check(v2["id"] != pid, "a new plan row")
    eq((v2["version_no"], v2["state"], v2["start_on"]), (2, "draft", start))
    eq([g["text"] for g in v2["goals"]], [g["text"] for g in GOALS], "the goals are carried over:")
    versions = ok(api(c, "worker", "GET", f"/api/v1/plans?case_id={case_id}"))["items"]
    eq([(v["version_no"], v["state"]) for v in versions], [(2, "draft"), (1, "approved")])
    # The approved one stays as agreed while the new one is prepared.
    error_of(api(c, "worker", "PATCH", f"/api/v1/plans/{pid}", {"review_on": "2099-02-02"}), 409)
    eq([f["plan_id"] for f in followups(c, case_id)], [pid] * 4, "the old schedule holds until approval:")
    # Editing the draft changes it in place; a stale version is refused.
    d = ok(api(c, "worker", "PATCH", f"/api/v1/plans/{v2['id']}",
               {"version": v2["version"], "goals": GOALS + [{"dimension": "social", "text": "Restore her passport",
                                                              "services": ["legal"]}]}))
    eq(len(d["goals"]), 3)
    error_of(api(c, "worker", "PATCH", f"/api/v1/plans/{v2['id']}", {"version": v2["version"], "review_on": ""}), 409)
    ok(api(c, "worker", "POST", f"/api/v1/plans/{v2['id']}/submit"))
    ok(api(c, "manager", "POST", f"/api/v1/plans/{v2['id']}/approve"))
    versions = ok(api(c, "worker", "GET", f"/api/v1/plans?case_id={case_id}"))["items"]
    eq([(v["version_no"], v["state"]) for v in versions], [(2, "approved"), (1, "superseded")])
    fus = followups(c, case_id)
    s = datetime.date.fromisoformat(start)
    eq([(f["plan_id"], f["due_on"]) for f in fus], [(v2["id"], add_months(s, n).isoformat()) for n in (1, 3, 6, 12)])
    error_of(api(c, "worker", "PATCH", f"/api/v1/plans/{pid}", {"review_on": "2099-02-02"}), 409)
    # Every version is kept, with its goals.
    old = ok(api(c, "manager", "GET", f"/api/v1/plans/{pid}"))
    eq((old["state"], len(old["goals"])), ("superseded", 2))


@test
def an_overdue_followup_alerts_the_managers_once(c):
    case_id = new_case(c, "Iryna")
    approved_plan(c, case_id)
    first = followups(c, case_id)[0]
    past = (today() - datetime.timedelta(days=3)).isoformat()
    sql(c.s, "UPDATE followups SET due_on = ? WHERE id = ?", (past, first["id"]))
    deadline = time.time() + 15
    while time.time() < deadline:
        if sql(c.s, "SELECT alerted_at FROM followups WHERE id = ? AND alerted_at IS NOT NULL", (first["id"],)):
            break
        time.sleep(0.3)
    else:
        raise AssertionError("the timer did not alert the overdue follow-up")
    time.sleep(2.5)  # more timer passes: still one alert per manager
    rows = sql(c.s, "SELECT user_id, org_id FROM inbox WHERE kind = 'followup.overdue' ORDER BY user_id")
    eq(sorted(int(u) for u, _ in rows), sorted([c.u["manager"].id, c.u["manager2"].id]))
    overdue = ok(api(c, "manager", "GET", "/api/v1/followups?due=overdue"))["items"]
    check(first["id"] in [f["id"] for f in overdue], "in the organization's overdue list")
    check(all(f["overdue"] for f in overdue), "every one overdue")
    mine = ok(api(c, "worker", "GET", "/api/v1/followups?due=overdue"))["items"]
    check(first["id"] in [f["id"] for f in mine], "in the caseworker's overdue list")
    eq(ok(api(c, "worker2", "GET", "/api/v1/followups?due=overdue"))["items"], [], "not assigned, not listed:")
    eq(ok(api(c, "manager_b", "GET", "/api/v1/followups?due=overdue"))["items"], [], "other organization:")
    due = ok(api(c, "manager", "GET", "/api/v1/followups?due=due"))["items"]
    check(first["id"] not in [f["id"] for f in due] and due, "due soon lists the coming ones only")
    error_of(api(c, "manager", "GET", "/api/v1/followups?due=later"), 422, "due")
    error_of(api(c, "manager", "GET", "/api/v1/followups"), 422)
    c.alert_case = case_id


def record(c, fid, outcome, who="worker", **extra):
    body = {"done_on": today().isoformat(), "method": "phone", "contact_made": True, "outcome": outcome}
    body.update(extra)
    return api(c, who, "POST", f"/api/v1/followups/{fid}/record", body)


@test
def each_outcome_is_recorded(c):
    case2 = new_case(c, "Tetiana")
    approved_plan(c, case2)
    fus = followups(c, case2) + followups(c, c.alert_case)
    # "Returned abroad" needs the country and whether the channels were safe and legal.
    error_of(record(c, fus[0]["id"], "returned_abroad"), 422, "outcome_country")
    error_of(record(c, fus[0]["id"], "returned_abroad", outcome_country="PL"), 422, "safe_channels")
    error_of(record(c, fus[0]["id"], "returned_abroad", outcome_country="UA", safe_channels=True), 422,
             "outcome_country")
    error_of(record(c, fus[0]["id"], "reintegrated", outcome_country="PL"), 422, "outcome_country")
    outcomes = ["reintegrating", "reintegrated", "returned_abroad", "re_trafficked", "lost_contact", "deceased"]
    for f, outcome in zip(fus, outcomes):
        extra = {"outcome_country": "PL", "safe_channels": False} if outcome == "returned_abroad" else {}
        if outcome == "reintegrating":
            extra = {"answers": ANSWERS, "risk_flags": ["debt", "recruiter_contact"],
                     "situation": "Lives with her aunt, works at the bakery."}
        if outcome == "lost_contact":
            extra = {"contact_made": False, "method": "third_party"}
        got = ok(record(c, f["id"], outcome, **extra), 200, outcome)
        eq(got["outcome"], outcome)
        eq(got["done_on"], today().isoformat())
        if outcome == "returned_abroad":
            eq((got["outcome_country"], got["safe_channels"]), ("PL", False))
        if outcome == "lost_contact":
            eq((got["contact_made"], got["method"]), (False, "third_party"))
        if outcome == "reintegrating":
            eq(got["answers"], ANSWERS)
            eq(got["risk_flags"], ["recruiter_contact", "debt"])
            eq(got["situation"], "Lives with her aunt, works at the bakery.")
            # economic: (.25*.5 + .25*1 + .3*.5 + .2*1) / 1 = .725; social: housing only = 1;
            # psychosocial: safety only = .5; composite: mean = .741666 -> .742
            eq(got["scores"], {"economic": 0.725, "social": 1.0, "psychosocial": 0.5, "composite": 0.742})
            row = sql(c.s, "SELECT score_economic, score_social, score_psychosocial, score_composite"
                           " FROM followups WHERE id = ?", (f["id"],))[0]
            eq([int(x) for x in row], [725, 1000, 500, 742], "stored as thousandths:")
            sealed = sql(c.s, "SELECT sealed FROM followup_fields WHERE followup_id = ?", (f["id"],))
            eq(len(sealed), 1)
            check(b"bakery" not in (sealed[0][0] if isinstance(sealed[0][0], bytes) else sealed[0][0].encode()),
                  "situation in clear")
    # Once recorded, a follow-up is not recorded again.
    error_of(record(c, fus[0]["id"], "reintegrated"), 409)


@test
def bad_followup_input_is_refused(c):
    case_id = new_case(c, "Zoya", identified_on="2024-05-01")
    approved_plan(c, case_id)
    fid = followups(c, case_id)[0]["id"]
    error_of(record(c, fid, "reintegrated", done_on="2024-04-30"), 422, "done_on")
    future = (today() + datetime.timedelta(days=2)).isoformat()
    error_of(record(c, fid, "reintegrated", done_on=future), 422, "done_on")
    error_of(record(c, fid, "reintegrated", done_on="2024-02-30"), 422, "done_on")
    error_of(record(c, fid, "reintegrated", answers={"favourite_colour": "blue"}), 422, "answers")
    error_of(record(c, fid, "reintegrated", answers={"housing": "castle"}), 422, "answers")
    error_of(record(c, fid, "reintegrated", answers=["housing"]), 422, "answers")
    error_of(record(c, fid, "moved_to_the_moon"), 422, "outcome")
    error_of(record(c, fid, "reintegrated", method="pigeon"), 422, "method")
    error_of(record(c, fid, "reintegrated", risk_flags=["bad_luck"]), 422, "risk_flags")
    error_of(record(c, fid, "reintegrated", contact_made="maybe"), 422, "contact_made")
    error_of(record(c, fid, "reintegrated", weather="sunny"), 400, "weather")
    error_of(record(c, fid, "reintegrated", who="worker2"), 403)
    error_of(record(c, fid, "reintegrated", who="manager_b"), 403)
    error_of(record(c, 999999, "reintegrated"), 404)
    eq(int(sql(c.s, "SELECT COUNT(*) FROM followups WHERE id = ? AND done_on = '' AND recorded_at IS NULL",
               (fid,))[0][0]), 1, "nothing saved:")
    # The plan's own bad input.
    error_of(api(c, "worker", "POST", "/api/v1/plans", {"case_id": 999999}), 422, "case_id")
    other = new_case(c, "Yana")
    error_of(api(c, "worker", "POST", "/api/v1/plans", {"case_id": other, "goals": [{"dimension": "spiritual",
                                                                                     "text": "x"}]}), 422,
             "goals.dimension")
    error_of(api(c, "worker", "POST", "/api/v1/plans", {"case_id": other, "goals": [{"dimension": "social",
                                                                                     "text": "  "}]}), 422,
             "goals.text")
    error_of(api(c, "worker", "POST", "/api/v1/plans", {"case_id": other, "start_on": "2025-01-10",
                                                        "review_on": "2025-01-01"}), 422, "review_on")
    error_of(api(c, "worker", "POST", "/api/v1/plans", {"case_id": other, "responsible_user_id":
                                                        c.u["manager_b"].id}), 422, "responsible_user_id")
    empty = ok(api(c, "worker", "POST", "/api/v1/plans", {"case_id": other}), 201)
    error_of(api(c, "worker", "POST", f"/api/v1/plans/{empty['id']}/submit"), 422, "goals")
    eq(int(sql(c.s, "SELECT COUNT(*) FROM plans WHERE case_id = ?", (other,))[0][0]), 1, "one plan, the empty one:")


def case(c, case_id, who="manager"):
    return ok(api(c, who, "GET", f"/api/v1/cases/{case_id}"))


@test
def closure_needs_a_manager_and_a_closed_case_reopens(c):
    case_id = new_case(c, "Daryna")
    approved_plan(c, case_id)
    fus = followups(c, case_id)
    ok(record(c, fus[0]["id"], "reintegrated"))
    error_of(api(c, "worker", "POST", f"/api/v1/cases/{case_id}/closure", {"reason": "bored"}), 422, "reason")
    r = ok(api(c, "worker", "POST", f"/api/v1/cases/{case_id}/closure",
               {"reason": "support_completed", "note": "She is settled."}), 201)
    eq((r["items"][0]["state"], r["items"][0]["reason"]), ("pending", "support_completed"))
    error_of(api(c, "worker", "POST", f"/api/v1/cases/{case_id}/closure", {"reason": "moved_away"}), 409)
    error_of(api(c, "worker", "POST", f"/api/v1/cases/{case_id}/closure/approve", {}), 403)
    error_of(api(c, "manager_b", "POST", f"/api/v1/cases/{case_id}/closure/approve", {}), 403)
    ok(api(c, "manager", "POST", f"/api/v1/cases/{case_id}/closure/reject", {"note": "One more follow-up first."}))
    k = case(c, case_id)
    check(k["cas_Status"] != "Closed", f"rejected: still open, {k['cas_Status']}")
    error_of(api(c, "manager", "POST", f"/api/v1/cases/{case_id}/closure/approve", {}), 409)
    ok(api(c, "worker", "POST", f"/api/v1/cases/{case_id}/closure", {"reason": "support_completed"}), 201)
    r = ok(api(c, "manager", "POST", f"/api/v1/cases/{case_id}/closure/approve", {}))
    eq([x["state"] for x in r["items"]], ["approved", "rejected"])
    eq(r["items"][1]["decision_note"], "One more follow-up first.")
    k = case(c, case_id)
    eq((k["cas_Status"], k["closed_on"], k["closure_reason"]), ("Closed", today().isoformat(), "support_completed"))
    # A closed case keeps its monitoring history, but is not followed any more.
    eq(len(followups(c, case_id)), 4)
    error_of(record(c, fus[1]["id"], "reintegrated"), 409)
    error_of(api(c, "worker", "POST", f"/api/v1/cases/{case_id}/closure", {"reason": "other"}), 409)
    error_of(api(c, "worker", "POST", f"/api/v1/cases/{case_id}/closure/reopen", {"reason": "She asked again."}), 403)
    error_of(api(c, "manager", "POST", f"/api/v1/cases/{case_id}/closure/reopen", {}), 422, "reason")
    error_of(api(c, "manager", "POST", f"/api/v1/cases/{case_id}/closure/reopen",
                 {"reason": "x", "status": "Closed"}), 422, "status")
    r = ok(api(c, "manager", "POST", f"/api/v1/cases/{case_id}/closure/reopen", {"reason": "She asked for help again."}))
    eq((r["items"][0]["kind"], r["items"][0]["to_status"], r["items"][0]["note"]),
       ("reopen", "FollowUp", "She asked for help again."))
    k = case(c, case_id)
    eq((k["cas_Status"], k.get("closed_on") or "", k.get("closure_reason") or ""), ("FollowUp", "", ""))
    ok(record(c, fus[1]["id"], "reintegrated"))
    error_of(api(c, "manager", "POST", f"/api/v1/cases/{case_id}/closure/reopen", {"reason": "again"}), 409)


@test
def pages_plan_followup_closure_and_indicators(c):
    case_id = new_case(c, "Svitlana")
    b = Browser(c.s, lang="uk")
    b.login(c.u["worker"])
    r = b.get(f"/cases/{case_id}")
    eq(r.status, 200)
    tidy_check(r.text, "case page")
    check('id="plan"' in r.text and 'id="followups"' in r.text, "the two sections")
    check(f"/cases/{case_id}/plan/new" in r.text, "a link to make a plan")
    r = b.get(f"/cases/{case_id}/plan/new")
    eq(r.status, 200)
    tidy_check(r.text, "plan form")
    # A goal without its dimension: refused next to the field, the words kept.
    fields = {"responsible_user_id": str(c.u["worker"].id), "start_on": "", "review_on": "",
              "goal_dimension_1": "", "goal_text_1": "Знайти роботу", "goal_text_2": "", "goal_text_3": ""}
    r = b.submit(f"/cases/{case_id}/plan/new", f"/cases/{case_id}/plan/new", fields)
    eq(r.status, 422, r.text[:300])
    tidy_check(r.text, "plan form with an error")
    check("Знайти роботу" in r.text and "field-error" in r.text, "the goal kept, the error shown")
    fields["goal_dimension_1"] = "economic"
    fields["goal_services_1"] = "vocational"
    r = b.submit(f"/cases/{case_id}/plan/new", f"/cases/{case_id}/plan/new", fields)
    eq(r.status, 303, r.text[:300])
    plan_path = r.header("Location").split("?")[0]
    r = b.get(plan_path)
    tidy_check(r.text, "plan page")
    check("Знайти роботу" in r.text, "the goal shown")
    r = b.submit(plan_path, plan_path + "/submit", {})
    eq(r.status, 303)
    m = Browser(c.s, lang="en")
    m.login(c.u["manager"])
    r = m.get(plan_path)
    check("Approve the plan" in r.text, "the manager may approve")
    r = m.submit(plan_path, plan_path + "/approve", {})
    eq(r.status, 303)
    fus = followups(c, case_id)
    eq(len(fus), 4)
    # The follow-up form: the questionnaire in her caseworker's language.
    r = b.get(f"/followups/{fus[0]['id']}")
    eq(r.status, 200)
    tidy_check(r.text, "follow-up form")
    check("Скільки джерел доходу вона має?" in r.text and "Два або більше" in r.text, "Ukrainian labels")
    future = (today() + datetime.timedelta(days=3)).isoformat()
    rec = {"done_on": future, "method": "visit", "contact_made": "yes", "outcome": "returned_abroad",
           "q_housing": "stable", "situation": "Живе у Львові"}
    r = b.submit(f"/followups/{fus[0]['id']}", f"/followups/{fus[0]['id']}", rec)
    eq(r.status, 422)
    tidy_check(r.text, "follow-up form with an error")
    check('id="e-done_on"' in r.text and "Живе у Львові" in r.text, "error next to the date, text kept")
    rec["done_on"] = today().isoformat()
    r = b.submit(f"/followups/{fus[0]['id']}", f"/followups/{fus[0]['id']}", rec)
    eq(r.status, 422)
    check('id="e-outcome_country"' in r.text, "the country is asked for")
    rec.update(outcome_country="PL", safe_channels="no")
    r = b.submit(f"/followups/{fus[0]['id']}", f"/followups/{fus[0]['id']}", rec)
    eq(r.status, 303, r.text[:300])
    r = b.get(f"/followups/{fus[0]['id']}")
    tidy_check(r.text, "recorded follow-up")
    check("Живе у Львові" in r.text, "her situation shown")
    r = m.get("/followups")
    eq(r.status, 200)
    tidy_check(r.text, "overdue list")
    r = m.get("/followups?due=due")
    tidy_check(r.text, "due list")
    check(str(fus[1]["due_on"]) in r.text or fus[1]["due_on"] > (today() + datetime.timedelta(days=30)).isoformat(),
          "the coming follow-up listed")
    # Closure through the case page's forms.
    r = b.submit(f"/cases/{case_id}", f"/cases/{case_id}/closure", {"closure_reason": "re_migrated", "closure_note": ""})
    eq(r.status, 303, r.text[:300])
    r = m.get(f"/cases/{case_id}")
    tidy_check(r.text, "case page with a pending closure")
    check("Approve closing the case" in r.text, "the manager's decision form")
    r = m.submit(f"/cases/{case_id}", f"/cases/{case_id}/closure/approve", {})
    eq(r.status, 303)
    r = m.get(f"/cases/{case_id}")
    tidy_check(r.text, "closed case page")
    check("Reopen the case" in r.text, "the reopen form")
    r = m.submit(f"/cases/{case_id}", f"/cases/{case_id}/closure/reopen", {"reopen_status": "Active", "reopen_reason": ""})
    eq(r.status, 422)
    r = m.submit(f"/cases/{case_id}", f"/cases/{case_id}/closure/reopen", {"reopen_status": "Active", "reopen_reason": "Повернулася"})
    eq(r.status, 303)
    eq(case(c, case_id)["cas_Status"], "Active")
    r = m.get("/indicators/reintegration")
    eq(r.status, 200)
    tidy_check(r.text, "indicators page")
    check("Numerator" in r.text and "Persons under monitoring" in r.text, "numerators and denominators shown")
    eq(b.get("/indicators/reintegration").status, 403)


@test
def the_schedule_is_a_setting(c):
    from harness import run_cli
    s2 = Server(extra_args=["--followup-months", "2, 4,9"])
    try:
        add_org(s2, "org-a", region="UA-61")
        m = add_user(s2, "m@sched.example", "manager", "org-a", name="Marta Manager")
        t = api_login(s2, m)
        p = s2.api("POST", "/api/v1/persons", {"prs_FirstName": "Ola", "prs_SecondName": "S", "prs_Gender": "Feminine",
                                                "confirm_new": True}, token=t).json()
        k = s2.api("POST", "/api/v1/cases", {"person_id": p["id"]}, token=t).json()
        plan = s2.api("POST", "/api/v1/plans", {"case_id": k["id"], "start_on": "2025-01-31", "goals": GOALS},
                      token=t).json()
        eq(s2.api("POST", f"/api/v1/plans/{plan['id']}/submit", token=t).status, 200)
        eq(s2.api("POST", f"/api/v1/plans/{plan['id']}/approve", token=t).status, 200)
        fus = s2.api("GET", f"/api/v1/followups?case_id={k['id']}", token=t).json()["items"]
        eq([(f["offset_months"], f["due_on"]) for f in fus], [(2, "2025-03-31"), (4, "2025-05-31"), (9, "2025-10-31")])
    finally:
        s2.cleanup()
    for bad in ("3,1", "0", "1,,2", "x", ""):
        r = run_cli("serve", "--db", "sqlite:/nonexistent/x.db", "--key-file", c.s.key, "--followup-months", bad)
        eq(r.returncode, 2, f"--followup-months {bad!r}: {r.stderr}")
        check("followup-months" in r.stderr, r.stderr)
