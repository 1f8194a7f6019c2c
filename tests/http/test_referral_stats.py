"""Referral indicators over a known population of referrals, every value with its numerator and
denominator: for a manager (their organization, sent or received), for the coordinator (the network,
or one organization), per service, per period; who may not see them; bad input; the page."""
import calendar
import html
import re
import time

from harness import Browser, Server, add_org, add_user, api_login, check, eq, sql, test, tidy_check


def at(day, hour=0):
    """Unix time of 2025-01-<day> <hour>:00 UTC (day may run past 31 into later months)."""
    return calendar.timegm((2025, 1, 1, hour, 0, 0)) + (day - 1) * 86400


def setup():
    s = Server(extra_args=["--timer-seconds", "1"])
    add_org(s, "st-a", region="UA-61")
    add_org(s, "st-b", region="UA-46")
    add_org(s, "st-c", region="UA-63")
    add_org(s, "st-hq", region="UA-30")
    s.u = {
        "admin": add_user(s, "admin@st.example", "admin", "st-hq"),
        "coord": add_user(s, "coord@st.example", "coordinator", "st-hq"),
        "donor": add_user(s, "donor@st.example", "donor", "st-hq"),
        "a_manager": add_user(s, "a-manager@st.example", "manager", "st-a"),
        "a_worker": add_user(s, "a-worker@st.example", "caseworker", "st-a"),
        "b_manager": add_user(s, "b-manager@st.example", "manager", "st-b"),
        "c_manager": add_user(s, "c-manager@st.example", "manager", "st-c"),
    }
    s.tok = {k: api_login(s, u) for k, u in s.u.items()}
    for org, services in (("st-b", ("shelter", "legal", "medical")), ("st-c", ("shelter", "legal"))):
        for svc in services:
            call(s, "admin", "POST", "/api/v1/services", {"org": org, "service": svc, "regions": ["UA-46"]}, 201)
    case_a = new_case(s, "a_worker")
    case_c = new_case(s, "c_manager")
    ref = lambda who, case, to, services: call(s, who, "POST", "/api/v1/referrals", {
        "case_id": case, "to_org": to, "services": services, "reason": "Population", "urgency": "normal"}, 201).json()["id"]
    step = lambda who, rid, action, body=None: call(s, who, "POST", f"/api/v1/referrals/{rid}/{action}", body or {}, 200)
    assist = lambda rid, case, service: call(s, "b_manager", "POST", "/api/v1/assistance",
                                             {"case_id": case, "service": service, "referral_id": rid}, 201)
    r = {}
    r[1] = ref("a_worker", case_a, "st-b", ["shelter"])             # accepted, 2 shelter given, completed
    step("b_manager", r[1], "accept")
    assist(r[1], case_a, "shelter")
    assist(r[1], case_a, "shelter")
    step("b_manager", r[1], "start")
    step("b_manager", r[1], "complete", {"outcome": "Done"})
    r[2] = ref("a_worker", case_a, "st-b", ["shelter", "legal"])    # accepted, 1 legal and 1 shelter given
    step("b_manager", r[2], "accept")
    assist(r[2], case_a, "legal")
    assist(r[2], case_a, "shelter")
    r[3] = ref("a_worker", case_a, "st-c", ["legal"])               # declined
    step("c_manager", r[3], "decline", {"reason": "No lawyer"})
    r[4] = ref("a_worker", case_a, "st-c", ["shelter"])             # expires (the server's timer)
    r[5] = ref("a_worker", case_a, "st-b", ["legal"])               # no answer yet
    r[6] = ref("a_worker", case_a, "st-c", ["shelter"])             # cancelled by the sender
    step("a_worker", r[6], "cancel")
    r[7] = ref("c_manager", case_c, "st-b", ["medical"])            # another sender, in March
    step("b_manager", r[7], "accept")
    sql(s, "UPDATE referrals SET deadline_at = ? WHERE id = ?", (int(time.time()) - 10, r[4]))
    deadline = time.time() + 15
    while not sql(s, "SELECT 1 FROM referrals WHERE id = ? AND state = 'expired'", (r[4],)):
        check(time.time() < deadline, "the timer did not expire the referral")
        time.sleep(0.2)
    # The times of the population: sent on known days, each step so many hours later.
    timeline = {
        1: (at(10, 8), {"accepted": 2, "in_progress": 3, "completed": 50}),
        2: (at(12, 9), {"accepted": 6}),
        3: (at(14, 10), {"declined": 1}),
        4: (at(16, 11), {"expired": 24}),
        5: (at(18, 12), {}),
        6: (at(20, 13), {"cancelled": 1}),
        7: (at(70, 9), {"accepted": 4}),  # 2025-03-11
    }
    for k, (sent, steps) in timeline.items():
        sql(s, "UPDATE referrals SET created_at = ? WHERE id = ?", (sent, r[k]))
        sql(s, "UPDATE referral_events SET at = ? WHERE referral_id = ? AND to_state = 'sent'", (sent, r[k]))
        for state, hours in steps.items():
            sql(s, "UPDATE referral_events SET at = ? WHERE referral_id = ? AND to_state = ?",
                (sent + hours * 3600, r[k], state))
    s.r = r
    return s


def new_case(s, who):
    p = call(s, who, "POST", "/api/v1/persons", {"prs_FirstName": "Марта", "prs_SecondName": "Статистика",
                                                 "prs_Gender": "Feminine", "confirm_new": True}, 201).json()
    case = call(s, who, "POST", "/api/v1/cases", {"person_id": p["id"]}, 201).json()["id"]
    call(s, who, "POST", f"/api/v1/cases/{case}/consents", {"purpose": "referral", "method": "signed_form"}, 201)
    return case


def call(s, who, method, path, body=None, expect=None):
    r = s.api(method, path, body, token=s.tok[who])
    if expect is not None:
        eq(r.status, expect, f"{method} {path} as {who}: {r.text[:400]}")
    return r


def stats(s, who, query):
    return call(s, who, "GET", "/api/v1/indicators/referrals?" + query, expect=200).json()


def ind(value, num, den):
    return {"value": value, "numerator": num, "denominator": den}


def row(sent, accepted, declined, expired, rate, answer, completion, delivered):
    """Expected indicators: counts over sent; rate (num, den); medians (value, num, den); delivered over accepted."""
    return {
        "sent": ind(sent, sent, sent),
        "accepted": ind(accepted, accepted, sent),
        "declined": ind(declined, declined, sent),
        "expired": ind(expired, expired, sent),
        "acceptance_rate": ind(*rate),
        "median_hours_to_answer": ind(*answer),
        "median_hours_to_completion": ind(*completion),
        "services_delivered": ind(delivered, delivered, accepted),
    }


def rows_by_service(answer):
    return {r.pop("service"): r for r in answer["rows"]}


JANUARY = "from=2025-01-01&to=2025-01-31"
A_ALL = row(6, 2, 1, 1, (0.5, 2, 4), (2.0, 3, 6), (50.0, 1, 2), 4)
A_SHELTER = row(4, 2, 0, 1, (0.6667, 2, 3), (4.0, 2, 4), (50.0, 1, 2), 3)
A_LEGAL = row(3, 1, 1, 0, (0.5, 1, 2), (3.5, 2, 3), (None, 0, 1), 1)


@test
def a_manager_sees_what_their_organization_sent(s):
    got = stats(s, "a_manager", JANUARY)
    eq((got["org"], got["direction"], got["from"], got["to"]), ("st-a", "out", "2025-01-01", "2025-01-31"))
    rows = rows_by_service(got)
    eq(list(rows), ["all", "shelter", "legal"])
    eq(rows["all"], A_ALL, "all services:")
    eq(rows["shelter"], A_SHELTER, "shelter:")
    eq(rows["legal"], A_LEGAL, "legal:")
    # The period: nothing was sent in February; an open period is the same as January here.
    eq(rows_by_service(stats(s, "a_manager", "from=2025-02-01&to=2025-02-28")), {"all": row(0, 0, 0, 0, (None, 0, 0),
                                                                                        (None, 0, 0), (None, 0, 0), 0)})
    eq(rows_by_service(stats(s, "a_manager", ""))["all"], A_ALL)
    # One service.
    eq(rows_by_service(stats(s, "a_manager", JANUARY + "&service=legal")), {"legal": A_LEGAL})


@test
def a_manager_sees_what_their_organization_received(s):
    rows = rows_by_service(stats(s, "b_manager", "from=2025-01-01&to=2025-12-31&direction=in"))
    # R1, R2, R5 from st-a and R7 from st-c; answers after 2, 6 and 4 hours.
    eq(rows["all"], row(4, 3, 0, 0, (1.0, 3, 3), (4.0, 3, 4), (50.0, 1, 3), 4))
    eq(rows["medical"], row(1, 1, 0, 0, (1.0, 1, 1), (4.0, 1, 1), (None, 0, 1), 0))
    eq(stats(s, "b_manager", "direction=in")["org"], "st-b")
    # What st-b sent: nothing.
    eq(rows_by_service(stats(s, "b_manager", "direction=out"))["all"]["sent"], ind(0, 0, 0))


@test
def the_coordinator_sees_the_network_or_one_organization(s):
    got = stats(s, "coord", "from=2025-01-01&to=2025-12-31")
    eq((got["org"], got["direction"]), (None, "all"))
    rows = rows_by_service(got)
    # Seven referrals; answers after 1, 2, 4 and 6 hours: the median is 3.
    eq(rows["all"], row(7, 3, 1, 1, (0.6, 3, 5), (3.0, 4, 7), (50.0, 1, 3), 4))
    eq(list(rows), ["all", "shelter", "medical", "legal"])
    eq(rows_by_service(stats(s, "coord", JANUARY))["all"], A_ALL, "January is st-a's six:")
    eq(rows_by_service(stats(s, "coord", JANUARY + "&org=st-a"))["shelter"], A_SHELTER)
    eq(stats(s, "coord", "org=st-b&direction=in")["org"], "st-b")


@test
def others_may_not(s):
    call(s, "a_manager", "GET", "/api/v1/indicators/referrals?org=st-b", expect=403)
    call(s, "a_worker", "GET", "/api/v1/indicators/referrals", expect=403)
    call(s, "donor", "GET", "/api/v1/indicators/referrals", expect=403)
    call(s, "admin", "GET", "/api/v1/indicators/referrals", expect=403)
    b = Browser(s, lang="en")
    b.login(s.u["a_worker"])
    eq(b.get("/referrals/indicators").status, 403)


@test
def bad_input_is_refused(s):
    for query, field, status in (("from=2025-13-01", "from", 422), ("to=31.01.2025", "to", 422),
                                 ("from=2025-02-01&to=2025-01-01", "to", 422), ("service=spa", "service", 422),
                                 ("direction=sideways", "direction", 422), ("org=nobody", "org", 422),
                                 ("period=year", "period", 400)):
        r = call(s, "coord", "GET", "/api/v1/indicators/referrals?" + query, expect=status)
        eq(r.json()["error"]["field"], field, query)


@test
def the_page_shows_every_value_with_its_counts(s):
    for lang in ("uk", "en"):
        b = Browser(s, lang=lang)
        b.login(s.u["a_manager"])
        page = b.get("/referrals/indicators?" + JANUARY)
        eq(page.status, 200, page.text[:300])
        tidy_check(page.text, f"/referrals/indicators ({lang})")
        check('name="org"' not in page.text, "a manager does not choose the organization")
        text = html.unescape(page.text)
        check("50.0%" in text and "2 / 4" in text and "50.00" in text and "1 / 2" in text, text[-4000:])
        r = b.get("/referrals/indicators?from=someday")
        eq(r.status, 400)
        tidy_check(r.text, "indicators with a bad date")
        check('aria-invalid="true"' in r.text, "the problem next to the field")
    c = Browser(s, lang="en")
    c.login(s.u["coord"])
    page = c.get("/referrals/indicators?from=2025-01-01&to=2025-12-31")
    eq(page.status, 200)
    tidy_check(page.text, "coordinator's indicators")
    check('name="org"' in page.text and "The whole network" in page.text, "the network, and a choice of organization")
    check(re.search(r"60\.0%", page.text), "the network's acceptance rate")
    check("Population" not in page.text and "Марта" not in html.unescape(page.text), "no personal data")
