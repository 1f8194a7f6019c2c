"""Screening and consent on the case pages: the ILO/EC checklist of a profile in the
page's language, the result per dimension and overall ("possible victim — refer for
formal identification", never a legal finding), consents recorded, refused next to
the field, shown sealed until the page is revealed, and withdrawn; and who may do it.
Every page goes through tidy.

People: a caseworker of ngo-a (who opens the case) and a caseworker of ngo-b.
"""
import re
import time
import urllib.parse

from harness import Browser, Server, add_org, add_user, api_login, check, eq, form_value, sql, test, tidy_check

DR_S = "dr_deceived_about_the_nature_of_the_job_location_or_employer"
DR_W = "dr_deceived_about_access_to_education_opportunities"
EX_S = "ex_excessive_working_days_or_hours"
EX_M = ["ex_bad_living_conditions", "ex_hazardous_work"]
CD_S = ["cd_confiscation_of_documents", "cd_debt_bondage"]

POSSIBLE_UK = "Можлива постраждала особа — перенаправте для офіційної ідентифікації. Це не юридичний висновок."
NOT_MET_UK = "Наявні індикатори не відповідають правилу. Це не виключає торгівлі людьми."


class Ctx:
    def __init__(self):
        self.s = Server()
        add_org(self.s, "ngo-a", name="Org A", region="UA-61")
        add_org(self.s, "ngo-b", name="Org B", region="UA-46")
        self.worker = add_user(self.s, "worker@a.example.org", "caseworker", "ngo-a", name="Ірина Соцпрацівниця")
        self.other = add_user(self.s, "worker@b.example.org", "caseworker", "ngo-b", name="Оксана Інша")
        self.w = Browser(self.s)
        self.w.login(self.worker)
        self.o = Browser(self.s)
        self.o.login(self.other)
        self.case = None


def setup():
    return Ctx()


def teardown(ctx):
    return ctx.s.cleanup()


def page(b, path, status=200):
    r = b.get(path)
    eq(r.status, status, f"GET {path}: {r.text[:400]}")
    tidy_check(r.body, path)
    return r


def submit(b, page_path, action, fields, status=None):
    """Posts fields (a dict or a list of pairs, for repeated keys) with the page's CSRF token."""
    pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
    pairs.append(("csrf", b.csrf(page_path)))
    r = b.request("POST", action, body=urllib.parse.urlencode(pairs),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status is not None:
        eq(r.status, status, f"POST {action}: {r.text[:600]}")
    if r.status != 303:
        tidy_check(r.body, f"POST {action}")
    return r


def the_case(ctx):
    """One case of ngo-a, opened through the intake form."""
    if ctx.case is None:
        r = submit(ctx.w, "/cases/new", "/cases/new",
                   {"first_name": "Наталія", "second_name": "Шевчук", "gender": "Feminine", "region": "UA-61",
                    "identification_method": "hotline", "identified_by": "ngo-a"}, status=303)
        m = re.match(r"^/cases/(\d+)\?done=created$", r.header("Location") or "")
        check(m, r.header("Location"))
        ctx.case = int(m.group(1))
    return ctx.case


def screen(ctx, indicators, profile="adult_labour", status=303):
    cid = the_case(ctx)
    pairs = [("profile", profile)] + [("indicator", c) for c in indicators]
    return submit(ctx.w, f"/cases/{cid}/screening?profile={profile}", f"/cases/{cid}/screening", pairs, status)


def recorded(ctx, r):
    """Follows the redirect of a recorded screening; the page and its screening id."""
    cid = the_case(ctx)
    loc = r.header("Location") or ""
    m = re.match(r"^/cases/%d/screenings/(\d+)\?done=recorded$" % cid, loc)
    check(m, f"unexpected Location {loc!r}")
    return page(ctx.w, loc), int(m.group(1))


def dimension_rows(html):
    """{code: (strong, medium, weak, positive)} from the result's table."""
    rows = {}
    for m in re.finditer(r'<tr><th scope="row">(?:<strong>)?[^<]*\((\w+)\)(?:</strong>)?</th><td class="num">(\d+)</td>'
                         r'<td class="num">(\d+)</td><td class="num">(\d+)</td><td>(.*?)</td></tr>', html):
        rows[m.group(1)] = (int(m.group(2)), int(m.group(3)), int(m.group(4)), 'class="tag bad"' in m.group(5))
    return rows


def count(ctx, table):
    return int(sql(ctx.s, f"SELECT COUNT(*) FROM {table}")[0][0])


# ---- screening -----------------------------------------------------------------------

@test
def checklist_grouped_by_dimension_in_ukrainian(ctx):
    cid = the_case(ctx)
    r = page(ctx.w, f"/cases/{cid}")
    check(f'href="/cases/{cid}/screening"' in r.text, "the case page leads to the screening")
    check('<h2 id="screening">Скринінг</h2>' in r.text and "Скринінгів ще не записано." in r.text, "empty section")
    r = page(ctx.w, f"/cases/{cid}/screening")
    eq(len(re.findall(r'<fieldset class="field checks" id="dim-', r.text)), 6, "one fieldset per dimension:")
    for legend in ("Оманне вербування (DR)", "Примусове вербування (CR)", "Примус у місці призначення (CD)"):
        check(f"<legend>{legend}</legend>" in r.text, f"legend {legend!r}")
    eq(len(re.findall(r'name="indicator"', r.text)), 67, "every adult indicator:")
    check("Обман щодо умов праці" in r.text and "Боргова кабала" in r.text, "labels in Ukrainian")
    check("Deceived about conditions of work" not in r.text, "no English label on a Ukrainian page")
    check('<span class="tag">S · сильний</span> <span>Обман щодо характеру роботи, її місця чи роботодавця</span>'
          in r.text, "strength as a tag with its word")
    check("W · слабкий" in r.text and "M · середній" in r.text, "medium and weak in words")
    check('<option value="adult_labour" selected>Дорослі: трудова експлуатація</option>' in r.text, "profile chooser")
    # The child profile: education is a strong indicator for a child.
    r = page(ctx.w, f"/cases/{cid}/screening?profile=child_labour")
    check('<option value="child_labour" selected>' in r.text, "child profile chosen")
    eq(len(re.findall(r'name="indicator"', r.text)), 65, "every child indicator:")
    check('<span class="tag">S · сильний</span> <span>Обман щодо можливостей здобути освіту</span>' in r.text,
          "education is strong for a child")
    check('name="profile" value="child_labour"' in r.text, "the checklist says its profile")
    # An unknown profile: explained next to the chooser, no checklist.
    r = page(ctx.w, f"/cases/{cid}/screening?profile=nope", status=400)
    check('id="e-profile"' in r.text and "Виберіть один із профілів скринінгу." in r.text, "error next to the chooser")
    check('name="indicator"' not in r.text, "no checklist for an unknown profile")
    # The same page in English, with the English labels.
    en = Browser(ctx.s, lang="en")
    en.login(ctx.worker)
    r = page(en, f"/cases/{cid}/screening")
    check("<legend>Deceptive recruitment (DR)</legend>" in r.text and "Deceived about conditions of work" in r.text,
          "English labels on an English page")
    check("Обман" not in r.text and "S · strong" in r.text, "English throughout")


@test
def possible_victim_in_ukrainian_with_positive_dimensions_highlighted(ctx):
    cid = the_case(ctx)
    before = count(ctx, "screenings")
    status = sql(ctx.s, "SELECT trafficking_status, trafficking_status_by FROM cases WHERE id = ?", (cid,))[0]
    r = screen(ctx, [DR_S, DR_W, EX_S, EX_M[0]] + CD_S)
    r, sid = recorded(ctx, r)
    eq(count(ctx, "screenings"), before + 1, "recorded:")
    check("Скринінг записано до справи." in r.text, "confirmation")
    check(POSSIBLE_UK in r.text, "the overall result, worded by the service, in Ukrainian")
    check('<div class="notice warn" role="status"><p>' + POSSIBLE_UK in r.text, "the result stands out")
    dims = dimension_rows(r.text)
    eq(sorted(dims), ["AVD", "AVR", "CD", "CR", "DR", "EX"], "every dimension listed:")
    eq(dims["DR"], (1, 0, 1, True), "DR (one strong, one weak) positive:")
    eq(dims["EX"], (1, 1, 0, True), "EX positive:")
    eq(dims["CD"], (2, 0, 0, True), "CD positive:")
    eq(dims["CR"], (0, 0, 0, False), "CR not positive:")
    check("<strong>Оманне вербування (DR)</strong>" in r.text, "positive dimensions highlighted")
    check('<span class="tag bad">Позитивний</span>' in r.text and "Не позитивний" in r.text, "positive in words")
    check("<h3>Оманне вербування</h3>" in r.text and "Обман щодо можливостей здобути освіту" in r.text,
          "the ticked indicators, in Ukrainian, under their dimension")
    check("Вилучення документів" in r.text and "Confiscation" not in r.text, "no English labels")
    eq(sql(ctx.s, "SELECT outcome, profile FROM screenings WHERE id = ?", (sid,))[0], ("possible_victim", "adult_labour"))
    # The case page lists it, linked, with the result in words.
    r = page(ctx.w, f"/cases/{cid}")
    check(f'href="/cases/{cid}/screenings/{sid}"' in r.text, "linked from the case page")
    check('<span class="tag bad">Можлива постраждала особа — перенаправте для офіційної ідентифікації</span>' in r.text,
          "the result on the case page")
    check("Дорослі: трудова експлуатація" in r.text and "Ірина Соцпрацівниця" in r.text, "profile and who")
    # Never a legal finding: the case's trafficking status is not touched by a screening.
    eq(sql(ctx.s, "SELECT trafficking_status, trafficking_status_by FROM cases WHERE id = ?", (cid,))[0], status,
       "the case's trafficking status is left to the competent body:")


@test
def a_step1_positive_dimension_alone_is_no_indication(ctx):
    # One strong and one weak: DR positive in step 1, but step 2 needs exploitation and coercion too.
    r, sid = recorded(ctx, screen(ctx, [DR_S, DR_W]))
    dims = dimension_rows(r.text)
    eq(dims["DR"], (1, 0, 1, True), "DR positive:")
    check(not any(v[3] for k, v in dims.items() if k != "DR"), "only DR positive")
    check(NOT_MET_UK in r.text and POSSIBLE_UK not in r.text, "no indication, and it does not rule trafficking out")
    eq(sql(ctx.s, "SELECT outcome FROM screenings WHERE id = ?", (sid,))[0][0], "no_indication")


@test
def a_weaker_set_gives_no_indication(ctx):
    # One strong alone does not make DR positive; two medium alone do not make EX positive.
    r, sid = recorded(ctx, screen(ctx, [DR_S] + EX_M))
    dims = dimension_rows(r.text)
    eq(dims["DR"], (1, 0, 0, False), "one strong alone:")
    eq(dims["EX"], (0, 2, 0, False), "two medium alone:")
    check(NOT_MET_UK in r.text and 'class="tag bad"' not in r.text, "nothing highlighted")
    eq(sql(ctx.s, "SELECT outcome FROM screenings WHERE id = ?", (sid,))[0][0], "no_indication")
    # Nothing ticked is a screening too: no indication.
    r, _ = recorded(ctx, screen(ctx, []))
    check("Жодного індикатора не позначено." in r.text and NOT_MET_UK in r.text, "empty screening")
    # The child profile: recruitment and exploitation suffice.
    r, _ = recorded(ctx, screen(ctx, [DR_W, "dr_deceived_about_conditions_of_work", EX_S, EX_M[0]],
                                profile="child_labour"))
    check(POSSIBLE_UK in r.text and "Діти: трудова експлуатація" in r.text, "a child: possible victim")


@test
def a_tampered_checklist_is_refused_and_keeps_the_ticks(ctx):
    cid = the_case(ctx)
    before = count(ctx, "screenings")
    r = screen(ctx, [DR_S, "not_an_indicator"], status=422)
    check("Цього індикатора немає в профілі." in r.text, "the service's reason, in Ukrainian")
    check(f'value="{DR_S}" checked' in r.text, "the ticked box stays ticked")
    r = screen(ctx, [DR_S], profile="nope", status=422)
    check('id="e-profile"' in r.text, "an unknown profile is explained next to the chooser")
    eq(count(ctx, "screenings"), before, "nothing recorded:")
    page(ctx.w, f"/cases/{cid}/screenings/999999", status=404)
    page(ctx.w, f"/cases/{cid}/screenings/x", status=404)


# ---- consent ---------------------------------------------------------------------------

@test
def consent_recorded_listed_sealed_and_withdrawn(ctx):
    cid = the_case(ctx)
    r = page(ctx.w, f"/cases/{cid}")
    check('<h2 id="consents">Згода</h2>' in r.text and f'action="/cases/{cid}/consents"' in r.text, "consent form")
    for f in ("purpose", "method", "witness", "note", "given_on", "orgs"):
        check(f'id="f-{f}"' in r.text, f"field {f}")
    r = submit(ctx.w, f"/cases/{cid}", f"/cases/{cid}/consents",
               [("purpose", "referral"), ("orgs", "ngo-b"), ("services", "shelter"), ("services", "legal"),
                ("method", "signed_form"), ("given_on", "2026-01-12"), ("note", "канарка-згоди")], status=303)
    eq(r.header("Location"), f"/cases/{cid}?done=consent#consents")
    r = page(ctx.w, f"/cases/{cid}?done=consent")
    check("Згоду записано." in r.text, "confirmation")
    body = r.text.split('<h2 id="consents">')[1]
    for text in ("Перенаправлення до інших організацій чи послуг", "Організації: ngo-b", "Притулок",
                 "Правова допомога", "Підписана форма згоди", "2026-01-12", "Ірина Соцпрацівниця", "Чинна"):
        check(text in body, f"{text!r} in the consent list")
    check("канарка-згоди" not in r.text and "приховано" in body, "the note is sealed until the page is revealed")
    kid = int(sql(ctx.s, "SELECT id FROM consents WHERE case_id = ? ORDER BY id DESC", (cid,))[0][0])
    check(f'action="/consents/{kid}/withdraw"' in body, "a withdraw button for the consent in force")
    # Revealed after re-authentication: the note is shown, and the opening audited.
    sql(ctx.s, "UPDATE sessions SET reauth_at = ? WHERE user_id = ?", (int(time.time()), ctx.worker.id))
    views = int(sql(ctx.s, "SELECT COUNT(*) FROM audit_log WHERE action = 'consent.view-sealed'")[0][0])
    r = submit(ctx.w, f"/cases/{cid}", f"/cases/{cid}/reveal", {}, status=200)
    check("канарка-згоди" in r.text, "the note shown on the revealed page")
    eq(int(sql(ctx.s, "SELECT COUNT(*) FROM audit_log WHERE action = 'consent.view-sealed'")[0][0]), views + 1,
       "the opening audited:")
    # Withdrawn: back to the case, kept on record.
    r = submit(ctx.w, f"/cases/{cid}", f"/consents/{kid}/withdraw", {"case": str(cid)}, status=303)
    eq(r.header("Location"), f"/cases/{cid}?done=withdrawn#consents")
    r = page(ctx.w, r.header("Location").split("#")[0])  # a browser keeps the fragment to itself
    check("Згоду відкликано." in r.text and "Відкликано " in r.text, "shown as withdrawn")
    check(f'action="/consents/{kid}/withdraw"' not in r.text, "no withdraw button any more")
    check(sql(ctx.s, "SELECT withdrawn_on FROM consents WHERE id = ?", (kid,))[0][0] != "", "withdrawn in the store")
    r = submit(ctx.w, f"/cases/{cid}", f"/consents/{kid}/withdraw", {"case": str(cid)}, status=409)
    check("Цю згоду вже відкликано." in r.text, "a second withdrawal explained")
    # The case of the form must be the consent's.
    r = submit(ctx.w, f"/cases/{cid}", f"/consents/{kid}/withdraw", {}, status=400)


@test
def verbal_consent_without_witness_is_refused_next_to_the_field(ctx):
    cid = the_case(ctx)
    before = count(ctx, "consents")
    r = submit(ctx.w, f"/cases/{cid}", f"/cases/{cid}/consents",
               {"purpose": "processing", "method": "verbal_witness", "note": "набране-залишається"}, status=422)
    check('<span class="field-error" id="e-witness">Для усної згоди потрібне ім&#39;я свідка.</span>' in r.text,
          "the service's error next to the witness field")
    check('href="#f-witness"' in r.text, "the summary links to the field")
    check("набране-залишається" in r.text, "what was typed is kept")
    check('<option value="verbal_witness" selected>' in r.text, "the chosen method is kept")
    # A purpose missing: the form says so next to it.
    r = submit(ctx.w, f"/cases/{cid}", f"/cases/{cid}/consents", {"method": "signed_form"}, status=422)
    check('id="e-purpose"' in r.text, "purpose required")
    # An unknown organization in a referral consent.
    r = submit(ctx.w, f"/cases/{cid}", f"/cases/{cid}/consents",
               {"purpose": "referral", "method": "signed_form", "orgs": "no-such-org"}, status=422)
    check('id="e-orgs"' in r.text and form_value(r.text, "orgs") == "no-such-org", "organization explained, kept")
    eq(count(ctx, "consents"), before, "nothing saved:")
    # With a witness it is recorded, the witness sealed in the store.
    submit(ctx.w, f"/cases/{cid}", f"/cases/{cid}/consents",
           {"purpose": "statistics", "method": "verbal_witness", "witness": "Свідок-Канарка"}, status=303)
    eq(count(ctx, "consents"), before + 1, "recorded:")
    check("Свідок-Канарка" not in repr(sql(ctx.s, "SELECT * FROM consents")), "witness sealed")
    check("Свідок-Канарка" not in page(ctx.w, f"/cases/{cid}").text, "witness masked on the page")


# ---- access ------------------------------------------------------------------------------

@test
def another_organization_gets_403(ctx):
    cid = the_case(ctx)
    r, sid = recorded(ctx, screen(ctx, [DR_S]))
    submit(ctx.w, f"/cases/{cid}", f"/cases/{cid}/consents", {"purpose": "processing", "method": "signed_form"},
           status=303)
    kid = int(sql(ctx.s, "SELECT id FROM consents WHERE case_id = ? AND withdrawn_on = '' ORDER BY id DESC",
                  (cid,))[0][0])
    before = (count(ctx, "screenings"), count(ctx, "consents"))
    page(ctx.o, f"/cases/{cid}/screening", status=403)
    page(ctx.o, f"/cases/{cid}/screenings/{sid}", status=403)
    # Her forms carry her own valid token: only the policy stops her.
    eq(submit(ctx.o, "/cases", f"/cases/{cid}/screening", [("profile", "adult_labour"), ("indicator", DR_S)]).status,
       403, "screening:")
    eq(submit(ctx.o, "/cases", f"/cases/{cid}/consents", {"purpose": "processing", "method": "signed_form"}).status,
       403, "consent:")
    eq(submit(ctx.o, "/cases", f"/consents/{kid}/withdraw", {"case": str(cid)}).status, 403, "withdrawal:")
    eq((count(ctx, "screenings"), count(ctx, "consents")), before, "nothing changed:")
    eq(int(sql(ctx.s, "SELECT COUNT(*) FROM consents WHERE id = ? AND withdrawn_on = ''", (kid,))[0][0]), 1,
       "still in force:")
    # Without the CSRF token nothing is done either.
    r = ctx.w.request("POST", f"/consents/{kid}/withdraw", body=f"case={cid}",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    eq(r.status, 403, "no token:")


@test
def api_profiles_speak_the_askers_language(ctx):
    token = api_login(ctx.s, ctx.worker)

    def labels(lang):
        r = ctx.s.api("GET", "/api/v1/screening/profiles", token=token, headers={"Accept-Language": lang})
        eq(r.status, 200, r.text[:300])
        adult = [p for p in r.json()["items"] if p["profile"] == "adult_labour"][0]
        return {i["code"]: i for i in adult["indicators"]}

    uk, en = labels("uk"), labels("en")
    eq(uk[DR_S]["label"], "Обман щодо характеру роботи, її місця чи роботодавця", "Ukrainian label:")
    eq(en[DR_S]["label"], "Deceived about the nature of the job, location or employer", "English label:")
    eq(en[DR_S]["label_uk"], uk[DR_S]["label"], "label_uk in both:")
    check(all(i["label_uk"] and i["label_uk"] != i["label"] for i in en.values()), "every indicator translated")
