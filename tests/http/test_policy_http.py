"""The policy matrix over HTTP: for every role, one representative request per
action, answered 2xx when the matrix in tests/unit/test-policy.c allows it
and 403 when it denies it.  The expected answers are read from that file, so
the unit test and this one check the same table, and an action added there
without a request here fails this test."""
import os
import re
import time

from harness import (ROOT, Browser, Server, add_org, add_user, api_login, check, eq, test, totp_code)

ROLES = ["admin", "coordinator", "manager", "caseworker", "hotline", "donor", "auditor"]
PASSWORD = "another fine password 17"


def unit_matrix():
    """{action: {role: "o x s l" answers as 'y'/'-'}} from tests/unit/test-policy.c."""
    src = open(os.path.join(ROOT, "tests", "unit", "test-policy.c"), encoding="utf-8").read()
    macros = dict(re.findall(r'#define (ANY|OWN|SELF|NO|ASSIGNED) "([y-]{5})"', src))
    eq(sorted(macros), ["ANY", "ASSIGNED", "NO", "OWN", "SELF"], "scope shorthands in test-policy.c:")
    rows = re.findall(r'\{ "([a-z_.]+)", (?:true|false), \{ ([A-Z, ]+) \} \}', src)
    check(len(rows) >= 16, f"only {len(rows)} rows read from test-policy.c")
    table = {}
    for action, cells in rows:
        names = [c.strip() for c in cells.split(",")]
        eq(len(names), len(ROLES) + 1, f"{action}: one cell per role and the console:")
        table[action] = {role: macros[names[i]] for i, role in enumerate(ROLES)}
    return table


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
    c.browsers = {}
    for r, u in c.users.items():
        b = Browser(s, lang="en")
        b.login(u)
        c.browsers[r] = b
    return c


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
    """(action, context, method, path, body) — context is o(wn org), x (other org), s(elf) or l(ist)."""
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
    ]


CONTEXTS = "oxsl"


@test
def every_action_has_a_probe(c):
    table = unit_matrix()
    probed = {p[0] for p in probes(c, "admin")}
    eq(sorted(set(table) - probed), [], "actions in the unit matrix without an HTTP request here:")
    eq(sorted(probed - set(table)), [], "requests for actions the unit matrix does not know:")


def make_role_test(role):
    def t(c):
        table = unit_matrix()
        reauthed = False
        wrong = []
        for action, ctx, method, path, body in probes(c, role):
            want = table[action][role][CONTEXTS.index(ctx)] == "y"
            if method == "WEB":
                r = c.browsers[role].get(path)
            else:
                needs_reauth = method != "GET" and action in ("org.deactivate", "user.set_role", "user.disable",
                                                              "user.reset")
                if want and needs_reauth and not reauthed:
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
