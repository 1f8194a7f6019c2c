"""The policy matrix over HTTP: for every role, one representative request per
action, answered 2xx when the matrix in tests/unit/test-policy.c allows it
and 403 when it denies it.  The expected answers are read from that file, so
the unit test and this one check the same table, and an action added there
without a request here fails this test."""
import os
import re
import time

from harness import (ROOT, Browser, Server, add_org, add_user, api_login, check, eq, sql, test, totp_code)

ROLES = ["admin", "coordinator", "manager", "caseworker", "hotline", "donor", "auditor"]
PASSWORD = "another fine password 17"


def unit_source():
    return open(os.path.join(ROOT, "tests", "unit", "test-policy.c"), encoding="utf-8").read()


def unit_contexts():
    """The resource letters of the matrix cells, in their order ("oxsla..."), from its header comment."""
    m = re.search(r"in the order ([a-z](?: [a-z])*)\.", unit_source())
    check(m, "test-policy.c no longer says the order of its columns")
    return m.group(1).replace(" ", "")


def unit_rows():
    """[(action, needs_reauth, cells)] from tests/unit/test-policy.c."""
    src = unit_source()
    width = len(unit_contexts())
    macros = dict(re.findall(r'#define ([A-Z_]+) "([y-]+)"', src))
    check({"ANY", "NO", "OWN", "SELF", "ASSIGNED"} <= set(macros), f"scope shorthands in test-policy.c: {macros}")
    for name, cells in macros.items():
        eq(len(cells), width, f"{name}: one answer per context {unit_contexts()}:")
    rows = re.findall(r'\{ "([a-z_.]+)", (true|false), \{ ([A-Z_, ]+) \} \}', src)
    check(len(rows) >= 27, f"only {len(rows)} rows read from test-policy.c")
    out = []
    for action, reauth_flag, cells in rows:
        names = [c.strip() for c in cells.split(",")]
        eq(len(names), len(ROLES) + 1, f"{action}: one cell per role and the console:")
        out.append((action, reauth_flag == "true", {role: macros[names[i]] for i, role in enumerate(ROLES)}))
    return out


def unit_matrix():
    """{action: {role: answers as 'y'/'-', one per context of unit_contexts()}} from tests/unit/test-policy.c."""
    return {action: cells for action, _, cells in unit_rows()}


def reauth_actions():
    """The actions the unit matrix marks as needing a freshly confirmed password."""
    return {action for action, needs, _ in unit_rows() if needs}


class Ctx:
    pass


def setup():
    c = Ctx()
    c.s = Server()
    s = c.s
    add_org(s, "org-a")
    add_org(s, "org-b", region="UA-46")
    c.users = {r: add_user(s, f"{r}@example.org", r, "org-a", name=f"The {r}") for r in ROLES}
    c.colleague = add_user(s, "colleague@example.org", "caseworker", "org-a")
    c.stranger = add_user(s, "stranger@example.org", "caseworker", "org-b")
    # Accounts that the allowed roles change, one per kind of change.
    c.targets = {k: add_user(s, f"target-{k}@example.org", "caseworker", "org-b") for k in ("edit", "role", "disable", "reset")}
    for r in ROLES:
        add_org(s, f"deact-{r}", region="UA-51")
    # API sign-ins take TOTP codes only: they go first, before any web sign-in uses a recovery code.
    c.tokens = {r: api_login(s, u) for r, u in c.users.items()}
    cases_setup(c)
    reint_setup(c)
    referrals_setup(c)
    c.browsers = {}
    for r, u in c.users.items():
        b = Browser(s, lang="en")
        b.login(u)
        c.browsers[r] = b
    return c


def api_ok(c, token, method, path, body, status):
    r = c.s.api(method, path, body, token=token)
    eq(r.status, status, f"setup {method} {path}: {r.text[:300]}")
    return r.json() if r.body else None


def new_case(c, token, name):
    """A person (registered as new: no duplicate check) and her case; (person id, case id)."""
    p = api_ok(c, token, "POST", "/api/v1/persons",
               {"prs_FirstName": name, "prs_SecondName": "Probe", "prs_Gender": "Feminine", "confirm_new": True}, 201)
    k = api_ok(c, token, "POST", "/api/v1/cases", {"person_id": p["id"]}, 201)
    return p["id"], k["id"]


def new_consent(c, token, case_id):
    return api_ok(c, token, "POST", f"/api/v1/cases/{case_id}/consents",
                  {"purpose": "processing", "method": "signed_form"}, 201)["id"]


def cases_setup(c):
    """Records for the case actions: o (org-a, nobody assigned), x (org-b) and, per role,
    a (org-a, that role's user assigned), each with a consent to withdraw."""
    manager = c.tokens["manager"]
    c.stranger_token = api_login(c.s, c.stranger)
    c.person_o, c.case_o = new_case(c, manager, "Olha")
    c.person_x, c.case_x = new_case(c, c.stranger_token, "Xenia")
    c.consent_o = new_consent(c, manager, c.case_o)
    c.consent_x = new_consent(c, c.stranger_token, c.case_x)
    c.person_a, c.case_a, c.consent_a = {}, {}, {}
    for i, role in enumerate(ROLES):
        c.person_a[role], c.case_a[role] = new_case(c, manager, f"Anna{'abcdefg'[i]}")
        uid = c.users[role].id
        if role in ("manager", "caseworker", "hotline"):
            api_ok(c, manager, "POST", f"/api/v1/cases/{c.case_a[role]}/assign", {"user_id": uid}, 200)
        else:
            # The service rightly refuses to assign these roles; the fixture asks what policy
            # answers if they were (the "a" column of the matrix).
            sql(c.s, "INSERT INTO case_workers (case_id, user_id, assigned_at) VALUES (?, ?, ?)",
                (c.case_a[role], uid, int(time.time())))
        c.consent_a[role] = new_consent(c, manager, c.case_a[role])


def referrals_setup(c):
    """Live referrals for the referral actions and the r context (a record of another organization
    that it refers to the actor's organization, org-a): per role, one org-b case's referral to org-a
    to answer, and referrals from org-a to cancel (o: case_o; a: that role's case).  Directory
    entries of org-a (o) and org-b (x) for directory.edit."""
    manager, stranger = c.tokens["manager"], c.stranger_token
    sql(c.s, "UPDATE organizations SET services = 'legal,medical' WHERE code IN ('org-a', 'org-b')")

    def consent(token, case_id, org):
        api_ok(c, token, "POST", f"/api/v1/cases/{case_id}/consents",
               {"purpose": "referral", "organizations": [org], "services": ["legal"], "method": "signed_form"}, 201)

    def refer(token, case_id, to_org):
        return api_ok(c, token, "POST", "/api/v1/referrals",
                      {"case_id": case_id, "to_org": to_org, "services": ["legal"], "reason": "Policy probe."}, 201)["id"]

    c.person_r, c.case_r = new_case(c, stranger, "Roksolana")
    consent(stranger, c.case_r, "org-a")
    c.ref_r = {role: refer(stranger, c.case_r, "org-a") for role in ROLES}
    c.ref_r_cancel = refer(stranger, c.case_r, "org-a")
    consent(manager, c.case_o, "org-b")
    c.ref_out = refer(manager, c.case_o, "org-b")
    c.ref_o = {role: refer(manager, c.case_o, "org-b") for role in ROLES}
    c.ref_a = {}
    for role in ROLES:
        consent(manager, c.case_a[role], "org-b")
        c.ref_a[role] = refer(manager, c.case_a[role], "org-b")
    admin = c.tokens["admin"]
    c.entry_o = api_ok(c, admin, "POST", "/api/v1/services", {"org": "org-a", "service": "legal", "regions": ["UA-61"]},
                       201)["id"]
    c.entry_x = api_ok(c, admin, "POST", "/api/v1/services", {"org": "org-b", "service": "medical", "regions": ["UA-46"]},
                       201)["id"]


def teardown(c):
    return c.s.cleanup()


def reauth(c, role):
    """Confirms the password (and a TOTP code of the next step, which no sign-in has used)."""
    u = c.users[role]
    body = {"password": u.password}
    if u.totp_secret:
        body["totp"] = totp_code(u.totp_secret, time.time() + 30)
    r = c.s.api("POST", "/api/v1/sessions/current/reauth", body, token=c.tokens[role])
    eq(r.status, 204, f"reauth of {role}: {r.text}")


def probes(c, role):
    """(action, context, method, path, body) — context is o(wn org), x (other org), s(elf), l(ist),
    a (own org, assigned to the actor) or r (another organization's, referred to the actor's)."""
    me = c.users[role]
    t = c.targets
    return [
        ("org.list", "l", "GET", "/api/v1/orgs", None),
        ("org.view", "o", "GET", "/api/v1/orgs/org-a", None),
        ("org.view", "x", "GET", "/api/v1/orgs/org-b", None),
        ("org.create", "l", "POST", "/api/v1/orgs",
         {"code": f"new-{role}", "name_uk": f"Нова {role}", "kind": "ngo", "region": "UA-61"}),
        ("org.edit", "x", "PATCH", "/api/v1/orgs/org-b", {"name_en": f"Edited by {role}"}),
        ("org.deactivate", "x", "POST", f"/api/v1/orgs/deact-{role}/status",
         {"status": "suspended", "reason": "policy test"}),
        ("network.growth", "l", "GET", "/api/v1/network/growth", None),
        ("user.list", "l", "GET", "/api/v1/users", None),
        ("user.view", "o", "GET", f"/api/v1/users/{c.colleague.id}", None),
        ("user.view", "x", "GET", f"/api/v1/users/{c.stranger.id}", None),
        ("user.view", "s", "GET", f"/api/v1/users/{me.id}", None),
        ("user.create", "l", "POST", "/api/v1/users",
         {"email": f"new-{role}@example.org", "display_name": "New person", "org": "org-b", "role": "caseworker",
          "password": PASSWORD}),
        ("user.edit", "x", "PATCH", f"/api/v1/users/{t['edit'].id}", {"display_name": f"Edited by {role}"}),
        ("user.set_role", "x", "POST", f"/api/v1/users/{t['role'].id}/role",
         {"role": "hotline" if role != "admin" else "donor"}),
        ("user.disable", "x", "POST", f"/api/v1/users/{t['disable'].id}/disable", None),
        ("user.reset", "x", "POST", f"/api/v1/users/{t['reset'].id}/reset", {"password": PASSWORD}),
        ("audit.view", "l", "GET", "/api/v1/audit", None),
        ("audit.verify", "l", "GET", "/api/v1/audit/verify", None),
        # Managing one's own account has pages only (the API has GET /api/v1/me, open to everyone).
        ("self.manage", "s", "WEB", "/account", None),
    ] + case_probes(c, role) + referral_probes(c, role) + reint_probes(c, role) + directory_page_probes(c, role)


# Actions the matrix decides that no route offers yet.  A route naming one of them (in
# src/web/routes.c) fails every_action_has_a_probe until a probe is added here.
NOT_ROUTED = set()
SCREENING = {"profile": "adult_labour",
             "indicators": ["dr_deceived_about_the_nature_of_the_job_location_or_employer"]}


def case_probes(c, role):
    """The case actions on o (own org, not assigned), x (other org) and a (own org, assigned)."""
    o, x, a = c.case_o, c.case_x, c.case_a[role]
    pa = c.person_a[role]
    out = [
        ("case.create", "l", "POST", "/api/v1/persons",
         {"prs_FirstName": f"New{role}", "prs_SecondName": "Probe", "prs_Gender": "Feminine", "confirm_new": True}),
        # A case is opened for a person the actor can see: hers, or another organization's.
        ("case.create", "a", "POST", "/api/v1/cases", {"person_id": pa}),
        ("case.create", "x", "POST", "/api/v1/cases", {"person_id": c.person_x}),
        ("case.list", "l", "GET", "/api/v1/cases", None),
        ("case.list", "l", "GET", "/api/v1/persons?q=Probe", None),
        ("case.view", "a", "GET", f"/api/v1/persons/{pa}", None),
        ("case.view", "x", "GET", f"/api/v1/persons/{c.person_x}", None),
        ("case.view", "o", "GET", f"/api/v1/persons/{c.person_o}", None),
        ("case.records", "a", "GET", f"/api/v1/cases/{a}/notes", None),
        ("case.records", "x", "GET", f"/api/v1/cases/{x}/notes", None),
        ("case.records", "a", "GET", f"/api/v1/cases/{a}/history", None),
        ("case.records", "o", "GET", f"/api/v1/cases/{o}/history", None),
        ("case.records", "a", "GET", f"/api/v1/cases/{a}/consents", None),
        ("case.records", "x", "GET", f"/api/v1/cases/{x}/consents", None),
        ("case.records", "a", "GET", f"/api/v1/cases/{a}/screenings", None),
        ("case.records", "o", "GET", f"/api/v1/cases/{o}/screenings", None),
        ("case.edit", "a", "PATCH", f"/api/v1/persons/{pa}", {"prs_MaritalStatus": "Single"}),
        ("case.edit", "x", "PATCH", f"/api/v1/persons/{c.person_x}", {"prs_MaritalStatus": "Single"}),
        ("case.assign", "o", "POST", f"/api/v1/cases/{o}/assign", {"user_id": c.colleague.id}),
        ("case.assign", "x", "POST", f"/api/v1/cases/{x}/assign", {"user_id": c.stranger.id}),
        ("case.assign", "a", "POST", f"/api/v1/cases/{a}/assign", {"user_id": c.colleague.id}),
        ("case.reveal", "a", "GET", f"/api/v1/persons/{pa}?reveal=true", None),
        ("consent.record", "a", "POST", f"/api/v1/consents/{c.consent_a[role]}/withdraw", {}),
        ("consent.record", "x", "POST", f"/api/v1/consents/{c.consent_x}/withdraw", {}),
        ("screening.evaluate", "l", "POST", "/api/v1/screening/evaluate", SCREENING),
        ("screening.evaluate", "l", "GET", "/api/v1/screening/profiles", None),
    ]
    for ctx, cid in (("o", o), ("x", x), ("a", a)):
        out += [
            ("case.view", ctx, "GET", f"/api/v1/cases/{cid}", None),
            ("case.edit", ctx, "PATCH", f"/api/v1/cases/{cid}", {"needs": ["legal"]}),
            ("case.reveal", ctx, "GET", f"/api/v1/cases/{cid}?reveal=true", None),
            ("case.note", ctx, "POST", f"/api/v1/cases/{cid}/notes", {"text": f"A note by the {role}."}),
            ("consent.record", ctx, "POST", f"/api/v1/cases/{cid}/consents",
             {"purpose": "statistics", "method": "signed_form"}),
            ("screening.record", ctx, "POST", f"/api/v1/cases/{cid}/screenings", SCREENING),
        ]
    # Only one manager withdraws the o consent; the others are refused before it matters.
    out.append(("consent.record", "o", "POST", f"/api/v1/consents/{c.consent_o}/withdraw", {}))
    return out


def referral_probes(c, role):
    """Referrals, consent overrides, assistance and the directory.  r is case_r of org-b, referred
    to org-a by a live referral per role (ref_r), which that role's answer probe accepts before
    its assistance probe records under it."""
    o, x, a, r = c.case_o, c.case_x, c.case_a[role], c.case_r

    def send(case_id, **extra):
        return dict({"case_id": case_id, "to_org": "org-b", "services": ["legal"], "reason": f"Sent by the {role}."},
                    **extra)

    # Not covered by her consent (legal only): sent only as a manager's override.
    override = {"services": ["medical"], "override_consent": True, "override_reason": f"Override by the {role}."}
    out = [
        ("referral.send", "o", "POST", "/api/v1/referrals", send(o)),
        ("referral.send", "x", "POST", "/api/v1/referrals", send(x, to_org="org-a")),
        ("referral.send", "a", "POST", "/api/v1/referrals", send(a)),
        ("consent.override", "o", "POST", "/api/v1/referrals", send(o, **override)),
        ("consent.override", "x", "POST", "/api/v1/referrals", send(x, to_org="org-a", **override)),
        ("consent.override", "a", "POST", "/api/v1/referrals", send(a, **override)),
        ("referral.list", "l", "GET", "/api/v1/referrals?direction=in", None),
        ("referral.list", "l", "GET", "/api/v1/referrals?direction=out", None),
        ("referral.list", "o", "GET", f"/api/v1/referrals/{c.ref_out}", None),
        ("referral.cancel", "o", "POST", f"/api/v1/referrals/{c.ref_o[role]}/cancel", {}),
        ("referral.cancel", "a", "POST", f"/api/v1/referrals/{c.ref_a[role]}/cancel", {}),
        ("referral.cancel", "r", "POST", f"/api/v1/referrals/{c.ref_r_cancel}/cancel", {}),
        # Only the receiving organization answers: not the sender (o), whatever its role.
        ("referral.answer", "o", "POST", f"/api/v1/referrals/{c.ref_out}/accept", {}),
        ("referral.answer", "r", "POST", f"/api/v1/referrals/{c.ref_r[role]}/accept", {}),
        ("referral.overview", "l", "GET", "/api/v1/indicators/referrals", None),
        # What the receiving organization may do with the referred case: read the shared part only.
        ("case.view", "r", "GET", f"/api/v1/cases/{r}", None),
        ("case.view", "r", "GET", f"/api/v1/persons/{c.person_r}", None),
        # The owner's own records never travel with a referral.
        ("case.records", "r", "GET", f"/api/v1/cases/{r}/notes", None),
        ("case.records", "r", "GET", f"/api/v1/cases/{r}/consents", None),
        ("case.records", "r", "GET", f"/api/v1/cases/{r}/screenings", None),
        ("case.records", "r", "GET", f"/api/v1/plans?case_id={r}", None),
        ("case.records", "r", "GET", f"/api/v1/followups?case_id={r}", None),
        ("case.records", "r", "GET", f"/api/v1/cases/{r}/closure", None),
        ("case.edit", "r", "PATCH", f"/api/v1/cases/{r}", {"needs": ["legal"]}),
        ("case.note", "r", "POST", f"/api/v1/cases/{r}/notes", {"text": f"A note by the {role}."}),
        ("consent.record", "r", "POST", f"/api/v1/cases/{r}/consents", {"purpose": "statistics", "method": "signed_form"}),
        ("screening.record", "r", "POST", f"/api/v1/cases/{r}/screenings", SCREENING),
        ("assistance.record", "o", "POST", "/api/v1/assistance", {"case_id": o, "service": "legal"}),
        ("assistance.record", "x", "POST", "/api/v1/assistance", {"case_id": x, "service": "legal"}),
        ("assistance.record", "a", "POST", "/api/v1/assistance", {"case_id": a, "service": "legal"}),
        ("assistance.record", "r", "POST", "/api/v1/assistance",
         {"case_id": r, "service": "legal", "referral_id": c.ref_r[role]}),
        ("directory.view", "l", "GET", "/api/v1/services", None),
        ("directory.edit", "l", "POST", "/api/v1/services", {"service": "hotline", "regions": ["UA-61"]}),
        ("directory.edit", "o", "PATCH", f"/api/v1/services/{c.entry_o}", {"contact_point": f"Asked for the {role}"}),
        ("directory.edit", "x", "PATCH", f"/api/v1/services/{c.entry_x}", {"contact_point": f"Asked for the {role}"}),
    ]
    return out


def directory_page_probes(c, role):
    """The directory's and assistance's pages ask the same policy as their API (the probes above)."""
    return [
        ("directory.view", "l", "WEB", "/directory?service=legal&region=UA-61", None),
        ("directory.edit", "l", "WEB", "/directory/new", None),
        ("directory.edit", "o", "WEB", f"/directory/{c.entry_o}/edit", None),
        ("directory.edit", "x", "WEB", f"/directory/{c.entry_x}/edit", None),
    ]


@test
def every_action_has_a_probe(c):
    table = unit_matrix()
    probed = {p[0] for p in probes(c, "admin")}
    eq(sorted(set(table) - probed - NOT_ROUTED), [], "actions in the unit matrix without an HTTP request here:")
    eq(sorted(probed - set(table)), [], "requests for actions the unit matrix does not know:")
    routes = open(os.path.join(ROOT, "src", "web", "routes.c"), encoding="utf-8").read()
    routed = set(re.findall(r'^\s*\{ "[A-Z]+", "[^"]+",\s*\w+,\s*AUTH_\w+,\s*"([a-z_.]+)"', routes, re.M))
    eq(sorted(NOT_ROUTED & routed), [], "routed actions still listed as NOT_ROUTED (add their probes):")
    eq(sorted(routed - set(table)), [], "routes naming actions the unit matrix does not know:")
    # Every context letter of the matrix is probed by some request, so every column is exercised.
    eq(sorted({p[1] for p in probes(c, "admin")}), sorted(unit_contexts()), "contexts probed:")


def make_role_test(role):
    def t(c):
        table = unit_matrix()
        contexts = unit_contexts()
        needs_reauth = reauth_actions()
        reauthed = False
        wrong = []
        for action, ctx, method, path, body in probes(c, role):
            want = table[action][role][contexts.index(ctx)] == "y"
            if method == "WEB":
                r = c.browsers[role].get(path)
            else:
                if want and action in needs_reauth and not reauthed:
                    reauth(c, role)
                    reauthed = True
                r = c.s.api(method, path, body, token=c.tokens[role])
            ok = 200 <= r.status < 300
            if want != ok or (not want and r.status != 403):
                wrong.append(f"{action} ({ctx}) {method} {path}: expected {'2xx' if want else '403'}, "
                             f"got {r.status} {r.text[:160]}")
        check(not wrong, f"{role}:\n" + "\n".join(wrong))
    t.__name__ = f"matrix_for_{role}"
    return t


for _role in ROLES:
    test(make_role_test(_role))


# ---- reintegration (plans, follow-ups, closure, indicators) ---------------------------------------

FOLLOWUP = {"done_on": time.strftime("%Y-%m-%d", time.gmtime()), "method": "phone", "contact_made": True,
            "outcome": "reintegrating"}


def reint_setup(c):
    """Per context, the records a reintegration action works on: a pending plan (approve), a scheduled
    follow-up (record), an open case (closure request), a pending request (approve) and a closed case
    (reopen), in org-a (o) and org-b (x); per role, an approved plan on its own assigned case (a)."""
    manager = c.tokens["manager"]
    c.reint_manager_b = add_user(c.s, "reint-manager-b@example.org", "manager", "org-b")
    mb = api_login(c.s, c.reint_manager_b)

    def plan(token, case_id, approver=None):
        p = api_ok(c, token, "POST", "/api/v1/plans", {"case_id": case_id, "goals": [
            {"dimension": "social", "text": "A home of her own", "services": ["legal"]}]}, 201)
        api_ok(c, token, "POST", f"/api/v1/plans/{p['id']}/submit", None, 200)
        if approver:
            api_ok(c, approver, "POST", f"/api/v1/plans/{p['id']}/approve", None, 200)
        return p["id"]

    def first_followup(token, case_id):
        return api_ok(c, token, "GET", f"/api/v1/followups?case_id={case_id}", None, 200)["items"][0]["id"]

    def closed(token, approver, case_id, approve):
        api_ok(c, token, "POST", f"/api/v1/cases/{case_id}/closure", {"reason": "support_completed"}, 201)
        if approve:
            api_ok(c, approver, "POST", f"/api/v1/cases/{case_id}/closure/approve", {}, 200)
        return case_id

    c.reint = {}
    for ctx, token, approver in (("o", manager, manager), ("x", mb, mb)):
        r = c.reint[ctx] = {}
        r["pending_plan"] = plan(token, new_case(c, token, f"Pl{ctx}")[1])
        fcase = new_case(c, token, f"Fu{ctx}")[1]
        plan(token, fcase, approver)
        r["followup"] = first_followup(token, fcase)
        r["open_case"] = new_case(c, token, f"Op{ctx}")[1]
        r["pending_case"] = closed(token, approver, new_case(c, token, f"Pe{ctx}")[1], False)
        r["closed_case"] = closed(token, approver, new_case(c, token, f"Cl{ctx}")[1], True)
    c.reint_a = {}
    for role in ROLES:
        pid = plan(manager, c.case_a[role], manager)
        c.reint_a[role] = (pid, first_followup(manager, c.case_a[role]))


def reint_probes(c, role):
    o, x = c.reint["o"], c.reint["x"]
    plan_a, followup_a = c.reint_a[role]
    out = [
        # A new plan for a case without one (o: the case of the case probes), or a new version of an approved one.
        ("plan.edit", "o", "POST", "/api/v1/plans", {"case_id": o["open_case"]}),
        ("plan.edit", "x", "POST", "/api/v1/plans", {"case_id": x["open_case"]}),
        ("plan.edit", "a", "PATCH", f"/api/v1/plans/{plan_a}", {"review_on": "2099-01-01"}),
        ("plan.approve", "o", "POST", f"/api/v1/plans/{o['pending_plan']}/approve", None),
        ("plan.approve", "x", "POST", f"/api/v1/plans/{x['pending_plan']}/approve", None),
        ("followup.record", "o", "POST", f"/api/v1/followups/{o['followup']}/record", FOLLOWUP),
        ("followup.record", "x", "POST", f"/api/v1/followups/{x['followup']}/record", FOLLOWUP),
        ("followup.record", "a", "POST", f"/api/v1/followups/{followup_a}/record", FOLLOWUP),
        ("followup.record", "l", "GET", "/api/v1/followups?due=overdue", None),
        ("case.close_request", "o", "POST", f"/api/v1/cases/{o['open_case']}/closure", {"reason": "moved_away"}),
        ("case.close_request", "x", "POST", f"/api/v1/cases/{x['open_case']}/closure", {"reason": "moved_away"}),
        ("case.close_request", "a", "POST", f"/api/v1/cases/{c.case_a[role]}/closure", {"reason": "other"}),
        ("case.close_approve", "o", "POST", f"/api/v1/cases/{o['pending_case']}/closure/approve", {}),
        ("case.close_approve", "x", "POST", f"/api/v1/cases/{x['pending_case']}/closure/approve", {}),
        ("case.reopen", "o", "POST", f"/api/v1/cases/{o['closed_case']}/closure/reopen", {"reason": "She asked."}),
        ("case.reopen", "x", "POST", f"/api/v1/cases/{x['closed_case']}/closure/reopen", {"reason": "She asked."}),
        # Coordinators and donors see aggregates only: the list (no one organization's figures) is the probe.
        ("reintegration.indicators", "l", "GET", "/api/v1/indicators/reintegration", None),
    ]
    return out
