"""`nadiya demo`: a fictional network with an account for every role, idempotent,
whose printed accounts sign in."""
import re
import urllib.parse

from harness import Browser, Server, User, check, cli_env, eq, run_cli, test, tidy_check

ROLES = {"admin", "coordinator", "manager", "caseworker", "hotline", "donor", "auditor"}


class Ctx:
    pass


def setup():
    c = Ctx()
    c.s = Server()
    c.first = run_cli("demo", env=cli_env(c.s), timeout=300)
    return c


def teardown(c):
    return c.s.cleanup()


def blocks(out):
    """The account blocks of the demo's output: {e-mail: {field: value, "recovery": [...]}}."""
    accounts = {}
    for chunk in out.split("\n\n"):
        if not chunk.startswith("role:"):
            continue
        b = {"recovery": re.findall(r"^  ([a-z2-9]{5}-[a-z2-9]{5})$", chunk, re.M)}
        for line in chunk.splitlines():
            m = re.match(r"^([a-z -]+):\s+(.+)$", line)
            if m:
                b[m.group(1)] = m.group(2)
        accounts[b["e-mail"]] = b
    return accounts


def signed_in_as(c, account):
    secret = None
    if "otpauth" in account:
        secret = urllib.parse.parse_qs(urllib.parse.urlparse(account["otpauth"]).query)["secret"][0]
    u = User(account["e-mail"], account["password"], account["role"], None, secret, account["recovery"])
    from harness import api_login
    return u, api_login(c.s, u)


def counts(c, token):
    orgs, after = [], ""
    while True:
        r = c.s.api("GET", "/api/v1/orgs?limit=200" + (f"&after={after}" if after else ""), token=token)
        eq(r.status, 200, r.text[:300])
        j = r.json()
        orgs += j["items"]
        if not j["next"]:
            break
        after = j["next"]
    r = c.s.api("GET", "/api/v1/users?per_page=200", token=token)
    eq(r.status, 200, r.text[:300])
    return orgs, r.json()["items"]


@test
def first_run_prints_every_role(c):
    eq(c.first.returncode, 0, c.first.stderr)
    eq(c.first.stderr, "", "nothing on stderr:")
    acc = blocks(c.first.stdout)
    eq({a["role"] for a in acc.values()}, ROLES, "roles printed:")
    for email, a in acc.items():
        check(email.endswith("@example.org"), email)
        check(a["password"] and a["organization"].startswith("demo-"), a)
        check("(demo)" in a["organization"], f"organization not marked as demo: {a['organization']}")
        # The roles that need a second factor have it set up, with the codes to use it.
        if a["role"] in ("admin", "coordinator", "manager", "auditor"):
            check(a.get("otpauth", "").startswith("otpauth://totp/"), f"{email}: no otpauth URI")
            check(re.fullmatch(r"\d{6} .*", a.get("code now", "")), f"{email}: no current code")
            eq(len(a["recovery"]), 10, f"{email} recovery codes:")
        else:
            check("otpauth" not in a, f"{email}: unexpected second factor")
    check(re.search(r"70 of them partner NGOs \(\d+ added now\)", c.first.stdout), c.first.stdout[:400])


@test
def the_network_is_realistic_and_fictional(c):
    acc = blocks(c.first.stdout)
    admin = next(a for a in acc.values() if a["role"] == "admin")
    _, token = signed_in_as(c, admin)
    c.admin_token = token
    orgs, users = counts(c, token)
    kinds = {}
    for o in orgs:
        kinds.setdefault(o["kind"], []).append(o)
        check(o["code"].startswith("demo-"), o["code"])
        check(o["name_uk"].endswith("(демо)") and o["name_en"].endswith("(demo)"), o)
    check(len(kinds.get("ngo", [])) >= 70, f"{len(kinds.get('ngo', []))} NGOs")
    for k in ("international", "government", "law_enforcement", "donor", "hotline"):
        check(kinds.get(k), f"no {k} organization")
    regions = {o["region"] for o in kinds["ngo"]}
    check(len(regions) >= 24, f"NGOs in only {len(regions)} regions")
    check(len({o["joined_on"][:4] for o in kinds["ngo"]}) >= 4, "the network does not grow over the years")
    eq({u["role"] for u in users}, ROLES, "roles in the database:")
    check(all(u["email"].endswith("@example.org") for u in users))
    c.counts = (len(orgs), len(users))


@test
def second_run_adds_nothing(c):
    r = run_cli("demo", env=cli_env(c.s), timeout=300)
    eq(r.returncode, 0, r.stderr)
    check("(0 added now)" in r.stdout, r.stdout[:400])
    eq(r.stdout.count("(0 added now)"), 2, "organizations and accounts:")
    again = blocks(r.stdout)
    eq(set(again), set(blocks(c.first.stdout)), "the same accounts are printed:")
    check("otpauth" not in r.stdout, "a second run cannot show secrets it did not make")
    orgs, users = counts(c, c.admin_token)
    eq((len(orgs), len(users)), c.counts, "organizations and users after the second run:")


@test
def printed_accounts_sign_in(c):
    acc = blocks(c.first.stdout)
    for role in ("caseworker", "auditor", "manager", "donor"):
        a = next(x for x in acc.values() if x["role"] == role)
        u, token = signed_in_as(c, a)
        r = c.s.api("GET", "/api/v1/me", token=token)
        eq(r.status, 200, r.text)
        check(a["e-mail"] in r.text, r.text[:300])
    # And through the sign-in page, with a recovery code as the second factor.
    a = next(x for x in acc.values() if x["role"] == "coordinator")
    u = User(a["e-mail"], a["password"], "coordinator", None, None, a["recovery"])
    u._last_step = 10 ** 12  # never "a new step": use the recovery codes
    u.second_factor = lambda: u.recovery.pop()
    b = Browser(c.s, lang="en")
    b.login(u)
    r = b.get("/orgs")
    eq(r.status, 200)
    check("(demo)" in r.text)
    tidy_check(r.body, "/orgs with the demo network")


@test
def usage(c):
    r = run_cli("demo")
    eq(r.returncode, 2)
    eq(len(r.stderr.strip().splitlines()), 1, r.stderr)
    r = run_cli("demo", "--help")
    eq(r.returncode, 0)
    check("--db" in r.stdout and "(demo)" in r.stdout)
    r = run_cli("demo", "--nope", env=cli_env(c.s))
    eq(r.returncode, 2, "an option the demo does not have:")
    other = c.s.tmp + "/other-key"
    run_cli("keygen", other)
    r = run_cli("demo", "--db", c.s.db_url, "--key-file", other)
    check(r.returncode != 0 and "does not belong" in r.stderr, r.stderr)
