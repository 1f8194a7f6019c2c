"""Referrals between organizations, end to end, over the API and in the browser.

People: organization A (Ternopil) refers, B (Lviv) receives and offers shelter, legal and medical
help, C (Kyiv) is a third organization that must see nothing at any point, S is suspended.  A has a
manager and two caseworkers; B a manager and two caseworkers; C a manager and a caseworker.

The server runs its timer every second (--timer-seconds 1), so a referral whose deadline passed
expires within a few seconds without anybody using the system.
"""
import html
import os
import re
import threading
import time
import urllib.parse

from harness import (ROOT, Browser, Server, add_user, api_login, check, cli_env, eq, run_cli, sql, test,
                     tidy_check, totp_code)

MINIMUM = ["case_code", "age_band", "gender", "languages", "needs", "safe_contact"]


class Ctx:
    pass


def add_org(s, code, region, services=""):
    args = ["org", "add", "--code", code, "--name", f"Організація {code}", "--name-en", f"Organization {code}",
            "--kind", "ngo", "--region", region]
    if services:
        args += ["--services", services]
    r = run_cli(*args, env=cli_env(s))
    check(r.returncode == 0, f"org add {code}: {r.stderr}")


def setup():
    c = Ctx()
    c.s = s = Server(extra_args=("--timer-seconds", "1"))
    add_org(s, "org-a", "UA-61", "legal")
    add_org(s, "org-b", "UA-46", "shelter,legal,medical")
    add_org(s, "org-c", "UA-32", "shelter,legal,medical")
    add_org(s, "org-s", "UA-46", "shelter,legal")
    sql(s, "UPDATE organizations SET status = 'suspended', status_reason = 'test' WHERE code = 'org-s'")
    c.u = {
        "manager_a": add_user(s, "manager@a.example.org", "manager", "org-a", name="Марія Менеджерка"),
        "worker_a": add_user(s, "worker@a.example.org", "caseworker", "org-a", name="Ірина Працівниця"),
        "worker_a2": add_user(s, "worker2@a.example.org", "caseworker", "org-a", name="Петро Другий"),
        "manager_b": add_user(s, "manager@b.example.org", "manager", "org-b", name="Богдана Менеджерка"),
        "worker_b": add_user(s, "worker@b.example.org", "caseworker", "org-b", name="Оксана Притулок"),
        "worker_b2": add_user(s, "worker2@b.example.org", "caseworker", "org-b", name="Дарина Друга"),
        "hotline_b": add_user(s, "hotline@b.example.org", "hotline", "org-b", name="Гаряча Лінія"),
        "manager_c": add_user(s, "manager@c.example.org", "manager", "org-c", name="Світлана Третя"),
        "worker_c": add_user(s, "worker@c.example.org", "caseworker", "org-c", name="Катерина Третя"),
    }
    c.t = {k: api_login(s, u) for k, u in c.u.items()}
    c.assistance_routed = "/api/v1/assistance" in open(os.path.join(ROOT, "src", "web", "routes.c")).read()
    return c


def teardown(c):
    return c.s.cleanup()


# ---- helpers ---------------------------------------------------------------------------------------

def api(c, who, method, path, body=None, status=None):
    r = c.s.api(method, path, body, token=c.t[who])
    if status is not None:
        eq(r.status, status, f"{method} {path} as {who}: {r.text[:500]}")
    return r


def ok(c, who, method, path, body=None, status=200):
    return api(c, who, method, path, body, status).json()


def new_case(c, who, first, second, **person):
    body = {"prs_FirstName": first, "prs_SecondName": second, "prs_Gender": "Feminine", "prs_Birthdate": "1995-04-12",
            "prs_MobilePhone": "+380671234567", "languages": ["uk", "ru"], "residence_region": "UA-61",
            "prs_Citizenship": ["UA"], "safe_contact_method": "Text her sister, never call after 20:00.",
            "confirm_new": True}
    body.update(person)
    p = ok(c, who, "POST", "/api/v1/persons", body, 201)
    k = ok(c, who, "POST", "/api/v1/cases",
           {"person_id": p["id"], "needs": ["shelter", "legal"], "vic_TypeOfExploitation": ["ForcedLabour"],
            "identification_method": "hotline", "identification_place": "Ternopil bus station",
            "needs_notes": "Needs a quiet room."}, 201)
    api(c, who, "POST", f"/api/v1/cases/{k['id']}/notes", {"text": "She is afraid of her former employer."}, 201)
    return p["id"], k["id"]


def consent(c, who, case_id, orgs=("org-b",), services=("shelter",)):
    return ok(c, who, "POST", f"/api/v1/cases/{case_id}/consents",
              {"purpose": "referral", "organizations": list(orgs), "services": list(services),
               "method": "signed_form"}, 201)["id"]


def refer(c, who, case_id, status=201, **extra):
    body = {"case_id": case_id, "to_org": "org-b", "services": ["shelter"],
            "reason": "She needs a safe place tonight.", "urgency": "emergency"}
    body.update(extra)
    return api(c, who, "POST", "/api/v1/referrals", body, status)


def fresh_password(c, who):
    """Pretends the user confirmed the password just now (the real confirmation is tested once, below)."""
    sql(c.s, "UPDATE sessions SET reauth_at = ? WHERE user_id = ?", (int(time.time()), c.u[who].id))


def stale_password(c, who):
    sql(c.s, "UPDATE sessions SET reauth_at = ? WHERE user_id = ?", (int(time.time()) - 3600, c.u[who].id))


def referral_count(c, case_id):
    return int(sql(c.s, "SELECT COUNT(*) FROM referrals WHERE case_id = ?", (case_id,))[0][0])


def audit_rows(c, action, object_id):
    return int(sql(c.s, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND object_id = ?", (action, str(object_id)))[0][0])


def third_org_sees_nothing(c, case_id, person_id, referral_id):
    for who in ("worker_c", "manager_c"):
        eq(api(c, who, "GET", f"/api/v1/cases/{case_id}").status, 403, f"{who}: the case")
        eq(api(c, who, "GET", f"/api/v1/persons/{person_id}").status, 403, f"{who}: the person")
        eq(api(c, who, "GET", f"/api/v1/referrals/{referral_id}").status, 404, f"{who}: the referral")
        for d in ("in", "out"):
            items = ok(c, who, "GET", f"/api/v1/referrals?direction={d}")["items"]
            check(all(i["id"] != referral_id for i in items), f"{who} lists referral {referral_id}: {items}")
        eq(api(c, who, "POST", f"/api/v1/referrals/{referral_id}/accept", {}).status, 404, f"{who}: accepting")
        eq(api(c, who, "GET", f"/api/v1/cases/{case_id}/notes").status, 403, f"{who}: the notes")


# ---- the walk of "Done when" ---------------------------------------------------------------------

@test
def end_to_end_walk(c):
    pid, cid = new_case(c, "worker_a", "Олена", "Коваленко")
    c.walk = (pid, cid)
    # No consent, no referral.
    r = refer(c, "worker_a", cid, 422)
    eq(r.json()["error"]["field"], "consent")
    eq(referral_count(c, cid), 0, "a refused referral is not stored:")
    consent(c, "worker_a", cid)
    t0 = int(time.time())
    ref = refer(c, "worker_a", cid).json()
    rid = ref["id"]
    eq(ref["state"], "sent")
    eq(ref["direction"], "out")
    eq(ref["shared_fields"], MINIMUM, "the default is the minimum:")
    eq(ref["services"], ["shelter"])
    check(t0 + 24 * 3600 - 5 <= ref["deadline_at"] <= int(time.time()) + 24 * 3600 + 5,
          f"emergency shelter has 24 hours: {ref['deadline_at'] - t0}")
    eq(ref["reason"], "She needs a safe place tonight.")
    eq([e["to_state"] for e in ref["events"]], ["sent"])
    third_org_sees_nothing(c, cid, pid, rid)

    # B sees the referral in its inbox and only the shared fields of the case and the person.
    inbox = ok(c, "worker_b", "GET", "/api/v1/referrals?direction=in")["items"]
    check(any(i["id"] == rid and i["state"] == "sent" and i["direction"] == "in" for i in inbox), inbox)
    k = ok(c, "worker_b", "GET", f"/api/v1/cases/{cid}")
    eq(k["code"], ref["case_code"])
    eq(k["prs_Gender"], "Feminine")
    eq(k["age_band"], "25-34")
    eq(sorted(k["needs"]), ["legal", "shelter"])
    eq(k["shared_fields"], MINIMUM)
    for name, empty in (("vic_TypeOfExploitation", []), ("identification_method", ""), ("residence_region", ""),
                        ("caseworkers", ""), ("primary_caseworker_id", None), ("registered_on", "")):
        eq(k[name], empty, f"the case's {name}, not shared, is masked:")
    p = ok(c, "worker_b", "GET", f"/api/v1/persons/{pid}")
    eq(p["prs_Gender"], "Feminine")
    eq(sorted(p["languages"]), ["ru", "uk"])
    eq(p["age_band"], "25-34")
    for name, empty in (("prs_Citizenship", []), ("residence_region", ""), ("birth_year", None)):
        eq(p[name], empty, f"the person's {name}, not shared, is masked:")
    # Her safe contact is shared but sealed: shown with the password confirmed, her names never.
    stale_password(c, "worker_b")
    eq(api(c, "worker_b", "GET", f"/api/v1/persons/{pid}?reveal=true").status, 401)
    fresh_password(c, "worker_b")
    p = ok(c, "worker_b", "GET", f"/api/v1/persons/{pid}?reveal=true")
    eq(p["safe_contact_method"], "Text her sister, never call after 20:00.")
    for name in ("prs_FirstName", "prs_SecondName", "first_name_latin", "prs_Birthdate", "prs_MobilePhone"):
        eq(p.get(name, ""), "", f"the person's sealed {name}, not shared, stays hidden:")
    k = ok(c, "worker_b", "GET", f"/api/v1/cases/{cid}?reveal=true")
    eq(k.get("identification_place", ""), "", "the case's sealed identification place stays hidden:")
    # The owner's notes and history are not shared, and a search never finds her by name.
    eq(api(c, "worker_b", "GET", f"/api/v1/cases/{cid}/notes").status, 403)
    eq(api(c, "worker_b", "GET", f"/api/v1/cases/{cid}/history").status, 403)
    eq(ok(c, "worker_b", "GET", "/api/v1/persons?q=" + urllib.parse.quote("Олена Коваленко"))["items"], [])
    eq(api(c, "worker_b", "PATCH", f"/api/v1/cases/{cid}", {"needs": ["medical"]}).status, 403)

    # B accepts; A sees it.
    acc = ok(c, "worker_b", "POST", f"/api/v1/referrals/{rid}/accept", {})
    eq(acc["state"], "accepted")
    check(acc["answered_at"], acc)
    a_view = ok(c, "worker_a", "GET", f"/api/v1/referrals/{rid}")
    eq(a_view["state"], "accepted")
    eq([(e["from_state"], e["to_state"]) for e in a_view["events"]], [(None, "sent"), ("sent", "accepted")])
    eq(a_view["events"][1]["by_org"], "org-b")

    # B records the shelter it gave; A sees it.
    if c.assistance_routed:
        rec = ok(c, "worker_b", "POST", "/api/v1/assistance",
                 {"case_id": cid, "service": "shelter", "quantity": 14, "unit": "nights", "referral_id": rid,
                  "cost": "4200.00", "currency": "UAH", "funding_source": "Own funds"}, 201)
        eq(rec["provider"], "org-b")
        seen = ok(c, "worker_a", "GET", f"/api/v1/assistance?case_id={cid}")["items"]
        check(any(i["id"] == rec["id"] and i["service"] == "shelter" and i["provider"] == "org-b" for i in seen), seen)
        eq(api(c, "worker_c", "GET", f"/api/v1/assistance?case_id={cid}").status, 403)
    else:
        print("  NOTE: POST /api/v1/assistance is not routed yet: the step 'B records a delivered service' is skipped")

    # The service starts and completes; A sees the outcome.
    eq(ok(c, "worker_b", "POST", f"/api/v1/referrals/{rid}/start", {})["state"], "in_progress")
    r = api(c, "worker_b", "POST", f"/api/v1/referrals/{rid}/complete", {}, 422)
    eq(r.json()["error"]["field"], "outcome")
    done = ok(c, "worker_b", "POST", f"/api/v1/referrals/{rid}/complete", {"outcome": "Two weeks in the shelter."})
    eq(done["state"], "completed")
    a_view = ok(c, "worker_a", "GET", f"/api/v1/referrals/{rid}")
    eq(a_view["state"], "completed")
    eq(a_view["outcome"], "Two weeks in the shelter.")
    check(a_view["visible_until"] and a_view["visible_until"] > time.time() + 29 * 24 * 3600, a_view)
    eq([e["to_state"] for e in a_view["events"]], ["sent", "accepted", "in_progress", "completed"])
    # Finished work stays visible to B for a while; C still sees nothing.
    eq(api(c, "worker_b", "GET", f"/api/v1/cases/{cid}").status, 200)
    third_org_sees_nothing(c, cid, pid, rid)
    for action in ("referral.send", "referral.accept", "referral.start", "referral.complete"):
        eq(audit_rows(c, action, rid), 1, f"audit {action}:")


@test
def more_shared_fields_more_seen(c):
    pid, cid = new_case(c, "worker_a", "Ганна", "Шевчук", residence_region="UA-46")
    consent(c, "worker_a", cid, orgs=(), services=())
    ref = refer(c, "worker_a", cid, services=["legal"], urgency="normal",
                shared_fields=["names", "phones", "region"]).json()
    eq(ref["shared_fields"], ["case_code", "names", "phones", "region"], "the case code always goes:")
    check(ref["deadline_at"] - ref["created_at"] == 168 * 3600, ref)
    fresh_password(c, "worker_b")
    p = ok(c, "worker_b", "GET", f"/api/v1/persons/{pid}?reveal=true")
    eq((p["prs_FirstName"], p["prs_SecondName"], p["prs_MobilePhone"]), ("Ганна", "Шевчук", "+380671234567"))
    eq(p["residence_region"], "UA-46")
    eq(p.get("safe_contact_method", ""), "", "not shared this time:")
    eq(p["prs_Gender"], "", "not shared this time:")
    k = ok(c, "worker_b", "GET", f"/api/v1/cases/{cid}")
    eq((k["needs"], k["prs_Gender"], k["age_band"]), ([], "", None))
    # An unknown field to share, or a list where codes are expected, is refused.
    eq(refer(c, "worker_a", cid, 422, shared_fields=["diary"]).json()["error"]["field"], "shared_fields")
    eq(refer(c, "worker_a", cid, 422, services="legal").json()["error"]["field"], "services")
    eq(refer(c, "worker_a", cid, 400, colour="red").json()["error"]["field"], "colour")
    eq(refer(c, "worker_a", cid, 422, reason="   ").json()["error"]["field"], "reason")
    eq(refer(c, "worker_a", cid, 422, urgency="yesterday").json()["error"]["field"], "urgency")


@test
def consent_override_by_a_manager_only(c):
    pid, cid = new_case(c, "worker_a", "Ірина", "Бондар")
    eq(refer(c, "worker_a", cid, 422).json()["error"]["field"], "consent")
    # A caseworker may not override.
    refer(c, "worker_a", cid, 403, override_consent=True, override_reason="She cannot sign now.")
    eq(referral_count(c, cid), 0)
    # A manager must give a reason and have confirmed the password.
    eq(refer(c, "manager_a", cid, 422, override_consent=True).json()["error"]["field"], "override_reason")
    stale_password(c, "manager_a")
    r = refer(c, "manager_a", cid, 401, override_consent=True, override_reason="She cannot sign now.")
    eq(r.header("X-Reauth-Required"), "1")
    eq(referral_count(c, cid), 0)
    u = c.u["manager_a"]
    r = c.s.api("POST", "/api/v1/sessions/current/reauth",
                {"password": u.password, "totp": totp_code(u.totp_secret, time.time() + 30)}, token=c.t["manager_a"])
    eq(r.status, 204, r.text)
    ref = refer(c, "manager_a", cid, override_consent=True,
                override_reason="She cannot sign now; the shelter cannot wait.").json()
    eq(ref["consent_override"], True)
    eq(ref["override_reason"], "She cannot sign now; the shelter cannot wait.")
    eq(audit_rows(c, "consent.override", ref["id"]), 1, "the override is in the audit trail:")
    detail = sql(c.s, "SELECT detail FROM audit_log WHERE action = 'consent.override' AND object_id = ?",
                 (str(ref["id"]),))[0][0]
    check("cannot" not in detail, f"the reason itself stays out of the audit detail: {detail}")
    # The receiver learns that consent was overridden, not the sender's reasons for it.
    b = ok(c, "worker_b", "GET", f"/api/v1/referrals/{ref['id']}")
    eq((b["consent_override"], b["override_reason"]), (True, ""))


@test
def refused_organizations_and_services(c):
    pid, cid = new_case(c, "worker_a", "Віра", "Мельник")
    consent(c, "worker_a", cid, orgs=(), services=())
    r = refer(c, "worker_a", cid, 422, to_org="org-s")
    eq(r.json()["error"]["field"], "to_org")
    check("призупин" in r.json()["error"]["message"] or "suspended" in r.json()["error"]["message"], r.text)
    r = refer(c, "worker_a", cid, 422, services=["business"])
    eq(r.json()["error"]["field"], "services")
    eq(refer(c, "worker_a", cid, 422, to_org="no-such-org").json()["error"]["field"], "to_org")
    eq(refer(c, "worker_a", cid, 422, to_org="org-a").json()["error"]["field"], "to_org")
    eq(refer(c, "worker_a", 999999, 404).status, 404)
    # Another organization's case cannot be referred by A.
    _, bcase = new_case(c, "worker_b", "Лідія", "Чужа")
    refer(c, "worker_a", bcase, 403)
    # Roles that do not refer.
    refer(c, "hotline_b", bcase, 403)
    eq(referral_count(c, cid), 0, "nothing was stored:")


@test
def expiry_by_the_servers_timer(c):
    pid, cid = new_case(c, "worker_a", "Марта", "Гнатюк")
    consent(c, "worker_a", cid)
    rid = refer(c, "worker_a", cid).json()["id"]
    sql(c.s, "UPDATE referrals SET deadline_at = ? WHERE id = ?", (int(time.time()) - 60, rid))
    deadline = time.time() + 15
    state = None
    while time.time() < deadline:
        state = ok(c, "worker_a", "GET", f"/api/v1/referrals/{rid}")["state"]
        if state == "expired":
            break
        time.sleep(0.3)
    eq(state, "expired", "nobody acted, the timer did:")
    rows = {(k, int(u or 0)) for k, u in sql(c.s, "SELECT kind, user_id FROM inbox WHERE referral_id = ?", (rid,))}
    check(("referral.overdue", c.u["manager_a"].id) in rows, f"the sender's manager is told: {rows}")
    check(("referral.expired", 0) in rows, f"the sender's organization is told: {rows}")
    eq(audit_rows(c, "referral.expire", rid), 1)
    # Late answers are conflicts with the state; the receiver's view ended.
    r = api(c, "worker_b", "POST", f"/api/v1/referrals/{rid}/accept", {}, 409)
    eq((r.json()["state"], r.json()["error"]["code"], r.json()["error"]["field"]), ("expired", "conflict", "state"))
    eq(api(c, "worker_b", "GET", f"/api/v1/cases/{cid}").status, 403)
    ev = ok(c, "worker_a", "GET", f"/api/v1/referrals/{rid}")["events"]
    eq((ev[-1]["from_state"], ev[-1]["to_state"], ev[-1]["by"]), ("sent", "expired", "console"))
    # Expiry happens once, however many passes see it.
    time.sleep(2.5)
    eq(int(sql(c.s, "SELECT COUNT(*) FROM referral_events WHERE referral_id = ? AND to_state = 'expired'",
               (rid,))[0][0]), 1)


@test
def expiry_with_two_processes_happens_once(c):
    """Two servers on one database, both timers every second: each overdue referral expires once,
    with one event, one audit entry and one escalation per manager, whichever process got there."""
    other = Server(extra_args=("--timer-seconds", "1"), tmp=c.s.tmp, key=c.s.key, db_url=c.s.db_url)
    try:
        pid, cid = new_case(c, "worker_a", "Зоряна", "Двоїста")
        consent(c, "worker_a", cid)
        ids = [refer(c, "worker_a", cid).json()["id"] for _ in range(6)]
        # Overdue all at once, so both timers find them in the same pass.
        sql(c.s, "UPDATE referrals SET deadline_at = ? WHERE case_id = ?", (int(time.time()) - 5, cid))
        deadline = time.time() + 15
        while time.time() < deadline:
            states = {ok(c, "worker_a", "GET", f"/api/v1/referrals/{i}")["state"] for i in ids}
            if states == {"expired"}:
                break
            time.sleep(0.3)
        eq(states, {"expired"})
        time.sleep(2.5)  # more passes of both timers
        for i in ids:
            eq(int(sql(c.s, "SELECT COUNT(*) FROM referral_events WHERE referral_id = ? AND to_state = 'expired'",
                       (i,))[0][0]), 1, f"referral {i} expired once:")
            eq(audit_rows(c, "referral.expire", i), 1, f"referral {i} audited once:")
            eq(int(sql(c.s, "SELECT COUNT(*) FROM inbox WHERE referral_id = ? AND kind = 'referral.overdue'"
                            " AND user_id = ?", (i, c.u["manager_a"].id))[0][0]), 1, f"referral {i} escalated once:")
    finally:
        other.stop()
    log = other.read_log()
    check(not any(w in log for w in ("AddressSanitizer", "LeakSanitizer", "runtime error:")), log[-3000:])
    r = run_cli("audit", "verify", env=cli_env(c.s))
    eq(r.returncode, 0, f"the audit chain stays whole: {r.stdout} {r.stderr}")


def accept_at_once(c, rid, who=("worker_b", "worker_b2")):
    barrier = threading.Barrier(len(who))
    out = {}

    def go(w):
        barrier.wait()
        out[w] = c.s.api("POST", f"/api/v1/referrals/{rid}/accept", {}, token=c.t[w])

    threads = [threading.Thread(target=go, args=(w,)) for w in who]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [out[w] for w in who]


@test
def concurrent_accept_one_wins(c):
    pid, cid = new_case(c, "worker_a", "Софія", "Ткач")
    consent(c, "worker_a", cid)
    for round_ in range(5):
        rid = refer(c, "worker_a", cid).json()["id"]
        answers = accept_at_once(c, rid, ("worker_b", "worker_b2", "manager_b") if round_ % 2 else ("worker_b", "worker_b2"))
        codes = sorted(r.status for r in answers)
        eq(codes, [200] + [409] * (len(answers) - 1), f"round {round_}: {[r.text[:200] for r in answers]}")
        for r in answers:
            if r.status == 409:
                eq(r.json()["state"], "accepted", r.text)
        eq(int(sql(c.s, "SELECT COUNT(*) FROM referral_events WHERE referral_id = ? AND to_state = 'accepted'",
                   (rid,))[0][0]), 1, "one transition recorded:")


@test
def answers_that_no_longer_apply(c):
    pid, cid = new_case(c, "worker_a", "Дана", "Лис")
    consent(c, "worker_a", cid)
    # Cancelled by the sender: accepting is a conflict, and B's view ends at once.
    rid = refer(c, "worker_a", cid).json()["id"]
    eq(api(c, "worker_b", "GET", f"/api/v1/cases/{cid}").status, 200)
    api(c, "worker_b", "POST", f"/api/v1/referrals/{rid}/cancel", {}, 403)
    eq(ok(c, "worker_a", "POST", f"/api/v1/referrals/{rid}/cancel", {})["state"], "cancelled")
    eq(api(c, "worker_b", "POST", f"/api/v1/referrals/{rid}/accept", {}, 409).json()["state"], "cancelled")
    eq(api(c, "worker_a", "POST", f"/api/v1/referrals/{rid}/cancel", {}, 409).json()["state"], "cancelled")
    eq(api(c, "worker_b", "GET", f"/api/v1/cases/{cid}").status, 403)
    eq(api(c, "worker_b", "GET", f"/api/v1/persons/{pid}").status, 403)
    # Declined (a reason is required); accepting afterwards is a conflict.
    rid = refer(c, "worker_a", cid).json()["id"]
    eq(api(c, "worker_b", "POST", f"/api/v1/referrals/{rid}/decline", {}, 422).json()["error"]["field"], "reason")
    api(c, "worker_b", "POST", f"/api/v1/referrals/{rid}/decline", {"outcome": "x"}, 400)
    d = ok(c, "worker_b", "POST", f"/api/v1/referrals/{rid}/decline", {"reason": "No free places this month."})
    eq(d["state"], "declined")
    eq(ok(c, "worker_a", "GET", f"/api/v1/referrals/{rid}")["decline_reason"], "No free places this month.")
    eq(api(c, "manager_b", "POST", f"/api/v1/referrals/{rid}/accept", {}, 409).json()["state"], "declined")
    # Answered already: a second accept, a start from "sent", completing before accepting.
    rid = refer(c, "worker_a", cid).json()["id"]
    eq(api(c, "worker_b", "POST", f"/api/v1/referrals/{rid}/start", {}, 409).json()["state"], "sent")
    eq(api(c, "worker_b", "POST", f"/api/v1/referrals/{rid}/complete", {"outcome": "x"}, 409).json()["state"], "sent")
    ok(c, "worker_b", "POST", f"/api/v1/referrals/{rid}/accept", {})
    eq(api(c, "worker_b2", "POST", f"/api/v1/referrals/{rid}/accept", {}, 409).json()["state"], "accepted")
    eq(api(c, "worker_b", "POST", f"/api/v1/referrals/{rid}/decline", {"reason": "x"}, 409).json()["state"], "accepted")
    # Only the receiver answers, only the sender cancels; hotline operators do neither.
    api(c, "worker_a", "POST", f"/api/v1/referrals/{rid}/start", {}, 403)
    api(c, "hotline_b", "POST", f"/api/v1/referrals/{rid}/start", {}, 403)
    eq(ok(c, "worker_b", "POST", f"/api/v1/referrals/{rid}/close", {"reason": "She moved away."})["state"],
       "closed_unfinished")
    eq(ok(c, "worker_a", "GET", f"/api/v1/referrals/{rid}")["outcome"], "She moved away.")
    # Bad addresses and bodies.
    api(c, "worker_b", "POST", "/api/v1/referrals/0/accept", {}, 404)
    api(c, "worker_b", "POST", "/api/v1/referrals/999999/accept", {}, 404)
    api(c, "worker_b", "POST", f"/api/v1/referrals/{rid}/accept", {"reason": "x"}, 400)
    eq(api(c, "worker_b", "GET", "/api/v1/referrals?direction=sideways", status=422).json()["error"]["field"],
       "direction")
    eq(api(c, "worker_b", "GET", "/api/v1/referrals?state=lost", status=422).json()["error"]["field"], "state")
    eq(api(c, "worker_b", "GET", "/api/v1/referrals?colour=red", status=400).json()["error"]["field"], "colour")
    api(c, "hotline_b", "GET", "/api/v1/referrals", status=403)


@test
def lists_filter_and_page(c):
    pid, cid = new_case(c, "worker_a", "Ліна", "Костенко")
    consent(c, "worker_a", cid)
    ids = [refer(c, "worker_a", cid).json()["id"] for _ in range(3)]
    out = ok(c, "worker_a", "GET", f"/api/v1/referrals?direction=out&case_id={cid}&limit=2")
    eq([i["id"] for i in out["items"]], ids[::-1][:2], "newest first:")
    check(out["next"], out)
    more = ok(c, "worker_a", "GET", out["next"])
    eq([i["id"] for i in more["items"]], [ids[0]])
    eq(more["next"], None)
    # One case's referrals, both directions when none is named; a state filter.
    both = ok(c, "worker_a", "GET", f"/api/v1/referrals?case_id={cid}")["items"]
    eq(sorted(i["id"] for i in both), sorted(ids))
    ok(c, "worker_b", "POST", f"/api/v1/referrals/{ids[1]}/accept", {})
    acc = ok(c, "worker_b", "GET", f"/api/v1/referrals?direction=in&state=accepted&case_id={cid}")["items"]
    eq([i["id"] for i in acc], [ids[1]])
    eq(ok(c, "worker_b", "GET", f"/api/v1/referrals?direction=out&case_id={cid}")["items"], [])
    for i in ok(c, "worker_b", "GET", "/api/v1/referrals")["items"]:
        eq(i["to_org"], "org-b", "the default is the inbox:")
        check("reason" not in i, "lists carry no sealed text")


# ---- pages -------------------------------------------------------------------------------------------

def browser(c, who):
    if not hasattr(c, "browsers"):
        c.browsers = {}
    if who not in c.browsers:
        b = Browser(c.s, lang="en")
        # A recovery code, never a TOTP code an API sign-in or re-authentication may have spent.
        c.u[who]._last_step = int(time.time() // 30)
        b.login(c.u[who])
        c.browsers[who] = b
    return c.browsers[who]


class Page:
    """A response whose text is read as people read it (entities decoded)."""

    def __init__(self, r):
        self.r, self.status, self.body = r, r.status, r.body
        self.text = html.unescape(r.text)

    def header(self, name):
        return self.r.header(name)


def page(b, path, status=200):
    r = b.get(path)
    eq(r.status, status, f"GET {path}: {r.text[:600]}")
    tidy_check(r.body, path)
    return Page(r)


def submit(b, page_path, action, fields, status):
    pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
    pairs.append(("csrf", b.csrf(page_path)))
    r = b.request("POST", action, body=urllib.parse.urlencode(pairs),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    eq(r.status, status, f"POST {action}: {r.text[:800]}")
    if r.status != 303:
        tidy_check(r.body, f"POST {action}")
    return Page(r)


@test
def pages_refer_answer_and_see(c):
    pid, cid = new_case(c, "worker_a", "Орися", "Білик")
    a = browser(c, "worker_a")
    r = page(a, f"/cases/{cid}")
    check('id="referrals"' in r.text and f'href="/cases/{cid}/refer"' in r.text, "the case page offers a referral")
    check('href="/referrals"' in r.text, "the nav has Referrals")
    r = page(a, f"/cases/{cid}/refer?service=shelter")
    check("She has not consented to any referral" in r.text, "the form says there is no consent")
    check('name="override_consent"' not in r.text, "a caseworker is not offered an override")
    check('value="org-b"' in r.text and 'value="org-a"' not in r.text, "organizations offered, never her own")
    for code in MINIMUM:
        check(re.search(r'name="shared_fields" value="%s" checked' % code, r.text), f"{code} pre-checked")
    check(not re.search(r'name="shared_fields" value="names" checked', r.text), "names not pre-checked")
    form = [("to_org", "org-b"), ("services", "shelter"), ("reason", "Needs a bed tonight."),
            ("urgency", "emergency")] + [("shared_fields", f) for f in MINIMUM]
    r = submit(a, f"/cases/{cid}/refer", f"/cases/{cid}/refer", form, 422)
    check("She has not consented to this referral" in r.text, "refused for want of consent")
    check("Needs a bed tonight." in r.text, "what was typed is kept")
    # Missing fields come back next to the field.
    r = submit(a, f"/cases/{cid}/refer", f"/cases/{cid}/refer", [("to_org", "org-b"), ("reason", "")], 422)
    check('id="e-reason"' in r.text and 'id="f-services"' in r.text, "errors next to their fields")
    # A manager sees the override, with the way to confirm the password.
    m = browser(c, "manager_a")
    stale_password(c, "manager_a")
    r = page(m, f"/cases/{cid}/refer")
    check('name="override_consent"' in r.text and f"/reauth?next=%2Fcases%2F{cid}%2Frefer" in r.text, r.text[-3000:])
    consent(c, "worker_a", cid)
    r = submit(a, f"/cases/{cid}/refer", f"/cases/{cid}/refer", form, 303)
    loc = r.header("Location")
    rid = int(re.match(r"/referrals/(\d+)\?done=sent$", loc).group(1))
    r = page(a, loc)
    check("The referral was sent" in r.text and "Cancel the referral" in r.text, r.text[-3000:])
    check("Accept the referral" not in r.text, "the sender does not answer")
    r = page(a, f"/cases/{cid}")
    check(f'href="/referrals/{rid}"' in r.text and "Sent" in r.text, "the case lists the referral live")

    # B: the inbox, the referral with its answers, and only the shared fields.
    b = browser(c, "worker_b")
    r = page(b, "/referrals")
    check(f'href="/referrals/{rid}"' in r.text, "incoming list")
    page(b, "/referrals?dir=out")
    page(b, "/referrals?dir=in&state=accepted")
    page(b, "/referrals?dir=in&state=lost", 400)
    page(b, "/referrals?dir=sideways", 400)
    r = page(b, f"/referrals/{rid}")
    for want in ("Accept the referral", "Why your organization declines", "Case code", "Languages",
                 "Safe way to contact her", "hidden", "Show the shared personal data"):
        check(want in r.text, f"the receiver's page shows {want!r}")
    check("Орися" not in r.text and "Білик" not in r.text and "Ternopil bus station" not in r.text,
          "nothing not shared")
    # The shared personal data needs the password confirmed.
    stale_password(c, "worker_b")
    r = submit(b, f"/referrals/{rid}", f"/referrals/{rid}/reveal", {}, 401)
    check(f"/reauth?next=%2Freferrals%2F{rid}" in r.text, "a link to confirm the password")
    fresh_password(c, "worker_b")
    r = submit(b, f"/referrals/{rid}", f"/referrals/{rid}/reveal", {}, 200)
    check("Text her sister, never call after 20:00." in r.text, "the safe contact is shown")
    check("Орися" not in r.text and "Білик" not in r.text, "her names are not")
    # The case page as the receiver: shared fields, the referral, none of the owner's work.
    r = page(b, f"/cases/{cid}")
    check("through a referral" in r.text and "She is afraid" not in r.text and 'id="notes"' not in r.text,
          "the receiver's case page")
    check('id="history"' not in r.text and 'id="consents"' not in r.text and "Refer her" not in r.text, "no more")
    # Decline needs a reason, kept next to the field; accepting works once.
    r = submit(b, f"/referrals/{rid}", f"/referrals/{rid}/decline", {"reason": " "}, 422)
    check('id="e-reason"' in r.text, "the reason's error next to it")
    b2 = browser(c, "worker_b2")
    csrf1, csrf2 = b.csrf(f"/referrals/{rid}"), b2.csrf(f"/referrals/{rid}")
    r1 = b.post(f"/referrals/{rid}/accept", {"csrf": csrf1})
    r2 = b2.post(f"/referrals/{rid}/accept", {"csrf": csrf2})
    eq((r1.status, r2.status), (303, 409))
    tidy_check(r2.body, "the conflict page")
    check("no longer applies" in r2.text and "Accepted" in r2.text, r2.text[-2000:])
    r = page(b, f"/referrals/{rid}?done=accept")
    check("Start the service" in r.text and "Outcome of the service" in r.text and "Close unfinished" in r.text, "next steps")
    submit(b, f"/referrals/{rid}", f"/referrals/{rid}/complete", {"outcome": ""}, 422)
    submit(b, f"/referrals/{rid}", f"/referrals/{rid}/complete", {"outcome": "A bed for two weeks."}, 303)
    r = page(a, f"/referrals/{rid}")
    check("Completed" in r.text and "A bed for two weeks." in r.text, "the sender sees the outcome")
    check("Cancel the referral" not in r.text, "nothing to cancel any more")
    # C sees nothing; a hotline operator has no referral pages; bad addresses.
    cc = browser(c, "worker_c")
    page(cc, f"/referrals/{rid}", 404)
    page(cc, f"/cases/{cid}", 403)
    r = page(cc, "/referrals")
    check(f'href="/referrals/{rid}"' not in r.text, "C's lists")
    h = browser(c, "hotline_b")
    page(h, "/referrals", 403)
    check('href="/referrals"' not in page(h, "/").text, "no nav item without referral.list")
    eq(b.post(f"/referrals/{rid}/fly", {"csrf": b.csrf("/referrals")}).status, 404)
    page(b, "/referrals/abc", 404)
    page(cc, f"/cases/{cid}/refer", 403)


@test
def page_override_by_a_manager(c):
    pid, cid = new_case(c, "worker_a", "Роксолана", "Гай")
    m = browser(c, "manager_a")
    form = [("to_org", "org-b"), ("services", "legal"), ("reason", "A lawyer for her hearing."), ("urgency", "urgent"),
            ("override_consent", "1"), ("override_reason", "Hearing tomorrow; she agreed by phone.")]
    stale_password(c, "manager_a")
    r = submit(m, f"/cases/{cid}/refer", f"/cases/{cid}/refer", form, 422)
    check("password confirmed" in r.text and "/reauth?next=" in r.text, r.text[-3000:])
    check("A lawyer for her hearing." in r.text, "what was typed is kept")
    fresh_password(c, "manager_a")
    r = submit(m, f"/cases/{cid}/refer", f"/cases/{cid}/refer", form, 303)
    rid = int(re.search(r"/referrals/(\d+)", r.header("Location")).group(1))
    r = page(m, f"/referrals/{rid}")
    check("a manager's override" in r.text and "Hearing tomorrow" in r.text, r.text[-3000:])
    eq(audit_rows(c, "consent.override", rid), 1)
    # The receiver does not read the sender's reasons for overriding.
    r = page(browser(c, "worker_b"), f"/referrals/{rid}")
    check("a manager's override" in r.text and "Hearing tomorrow" not in r.text, "override reason for the sender only")
