"""Inboxes and alerts: unread counts in the navigation, an organization's shared inbox and one's own,
marking read, answers coming back to the sender, the "deadline soon" item the server's timer puts in
the receiver's inbox once, overdue referrals shown to coordinators without personal data, and the
mail through an SMTP relay (a small sink here) that says only that something is waiting."""
import datetime
import html
import re
import socket
import threading
import time

from harness import (Browser, Server, add_org, add_user, api_login, check, eq, free_port, sql, test,
                     tidy_check)

PUBLIC_URL = "https://nadiya.example.org"
NAME = "Соломія"
SURNAME = "Поштова"
REASON = "Needs a lawyer about her passport"


class SmtpSink:
    """A minimal SMTP server on a loopback port: accepts every message and keeps it (smtpd left Python)."""

    def __init__(self):
        self.port = free_port()
        self.messages = []  # (mail_from, [rcpt], data)
        self.lock = threading.Lock()
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", self.port))
        self.sock.listen(8)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.session, args=(conn,), daemon=True).start()

    def session(self, conn):
        f = conn.makefile("rb")
        def say(line):
            conn.sendall(line.encode() + b"\r\n")
        say("220 sink ESMTP")
        mail_from, rcpts, data = None, [], None
        try:
            while True:
                line = f.readline()
                if not line:
                    return
                cmd = line.decode("utf-8", "replace").strip()
                verb = cmd.split(" ")[0].upper()
                if verb in ("EHLO", "HELO"):
                    say("250 sink")
                elif verb == "MAIL":
                    mail_from, rcpts = cmd[10:].strip(), []
                    say("250 OK")
                elif verb == "RCPT":
                    rcpts.append(cmd[8:].strip().strip("<>"))
                    say("250 OK")
                elif verb == "DATA":
                    say("354 go on")
                    lines = []
                    while True:
                        l = f.readline()
                        if not l or l in (b".\r\n", b".\n"):
                            break
                        lines.append(l)
                    data = b"".join(lines).decode("utf-8", "replace")
                    with self.lock:
                        self.messages.append((mail_from, rcpts, data))
                    say("250 queued")
                elif verb == "QUIT":
                    say("221 bye")
                    return
                else:
                    say("250 OK")
        finally:
            conn.close()

    def take(self):
        with self.lock:
            out, self.messages = self.messages, []
        return out

    def close(self):
        self.sock.close()


def setup():
    sink = SmtpSink()
    s = Server(extra_args=["--timer-seconds", "1", "--smtp-url", f"smtp://127.0.0.1:{sink.port}",
                           "--smtp-from", "nadiya@example.org", "--public-url", PUBLIC_URL + "/"])
    s.sink = sink
    add_org(s, "in-a", region="UA-61")
    add_org(s, "in-b", region="UA-46")
    add_org(s, "in-c", region="UA-63")
    add_org(s, "in-hq", region="UA-30")
    s.u = {
        "admin": add_user(s, "admin@in.example", "admin", "in-hq"),
        "coord": add_user(s, "coord@in.example", "coordinator", "in-hq"),
        "a_manager": add_user(s, "a-manager@in.example", "manager", "in-a"),
        "a_worker": add_user(s, "a-worker@in.example", "caseworker", "in-a"),
        "b_manager": add_user(s, "b-manager@in.example", "manager", "in-b"),
        "b_worker": add_user(s, "b-worker@in.example", "caseworker", "in-b"),
        "b_donor": add_user(s, "b-donor@in.example", "donor", "in-b"),
        "c_worker": add_user(s, "c-worker@in.example", "caseworker", "in-c"),
    }
    s.tok = {k: api_login(s, u) for k, u in s.u.items()}
    for org in ("in-b", "in-c"):
        call(s, "admin", "POST", "/api/v1/services", {"org": org, "service": "legal", "regions": ["UA-46"]}, 201)
    p = call(s, "a_worker", "POST", "/api/v1/persons", {"prs_FirstName": NAME, "prs_SecondName": SURNAME,
                                                        "prs_Gender": "Feminine", "confirm_new": True}, 201).json()
    k = call(s, "a_worker", "POST", "/api/v1/cases", {"person_id": p["id"]}, 201).json()
    s.case, s.code = k["id"], k["code"]
    call(s, "a_worker", "POST", f"/api/v1/cases/{s.case}/consents", {"purpose": "referral", "method": "signed_form"}, 201)
    s.browsers = {}
    return s


def teardown(s):
    s.sink.close()
    return s.cleanup()


def call(s, who, method, path, body=None, expect=None):
    r = s.api(method, path, body, token=s.tok[who])
    if expect is not None:
        eq(r.status, expect, f"{method} {path} as {who}: {r.text[:400]}")
    return r


def browser(s, who):
    if who not in s.browsers:
        b = Browser(s, lang="en")
        b.login(s.u[who])
        s.browsers[who] = b
    return s.browsers[who]


def refer(s, to="in-b", urgency="normal"):
    return call(s, "a_worker", "POST", "/api/v1/referrals", {"case_id": s.case, "to_org": to, "services": ["legal"],
                                                               "reason": REASON, "urgency": urgency}, 201).json()["id"]


def badge(s, who):
    """The unread count in the navigation (0 when there is no badge)."""
    page = browser(s, who).get("/account")
    m = re.search(r'<a href="/inbox"[^>]*>[^<]*(?:<span class="tag">(\d+)</span>)?</a>', page.text)
    check(m, f"no inbox entry in the navigation of {who}")
    return int(m.group(1) or 0)


def inbox_rows(s, who, query=""):
    page = browser(s, who).get("/inbox" + query)
    eq(page.status, 200, page.text[:300])
    return page, re.findall(r"<tr><td><time.*?</tr>", page.text, re.S)


def wait_for(what, pred, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def drain_mail(s, seconds=4):
    """Everything mailed within a few timer passes (an item waits 2 s before it is mailed)."""
    time.sleep(seconds)
    return s.sink.take()


@test
def a_new_referral_waits_in_the_receivers_shared_inbox(s):
    drain_mail(s, 0)
    eq(badge(s, "b_manager"), 0)
    s.ref1 = refer(s)
    eq(badge(s, "b_manager"), 1)
    eq(badge(s, "b_worker"), 1)
    eq(badge(s, "a_worker"), 0, "the sender has nothing new:")
    eq(badge(s, "c_worker"), 0)
    # A donor of the receiving organization does not work referrals: not in its shared inbox.
    eq(badge(s, "b_donor"), 0)
    page, rows = inbox_rows(s, "b_worker")
    tidy_check(page.text, "/inbox")
    eq(len(rows), 1)
    check("New referral to your organization" in rows[0] and s.code in rows[0] and "in-a" in rows[0] and
          "in-b" in rows[0] and f'href="/referrals/{s.ref1}"' in rows[0], rows[0])
    text = html.unescape(page.text)
    check(NAME not in text and SURNAME not in text and REASON not in text, "no personal data in the inbox")


@test
def marking_read_is_shared_by_the_organization(s):
    page, rows = inbox_rows(s, "b_manager")
    item = int(re.search(r'name="id" value="(\d+)"', rows[0]).group(1))
    # Not someone else's item.
    r = browser(s, "c_worker").submit("/inbox", "/inbox/read", {"id": str(item)})
    eq(r.status, 404)
    eq(badge(s, "b_worker"), 1)
    r = browser(s, "b_manager").submit("/inbox", "/inbox/read", {"id": str(item)})
    eq(r.status, 303)
    eq(badge(s, "b_worker"), 0, "read for the whole organization:")
    page, rows = inbox_rows(s, "b_worker", "?unread=1")
    eq(rows, [])
    page, rows = inbox_rows(s, "b_worker")
    eq(len(rows), 1)
    check(">read<" in rows[0], rows[0])
    r = browser(s, "b_manager").submit("/inbox", "/inbox/read", {"id": "abc"})
    eq(r.status, 400)
    # Answers come back to the sender's shared inbox; "mark all" clears it.
    call(s, "b_worker", "POST", f"/api/v1/referrals/{s.ref1}/accept", {}, 200)
    eq(badge(s, "a_worker"), 1)
    eq(badge(s, "a_manager"), 1)
    page, rows = inbox_rows(s, "a_manager")
    check("Your referral was accepted" in rows[0], rows[0])
    ref2 = refer(s, to="in-c")
    call(s, "c_worker", "POST", f"/api/v1/referrals/{ref2}/decline", {"reason": "No lawyer free"}, 200)
    eq(badge(s, "a_manager"), 2)
    r = browser(s, "a_worker").submit("/inbox", "/inbox/read", {})
    eq(r.status, 303)
    eq(badge(s, "a_manager"), 0)
    eq(badge(s, "c_worker"), 1, "the other organization's items are untouched:")


@test
def the_timer_warns_once_when_a_deadline_comes_close(s):
    soon = refer(s)
    later = refer(s, to="in-c")
    now = int(time.time())
    # Sent 100 hours ago with 10 left: under a quarter of its time.  The other has most of its time.
    sql(s, "UPDATE referrals SET created_at = ?, deadline_at = ? WHERE id = ?", (now - 100 * 3600, now + 10 * 3600, soon))
    items = lambda: sql(s, "SELECT org_id, referral_id FROM inbox WHERE kind = 'referral.deadline_soon'")
    wait_for("the deadline item", items)
    time.sleep(2.5)  # more timer passes: still one item
    got = items()
    eq(len(got), 1)
    eq(int(got[0][1]), soon)
    check(sql(s, "SELECT escalated_at FROM referrals WHERE id = ?", (soon,))[0][0] not in (None, ""), "claimed")
    eq(sql(s, "SELECT COUNT(*) FROM inbox WHERE referral_id = ? AND kind = 'referral.deadline_soon'", (later,))[0][0]
       in (0, "0"), True)
    page, rows = inbox_rows(s, "b_worker", "?unread=1")
    check(any("The answer to a referral is due soon" in r and s.code in r for r in rows), rows)
    # Answering in time leaves the item as it was; nothing further is created.
    call(s, "b_worker", "POST", f"/api/v1/referrals/{soon}/accept", {}, 200)
    time.sleep(1.5)
    eq(len(items()), 1)


@test
def overdue_referrals_expire_and_show_without_personal_data(s):
    late = refer(s, to="in-c", urgency="urgent")
    now = int(time.time())
    sql(s, "UPDATE referrals SET created_at = ?, deadline_at = ? WHERE id = ?", (now - 80 * 3600, now - 3600, late))
    wait_for("the expiry", lambda: sql(s, "SELECT state FROM referrals WHERE id = ? AND state = 'expired'", (late,)))
    # The coordinator: the organizations, the service, the urgency and the age; no case code, no names.
    page = browser(s, "coord").get("/referrals/overdue")
    eq(page.status, 200, page.text[:300])
    tidy_check(page.text, "/referrals/overdue")
    text = html.unescape(page.text)
    row = re.search(r"<tr><td class=\"mono\">in-a</td><td class=\"mono\">in-c</td>.*?</tr>", page.text, re.S)
    check(row and "Legal aid" in row.group(0) and "Urgent" in row.group(0) and "3 days" in row.group(0) and
          "expired" in row.group(0), page.text[-3000:])
    check(s.code not in text and NAME not in text and REASON not in text, "no personal data for the coordinator")
    # The sender's manager sees which case; the escalation reached them personally.
    page = browser(s, "a_manager").get("/referrals/overdue")
    check(s.code in page.text, "the sender's manager sees the case code")
    page, rows = inbox_rows(s, "a_manager", "?unread=1")
    check(any("A referral of your organization is overdue" in r and "for you" in r for r in rows), rows)
    eq(browser(s, "a_worker").get("/referrals/overdue").status, 403)
    eq(browser(s, "b_donor").get("/referrals/overdue").status, 403)


@test
def mail_says_only_that_something_is_waiting(s):
    drain_mail(s)
    ref = refer(s)
    msgs = drain_mail(s)
    rcpts = sorted(r for _, rs, _ in msgs for r in rs)
    eq(rcpts, ["b-manager@in.example", "b-worker@in.example"], "the people of the receiving organization, once each:")
    for mail_from, _, data in msgs:
        eq(mail_from, "<nadiya@example.org>")
        body = data.split("\r\n\r\n", 1)[1]
        check(PUBLIC_URL + "/inbox" in body and "//inbox" not in body, body)
        for secret in (s.code, NAME, SURNAME, REASON, "in-a", "in-b", "Legal", "legal"):
            check(secret not in data, f"{secret!r} in the mail: {data}")
        check(not re.search(r"\d", body), f"no numbers (ids, counts) in the text: {body}")
    # In the person's language: Ukrainian unless they chose English.
    for _, _, data in msgs:
        check("Щось чекає на вас у nadiya: https://nadiya.example.org/inbox" in data, data)
    # Nothing new: no mail.
    eq(drain_mail(s), [])
    # An answer reaches the sender's people, each in their language.
    sql(s, "UPDATE users SET lang = 'en' WHERE email = 'a-manager@in.example'")  # as the account page sets it
    call(s, "b_worker", "POST", f"/api/v1/referrals/{ref}/decline", {"reason": "Full"}, 200)
    msgs = drain_mail(s)
    eq(sorted(r for _, rs, _ in msgs for r in rs), ["a-manager@in.example", "a-worker@in.example"])
    by = {rs[0]: d for _, rs, d in msgs}
    check("Something is waiting for you in nadiya: https://nadiya.example.org/inbox" in by["a-manager@in.example"],
          by["a-manager@in.example"])
    check("Щось чекає на вас у nadiya" in by["a-worker@in.example"], by["a-worker@in.example"])
    # Read before the pass: nothing is mailed.
    ref = refer(s, to="in-c")
    browser(s, "c_worker").submit("/inbox", "/inbox/read", {})
    eq(drain_mail(s), [])


@test
def inbox_pages_in_both_languages(s):
    for lang in ("uk", "en"):
        b = Browser(s, lang=lang)
        b.login(s.u["b_manager"])
        for path in ("/inbox", "/inbox?unread=1", "/referrals/overdue"):
            r = b.get(path)
            eq(r.status, 200, f"{path}: {r.text[:300]}")
            tidy_check(r.text, f"{path} ({lang})")
            if lang == "uk":
                check("Вхідні" in html.unescape(r.text), "Ukrainian navigation")
    # The console has no inbox; an unknown page offset is refused.
    eq(browser(s, "b_worker").get("/inbox?offset=-1").status, 400)
    r = browser(s, "coord").get("/inbox")
    eq(r.status, 200, "a coordinator has an (empty) inbox")


@test
def mail_needs_the_public_address(s):
    from harness import run_cli
    r = run_cli("serve", "--db", s.db_url, "--key-file", s.key, "--listen", f"127.0.0.1:{free_port()}",
                "--smtp-url", "smtp://127.0.0.1:25")
    eq(r.returncode, 2, r.stderr)
    check("--public-url" in r.stderr, r.stderr)
    r = run_cli("serve", "--db", s.db_url, "--key-file", s.key, "--listen", f"127.0.0.1:{free_port()}",
                "--smtp-url", "smtp://127.0.0.1:25", "--public-url", "nadiya.example.org")
    eq(r.returncode, 2, r.stderr)
    r = run_cli("serve", "--help")
    check("--smtp-url" in r.stdout + r.stderr and "--public-url" in r.stdout + r.stderr, "the settings are listed")


@test
def a_relay_that_is_down_costs_the_mail_not_the_server(s):
    """Runs last: it closes the sink."""
    s.sink.close()
    before = badge(s, "b_manager")
    refer(s)
    wait_for("the failure in the log", lambda: "inbox mail failed" in s.read_log())
    log = s.read_log()
    check(NAME not in log and REASON not in log and s.code not in log, "no personal data in the log")
    eq(badge(s, "b_manager"), before + 1, "the item is there all the same:")
