"""Cases in the browser: the intake (identification, duplicates), the case list
with its filters, sorting, pages and search, the case page with personal data
masked until revealed (after re-authentication, audited), notes, editing with
conflicts, assignment, and who may see what.  Every page goes through tidy.

People: a manager and two caseworkers of ngo-a (Ternopil), a caseworker of
ngo-b, and an administrator (who never sees cases).
"""
import re
import time
import urllib.parse

from harness import Browser, Server, add_org, add_user, check, eq, form_value, sql, test, tidy_check

YEAR = time.strftime("%Y", time.gmtime())
CODE_RE = re.compile(r"UA-TE-\d{4}-\d{5}")


class Ctx:
    def __init__(self):
        self.s = Server()
        add_org(self.s, "ngo-a", name="Org A", region="UA-61")
        add_org(self.s, "ngo-b", name="Org B", region="UA-46")
        self.manager = add_user(self.s, "manager@a.example.org", "manager", "ngo-a", name="Марія Менеджерка")
        self.worker = add_user(self.s, "worker@a.example.org", "caseworker", "ngo-a", name="Ірина Соцпрацівниця")
        self.worker2 = add_user(self.s, "worker2@a.example.org", "caseworker", "ngo-a", name="Петро Другий")
        self.other = add_user(self.s, "worker@b.example.org", "caseworker", "ngo-b", name="Оксана Інша")
        self.admin = add_user(self.s, "admin@a.example.org", "admin", "ngo-a")
        self.w = Browser(self.s)
        self.w.login(self.worker)
        self.w2 = Browser(self.s)
        self.w2.login(self.worker2)
        self.m = Browser(self.s)
        self.m.login(self.manager)
        self.o = Browser(self.s)
        self.o.login(self.other)
        self.first = None  # (case id, person id, code) of Олена Коваленко


def setup():
    return Ctx()


def teardown(ctx):
    return ctx.s.cleanup()


# ---- helpers -------------------------------------------------------------------

def page(b, path, status=200):
    r = b.get(path)
    eq(r.status, status, f"GET {path}: {r.text[:400]}")
    tidy_check(r.body, path)
    return r


def submit(b, page_path, action, fields, status=None):
    """Posts fields (a dict, or a list of pairs for repeated keys) with the page's CSRF token."""
    pairs = list(fields.items()) if isinstance(fields, dict) else list(fields)
    pairs.append(("csrf", b.csrf(page_path)))
    r = b.request("POST", action, body=urllib.parse.urlencode(pairs),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    if status is not None:
        eq(r.status, status, f"POST {action}: {r.text[:600]}")
    if r.status != 303:
        tidy_check(r.body, f"POST {action}")
    return r


def set_reauth(ctx, user, ago):
    """Pretends the user's sessions confirmed the password `ago` seconds ago."""
    sql(ctx.s, "UPDATE sessions SET reauth_at = ? WHERE user_id = ?", (int(time.time()) - ago, user.id))


def audit_count(ctx, action, object_id=None):
    if object_id is None:
        return int(sql(ctx.s, "SELECT COUNT(*) FROM audit_log WHERE action = ?", (action,))[0][0])
    return int(sql(ctx.s, "SELECT COUNT(*) FROM audit_log WHERE action = ? AND object_id = ?",
                   (action, str(object_id)))[0][0])


def case_id_from(r):
    m = re.match(r"^/cases/(\d+)\?done=created$", r.header("Location") or "")
    check(m, f"unexpected Location {r.header('Location')!r} ({r.status}) {r.text[:500]}")
    return int(m.group(1))


def intake(b, fields, status=303):
    r = submit(b, "/cases/new", "/cases/new", fields, status)
    return case_id_from(r) if status == 303 else r


def case_row(ctx, cid):
    rows = sql(ctx.s, "SELECT person_id, code FROM cases WHERE id = ?", (cid,))
    return int(rows[0][0]), rows[0][1]


OLENA = {"first_name": "Олена", "second_name": "Коваленко", "birthdate": "1990-05-01",
         "mobile_phone": "+380 67 123 45 67", "gender": "Feminine", "region": "UA-61",
         "citizenship": "UA", "identification_method": "hotline", "identified_by": "ngo-a",
         "identified_on": "2026-01-10", "identification_place": "Тернопіль, вокзал",
         "needs": "shelter", "needs_notes": "Потрібен притулок на тиждень"}


def ensure_first(ctx):
    if ctx.first is None:
        cid = intake(ctx.w, OLENA)
        pid, code = case_row(ctx, cid)
        ctx.first = (cid, pid, code)
    return ctx.first


# ---- intake ---------------------------------------------------------------------

@test
def intake_form_is_labelled_and_defaults_to_own_org(ctx):
    r = page(ctx.w, "/cases/new")
    eq(form_value(r.text, "identified_by"), "ngo-a", "identified by defaults to the actor's organization:")
    # Every input, select and textarea has a label (or is hidden).
    for m in re.finditer(r'<(input|select|textarea)\b([^>]*)>', r.text):
        attrs = m.group(2)
        if 'type="hidden"' in attrs or 'type="checkbox"' in attrs:
            continue
        fid = re.search(r'id="([^"]+)"', attrs)
        check(fid and f'for="{fid.group(1)}"' in r.text, f"unlabelled field: {m.group(0)}")
    # Countries come from ICU in Ukrainian, sorted in Ukrainian order.
    check(">Польща</option>" in r.text and ">Україна</option>" in r.text, "country names in Ukrainian")
    check(r.text.index(">Австрія<") < r.text.index(">Бельгія<") < r.text.index(">Польща<"), "Ukrainian order")


@test
def intake_with_errors_keeps_everything_typed_and_saves_nothing(ctx):
    before = int(sql(ctx.s, "SELECT COUNT(*) FROM persons")[0][0])
    bad = dict(OLENA, first_name="Ганна", second_name="Мельник", birthdate="1991-13-45",
               mobile_phone="дзвоніть мамі", needs_notes="канарка-нотатка")
    r = intake(ctx.w, bad, status=422)
    check("Введіть дату у форматі РРРР-ММ-ДД." in r.text, "date error in Ukrainian")
    check('id="e-birthdate"' in r.text and 'id="e-mobile_phone"' in r.text, "errors next to their fields")
    check('href="#f-birthdate"' in r.text, "summary links to the field")
    eq(form_value(r.text, "first_name"), "Ганна", "typed name kept:")
    eq(form_value(r.text, "birthdate"), "1991-13-45", "typed date kept:")
    check("канарка-нотатка" in r.text, "typed notes kept")
    check('<option value="UA" selected>' in r.text, "chosen citizenship kept")
    # A case value only the service can check: an unknown organization code.
    r = intake(ctx.w, dict(OLENA, first_name="Ганна", second_name="Мельник", identified_by="no-such-org"),
               status=422)
    check("Організації з таким кодом немає." in r.text and 'id="e-identified_by"' in r.text, r.text[:3000])
    eq(int(sql(ctx.s, "SELECT COUNT(*) FROM persons")[0][0]), before, "nothing saved:")


@test
def intake_opens_a_case_with_personal_data_masked(ctx):
    cid, pid, code = ensure_first(ctx)
    check(CODE_RE.fullmatch(code) and code.startswith(f"UA-TE-{YEAR}-"), code)
    r = page(ctx.w, f"/cases/{cid}?done=created")
    check(code in r.text, "code shown")
    for secret in ("Олена", "Коваленко", "1990-05-01", "380671234567", "123 45 67", "вокзал", "притулок на тиждень"):
        check(secret not in r.text, f"{secret!r} shown without a reveal")
    check("Показати особисті дані" in r.text, "reveal button")
    check("Притулок" in r.text or "притулок" in r.text.lower(), "needs listed")
    check("Жіноча" in r.text, "gender translated")
    # The store holds no personal field in clear.
    dump = repr(sql(ctx.s, "SELECT * FROM persons")) + repr(sql(ctx.s, "SELECT * FROM cases"))
    check("Коваленко" not in dump and "1990-05-01" not in dump, "plain columns hold no personal data")
    eq(int(sql(ctx.s, "SELECT COUNT(*) FROM case_workers WHERE case_id = ? AND user_id = ?",
               (cid, ctx.worker.id))[0][0]), 1, "the caseworker is assigned:")


@test
def duplicate_warning_latin_vs_cyrillic(ctx):
    cid, pid, code = ensure_first(ctx)
    latin = {"first_name": "Olena", "second_name": "Kovalenko", "gender": "Feminine", "region": "UA-46",
             "identification_method": "police", "identified_by": "ngo-a", "needs_notes": "typed-canary"}
    r = intake(ctx.w, latin, status=200)
    check("можливо, вже зареєстрована" in r.text.lower() or "вже зареєстрована" in r.text, r.text[:3000])
    check(f'href="/cases/{cid}"' in r.text and code in r.text, "link to the existing case")
    check("Коваленко" not in r.text and "1990-05-01" not in r.text, "the candidate is masked")
    check("25-34" in r.text or "35-44" in r.text, "age band shown")
    eq(form_value(r.text, "first_name"), "Olena", "typed values kept:")
    check("typed-canary" in r.text, "typed notes kept")
    check('name="different_person"' in r.text, "confirmation offered")
    n = int(sql(ctx.s, "SELECT COUNT(*) FROM persons")[0][0])
    eq(audit_count(ctx, "person.create", pid) >= 1, True, "first person audited:")
    cid2 = intake(ctx.w, dict(latin, different_person="1"))
    check(cid2 != cid, "a second case")
    eq(int(sql(ctx.s, "SELECT COUNT(*) FROM persons")[0][0]), n + 1, "registered after confirming:")


# ---- reveal -------------------------------------------------------------------------

@test
def reveal_needs_reauth_and_is_audited(ctx):
    cid, pid, code = ensure_first(ctx)
    set_reauth(ctx, ctx.worker, 3600)
    r = submit(ctx.w, f"/cases/{cid}", f"/cases/{cid}/reveal", {}, status=401)
    check("/reauth?next=%2Fcases%2F" + str(cid) in r.text, "link to re-authenticate and come back")
    check("Коваленко" not in r.text, "nothing shown before re-authentication")
    views = audit_count(ctx, "person.view", pid)
    r = submit(ctx.w, f"/reauth?next=/cases/{cid}", "/reauth",
               {"password": ctx.worker.password, "next": f"/cases/{cid}"}, status=303)
    eq(r.header("Location"), f"/cases/{cid}")
    r = submit(ctx.w, f"/cases/{cid}", f"/cases/{cid}/reveal", {}, status=200)
    for shown in ("Олена", "Коваленко", "1990-05-01", "+380671234567", "Тернопіль, вокзал", "Потрібен притулок"):
        check(shown in r.text, f"{shown!r} shown after the reveal")
    eq(audit_count(ctx, "person.view", pid), views + 1, "the view is in the audit trail:")
    check(audit_count(ctx, "case.view-sealed", code) >= 1, "the case's free text opening audited")
    # The audit entry names the person by id only.
    details = sql(ctx.s, "SELECT detail FROM audit_log WHERE action = 'person.view'")
    check(all("Коваленко" not in d[0] for d in details), "no personal data in the trail")


@test
def list_reveal_shows_names_after_reauth(ctx):
    cid, pid, code = ensure_first(ctx)
    r = page(ctx.w, "/cases")
    check(code in r.text and "Коваленко" not in r.text, "masked list")
    ids = re.findall(r'name="id" value="(\d+)"', r.text)
    check(str(cid) in ids, ids)
    set_reauth(ctx, ctx.worker, 3600)
    r = submit(ctx.w, "/cases", "/cases/reveal", [("id", i) for i in ids], status=401)
    check("/reauth?next=" in r.text and "Коваленко" not in r.text, "stale: a notice, no names")
    set_reauth(ctx, ctx.worker, 0)
    views = audit_count(ctx, "person.view", pid)
    r = submit(ctx.w, "/cases", "/cases/reveal", [("id", i) for i in ids], status=200)
    check("Олена Коваленко" in r.text, "names shown")
    eq(audit_count(ctx, "person.view", pid), views + 1, "audited per person:")
    # Only the ids sent are revealed.
    r = submit(ctx.w, "/cases", "/cases/reveal", [("id", "999999")], status=200)
    check("Коваленко" not in r.text, "a case not asked for stays masked")


# ---- the list ---------------------------------------------------------------------

@test
def list_filters_sort_and_pages(ctx):
    ensure_first(ctx)
    # 52 cases of the second caseworker: names that never sound alike (no letters the name skeletons
    # fold together, never a doubled letter), no phone or date of birth.
    cons = "бдлмнпрв"
    made = []
    for i in range(52):
        tag = cons[i % 8] + "о" + cons[i // 8]
        made.append(intake(ctx.w2, {"first_name": "Тест" + tag, "second_name": "Списочна" + tag,
                                    "gender": "Masculine" if i % 2 else "Feminine", "region": "UA-61",
                                    "identified_on": f"2025-0{1 + i % 9}-1{i % 10}"}))
    r = page(ctx.m, "/cases")
    eq(len(re.findall(r'<tr><td class="mono"><a href="/cases/\d+">', r.text)), 50, "50 a page:")
    check('rel="next" href="/cases?offset=50"' in r.text, "next page link")
    r = page(ctx.m, "/cases?offset=50")
    total = int(sql(ctx.s, "SELECT COUNT(*) FROM cases c JOIN organizations o ON o.id = c.owner_org_id"
                           " WHERE o.code = 'ngo-a'")[0][0])
    eq(len(re.findall(r'<tr><td class="mono">', r.text)), total - 50, "the rest on page 2:")
    check('rel="prev"' in r.text, "previous page link")
    # The second caseworker sees only her 52.
    r = page(ctx.w2, "/cases?offset=50")
    eq(len(re.findall(r'<tr><td class="mono">', r.text)), 2, "caseworker's second page:")
    # Sort by code: ascending.
    r = page(ctx.m, "/cases?sort=code")
    codes = re.findall(r'<a href="/cases/\d+">(UA-[A-Z]{2}-\d{4}-\d{5})</a>', r.text)
    eq(codes, sorted(codes), "sorted by code:")
    check('aria-sort="ascending"' in r.text, "sorted column marked")
    # Filters: status, caseworker, region, type and country of exploitation, dates.
    target = made[7]
    t_code = case_row(ctx, target)[1]
    r = page(ctx.w2, f"/cases/{target}/edit")
    version = form_value(r.text, "version")
    submit(ctx.w2, f"/cases/{target}/edit", f"/cases/{target}/edit",
           [("version", version), ("status", "FollowUp"), ("registered_on", f"{YEAR}-01-02"),
            ("identified_on", "2024-12-30"), ("exploitation_types", "SexualExploitation"),
            ("exploitation_types", "ForcedLabour"), ("countries_of_exploitation", "PL"),
            ("countries_of_exploitation", "DE"), ("identified_by", "ngo-a")], status=303)
    r = page(ctx.m, "/cases?status=FollowUp")
    eq(re.findall(CODE_RE, r.text.split("<tbody>")[1]), [t_code], "status filter:")
    r = page(ctx.m, "/cases?exploitation=SexualExploitation&country=PL")
    eq(re.findall(CODE_RE, r.text.split("<tbody>")[1]), [t_code], "exploitation and country filter:")
    r = page(ctx.m, "/cases?exploitation=SexualExploitation&country=GR")
    check("<tbody>" not in r.text, "no case exploited in Greece")
    r = page(ctx.m, "/cases?identified_from=2024-12-01&identified_to=2024-12-31")
    eq(re.findall(CODE_RE, r.text.split("<tbody>")[1]), [t_code], "identified range:")
    r = page(ctx.m, f"/cases?registered_from={YEAR}-01-01&registered_to={YEAR}-01-03")
    eq(re.findall(CODE_RE, r.text.split("<tbody>")[1]), [t_code], "registered range:")
    r = page(ctx.m, f"/cases?caseworker={ctx.worker.id}")
    body = r.text.split("<tbody>")[1]
    check(ctx.first[2] in body and t_code not in body, "caseworker filter")
    check(f'<option value="{ctx.worker2.id}">' in r.text, "caseworkers offered")
    r = page(ctx.m, "/cases?region=UA-46")
    check(t_code not in r.text, "region filter")
    r = page(ctx.m, "/cases?registered_from=2026-13-01", status=400)
    check('id="e-registered_from"' in r.text, "bad filter explained next to it")
    # Filters survive paging and sorting links.
    r = page(ctx.m, "/cases?region=UA-61&sort=code")
    check('href="/cases?region=UA-61&amp;sort=code&amp;offset=50"' in r.text, "paging keeps the filters")


@test
def search_by_name_phone_birthdate_and_code(ctx):
    cid, pid, code = ensure_first(ctx)
    for q in ("Olena Kovalenko", "коваленко олена", "0671234567", "+380 (67) 123-45-67", "1990-05-01",
              "01.05.1990", code.lower()):
        r = submit(ctx.w, "/cases", "/cases", {"q": q}, status=200)
        check(f'href="/cases/{cid}"' in r.text, f"search {q!r} finds the case")
        check("Коваленко" not in r.text.replace(f'value="{q}"', ""), f"search {q!r}: names masked")
    r = submit(ctx.w, "/cases", "/cases", {"q": "Нікого Такого"}, status=200)
    check(f'href="/cases/{cid}"' not in r.text, "no false hit")
    r = submit(ctx.w, "/cases", "/cases", {"q": "!!"}, status=400)
    check('id="e-q"' in r.text, "an unusable query is explained")
    # Search results can be revealed too (after re-authentication).
    set_reauth(ctx, ctx.worker, 0)
    r = submit(ctx.w, "/cases", "/cases/reveal", {"q": "Olena Kovalenko", "id": str(cid)}, status=200)
    check("Олена Коваленко" in r.text, "revealed search results")
    # The query never reaches the audit trail (a search writes nothing; revealing does).
    details = [d[0] + d[1] for d in sql(ctx.s, "SELECT detail, object_id FROM audit_log")]
    check(all("Kovalenko" not in d and "0671234567" not in d for d in details), details[:5])


# ---- notes, edit, assignment, access --------------------------------------------------

@test
def notes_are_added_sealed_and_their_reading_audited(ctx):
    cid, pid, code = ensure_first(ctx)
    r = submit(ctx.w, f"/cases/{cid}", f"/cases/{cid}/notes", {"text": "   "}, status=422)
    check('id="e-text"' in r.text, "empty note refused next to the field")
    r = submit(ctx.w, f"/cases/{cid}", f"/cases/{cid}/notes",
               {"text": "Дзвонила з Варшави.\nДомовились про зустріч у понеділок."}, status=303)
    eq(r.header("Location"), f"/cases/{cid}?done=note#notes")
    views = audit_count(ctx, "case.notes-view", cid)
    r = page(ctx.w, f"/cases/{cid}?done=note")
    check("Дзвонила з Варшави.<br>Домовились" in r.text, "the note on the timeline")
    eq(audit_count(ctx, "case.notes-view", cid), views + 1, "reading the notes audited:")
    dump = repr(sql(ctx.s, "SELECT sealed FROM case_notes"))
    check("Warsz" not in dump and "Варшав" not in dump, "note sealed")


@test
def edit_with_errors_and_conflict(ctx):
    cid, pid, code = ensure_first(ctx)
    r = page(ctx.w, f"/cases/{cid}/edit")
    version = form_value(r.text, "version")
    check("Тернопіль, вокзал" in r.text, "free text opened for editing")
    base = [("version", version), ("identification_method", "hotline"), ("identified_by", "ngo-a"),
            ("identified_on", "2026-01-10"), ("registered_on", form_value(r.text, "registered_on")),
            ("needs", "shelter"), ("needs_notes", "Потрібен притулок на тиждень")]
    r = submit(ctx.w, f"/cases/{cid}/edit", f"/cases/{cid}/edit", base + [("status", "Closed")], status=422)
    check('id="e-closure_reason"' in r.text, "closing needs a reason, next to its field")
    r = submit(ctx.w, f"/cases/{cid}/edit", f"/cases/{cid}/edit",
               base + [("status", "Active"), ("exploitation_types", "ForcedLabour"),
                       ("forced_labour_industry", "F_Construction"), ("countries_of_exploitation", "PL"),
                       ("methods_of_control", "DebtBondage"), ("recruitment_methods", "ThroughOnlineSocialNetworks")],
               status=303)
    # A second edit built on the old version: 409, typed values kept, nothing saved.
    r = submit(ctx.w, f"/cases/{cid}/edit", f"/cases/{cid}/edit",
               [kv for kv in base if kv[0] != "needs_notes"]
               + [("status", "FollowUp"), ("needs_notes", "застарілий-текст")], status=409)
    check("застарілий-текст" in r.text and "хтось інший" in r.text.lower(), r.text[:2000])
    check(form_value(r.text, "version") != version, "the form now carries the newer version")
    eq(sql(ctx.s, "SELECT status FROM cases WHERE id = ?", (cid,))[0][0], "Active", "nothing saved:")
    r = page(ctx.w, f"/cases/{cid}")
    check("Примусова праця" in r.text and "Будівництво" in r.text and "Боргова кабала" in r.text, "HTCDS in Ukrainian")
    check("Польща" in r.text, "country through ICU")
    check("Змінено:" in r.text, "history lists the change")


@test
def person_edit_needs_reauth_and_keeps_values(ctx):
    cid, pid, code = ensure_first(ctx)
    set_reauth(ctx, ctx.worker, 3600)
    r = page(ctx.w, f"/persons/{pid}/edit?case={cid}", status=401)
    check("Коваленко" not in r.text and "/reauth?next=%2Fpersons%2F" in r.text, "stale: notice only")
    set_reauth(ctx, ctx.worker, 0)
    views = audit_count(ctx, "person.view", pid)
    r = page(ctx.w, f"/persons/{pid}/edit?case={cid}")
    eq(form_value(r.text, "second_name"), "Коваленко", "current values shown:")
    eq(audit_count(ctx, "person.view", pid), views + 1, "showing them audited:")
    fields = [(k, form_value(r.text, k) or "") for k in ("first_name", "second_name", "birthdate", "mobile_phone")]
    fields += [("version", form_value(r.text, "version")), ("case", str(cid)), ("gender", "Feminine"),
               ("region", "UA-61"), ("citizenship", "UA")]
    bad = [(k, "1990-02-31" if k == "birthdate" else v) for k, v in fields]
    r = submit(ctx.w, f"/persons/{pid}/edit?case={cid}", f"/persons/{pid}/edit", bad, status=422)
    check('id="e-birthdate"' in r.text and form_value(r.text, "birthdate") == "1990-02-31", "error, typed kept")
    new = [(k, "+380 50 765 43 21" if k == "mobile_phone" else v) for k, v in fields]
    r = submit(ctx.w, f"/persons/{pid}/edit?case={cid}", f"/persons/{pid}/edit", new, status=303)
    eq(r.header("Location"), f"/cases/{cid}?done=saved#person")
    r = submit(ctx.w, "/cases", "/cases", {"q": "050 765 43 21"}, status=200)
    check(f'href="/cases/{cid}"' in r.text, "the new phone is searchable")
    # The old version again: 409.
    r = submit(ctx.w, f"/persons/{pid}/edit?case={cid}", f"/persons/{pid}/edit", new, status=409)
    eq(form_value(r.text, "mobile_phone"), "+380507654321", "typed (normalized) kept on conflict:")


@test
def manager_assigns_a_caseworker_who_then_sees_the_case(ctx):
    cid, pid, code = ensure_first(ctx)
    page(ctx.w2, f"/cases/{cid}", status=403)
    r = page(ctx.m, f"/cases/{cid}")
    check('action="/cases/%d/assign"' % cid in r.text, "assignment form for the manager")
    check(f'<option value="{ctx.worker2.id}">' in r.text, "the second caseworker can be assigned")
    page(ctx.w, f"/cases/{cid}")  # the caseworker has no assignment form
    check('/assign"' not in ctx.w.get(f"/cases/{cid}").text, "no assignment form for a caseworker")
    r = submit(ctx.w, f"/cases/{cid}", f"/cases/{cid}/assign", {"op": "add", "user": str(ctx.worker2.id)})
    eq(r.status, 403, "a caseworker may not assign:")
    r = submit(ctx.m, f"/cases/{cid}", f"/cases/{cid}/assign", {"op": "add", "user": str(ctx.other.id)}, status=422)
    check("Призначити можна" in r.text or 'role="alert"' in r.text, "another organization's user refused")
    submit(ctx.m, f"/cases/{cid}", f"/cases/{cid}/assign", {"op": "add", "user": str(ctx.worker2.id)}, status=303)
    r = page(ctx.w2, f"/cases/{cid}")
    check("Петро Другий" in r.text, "listed among the caseworkers")
    check(code in page(ctx.w2, "/cases?sort=code").text, "in her list")
    r = page(ctx.m, f"/cases/{cid}")
    check("Призначено: Петро Другий" in r.text, "history of the assignment")
    submit(ctx.m, f"/cases/{cid}", f"/cases/{cid}/assign", {"op": "remove", "user": str(ctx.worker2.id)}, status=303)
    page(ctx.w2, f"/cases/{cid}", status=403)


@test
def another_organization_gets_403(ctx):
    cid, pid, code = ensure_first(ctx)
    page(ctx.o, f"/cases/{cid}", status=403)
    page(ctx.o, f"/cases/{cid}/edit", status=403)
    page(ctx.o, f"/persons/{pid}/edit", status=403)
    r = submit(ctx.o, "/cases", f"/cases/{cid}/notes", {"text": "чужа нотатка"})
    eq(r.status, 403, "notes:")
    r = submit(ctx.o, "/cases", f"/cases/{cid}/reveal", {})
    eq(r.status, 403, "reveal:")
    check(code not in page(ctx.o, "/cases").text, "not in her list")
    r = submit(ctx.o, "/cases", "/cases", {"q": "Олена Коваленко"}, status=200)
    check(f"/cases/{cid}" not in r.text, "not found by her search")
    r = submit(ctx.o, "/cases", "/cases", {"q": code}, status=200)
    check(f"/cases/{cid}" not in r.text, "not found by code")
    page(ctx.w, "/cases/999999", status=404)
    # The administrator never sees cases, and is not offered them.
    a = Browser(ctx.s)
    a.login(ctx.admin)
    check('href="/cases"' not in page(a, "/").text, "no Cases in the administrator's menu")
    page(a, "/cases", status=403)
    page(a, "/cases/new", status=403)
    check('href="/cases"' in page(ctx.w, "/").text, "Cases in the caseworker's menu")


@test
def pages_in_ukrainian_and_english(ctx):
    cid, pid, code = ensure_first(ctx)
    r = page(ctx.w, f"/cases/{cid}/edit")
    version = form_value(r.text, "version")
    fields = [(k, form_value(r.text, k) or "") for k in ("registered_on", "identified_on", "identified_by")]
    submit(ctx.w, f"/cases/{cid}/edit", f"/cases/{cid}/edit",
           fields + [("version", version), ("status", "Active"), ("exploitation_types", "ForcedLabour"),
                     ("exploitation_types", "SexualExploitation"), ("methods_of_control", "WithholdsDocuments"),
                     ("countries_of_exploitation", "PL"), ("trafficking_status", "PossibleVictimOfTrafficking"),
                     ("recruitment_methods", "ThroughOnlineSocialNetworks")], status=303)
    uk = page(ctx.w, f"/cases/{cid}").text
    for text in ("Справа " + code, "Примусова праця", "Сексуальна експлуатація", "Вилучення документів",
                 "Через онлайн-соціальні мережі", "Польща", "Можлива жертва торгівлі людьми", "Досвід торгівлі людьми"):
        check(text in uk, f"{text!r} in the Ukrainian page")
    en_b = Browser(ctx.s, lang="en")
    en_b.login(ctx.worker)
    en = page(en_b, f"/cases/{cid}").text
    for text in ("Case " + code, "Forced labour", "Sexual exploitation", "Withholds documents", "Poland",
                 "Possible victim of trafficking", "Trafficking experience"):
        check(text in en, f"{text!r} in the English page")
    check('lang="en"' in en and "Примусова" not in en, "English throughout")
    for path in ("/cases", "/cases/new", f"/cases/{cid}/edit"):
        page(en_b, path)
    r = page(en_b, "/cases/new")
    check(">Poland</option>" in r.text and r.text.index(">Austria<") < r.text.index(">Poland<"), "English countries")
