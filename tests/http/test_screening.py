"""Screening with the ILO/EC indicators: the decision rule as data, step 1 and step 2, over the API."""
from harness import Server, add_org, add_user, api_login, check, eq, test

DR_S = "dr_deceived_about_the_nature_of_the_job_location_or_employer"
DR_M = ["dr_deceived_about_conditions_of_work", "dr_deceived_about_wages_earnings",
        "dr_deceived_about_travel_and_recruitment_conditions"]
DR_W = "dr_deceived_about_access_to_education_opportunities"
EX_S = "ex_excessive_working_days_or_hours"
EX_M = ["ex_bad_living_conditions", "ex_hazardous_work"]
CD_S = ["cd_confiscation_of_documents", "cd_debt_bondage"]
CD_M = ["cd_forced_tasks_or_clients", "cd_withholding_of_wages"]
AVD_M = ["avd_dependency_on_exploiters", "avd_economic_reasons"]
AVD_W = "avd_difficulties_in_the_past"


def setup():
    s = Server()
    add_org(s, "screen-org")
    s.cw = add_user(s, "screener@example.org", "caseworker", "screen-org")
    s.token = api_login(s, s.cw)
    return s


def evaluate(s, indicators, profile="adult_labour"):
    r = s.api("POST", "/api/v1/screening/evaluate", {"profile": profile, "indicators": indicators}, token=s.token)
    eq(r.status, 200, r.text)
    j = r.json()
    return j, {d["code"]: d["positive"] for d in j["dimensions"]}


@test
def step1_each_row_of_the_rule(s):
    # s>=2: two strong (CD)
    _, d = evaluate(s, CD_S)
    check(d["CD"], "two strong")
    # s>=1 and m+w>=1: one strong and one weak (DR)
    _, d = evaluate(s, [DR_S, DR_W])
    check(d["DR"], "strong plus weak")
    # one strong alone: not enough
    _, d = evaluate(s, [DR_S])
    check(not d["DR"], "one strong alone")
    # m>=3
    _, d = evaluate(s, DR_M)
    check(d["DR"], "three medium")
    # m>=2 and w>=1
    _, d = evaluate(s, AVD_M + [AVD_W])
    check(d["AVD"], "two medium plus weak")
    # two medium alone: not enough
    _, d = evaluate(s, AVD_M)
    check(not d["AVD"], "two medium alone")
    j, _ = evaluate(s, AVD_M)
    avd = [x for x in j["dimensions"] if x["code"] == "AVD"][0]
    eq((avd["strong"], avd["medium"], avd["weak"]), (0, 2, 0))


@test
def step2_adults_need_recruitment_exploitation_and_coercion(s):
    full = [DR_S, DR_W, EX_S] + EX_M[:1] + CD_S
    j, d = evaluate(s, full)
    eq(j["result"], "possible_victim")
    eq(j["routes"], ["DR"])
    check("formal identification" in j["message"] or "ідентифікац" in j["message"], j["message"])
    # Without the coercion dimension: no indication, and the message says so plainly.
    j, _ = evaluate(s, [DR_S, DR_W, EX_S] + EX_M[:1])
    eq(j["result"], "no_indication")
    # Without exploitation: no indication.
    j, _ = evaluate(s, [DR_S, DR_W] + CD_S)
    eq(j["result"], "no_indication")
    # Abuse of vulnerability at destination instead of coercion also completes it.
    j, _ = evaluate(s, [DR_S, DR_W, EX_S] + EX_M[:1] + AVD_M + [AVD_W])
    eq(j["result"], "possible_victim")


@test
def step2_children_need_no_means(s):
    r = s.api("GET", "/api/v1/screening/profiles", token=s.token)
    eq(r.status, 200)
    profiles = {p["profile"]: p for p in r.json()["items"]}
    check({"adult_labour", "child_labour"} <= set(profiles), list(profiles))
    child = {i["code"]: i for i in profiles["child_labour"]["indicators"]}
    dr_s = [c for c, i in child.items() if i["dimension"] == "DR" and i["strength"] == "S"]
    dr_m = [c for c, i in child.items() if i["dimension"] == "DR" and i["strength"] == "M"]
    ex_s = [c for c, i in child.items() if i["dimension"] == "EX" and i["strength"] == "S"]
    ex_m = [c for c, i in child.items() if i["dimension"] == "EX" and i["strength"] == "M"]
    j, _ = evaluate(s, dr_s[:1] + dr_m[:1] + ex_s[:1] + ex_m[:1], profile="child_labour")
    eq(j["result"], "possible_victim", "recruitment and exploitation suffice for a child:")


@test
def bad_input_is_refused_clearly(s):
    def post(body):
        return s.api("POST", "/api/v1/screening/evaluate", body, token=s.token)
    r = post({"profile": "nope", "indicators": []})
    eq(r.status, 422)
    eq(r.json()["error"]["field"], "profile")
    r = post({"profile": "adult_labour", "indicators": ["not_an_indicator"]})
    eq(r.status, 422)
    eq(r.json()["error"]["field"], "indicators")
    r = post({"profile": "adult_labour", "indicators": [DR_S, DR_S]})
    eq(r.status, 422)
    r = post({"profile": "adult_labour", "indicators": "x"})
    eq(r.status, 422)
    r = post({"profile": "adult_labour", "indicators": [], "extra": 1})
    eq(r.status, 400)
    eq(s.api("POST", "/api/v1/screening/evaluate", {"profile": "adult_labour", "indicators": []}).status, 401)
    # Nothing given: no dimension positive.
    j, d = evaluate(s, [])
    check(not any(d.values()))
    eq(j["result"], "no_indication")
