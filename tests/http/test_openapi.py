"""docs/openapi.yaml against the running server: every /api/v1 route in src/web/routes.c is
documented and every documented operation exists; then real requests over every documented
operation, as the roles that may make them, must answer a status documented for that operation
with JSON that matches its schema (types, required and undocumented properties, enums, patterns),
and the bodies we send must match the documented request schemas."""
import os
import re
import time
import urllib.parse

import yaml  # python3-yaml (scripts/install-deps)

from harness import ROOT, Server, add_org, add_user, api_login, check, eq, sql, test, totp_code

SPEC_PATH = os.path.join(ROOT, "docs", "openapi.yaml")
METHODS = ("get", "post", "put", "patch", "delete")


# ---- the schema subset docs/openapi.yaml uses --------------------------------------------------


def resolve(spec, node):
    """Follows $ref (local references only) until a node without one."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        check(ref.startswith("#/"), f"only local references: {ref}")
        node = spec
        for part in ref[2:].split("/"):
            check(isinstance(node, dict) and part in node, f"unresolved reference {ref}")
            node = node[part]
        seen += 1
        check(seen < 20, f"reference loop at {ref}")
    return node


TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
}
FORMATS = {"date": r"^\d{4}-\d{2}-\d{2}$", "date-time": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"}


def validate(spec, schema, value, where="$"):
    """The list of ways value does not match schema (empty when it does)."""
    s = resolve(spec, schema)
    if value is None:
        return [] if s.get("nullable") else [f"{where}: null where {s.get('type', 'a value')} is expected"]
    errs = []
    if "enum" in s and value not in s["enum"]:
        return [f"{where}: {value!r} is not one of {s['enum'][:12]}"]
    t = s.get("type")
    if t is not None:
        check(t in TYPES, f"schema type {t} at {where}")
        if not TYPES[t](value):
            return [f"{where}: {type(value).__name__} {value!r:.60} where {t} is expected"]
    if isinstance(value, str):
        if "pattern" in s and not re.search(s["pattern"], value):
            errs.append(f"{where}: {value!r:.60} does not match {s['pattern']}")
        if "format" in s and s["format"] in FORMATS and not re.search(FORMATS[s["format"]], value):
            errs.append(f"{where}: {value!r:.60} is not a {s['format']}")
        if "minLength" in s and len(value) < s["minLength"]:
            errs.append(f"{where}: shorter than {s['minLength']}")
        if "maxLength" in s and len(value) > s["maxLength"]:
            errs.append(f"{where}: longer than {s['maxLength']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in s and value < s["minimum"]:
            errs.append(f"{where}: {value} below {s['minimum']}")
        if "maximum" in s and value > s["maximum"]:
            errs.append(f"{where}: {value} above {s['maximum']}")
    if isinstance(value, list):
        if "minItems" in s and len(value) < s["minItems"]:
            errs.append(f"{where}: fewer than {s['minItems']} items")
        if "maxItems" in s and len(value) > s["maxItems"]:
            errs.append(f"{where}: more than {s['maxItems']} items")
        if "items" in s:
            for i, v in enumerate(value):
                errs += validate(spec, s["items"], v, f"{where}[{i}]")
    if isinstance(value, dict):
        props = s.get("properties", {})
        for name in s.get("required", []):
            if name not in value:
                errs.append(f"{where}: required property {name} is missing")
        extra = s.get("additionalProperties", True)
        for k, v in value.items():
            if k in props:
                errs += validate(spec, props[k], v, f"{where}.{k}")
            elif extra is False:
                errs.append(f"{where}: property {k} is not documented")
            elif isinstance(extra, dict):
                errs += validate(spec, extra, v, f"{where}.{k}")
    return errs


# ---- the document and the route table ------------------------------------------------------------


def load_spec():
    with open(SPEC_PATH, encoding="utf-8") as f:
        return yaml.safe_load(f)


def norm(path):
    return re.sub(r"\{[^}]+\}", "{}", path)


def documented_operations(spec):
    return {(m.upper(), norm(p)) for p, item in spec["paths"].items() for m in item if m in METHODS}


def routed_operations():
    src = open(os.path.join(ROOT, "src", "web", "routes.c"), encoding="utf-8").read()
    routes = re.findall(r'^\s*\{ "([A-Z]+)", "(/api/v1[^"]*)"', src, re.M)
    check(len(routes) >= 20, f"only {len(routes)} API routes read from routes.c")
    return {(m, norm(p)) for m, p in routes}


class Ctx:
    pass


def setup():
    c = Ctx()
    c.spec = load_spec()
    c.s = s = Server()
    add_org(s, "org-a", region="UA-61")
    add_org(s, "org-b", region="UA-46")
    c.u = {
        "admin": add_user(s, "admin@oa.example", "admin", "org-a", name="Ada Admin"),
        "manager": add_user(s, "manager@oa.example", "manager", "org-a", name="Maria Manager"),
        "worker": add_user(s, "worker@oa.example", "caseworker", "org-a", name="Wanda Worker"),
        "auditor": add_user(s, "auditor@oa.example", "auditor", "org-a", name="Andrii Auditor"),
        "donor": add_user(s, "donor@oa.example", "donor", "org-a", name="Dmytro Donor"),
        "target": add_user(s, "target@oa.example", "caseworker", "org-b", name="Taras Target"),
    }
    c.tok = {k: api_login(s, u) for k, u in c.u.items() if k != "target"}
    c.fresh_at = {k: time.time() for k in c.tok}
    c.exercised = set()  # (METHOD, template) answered 2xx
    c.steps = {}
    return c


def teardown(c):
    return c.s.cleanup()


def find_operation(c, method, path):
    """The documented (template, operation) for a concrete path: the most literal match."""
    best = None
    for tmpl, item in c.spec["paths"].items():
        rx = "^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(tmpl)) + "$"
        if re.match(rx, path) and method.lower() in item:
            literal = len(re.sub(r"\{[^}]+\}", "", tmpl))
            if best is None or literal > best[0]:
                best = (literal, tmpl, item)
    check(best is not None, f"{method} {path} is not documented")
    return best[1], best[2], best[2][method.lower()]


def call(c, who, method, path, body=None, expect=None, token=None, headers=None):
    """Makes the request and checks it and its answer against the document."""
    tok = token if token is not None else (c.tok[who] if who else None)
    r = c.s.api(method, path, body, token=tok, headers=headers)
    where = f"{method} {path} as {who}"
    if expect is not None:
        eq(r.status, expect, f"{where}: {r.text[:400]}")
    bare = path.split("?")[0]
    tmpl, item, op = find_operation(c, method, bare)
    responses = op["responses"]
    check(str(r.status) in responses or "default" in responses,
          f"{where}: status {r.status} is not documented ({sorted(responses)}): {r.text[:300]}")
    resp = resolve(c.spec, responses.get(str(r.status), responses.get("default")))
    content = resp.get("content")
    if content is None:
        eq(r.body, b"", f"{where}: a {r.status} documented without a body has one:")
    else:
        check((r.header("Content-Type") or "").startswith("application/json"), f"{where}: {r.header('Content-Type')}")
        errs = validate(c.spec, content["application/json"]["schema"], r.json())
        check(not errs, f"{where} answered {r.status} that does not match the document:\n  " + "\n  ".join(errs[:15]))
    if 200 <= r.status < 300:
        params = {p_["name"] for p_ in [resolve(c.spec, x) for x in item.get("parameters", []) + op.get("parameters", [])]
                  if p_["in"] == "query"}
        for name in urllib.parse.parse_qs(urllib.parse.urlparse(path).query, keep_blank_values=True):
            check(name in params, f"{where}: query parameter {name} is not documented")
        if body is not None:
            check("requestBody" in op, f"{where}: a body is sent but none is documented")
            schema = resolve(c.spec, op["requestBody"])["content"]["application/json"]["schema"]
            errs = validate(c.spec, schema, body, "body")
            check(not errs, f"{where}: the body sent does not match the document:\n  " + "\n  ".join(errs))
        c.exercised.add((method, norm(tmpl)))
    return r


def reauth(c, who):
    u = c.u[who]
    body = {"password": u.password}
    if u.totp_secret:
        step = int(time.time() // 30) + 1
        while c.steps.get(who) == step:
            time.sleep(1)
            step = int(time.time() // 30) + 1
        c.steps[who] = step
        body["totp"] = totp_code(u.totp_secret, step * 30)
    call(c, who, "POST", "/api/v1/sessions/current/reauth", body, 204)
    c.fresh_at[who] = time.time()


def fresh(c, who):
    """The password confirmed within the last few minutes (signing in counts): reauth only when older,
    so as not to wait for a new TOTP step."""
    if time.time() - c.fresh_at[who] > 240:
        reauth(c, who)


# ---- the document itself -------------------------------------------------------------------------


@test
def document_is_well_formed(c):
    spec = c.spec
    eq(spec["openapi"], "3.0.3")
    problems = []

    def walk(node, where):
        if isinstance(node, dict):
            if "$ref" in node:
                try:
                    resolve(spec, node)
                except AssertionError as e:
                    problems.append(f"{where}: {e}")
            for k, v in node.items():
                walk(v, f"{where}/{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}/{i}")

    walk(spec, "#")
    for path, item in spec["paths"].items():
        check(path.startswith("/api/v1/"), path)
        declared = {resolve(spec, p)["name"] for p in item.get("parameters", []) if resolve(spec, p)["in"] == "path"}
        for m, op in item.items():
            if m not in METHODS:
                continue
            names = declared | {resolve(spec, p)["name"] for p in op.get("parameters", [])
                                if resolve(spec, p)["in"] == "path"}
            eq(sorted(names), sorted(re.findall(r"\{([^}]+)\}", path)), f"{m} {path}: path parameters")
            codes = set(op["responses"])
            check(any(k.startswith("2") for k in codes), f"{m} {path}: no success answer documented")
            if op.get("security", spec.get("security")):
                check("401" in codes, f"{m} {path}: signed-in operations answer 401 without a token")
            if "requestBody" in op:
                check({"400", "415"} <= codes, f"{m} {path}: a JSON body can be malformed (400) or not JSON (415)")
            for code, resp in op["responses"].items():
                resp = resolve(spec, resp)
                check("description" in resp, f"{m} {path} {code}: description")
                if "content" in resp:
                    check("schema" in resp["content"].get("application/json", {}), f"{m} {path} {code}: JSON schema")
    check(not problems, "\n".join(problems))
    # The validator itself: it must refuse what the document does not allow.
    case = spec["components"]["schemas"]["Case"]
    check(validate(spec, case, {"id": 1}), "a case without its required properties passes")
    err = {"error": {"code": "invalid", "message": "m", "field": None}}
    eq(validate(spec, {"$ref": "#/components/schemas/Error"}, err), [])
    check(validate(spec, {"$ref": "#/components/schemas/Error"}, dict(err, extra=1)), "an undocumented property passes")
    check(validate(spec, {"$ref": "#/components/schemas/Pick_cas_Status"}, "Open"), "a value outside the enum passes")
    check(validate(spec, {"$ref": "#/components/schemas/Date"}, "12.04.1995"), "a bad date passes")


@test
def every_route_is_documented_and_every_documented_path_exists(c):
    doc, routed = documented_operations(c.spec), routed_operations()
    eq(sorted(routed - doc), [], "routes in src/web/routes.c missing from docs/openapi.yaml:")
    eq(sorted(doc - routed), [], "operations in docs/openapi.yaml that src/web/routes.c does not have:")


# ---- real requests -------------------------------------------------------------------------------


@test
def sessions(c):
    w = c.u["worker"]
    r = call(c, None, "POST", "/api/v1/sessions", {"email": w.email, "password": w.password}, 201)
    spare = r.json()["token"]
    call(c, None, "POST", "/api/v1/sessions", {"email": w.email, "password": "not the password 1"}, 401)
    call(c, None, "POST", "/api/v1/sessions", {"password": "x"}, 422)
    call(c, None, "POST", "/api/v1/sessions", {"email": w.email, "password": "x", "remember": True}, 400)
    call(c, None, "POST", "/api/v1/sessions", "{not json", 400, headers={"Content-Type": "application/json"})
    call(c, None, "POST", "/api/v1/sessions", "email=x", 415, headers={"Content-Type": "text/plain"})
    me = call(c, "worker", "GET", "/api/v1/me", expect=200).json()
    eq(me["role"], "caseworker")
    call(c, None, "GET", "/api/v1/me", expect=401)
    reauth(c, "worker")
    call(c, "worker", "POST", "/api/v1/sessions/current/reauth", {"password": "wrong password 12"}, 401)
    call(c, None, "DELETE", "/api/v1/sessions/current", expect=204, token=spare)
    call(c, None, "GET", "/api/v1/me", expect=401, token=spare)


@test
def organizations(c):
    page = call(c, "admin", "GET", "/api/v1/orgs?limit=1", expect=200).json()
    check(page["next"], "two organizations: the first page has a next")
    call(c, "admin", "GET", "/api/v1/orgs?after=" + urllib.parse.quote(page["next"]) + "&limit=1", expect=200)
    call(c, "admin", "GET", "/api/v1/orgs?region=UA-61&kind=ngo&status=active&q=org", expect=200)
    call(c, "admin", "GET", "/api/v1/orgs?limit=0", expect=422)
    body = {"code": "oa-new", "name_uk": "Нова організація", "name_en": "New organization", "kind": "ngo",
            "region": "UA-46", "services": ["shelter", "legal"], "phone": "+380 32 000 0000"}
    r = call(c, "admin", "POST", "/api/v1/orgs", body, 201)
    eq(r.header("Location"), "/api/v1/orgs/oa-new")
    call(c, "admin", "POST", "/api/v1/orgs", body, 409)
    call(c, "admin", "POST", "/api/v1/orgs", dict(body, code="oa-x", kind="club"), 422)
    call(c, "admin", "POST", "/api/v1/orgs", dict(body, code="oa-y", colour="red"), 400)
    call(c, "worker", "POST", "/api/v1/orgs", dict(body, code="oa-z"), 403)
    org = call(c, "worker", "GET", "/api/v1/orgs/oa-new", expect=200).json()
    call(c, "admin", "GET", "/api/v1/orgs/no-such-org", expect=404)
    call(c, "admin", "PATCH", "/api/v1/orgs/oa-new", {"name_en": "Renamed", "version": org["version"]}, 200)
    call(c, "admin", "PATCH", "/api/v1/orgs/oa-new", {"name_en": "Again", "version": org["version"]}, 409)
    fresh(c, "admin")
    call(c, "admin", "POST", "/api/v1/orgs/oa-new/status", {"status": "suspended", "reason": "Test"}, 200)
    call(c, "admin", "POST", "/api/v1/orgs/oa-new/status", {"status": "suspended", "reason": "Test"}, 422)
    h = call(c, "admin", "GET", "/api/v1/orgs/oa-new/history", expect=200).json()
    check(len(h["items"]) >= 3, h)
    call(c, "donor", "GET", "/api/v1/network/growth?by=year", expect=200)
    call(c, "admin", "GET", "/api/v1/network/growth?by=week", expect=422)
    call(c, "worker", "GET", "/api/v1/network/growth", expect=403)


@test
def users(c):
    call(c, "admin", "GET", "/api/v1/users?per_page=2&page=1&org=org-a&role=caseworker&status=active", expect=200)
    call(c, "manager", "GET", "/api/v1/users", expect=200)
    call(c, "admin", "GET", "/api/v1/users?role=chief", expect=422)
    call(c, "worker", "GET", "/api/v1/users", expect=403)
    body = {"email": "new-user@oa.example", "display_name": "New User", "org": "org-b", "role": "caseworker",
            "password": "a long temporary password 7", "lang": "en"}
    r = call(c, "admin", "POST", "/api/v1/users", body, 201)
    u = r.json()
    eq(r.header("Location"), f"/api/v1/users/{u['id']}")
    call(c, "admin", "POST", "/api/v1/users", body, 409)
    call(c, "admin", "POST", "/api/v1/users", dict(body, email="other@oa.example", role="chief"), 422)
    call(c, "worker", "GET", f"/api/v1/users/{c.u['worker'].id}", expect=200)
    call(c, "worker", "GET", f"/api/v1/users/{u['id']}", expect=403)
    call(c, "admin", "GET", "/api/v1/users/999999", expect=404)
    call(c, "admin", "PATCH", f"/api/v1/users/{u['id']}", {"display_name": "Renamed User", "version": u["version"]}, 200)
    call(c, "admin", "PATCH", f"/api/v1/users/{u['id']}", {"display_name": "Again", "version": u["version"]}, 409)
    fresh(c, "admin")
    t = c.u["target"].id
    call(c, "admin", "POST", f"/api/v1/users/{t}/role", {"role": "hotline"}, 200)
    call(c, "admin", "POST", f"/api/v1/users/{t}/role", {"role": "chief"}, 422)
    call(c, "admin", "POST", f"/api/v1/users/{t}/disable", expect=200)
    call(c, "admin", "POST", f"/api/v1/users/{t}/enable", expect=200)
    call(c, "admin", "POST", f"/api/v1/users/{t}/reset", {"password": "another temporary password 9"}, 200)
    call(c, "admin", "POST", f"/api/v1/users/{t}/reset", {"password": "short"}, 422)


@test
def audit(c):
    page = call(c, "auditor", "GET", "/api/v1/audit?limit=2", expect=200).json()
    check(page["next"], page)
    call(c, "auditor", "GET", page["next"], expect=200)
    call(c, "auditor", "GET", "/api/v1/audit?action=user.&from=2020-01-01&to=2100-01-01", expect=200)
    call(c, "auditor", "GET", "/api/v1/audit?colour=red", expect=400)
    call(c, "auditor", "GET", "/api/v1/audit?from=yesterday", expect=422)
    call(c, "admin", "GET", "/api/v1/audit", expect=403)
    eq(call(c, "auditor", "GET", "/api/v1/audit/verify", expect=200).json()["intact"], True)
    call(c, "auditor", "GET", "/api/v1/audit/verify?deep=1", expect=400)


OLENA = {"prs_FirstName": "Олена", "prs_SecondName": "Коваленко", "first_name_latin": "Olena",
         "prs_Birthdate": "1995-04-12", "prs_Gender": "Feminine", "prs_MobilePhone": "+380671234567",
         "prs_Citizenship": ["UA"], "residence_region": "UA-61", "languages": ["uk", "ru"],
         "identity_document_type": "foreign_passport", "prs_NumberOfChildren": 1}


@test
def persons_and_cases(c):
    r = call(c, "worker", "POST", "/api/v1/persons", OLENA, 201)
    pid = r.json()["id"]
    r = call(c, "worker", "POST", "/api/v1/persons", {"prs_FirstName": "Olena", "prs_SecondName": "Kovalenko",
                                                       "prs_Gender": "Feminine"}, 409)
    eq(r.json()["candidates"][0]["person_id"], pid)
    call(c, "worker", "POST", "/api/v1/persons", {"prs_FirstName": "Olena", "prs_SecondName": "Kovalenko",
                                                   "prs_Gender": "Feminine", "confirm_new": True}, 201)
    call(c, "worker", "POST", "/api/v1/persons", dict(OLENA, prs_Gender="Female"), 422)
    call(c, "worker", "POST", "/api/v1/persons", dict(OLENA, height=170), 400)
    call(c, "donor", "POST", "/api/v1/persons", OLENA, 403)
    call(c, "worker", "GET", "/api/v1/persons?q=Olena%20Kovalenko&limit=10", expect=200)
    call(c, "worker", "GET", "/api/v1/persons", expect=422)
    call(c, "worker", "GET", "/api/v1/persons?name=Olena", expect=400)
    call(c, "worker", "GET", f"/api/v1/persons/{pid}", expect=200)
    sql(c.s, "UPDATE sessions SET reauth_at = reauth_at - 600")
    call(c, "worker", "GET", f"/api/v1/persons/{pid}?reveal=true", expect=401)
    reauth(c, "worker")
    p = call(c, "worker", "GET", f"/api/v1/persons/{pid}?reveal=true", expect=200).json()
    eq(p["prs_FirstName"], "Олена")
    call(c, "worker", "GET", f"/api/v1/persons/{pid}?reveal=perhaps", expect=422)
    call(c, "worker", "GET", "/api/v1/persons/999999", expect=404)
    call(c, "worker", "PATCH", f"/api/v1/persons/{pid}", {"prs_MaritalStatus": "Single", "version": p["version"]}, 200)
    call(c, "worker", "PATCH", f"/api/v1/persons/{pid}", {"prs_MaritalStatus": "Married", "version": p["version"]}, 409)
    # Cases.
    body = {"person_id": pid, "vic_TypeOfExploitation": ["ForcedLabour"], "countries_of_exploitation": ["PL"],
            "identification_method": "hotline", "identified_on": "2026-01-10", "registered_on": "2026-01-12",
            "identification_place": "Ternopil", "vic_AgeWhenTrafficked": 29, "needs": ["legal", "medical"],
            "identified_by_org": "org-a", "vic_TraffickingStatusDecisionMakingOrg": "NGO"}
    r = call(c, "worker", "POST", "/api/v1/cases", body, 201)
    k = r.json()
    call(c, "worker", "POST", "/api/v1/cases", dict(body, cas_Status="Closed"), 422)
    call(c, "worker", "POST", "/api/v1/cases", dict(body, outcome="ok"), 400)
    call(c, "donor", "POST", "/api/v1/cases", body, 403)
    call(c, "manager", "POST", "/api/v1/cases", {"person_id": pid, "registered_on": "2026-02-01"}, 201)
    page = call(c, "manager", "GET", "/api/v1/cases?limit=1&sort=code", expect=200).json()
    check(page["next"], page)
    call(c, "manager", "GET", page["next"], expect=200)
    call(c, "manager", "GET", "/api/v1/cases?status=Active&region=UA-61&type_of_exploitation=ForcedLabour"
                              "&country_of_exploitation=PL&registered_from=2026-01-01&registered_to=2026-12-31"
                              "&identified_from=2026-01-01&identified_to=2026-12-31&code=" + k["code"] +
         f"&caseworker={c.u['worker'].id}&offset=0", expect=200)
    call(c, "worker", "GET", "/api/v1/cases?q=067%20123%2045%2067", expect=200)
    call(c, "worker", "GET", "/api/v1/cases?status=Open", expect=422)
    call(c, "worker", "GET", "/api/v1/cases?state=Active", expect=400)
    call(c, "donor", "GET", "/api/v1/cases", expect=403)
    call(c, "worker", "GET", f"/api/v1/cases/{k['id']}", expect=200)
    call(c, "worker", "GET", f"/api/v1/cases/{k['id']}?reveal=true", expect=200)
    call(c, "worker", "GET", "/api/v1/cases/999999", expect=404)
    call(c, "worker", "PATCH", f"/api/v1/cases/{k['id']}", {"cas_Status": "FollowUp", "version": k["version"]}, 200)
    call(c, "worker", "PATCH", f"/api/v1/cases/{k['id']}", {"cas_Status": "Active", "version": k["version"]}, 409)
    call(c, "worker", "PATCH", f"/api/v1/cases/{k['id']}", {"exploitation_from": "2025-05-01",
                                                            "exploitation_to": "2025-01-01"}, 422)
    call(c, "manager", "POST", f"/api/v1/cases/{k['id']}/assign", {"user_id": c.u["manager"].id, "assign": True}, 200)
    call(c, "manager", "POST", f"/api/v1/cases/{k['id']}/assign", {"user_id": c.u["manager"].id, "assign": False}, 200)
    call(c, "manager", "POST", f"/api/v1/cases/{k['id']}/assign", {"user_id": c.u["donor"].id}, 422)
    call(c, "worker", "POST", f"/api/v1/cases/{k['id']}/assign", {"user_id": c.u["worker"].id}, 403)
    call(c, "worker", "POST", f"/api/v1/cases/{k['id']}/notes", {"text": "Met her at the station."}, 201)
    call(c, "worker", "POST", f"/api/v1/cases/{k['id']}/notes", {"text": ""}, 422)
    call(c, "worker", "GET", f"/api/v1/cases/{k['id']}/notes", expect=200)
    call(c, "donor", "GET", f"/api/v1/cases/{k['id']}/notes", expect=403)
    h = call(c, "worker", "GET", f"/api/v1/cases/{k['id']}/history", expect=200).json()
    check(len(h["items"]) >= 4, h)
    call(c, "worker", "GET", "/api/v1/cases/999999/history", expect=404)
    c.case_id = k["id"]


@test
def screening_and_consents(c):
    cid = c.case_id
    ind = ["dr_deceived_about_the_nature_of_the_job_location_or_employer"]
    call(c, "donor", "POST", "/api/v1/screening/evaluate", {"profile": "adult_labour", "indicators": ind}, 200)
    call(c, "donor", "POST", "/api/v1/screening/evaluate", {"profile": "pirates", "indicators": []}, 422)
    call(c, "donor", "POST", "/api/v1/screening/evaluate", {"profile": "adult_labour", "indicators": [], "x": 1}, 400)
    profiles = call(c, "worker", "GET", "/api/v1/screening/profiles", expect=200).json()
    check(any(p["profile"] == "adult_labour" for p in profiles["items"]), profiles)
    call(c, "worker", "POST", f"/api/v1/cases/{cid}/screenings", {"profile": "adult_labour", "indicators": ind}, 201)
    call(c, "worker", "POST", "/api/v1/cases/999999/screenings", {"profile": "adult_labour", "indicators": ind}, 404)
    call(c, "worker", "GET", f"/api/v1/cases/{cid}/screenings", expect=200)
    call(c, "donor", "GET", f"/api/v1/cases/{cid}/screenings", expect=403)
    k = call(c, "worker", "POST", f"/api/v1/cases/{cid}/consents",
             {"purpose": "referral", "organizations": ["org-b"], "services": ["legal"], "method": "verbal_witness",
              "given_on": "2026-01-12", "witness": "Her sister"}, 201).json()
    call(c, "worker", "POST", f"/api/v1/cases/{cid}/consents", {"purpose": "gossip", "method": "signed_form"}, 422)
    call(c, "worker", "GET", f"/api/v1/cases/{cid}/consents", expect=200)
    call(c, "worker", "POST", f"/api/v1/consents/{k['id']}/withdraw", {"withdrawn_on": "2026-01-20"}, 204)
    call(c, "worker", "POST", f"/api/v1/consents/{k['id']}/withdraw", {}, 409)
    call(c, "worker", "POST", "/api/v1/consents/999999/withdraw", {}, 404)


@test
def reintegration(c):
    p = call(c, "manager", "POST", "/api/v1/persons", {"prs_FirstName": "Rita", "prs_SecondName": "Reint",
                                                        "prs_Gender": "Feminine", "confirm_new": True}, 201).json()
    k = call(c, "manager", "POST", "/api/v1/cases", {"person_id": p["id"], "registered_on": "2025-01-05"}, 201).json()
    goals = [{"dimension": "economic", "text": "Steady work", "services": ["vocational"], "referral_id": None}]
    plan = call(c, "manager", "POST", "/api/v1/plans", {"case_id": k["id"], "start_on": "2025-01-10",
                                                         "review_on": "2025-07-10", "goals": goals}, 201).json()
    call(c, "manager", "POST", "/api/v1/plans", {"case_id": k["id"]}, 409)
    call(c, "manager", "POST", "/api/v1/plans", {"case_id": k["id"], "colour": "red"}, 400)
    call(c, "manager", "POST", "/api/v1/plans", {"case_id": k["id"], "goals": [{"dimension": "x", "text": "y"}]}, 422)
    call(c, "donor", "POST", "/api/v1/plans", {"case_id": k["id"]}, 403)
    call(c, "manager", "GET", f"/api/v1/plans?case_id={k['id']}", expect=200)
    call(c, "manager", "GET", "/api/v1/plans", expect=422)
    call(c, "manager", "GET", f"/api/v1/plans/{plan['id']}", expect=200)
    call(c, "manager", "GET", "/api/v1/plans/999999", expect=404)
    call(c, "manager", "PATCH", f"/api/v1/plans/{plan['id']}", {"review_on": "2025-08-01", "version": plan["version"]},
         200)
    call(c, "manager", "PATCH", f"/api/v1/plans/{plan['id']}", {"review_on": "2025-09-01", "version": plan["version"]},
         409)
    call(c, "manager", "POST", f"/api/v1/plans/{plan['id']}/approve", expect=409)
    call(c, "manager", "POST", f"/api/v1/plans/{plan['id']}/submit", expect=200)
    call(c, "worker", "POST", f"/api/v1/plans/{plan['id']}/approve", expect=403)
    call(c, "manager", "POST", f"/api/v1/plans/{plan['id']}/approve", expect=200)
    call(c, "manager", "PATCH", f"/api/v1/plans/{plan['id']}", {"review_on": "2025-10-01"}, 201)
    fus = call(c, "manager", "GET", f"/api/v1/followups?case_id={k['id']}", expect=200).json()["items"]
    call(c, "manager", "GET", "/api/v1/followups?due=overdue", expect=200)
    call(c, "manager", "GET", f"/api/v1/followups?due=due&caseworker_id={c.u['manager'].id}", expect=200)
    call(c, "manager", "GET", "/api/v1/followups?due=never", expect=422)
    call(c, "manager", "GET", "/api/v1/followups?colour=red", expect=400)
    call(c, "donor", "GET", "/api/v1/followups?due=overdue", expect=403)
    q = call(c, "worker", "GET", "/api/v1/reintegration/questionnaire", expect=200).json()["items"]
    body = {"done_on": "2025-02-12", "method": "visit", "contact_made": True, "outcome": "returned_abroad",
            "outcome_country": "PL", "safe_channels": True, "risk_flags": ["debt"],
            "answers": {q[0]["code"]: q[0]["answers"][0]["code"]}, "situation": "Works in Warsaw."}
    call(c, "manager", "POST", f"/api/v1/followups/{fus[0]['id']}/record", dict(body, outcome_country=None), 422)
    call(c, "manager", "POST", f"/api/v1/followups/{fus[0]['id']}/record", dict(body, x=1), 400)
    call(c, "manager", "POST", f"/api/v1/followups/{fus[0]['id']}/record", body, 200)
    call(c, "manager", "POST", f"/api/v1/followups/{fus[0]['id']}/record", body, 409)
    call(c, "manager", "POST", "/api/v1/followups/999999/record", body, 404)
    call(c, "manager", "GET", f"/api/v1/followups/{fus[0]['id']}", expect=200)
    call(c, "donor", "GET", f"/api/v1/followups/{fus[0]['id']}", expect=403)
    call(c, "manager", "GET", "/api/v1/followups/999999", expect=404)
    call(c, "manager", "POST", f"/api/v1/cases/{k['id']}/closure", {"reason": "bored"}, 422)
    call(c, "manager", "POST", f"/api/v1/cases/{k['id']}/closure", {"reason": "re_migrated", "note": "Went to PL."}, 201)
    call(c, "manager", "POST", f"/api/v1/cases/{k['id']}/closure", {"reason": "re_migrated"}, 409)
    call(c, "manager", "POST", f"/api/v1/cases/{k['id']}/closure/reject", {"note": "Not yet."}, 200)
    call(c, "manager", "POST", f"/api/v1/cases/{k['id']}/closure/approve", {}, 409)
    call(c, "manager", "POST", f"/api/v1/cases/{k['id']}/closure", {"reason": "re_migrated"}, 201)
    call(c, "worker", "POST", f"/api/v1/cases/{k['id']}/closure/approve", {}, 403)
    call(c, "manager", "POST", f"/api/v1/cases/{k['id']}/closure/approve", {}, 200)
    call(c, "manager", "GET", f"/api/v1/cases/{k['id']}/closure", expect=200)
    call(c, "manager", "GET", f"/api/v1/cases/{k['id']}/history", expect=200)
    call(c, "manager", "POST", f"/api/v1/cases/{k['id']}/closure/reopen", {"status": "Active"}, 422)
    call(c, "manager", "POST", f"/api/v1/cases/{k['id']}/closure/reopen", {"status": "Active", "reason": "Back."}, 200)
    call(c, "manager", "GET", f"/api/v1/cases/{k['id']}/history", expect=200)
    call(c, "manager", "GET", "/api/v1/indicators/reintegration?from=2025-01-01&to=2025-12-31&org=org-a", expect=200)
    call(c, "donor", "GET", "/api/v1/indicators/reintegration?region=UA-61", expect=200)
    call(c, "donor", "GET", "/api/v1/indicators/reintegration?org=org-a", expect=403)
    call(c, "manager", "GET", "/api/v1/indicators/reintegration?from=2025-13-01", expect=422)
    call(c, "worker", "GET", "/api/v1/indicators/reintegration", expect=403)


@test
def referrals(c):
    s = c.s
    sql(s, "UPDATE organizations SET services = 'legal,shelter' WHERE code = 'org-b'")
    b = add_user(s, "receiver@ob.example", "caseworker", "org-b", name="Roksana Receiver")
    c.tok["receiver"] = api_login(s, b)
    pid = call(c, "worker", "POST", "/api/v1/persons", dict(OLENA, prs_FirstName="Ярина", confirm_new=True), 201).json()["id"]
    cid = call(c, "worker", "POST", "/api/v1/cases", {"person_id": pid, "needs": ["legal"]}, 201).json()["id"]
    body = {"case_id": cid, "to_org": "org-b", "services": ["legal"], "reason": "She needs a lawyer.", "urgency": "urgent"}
    call(c, "worker", "POST", "/api/v1/referrals", body, 422)  # no consent yet
    call(c, "worker", "POST", f"/api/v1/cases/{cid}/consents",
         {"purpose": "referral", "organizations": ["org-b"], "services": ["legal"], "method": "signed_form"}, 201)
    ids = [call(c, "worker", "POST", "/api/v1/referrals", dict(body, shared_fields=["needs", "languages"]), 201).json()["id"]
           for _ in range(4)]
    call(c, "worker", "POST", "/api/v1/referrals", dict(body, to_org="org-a"), 422)
    call(c, "worker", "POST", "/api/v1/referrals", dict(body, priority="high"), 400)
    call(c, "worker", "POST", "/api/v1/referrals", dict(body, override_consent=True), 422)
    page = call(c, "worker", "GET", f"/api/v1/referrals?direction=out&state=sent&case_id={cid}&limit=1&offset=0",
                expect=200).json()
    check(page["next"], page)
    call(c, "worker", "GET", page["next"], expect=200)
    call(c, "worker", "GET", "/api/v1/referrals?direction=up", expect=422)
    call(c, "donor", "GET", "/api/v1/referrals", expect=403)
    call(c, "worker", "GET", f"/api/v1/referrals/{ids[0]}", expect=200)
    call(c, "worker", "GET", "/api/v1/referrals/999999", expect=404)
    call(c, "receiver", "GET", "/api/v1/referrals", expect=200)
    call(c, "receiver", "GET", f"/api/v1/cases/{cid}", expect=200)
    call(c, "receiver", "POST", f"/api/v1/referrals/{ids[0]}/accept", {}, 200)
    call(c, "receiver", "POST", f"/api/v1/referrals/{ids[0]}/accept", {}, 409)
    call(c, "receiver", "POST", f"/api/v1/referrals/{ids[0]}/start", {}, 200)
    call(c, "receiver", "POST", f"/api/v1/referrals/{ids[0]}/complete", {"outcome": "Represented at the hearing."}, 200)
    call(c, "receiver", "POST", f"/api/v1/referrals/{ids[1]}/decline", {"reason": "No lawyer free this month."}, 200)
    call(c, "receiver", "POST", f"/api/v1/referrals/{ids[2]}/accept", {}, 200)
    call(c, "receiver", "POST", f"/api/v1/referrals/{ids[2]}/close", {"reason": ""}, 422)
    call(c, "receiver", "POST", f"/api/v1/referrals/{ids[2]}/close", {"reason": "She moved abroad."}, 200)
    call(c, "worker", "POST", f"/api/v1/referrals/{ids[3]}/start", {}, 403)
    call(c, "worker", "POST", f"/api/v1/referrals/{ids[3]}/cancel", {}, 200)


@test
def directory_assistance_and_referral_indicators(c):
    body = {"org": "org-b", "service": "shelter", "regions": ["UA-46", "UA-61"], "age_groups": ["adults"],
            "sexes": ["female"], "nationalities": "Any", "children_accepted": True, "capacity_total": 6,
            "capacity_free": 2, "languages": ["uk", "pl"], "opening_hours": "24/7", "contact_point": "+380 32 000 00 00",
            "verified_on": "2025-01-15"}
    r = call(c, "admin", "POST", "/api/v1/services", body, 201)
    e = r.json()
    eq(r.header("Location"), f"/api/v1/services/{e['id']}")
    call(c, "admin", "POST", "/api/v1/services", dict(body, verified_on=""), 200)
    call(c, "admin", "POST", "/api/v1/services", dict(body, capacity_free=9), 422)
    call(c, "admin", "POST", "/api/v1/services", dict(body, beds=1), 400)
    call(c, "worker", "POST", "/api/v1/services", body, 403)
    call(c, "manager", "POST", "/api/v1/services", {"service": "legal", "regions": ["UA-61"]}, 201)
    call(c, "worker", "GET", "/api/v1/services?service=shelter&region=UA-61&org=org-b", expect=200)
    call(c, "donor", "GET", "/api/v1/services", expect=200)
    call(c, "worker", "GET", "/api/v1/services?region=UA-99", expect=422)
    call(c, "worker", "GET", "/api/v1/services?near=UA-61", expect=400)
    e = call(c, "worker", "GET", f"/api/v1/services/{e['id']}", expect=200).json()
    call(c, "worker", "GET", "/api/v1/services/999999", expect=404)
    call(c, "admin", "PATCH", f"/api/v1/services/{e['id']}", {"opening_hours": "Mon-Sun", "version": e["version"]}, 200)
    call(c, "admin", "PATCH", f"/api/v1/services/{e['id']}", {"opening_hours": "Never", "version": e["version"]}, 409)
    call(c, "admin", "PATCH", f"/api/v1/services/{e['id']}", {"service": "legal"}, 422)
    call(c, "admin", "PATCH", f"/api/v1/services/{e['id']}", {"beds": 2}, 400)
    call(c, "manager", "PATCH", f"/api/v1/services/{e['id']}", {"opening_hours": "Never"}, 403)
    call(c, "admin", "PATCH", "/api/v1/services/999999", {"opening_hours": "Never"}, 404)
    call(c, "admin", "POST", f"/api/v1/services/{e['id']}/capacity", {"capacity_free": 1}, 200)
    call(c, "admin", "POST", f"/api/v1/services/{e['id']}/capacity", {"capacity_free": 7}, 422)
    call(c, "admin", "POST", f"/api/v1/services/{e['id']}/capacity", {"capacity_free": 1, "version": 1}, 409)
    call(c, "admin", "POST", f"/api/v1/services/{e['id']}/capacity", {"capacity_free": 1, "beds": 1}, 400)
    call(c, "admin", "POST", "/api/v1/services/999999/capacity", {"capacity_free": 1}, 404)
    call(c, "worker", "POST", f"/api/v1/services/{e['id']}/capacity", {"capacity_free": 1}, 403)
    # Assistance on the worker's case (persons_and_cases).
    a = {"case_id": c.case_id, "service": "legal", "provider": "org-a", "delivered_on": "2026-01-20", "quantity": 2,
         "unit": "sessions", "cost": "1250.50", "currency": "UAH", "funding_source": "Grant 7"}
    r = call(c, "worker", "POST", "/api/v1/assistance", a, 201)
    check(r.header("Location"), "a Location")
    call(c, "worker", "POST", "/api/v1/assistance", dict(a, quantity=-1), 422)
    call(c, "worker", "POST", "/api/v1/assistance", dict(a, colour="red"), 400)
    call(c, "worker", "POST", "/api/v1/assistance", dict(a, case_id=999999), 404)
    call(c, "donor", "POST", "/api/v1/assistance", a, 403)
    call(c, "worker", "GET", f"/api/v1/assistance?case_id={c.case_id}", expect=200)
    call(c, "worker", "GET", "/api/v1/assistance", expect=422)
    call(c, "worker", "GET", f"/api/v1/assistance?case_id={c.case_id}&all=1", expect=400)
    call(c, "worker", "GET", "/api/v1/assistance?case_id=999999", expect=404)
    call(c, "donor", "GET", f"/api/v1/assistance?case_id={c.case_id}", expect=403)
    # Referral indicators.
    call(c, "manager", "GET", "/api/v1/indicators/referrals?from=2025-01-01&to=2026-12-31&service=legal&org=org-a"
                              "&direction=out", expect=200)
    call(c, "manager", "GET", "/api/v1/indicators/referrals", expect=200)
    call(c, "manager", "GET", "/api/v1/indicators/referrals?org=org-b", expect=403)
    call(c, "manager", "GET", "/api/v1/indicators/referrals?from=2025-13-01", expect=422)
    call(c, "manager", "GET", "/api/v1/indicators/referrals?period=year", expect=400)
    call(c, "worker", "GET", "/api/v1/indicators/referrals", expect=403)


@test
def every_documented_operation_was_exercised(c):
    missing = sorted(documented_operations(c.spec) - c.exercised)
    eq(missing, [], "documented operations no request here answered with success:")
