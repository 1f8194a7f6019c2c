"""Persons and cases over the JSON API: create, read, update, search in any script, phone format or
date format, the duplicate check at intake, revealing sealed fields (re-authentication), who sees
which case, notes, history, lists with filters, sorting and paging, and bad input."""
import re
import time
import urllib.parse

from harness import Server, add_org, add_user, api_login, check, eq, sql, test, totp_code

OTHER_ROLES = ["admin", "coordinator", "donor", "auditor"]


class Ctx:
    pass


def setup():
    c = Ctx()
    c.s = s = Server()
    add_org(s, "org-a", region="UA-61")  # Ternopil: codes UA-TE-...
    add_org(s, "org-b", region="UA-46")
    c.u = {
        "manager": add_user(s, "manager@cases.example", "manager", "org-a", name="Maria Manager"),
        "worker": add_user(s, "worker@cases.example", "caseworker", "org-a", name="Wanda Worker"),
        "worker2": add_user(s, "worker2@cases.example", "caseworker", "org-a", name="Vira Worker"),
        "hotline": add_user(s, "hotline@cases.example", "hotline", "org-a", name="Halyna Hotline"),
        "manager_b": add_user(s, "manager-b@cases.example", "manager", "org-b"),
        "worker_b": add_user(s, "worker-b@cases.example", "caseworker", "org-b"),
    }
    for r in OTHER_ROLES:
        c.u[r] = add_user(s, f"{r}@cases.example", r, "org-a")
    c.tok = {k: api_login(s, u) for k, u in c.u.items()}
    c.reauthed = {}
    return c


def teardown(c):
    return c.s.cleanup()


def api(c, who, method, path, body=None):
    return c.s.api(method, path, body, token=c.tok[who])


def ok(r, status=200, what=""):
    eq(r.status, status, f"{what} {r.text[:600]}")
    return r.json() if r.body else None


def reauth(c, who):
    """Confirms the password (with a TOTP code of the next step, which no sign-in has used)."""
    u = c.u[who]
    body = {"password": u.password}
    if u.totp_secret:
        step = int(time.time() // 30) + 1
        while c.reauthed.get(who) == step:  # one code per step: wait for a fresh one
            time.sleep(1)
            step = int(time.time() // 30) + 1
        body["totp"] = totp_code(u.totp_secret, step * 30)
        c.reauthed[who] = step
    r = api(c, who, "POST", "/api/v1/sessions/current/reauth", body)
    eq(r.status, 204, f"reauth of {who}: {r.text}")


def error_of(r, status, field=None):
    eq(r.status, status, r.text[:400])
    e = r.json()["error"]
    check(e["message"], "an error message")
    if field is not None:
        eq(e["field"], field, f"field of {r.text[:300]}:")
    return e


def blob(v):
    """A BLOB as sqlite3 gives it (bytes) or psql prints it (\\x and hex)."""
    if isinstance(v, bytes):
        return v
    check(isinstance(v, str) and v.startswith("\\x"), f"not a bytea: {v!r:.40}")
    return bytes.fromhex(v[2:])


def new_person(c, who, body, confirm=False):
    b = dict(body)
    if confirm:
        b["confirm_new"] = True
    return ok(api(c, who, "POST", "/api/v1/persons", b), 201, f"person {body}")


def new_case(c, who, person_id, **fields):
    body = {"person_id": person_id}
    body.update(fields)
    r = api(c, who, "POST", "/api/v1/cases", body)
    j = ok(r, 201, "case")
    eq(r.header("Location"), f"/api/v1/cases/{j['id']}")
    return j


OLENA = {"prs_FirstName": "Олена", "prs_SecondName": "Коваленко", "prs_Birthdate": "1995-04-12",
         "prs_Gender": "Feminine", "prs_MobilePhone": "+380671234567", "prs_Citizenship": ["UA"],
         "residence_region": "UA-61", "safe_contact_method": "Only after 18:00"}

SEALED_PERSON = ["prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_MobilePhone", "safe_contact_method"]


@test
def create_person_and_case_as_caseworker(c):
    r = api(c, "worker", "POST", "/api/v1/persons", OLENA)
    p = ok(r, 201, "create Olena")
    eq(r.header("Location"), f"/api/v1/persons/{p['id']}")
    eq(p["prs_FirstName"], "Олена")
    eq(p["birth_year"], 1995, "birth year from the date of birth:")
    eq(p["prs_Citizenship"], ["UA"])
    eq(p["age_band"] is not None, True)
    c.olena = p["id"]
    # A read without reveal has the plain fields only.
    g = ok(api(c, "worker", "GET", f"/api/v1/persons/{c.olena}"))
    for f in SEALED_PERSON:
        check(f not in g, f"{f} shown without reveal: {g}")
    eq(g["prs_Gender"], "Feminine")
    eq(g["residence_region"], "UA-61")
    eq(g["revealed"], False)
    case = new_case(c, "worker", c.olena, vic_TypeOfExploitation=["ForcedLabour"], countries_of_exploitation=["PL"],
                    identification_method="hotline", identified_on="2026-01-10", registered_on="2026-01-12",
                    vic_MethodsOfControl=["DebtBondage", "TakesEarnings"], identification_place="Ternopil bus station")
    check(re.fullmatch(r"UA-TE-2026-\d{5}", case["code"]), case["code"])
    eq(case["cas_Status"], "Active")
    eq(case["vic_TraffickingStatus"], "PossibleVictimOfTrafficking")
    eq(case["person_id"], c.olena)
    eq(case["owner_org"], "org-a")
    eq(case["assigned_to_me"], True, "the caseworker who opens a case is assigned:")
    eq(case["vic_MethodsOfControl"], ["DebtBondage", "TakesEarnings"])
    c.olena_case = case["id"]
    g = ok(api(c, "worker", "GET", f"/api/v1/cases/{c.olena_case}"))
    check("identification_place" not in g, f"sealed case field shown without reveal: {g}")
    eq(g["prs_Gender"], "Feminine")
    eq(g["residence_region"], "UA-61")
    check("Wanda Worker" in g["caseworkers"], g["caseworkers"])
    # The store holds no name in clear.
    rows = sql(c.s, "SELECT COUNT(*) FROM person_fields WHERE field = ?", ("first_name",))
    eq(int(rows[0][0]) >= 1, True)
    for (sealed,) in sql(c.s, "SELECT sealed FROM person_fields"):
        check("Олена".encode() not in blob(sealed), "name in clear")


def hits(c, who, q, path="/api/v1/persons"):
    r = api(c, who, "GET", path + "?" + urllib.parse.urlencode({"q": q}))
    j = ok(r, 200, f"search {q!r}")
    eq(j["next"], None)
    return j["items"]


@test
def search_in_either_script_phone_format_and_date_format(c):
    iryna = new_person(c, "worker", {"prs_FirstName": "Iryna", "prs_SecondName": "Shevchenko", "prs_Gender": "Feminine",
                                     "prs_Birthdate": "1990-02-03", "prs_MobilePhone": "+48 501 234 567"})
    c.iryna = iryna["id"]
    c.iryna_case = new_case(c, "worker", c.iryna, registered_on="2026-02-01")["id"]
    found = lambda q: [h["person_id"] for h in hits(c, "worker", q)]  # noqa: E731
    check(c.olena in found("Olena Kovalenko"), "Latin finds Cyrillic")
    check(c.olena in found("олена коваленко"), "Cyrillic, lower case")
    check(c.iryna in found("Ірина Шевченко"), "Cyrillic finds Latin")
    check(c.olena in found("067 123 45 67"), "national phone format")
    check(c.olena in found("+38 (067) 123-45-67"), "another phone format")
    check(c.iryna in found("+48501234567"), "foreign number")
    check(c.olena in found("12.04.1995"), "date as DD.MM.YYYY")
    check(c.olena in found("1995-04-12"), "date as YYYY-MM-DD")
    eq(found("Olena Shevchenko"), [], "every name token must match:")
    eq(found("+380991112233"), [], "another phone:")
    eq(found("1995-04-13"), [], "another date:")
    h = hits(c, "worker", "Olena Kovalenko")[0]
    eq(sorted(h), ["age_band", "case_code", "case_id", "gender", "person_id"])
    eq(h["case_id"], c.olena_case)
    # Hits carry no personal data.
    check("Олена" not in str(h) and "1995" not in str(h), h)
    # A search shows masked hits and writes nothing; the query never reaches the audit trail.
    rows = sql(c.s, "SELECT detail, object_id FROM audit_log")
    check(all("Olena" not in r[0] + r[1] and "067" not in r[0] + r[1] for r in rows), rows)
    eq(sql(c.s, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.search'")[0][0] in (0, "0"), True)
    # The cases list answers the cases of the persons found.
    items = hits(c, "worker", "Олена Коваленко", "/api/v1/cases")
    eq([i["id"] for i in items], [c.olena_case])
    eq(hits(c, "worker", "0671234567", "/api/v1/cases")[0]["code"], items[0]["code"])
    code = items[0]["code"]
    eq([i["id"] for i in hits(c, "worker", code.lower(), "/api/v1/cases")], [c.olena_case], "a case code in q:")
    # Persons are found, never listed.
    error_of(api(c, "worker", "GET", "/api/v1/persons"), 422, "q")
    error_of(api(c, "worker", "GET", "/api/v1/persons?q=%20"), 422, "q")
    error_of(api(c, "worker", "GET", "/api/v1/persons?q=x&colour=red"), 400, "colour")


@test
def duplicates_at_intake(c):
    again = {"prs_FirstName": "Olena", "prs_SecondName": "Kovalenko", "prs_Gender": "Feminine"}
    r = api(c, "worker", "POST", "/api/v1/persons", again)
    e = error_of(r, 409, "confirm_new")
    eq(e["code"], "conflict")
    cands = r.json()["candidates"]
    eq([x["person_id"] for x in cands], [c.olena])
    eq(cands[0], {"person_id": c.olena, "case_id": c.olena_case, "case_code": cands[0]["case_code"],
                  "age_band": cands[0]["age_band"], "gender": "Feminine"})
    check(re.fullmatch(r"UA-TE-2026-\d{5}", cands[0]["case_code"]), cands)
    # The same phone in another format is a candidate too, whatever the name.
    r = api(c, "worker", "POST", "/api/v1/persons", {"prs_FirstName": "Anna", "prs_MobilePhone": "0671234567",
                                                      "prs_Gender": "Feminine"})
    eq([x["person_id"] for x in error_of(r, 409) and r.json()["candidates"]], [c.olena])
    # The same birthday alone is not.
    new_person(c, "worker", {"prs_FirstName": "Oksana", "prs_SecondName": "Melnyk", "prs_Birthdate": "1995-04-12",
                             "prs_Gender": "Feminine"})
    # Nothing was saved by the refusals; confirm_new registers her anyway.
    n0 = int(sql(c.s, "SELECT COUNT(*) FROM persons")[0][0])
    p = new_person(c, "worker", again, confirm=True)
    eq(int(sql(c.s, "SELECT COUNT(*) FROM persons")[0][0]), n0 + 1)
    check(p["id"] != c.olena)
    c.olena2 = p["id"]
    # Registered in Latin letters, she is found in Cyrillic ones (and both Olenas by either).
    found = [h["person_id"] for h in hits(c, "worker", "Олена Коваленко")]
    eq(sorted(found), sorted([c.olena, c.olena2]))
    eq(sorted(h["person_id"] for h in hits(c, "worker", "Olena Kovalenko")), sorted([c.olena, c.olena2]))
    error_of(api(c, "worker", "POST", "/api/v1/persons", dict(again, confirm_new="yes")), 422, "confirm_new")
    # Another organization's persons are not candidates (nor shown).
    p = new_person(c, "worker_b", again)
    check(p["id"] not in (c.olena, c.olena2))


@test
def reveal_needs_reauth_and_is_audited(c):
    # Signing in confirms the password too: let that confirmation grow old.
    sql(c.s, "UPDATE sessions SET reauth_at = reauth_at - 600")
    before = int(sql(c.s, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.view'")[0][0])
    r = api(c, "worker", "GET", f"/api/v1/persons/{c.olena}?reveal=true")
    error_of(r, 401, "reveal")
    eq(r.header("X-Reauth-Required"), "1")
    check("reauth" in r.json()["error"]["message"], r.text)
    r = api(c, "worker", "GET", f"/api/v1/cases/{c.olena_case}?reveal=true")
    error_of(r, 401, "reveal")
    error_of(api(c, "worker", "GET", f"/api/v1/cases/{c.olena_case}?reveal=maybe"), 422, "reveal")
    error_of(api(c, "worker", "GET", f"/api/v1/cases/{c.olena_case}?show=all"), 400, "show")
    reauth(c, "worker")
    p = ok(api(c, "worker", "GET", f"/api/v1/persons/{c.olena}?reveal=true"))
    eq(p["revealed"], True)
    for f in SEALED_PERSON:
        eq(p[f], OLENA[f], f"{f}:")
    eq(p["prs_Email"], "", "an empty sealed field:")
    after = int(sql(c.s, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.view'")[0][0])
    eq(after, before + 1, "one audited view:")
    g = ok(api(c, "worker", "GET", f"/api/v1/cases/{c.olena_case}?reveal=true"))
    eq(g["identification_place"], "Ternopil bus station")
    eq(g["revealed"], True)
    check(sql(c.s, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.view-sealed'")[0][0] not in (0, "0"))
    # reveal=false is the default read.
    check("prs_FirstName" not in ok(api(c, "worker", "GET", f"/api/v1/persons/{c.olena}?reveal=false")))
    # No role without case.reveal opens anything, re-authenticated or not.
    for who in ("admin", "donor"):
        reauth(c, who)
        r = api(c, who, "GET", f"/api/v1/persons/{c.olena}?reveal=true")
        eq(r.status, 403, f"{who}: {r.text}")


def case_ids(c, who, query=""):
    r = api(c, who, "GET", "/api/v1/cases" + ("?" + query if query else ""))
    j = ok(r, 200, f"list {query}")
    return [i["id"] for i in j["items"]]


@test
def who_sees_which_case(c):
    # The manager opens a case nobody is assigned to.
    mp = new_person(c, "manager", {"prs_FirstName": "Tetiana", "prs_SecondName": "Bondar", "prs_Gender": "Feminine"})
    mc = new_case(c, "manager", mp["id"], registered_on="2026-03-01")
    eq(mc["assigned_to_me"], False)
    eq(mc["primary_caseworker_id"], None)
    c.manager_case = mc["id"]
    mine = case_ids(c, "manager")
    for cid in (c.olena_case, c.iryna_case, c.manager_case):
        check(cid in mine, f"manager sees case {cid}: {mine}")
    # Caseworkers only their assignments.
    w = case_ids(c, "worker")
    check(c.olena_case in w and c.manager_case not in w, w)
    eq(case_ids(c, "worker2"), [])
    eq(api(c, "worker2", "GET", f"/api/v1/cases/{c.olena_case}").status, 403)
    eq(api(c, "worker2", "GET", f"/api/v1/persons/{c.olena}").status, 403)
    eq(hits(c, "worker2", "Olena Kovalenko"), [], "search shows no one she may not see:")
    # Assigning is the manager's; then the caseworker sees the case.
    r = api(c, "worker", "POST", f"/api/v1/cases/{c.manager_case}/assign", {"user_id": c.u["worker2"].id})
    eq(r.status, 403, r.text)
    g = ok(api(c, "manager", "POST", f"/api/v1/cases/{c.manager_case}/assign",
               {"user_id": c.u["worker2"].id, "assign": True}))
    check("Vira Worker" in g["caseworkers"], g)
    eq(g["primary_caseworker_id"], c.u["worker2"].id)
    eq(case_ids(c, "worker2"), [c.manager_case])
    ok(api(c, "worker2", "GET", f"/api/v1/cases/{c.manager_case}"))
    ok(api(c, "worker2", "GET", f"/api/v1/persons/{mp['id']}"))
    eq(case_ids(c, "worker2", f"caseworker={c.u['worker2'].id}"), [c.manager_case])
    eq(case_ids(c, "manager", f"caseworker={c.u['worker2'].id}"), [c.manager_case])
    # Another organization's users cannot be assigned, nor can an unknown user.
    error_of(api(c, "manager", "POST", f"/api/v1/cases/{c.manager_case}/assign",
                 {"user_id": c.u["worker_b"].id}), 422, "user_id")
    error_of(api(c, "manager", "POST", f"/api/v1/cases/{c.manager_case}/assign", {"user_id": "x"}), 422, "user_id")
    error_of(api(c, "manager", "POST", f"/api/v1/cases/{c.manager_case}/assign", {}), 422, "user_id")
    error_of(api(c, "manager", "POST", f"/api/v1/cases/{c.manager_case}/assign", {"user_id": 1, "role": "x"}),
             400, "role")
    # Unassigned, she no longer sees it.
    ok(api(c, "manager", "POST", f"/api/v1/cases/{c.manager_case}/assign",
           {"user_id": c.u["worker2"].id, "assign": False}))
    eq(case_ids(c, "worker2"), [])
    eq(api(c, "worker2", "GET", f"/api/v1/cases/{c.manager_case}").status, 403)
    # Another organization sees nothing of org-a's.
    eq(case_ids(c, "manager_b"), [], "manager of org-b:")
    for who in ("manager_b", "worker_b"):
        for path in (f"/api/v1/cases/{c.olena_case}", f"/api/v1/persons/{c.olena}",
                     f"/api/v1/cases/{c.olena_case}/notes", f"/api/v1/cases/{c.olena_case}/history"):
            r = api(c, who, "GET", path)
            check(r.status in (403, 404), f"{who} GET {path}: {r.status} {r.text[:200]}")
        eq([h for h in hits(c, who, "Olena Kovalenko") if h["person_id"] in (c.olena, c.olena2)], [])
        r = api(c, who, "PATCH", f"/api/v1/cases/{c.olena_case}", {"cas_Status": "FollowUp"})
        check(r.status in (403, 404), f"{who} PATCH: {r.status}")
        r = api(c, who, "POST", "/api/v1/cases", {"person_id": c.olena})
        check(r.status in (403, 404), f"{who} opens a case for org-a's person: {r.status} {r.text}")
    # Admin, coordinator, donor and auditor never see case content.
    for who in OTHER_ROLES:
        for method, path, body in (("GET", "/api/v1/cases", None), ("GET", "/api/v1/persons?q=Olena", None),
                                   ("GET", f"/api/v1/cases/{c.olena_case}", None),
                                   ("GET", f"/api/v1/persons/{c.olena}", None),
                                   ("GET", f"/api/v1/cases/{c.olena_case}/notes", None),
                                   ("POST", "/api/v1/persons", {"prs_FirstName": "X", "prs_Gender": "Feminine"}),
                                   ("POST", "/api/v1/cases", {"person_id": c.olena})):
            r = api(c, who, method, path, body)
            eq(r.status, 403, f"{who} {method} {path}: {r.text[:200]}")


@test
def notes_round_trip(c):
    r = api(c, "worker", "POST", f"/api/v1/cases/{c.olena_case}/notes", {"text": "Called her; she is safe.\nNext: lawyer."})
    n1 = ok(r, 201, "note")
    eq(n1["text"], "Called her; she is safe.\nNext: lawyer.")
    eq(n1["author_id"], c.u["worker"].id)
    n2 = ok(api(c, "manager", "POST", f"/api/v1/cases/{c.olena_case}/notes", {"text": "Сьогодні зустріч о 15:00."}),
            201)
    j = ok(api(c, "worker", "GET", f"/api/v1/cases/{c.olena_case}/notes"))
    eq([n["id"] for n in j["items"]][:2], [n2["id"], n1["id"]], "newest first:")
    eq(j["items"][0]["text"], "Сьогодні зустріч о 15:00.")
    eq(j["items"][0]["author"], "Maria Manager")
    eq(j["next"], None)
    # The text is sealed in the store.
    for (sealed,) in sql(c.s, "SELECT sealed FROM case_notes"):
        check(b"lawyer" not in blob(sealed), "note in clear")
    error_of(api(c, "worker", "POST", f"/api/v1/cases/{c.olena_case}/notes", {"text": ""}), 422, "text")
    error_of(api(c, "worker", "POST", f"/api/v1/cases/{c.olena_case}/notes", {}), 422, "text")
    error_of(api(c, "worker", "POST", f"/api/v1/cases/{c.olena_case}/notes", {"text": 5}), 422, "text")
    error_of(api(c, "worker", "POST", f"/api/v1/cases/{c.olena_case}/notes", {"text": "x", "at": 1}), 400, "at")
    eq(api(c, "worker2", "POST", f"/api/v1/cases/{c.olena_case}/notes", {"text": "not mine"}).status, 403)
    eq(api(c, "worker", "POST", "/api/v1/cases/999999/notes", {"text": "nowhere"}).status, 404)
    eq(api(c, "worker", "GET", "/api/v1/cases/abc/notes").status, 404)


@test
def edit_history_and_stale_versions(c):
    g = ok(api(c, "worker", "GET", f"/api/v1/cases/{c.olena_case}"))
    v = g["version"]
    e = ok(api(c, "worker", "PATCH", f"/api/v1/cases/{c.olena_case}",
               {"version": v, "cas_Status": "FollowUp", "vic_TypeOfExploitation": ["ForcedLabour", "SexualExploitation"]}))
    eq(e["cas_Status"], "FollowUp")
    eq(e["version"], v + 1)
    eq(e["countries_of_exploitation"], ["PL"], "fields not sent are kept:")
    # The same version again is stale.
    r = api(c, "worker", "PATCH", f"/api/v1/cases/{c.olena_case}", {"version": v, "cas_Status": "Active"})
    eq(error_of(r, 409)["code"], "conflict")
    eq(ok(api(c, "worker", "GET", f"/api/v1/cases/{c.olena_case}"))["cas_Status"], "FollowUp", "nothing changed:")
    # Closing is a manager's decision: a caseworker requests it (closure API); a manager's
    # edit closes at once, with a reason; the closing date defaults to today.
    error_of(api(c, "worker", "PATCH", f"/api/v1/cases/{c.olena_case}",
                 {"cas_Status": "Closed", "closure_reason": "support_completed"}), 422, "cas_Status")
    e = ok(api(c, "manager", "PATCH", f"/api/v1/cases/{c.olena_case}",
               {"cas_Status": "Closed", "closure_reason": "support_completed"}))
    eq(e["closed_on"], time.strftime("%Y-%m-%d", time.gmtime()))
    h = ok(api(c, "worker", "GET", f"/api/v1/cases/{c.olena_case}/history"))
    eq(h["next"], None)
    changes = [i["change"] for i in h["items"]]
    check(any(ch.get("created") for ch in changes), changes)
    check(any(ch.get("fields") == ["cas_Status", "vic_TypeOfExploitation"] for ch in changes), changes)
    check(any(ch.get("fields") == ["cas_Status", "closure_reason", "closed_on"] for ch in changes), changes)
    check(all(i["by"] for i in h["items"]), h)
    eq(h["items"][-1]["change"].get("created"), True, "oldest last:")
    # Reopen: not by an edit; a manager reopens with a reason, and the closure goes.
    error_of(api(c, "worker", "PATCH", f"/api/v1/cases/{c.olena_case}", {"cas_Status": "Active"}), 422, "cas_Status")
    ok(api(c, "manager", "POST", f"/api/v1/cases/{c.olena_case}/closure/reopen",
           {"reason": "She asked for help again.", "status": "Active"}))
    e = ok(api(c, "worker", "GET", f"/api/v1/cases/{c.olena_case}"))
    eq((e["cas_Status"], e["closed_on"], e["closure_reason"]), ("Active", "", ""))
    # Persons too.
    p = ok(api(c, "worker", "GET", f"/api/v1/persons/{c.olena}"))
    q = ok(api(c, "worker", "PATCH", f"/api/v1/persons/{c.olena}",
               {"version": p["version"], "prs_MaritalStatus": "Single", "prs_HomePhone": "+380 44 000 11 22"}))
    eq(q["prs_MaritalStatus"], "Single")
    eq(q["version"], p["version"] + 1)
    check("prs_HomePhone" not in q, "a PATCH answers without sealed fields")
    error_of(api(c, "worker", "PATCH", f"/api/v1/persons/{c.olena}", {"version": p["version"], "prs_Gender": "Feminine"}),
             409)
    check(c.olena in [x["person_id"] for x in hits(c, "worker", "+380440001122")], "the new phone is indexed")
    # The name can be changed but not removed altogether.
    error_of(api(c, "worker", "PATCH", f"/api/v1/persons/{c.iryna}",
                 {"prs_FirstName": "", "prs_SecondName": ""}), 422, "prs_FirstName")
    error_of(api(c, "worker", "PATCH", f"/api/v1/persons/{c.olena}", {"version": 0}), 422, "version")


@test
def bad_input(c):
    P = "/api/v1/persons"
    error_of(api(c, "worker", "POST", P, dict(OLENA, shoe_size=38)), 400, "shoe_size")
    error_of(api(c, "worker", "POST", P, dict(OLENA, prs_Gender="Female")), 422, "prs_Gender")
    error_of(api(c, "worker", "POST", P, dict(OLENA, prs_Birthdate="12/04/1995")), 422, "prs_Birthdate")
    error_of(api(c, "worker", "POST", P, dict(OLENA, prs_MobilePhone="call me")), 422, "prs_MobilePhone")
    error_of(api(c, "worker", "POST", P, dict(OLENA, prs_Citizenship="UA")), 422, "prs_Citizenship")
    error_of(api(c, "worker", "POST", P, {"prs_Gender": "Feminine"}), 422, "prs_FirstName")
    error_of(api(c, "worker", "POST", P, {"prs_FirstName": "Olha"}), 422, "prs_Gender")
    error_of(api(c, "worker", "POST", P, dict(OLENA, birth_year=1996, confirm_new=True)), 422, "birth_year")
    C = "/api/v1/cases"
    error_of(api(c, "worker", "POST", C, {"cas_Status": "Active"}), 422, "person_id")
    error_of(api(c, "worker", "POST", C, {"person_id": "1"}), 422, "person_id")
    error_of(api(c, "worker", "POST", C, {"person_id": 999999}), 422, "person_id")
    error_of(api(c, "worker", "POST", C, {"person_id": c.olena, "colour": "red"}), 400, "colour")
    error_of(api(c, "worker", "POST", C, {"person_id": c.olena, "cas_Status": "Open"}), 422, "cas_Status")
    error_of(api(c, "worker", "POST", C, {"person_id": c.olena, "vic_TypeOfExploitation": ["Slavery"]}), 422,
             "vic_TypeOfExploitation")
    error_of(api(c, "worker", "POST", C, {"person_id": c.olena, "exploitation_from": "2025-05-01",
                                          "exploitation_to": "2025-04-01"}), 422, "exploitation_to")
    error_of(api(c, "worker", "POST", C, {"person_id": c.olena, "cas_Status": "Closed"}), 422, "closure_reason")
    error_of(api(c, "worker", "POST", C, {"person_id": c.olena, "identified_by_org": "no-such-org"}), 422,
             "identified_by_org")
    error_of(api(c, "worker", "POST", C, {"person_id": c.olena, "identified_on": "2026-02-02",
                                          "registered_on": "2026-02-01"}), 422, "registered_on")
    error_of(api(c, "worker", "PATCH", f"{C}/{c.olena_case}", {"cas_Status": "ClosedReferred"}), 422, "closure_reason")
    error_of(api(c, "worker", "PATCH", f"{C}/{c.olena_case}", {"code": "UA-XX-2026-00001"}), 400, "code")
    error_of(api(c, "worker", "PATCH", f"{C}/{c.olena_case}", {"vic_AgeWhenTrafficked": "twenty"}), 422,
             "vic_AgeWhenTrafficked")
    eq(api(c, "worker", "GET", f"{C}/999999").status, 404)
    eq(api(c, "worker", "GET", f"{P}/0").status, 404)
    eq(api(c, "worker", "PATCH", f"{P}/999999", {"prs_MaritalStatus": "Single"}).status, 404)
    r = c.s.api("POST", P, None, token=c.tok["worker"], headers={"Content-Type": "application/json"})
    eq(r.status, 400, r.text)
    # Bad filters are answered, not ignored.
    for q, field in (("status=Open", "status"), ("caseworker=abc", "caseworker"), ("region=UA-99", "region"),
                     ("type_of_exploitation=Slavery", "type_of_exploitation"), ("registered_from=2026-13-01",
                                                                                 "registered_from"),
                     ("registered_from=2026-03-01&registered_to=2026-02-01", "registered_to"),
                     ("sort=name", "sort"), ("limit=0", "limit"), ("limit=201", "limit"), ("offset=-1", "offset"),
                     ("country_of_exploitation=Poland", "country_of_exploitation")):
        error_of(api(c, "manager", "GET", "/api/v1/cases?" + q), 422, field)
    error_of(api(c, "manager", "GET", "/api/v1/cases?stat=Active"), 400, "stat")
    # Without a token: 401.
    eq(c.s.api("GET", "/api/v1/cases").status, 401)


@test
def list_filters_sorting_and_pages(c):
    # A few more cases of the manager's, with varied attributes.
    specs = [
        ("Mariia", "Tkachenko", "UA-46", dict(registered_on="2025-11-02", identified_on="2025-10-30",
                                              vic_TypeOfExploitation=["SexualExploitation"],
                                              countries_of_exploitation=["TR", "AE"])),
        ("Yuliia", "Kravets", "UA-61", dict(registered_on="2025-12-20", identified_on="2025-12-01",
                                            vic_TypeOfExploitation=["ForcedLabour"],
                                            countries_of_exploitation=["RU"], cas_Status="FollowUp")),
        ("Nataliia", "Lysenko", "UA-61", dict(registered_on="2026-01-05", vic_TypeOfExploitation=["ForcedLabour"],
                                              countries_of_exploitation=["PL", "DE"])),
        ("Sofiia", "Moroz", "UA-30", dict(registered_on="2024-06-01", identified_on="2024-05-20",
                                          cas_Status="Closed", closure_reason="moved_away")),
    ]
    ids = {}
    for first, last, region, fields in specs:
        p = new_person(c, "manager", {"prs_FirstName": first, "prs_SecondName": last, "prs_Gender": "Feminine",
                                      "residence_region": region})
        ids[first] = new_case(c, "manager", p["id"], **fields)["id"]
    allm = case_ids(c, "manager", "limit=200")
    for i in ids.values():
        check(i in allm, f"{i} in {allm}")
    # Default order: newest registered first.
    regs = [x["registered_on"] for x in ok(api(c, "manager", "GET", "/api/v1/cases?limit=200"))["items"]]
    eq(regs, sorted(regs, reverse=True))
    codes = [x["code"] for x in ok(api(c, "manager", "GET", "/api/v1/cases?sort=code&limit=200"))["items"]]
    eq(codes, sorted(codes))
    st = [x["cas_Status"] for x in ok(api(c, "manager", "GET", "/api/v1/cases?sort=status&limit=200"))["items"]]
    eq(st, sorted(st))
    # Filters.
    eq(case_ids(c, "manager", "status=Closed"), [ids["Sofiia"]])
    eq(case_ids(c, "manager", "status=FollowUp"), [ids["Yuliia"]])
    eq(case_ids(c, "manager", "country_of_exploitation=AE"), [ids["Mariia"]])
    eq(case_ids(c, "manager", "country_of_exploitation=de"), [ids["Nataliia"]])
    # Olena's case became labour and sexual exploitation in edit_history_and_stale_versions.
    eq(sorted(case_ids(c, "manager", "type_of_exploitation=SexualExploitation")), sorted([ids["Mariia"], c.olena_case]))
    fl = case_ids(c, "manager", "type_of_exploitation=ForcedLabour&region=UA-61&registered_from=2025-12-01")
    eq(sorted(fl), sorted([ids["Yuliia"], ids["Nataliia"], c.olena_case]))
    fl = case_ids(c, "manager", "type_of_exploitation=ForcedLabour&region=UA-61&registered_from=2025-12-01"
                                "&registered_to=2026-01-10")
    eq(sorted(fl), sorted([ids["Yuliia"], ids["Nataliia"]]))
    eq(case_ids(c, "manager", "region=UA-46"), [ids["Mariia"]])
    eq(case_ids(c, "manager", "registered_from=2024-01-01&registered_to=2024-12-31"), [ids["Sofiia"]])
    eq(sorted(case_ids(c, "manager", "identified_from=2025-10-01&identified_to=2025-12-31")),
       sorted([ids["Mariia"], ids["Yuliia"]]))
    items = ok(api(c, "manager", "GET", "/api/v1/cases?status=Closed"))["items"]
    code = items[0]["code"]
    eq(case_ids(c, "manager", "code=" + code), [ids["Sofiia"]])
    # No sealed field, no name, in any list item.
    for it in ok(api(c, "manager", "GET", "/api/v1/cases?limit=200"))["items"]:
        for f in ("identification_place", "cas_ReasonForCaseClosure", "needs_notes", "prs_FirstName"):
            check(f not in it, f"{f} in a list item")
        check("Sofiia" not in str(it) and "Moroz" not in str(it), it)
    # Pages: follow next to the end; every case once, in order.
    seen, url, pages = [], "/api/v1/cases?sort=code&limit=2", 0
    while url:
        j = ok(api(c, "manager", "GET", url))
        check(len(j["items"]) <= 2, j)
        seen += [x["code"] for x in j["items"]]
        url = j["next"]
        pages += 1
        check(url is None or (url.startswith("/api/v1/cases?") and "sort=code" in url), url)
        check(pages < 50, "paging does not end")
    eq(seen, codes, "all pages together:")
    check(pages >= 3, pages)
    j = ok(api(c, "manager", "GET", "/api/v1/cases?status=Closed&limit=1"))
    eq(j["next"], None, "a last page has no next:")
    eq(case_ids(c, "manager", f"limit=2&offset={len(codes)}"), [])
