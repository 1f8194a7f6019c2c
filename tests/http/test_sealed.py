"""Sealed personal data: no canary value in any byte the store, its WAL, a backup or the log holds;
and `nadiya rekey` moves everything to a new key, resuming after a crash."""
import glob
import os
import random
import secrets
import signal
import subprocess
import time

from harness import (BIN, Server, add_org, add_user, api_login, check, eq, run_cli, sql, test)


def canary():
    return "Canary" + secrets.token_hex(6)


def setup():
    s = Server()
    add_org(s, "sealed-org", "ngo", "UA-61")
    s.cw = add_user(s, "sealed-cw@example.org", "caseworker", "sealed-org")
    s.mgr = add_user(s, "sealed-mgr@example.org", "manager", "sealed-org")
    s.token = api_login(s, s.cw)
    s.canaries = []
    s.persons = []
    for i in range(5):
        c = {k: canary() for k in ("first", "last", "street", "note", "doc", "place", "casenote", "witness")}
        c["phone"] = "+38067" + "%07d" % random.randint(0, 9999999)
        c["dob"] = "19%02d-0%d-1%d" % (70 + i, 1 + i, i)
        body = {"prs_FirstName": c["first"], "prs_SecondName": c["last"], "prs_Gender": "Feminine",
                "prs_MobilePhone": c["phone"], "prs_Birthdate": c["dob"], "prs_MailingStreet": c["street"],
                "prs_IdentityNumber": c["doc"], "notes": c["note"], "confirm_new": True}
        r = s.api("POST", "/api/v1/persons", body, token=s.token)
        eq(r.status, 201, r.text)
        pid = r.json()["id"]
        r = s.api("POST", "/api/v1/cases", {"person_id": pid, "identification_place": c["place"],
                                            "vic_TypeOfExploitation": ["ForcedLabour"]}, token=s.token)
        eq(r.status, 201, r.text)
        cid = r.json()["id"]
        eq(s.api("POST", f"/api/v1/cases/{cid}/notes", {"text": c["casenote"]}, token=s.token).status, 201)
        r = s.api("POST", f"/api/v1/cases/{cid}/consents", {"purpose": "referral", "method": "verbal_witness",
                                                            "witness": c["witness"]}, token=s.token)
        eq(r.status, 201, r.text)
        s.canaries.append(c)
        s.persons.append((pid, cid))
    return s


def needles(s):
    out = []
    for c in s.canaries:
        for k, v in c.items():
            if k == "dob":
                continue  # dates are not unique enough to be canaries
            out.append(v.encode())
            if k == "phone":
                out.append(v[1:].encode())
    return out


def scan(paths, words):
    found = []
    for p in paths:
        if not os.path.isfile(p):
            continue
        data = open(p, "rb").read()
        for w in words:
            if w in data:
                found.append((p, w.decode()))
    return found


def store_files(s):
    if s.db_url.startswith("sqlite:"):
        base = s.db_url[len("sqlite:"):]
        return [base, base + "-wal", base + "-shm"]
    data = os.environ.get("NADIYA_TEST_PG_DATA")
    check(data and os.path.isdir(data), "NADIYA_TEST_PG_DATA must name the cluster's data folder")
    return [p for p in glob.glob(os.path.join(data, "**"), recursive=True) if os.path.isfile(p)]


@test
def canaries_never_reach_the_store_the_log_or_a_backup(s):
    # Read them back once (so the server has had them in memory and logged the requests).
    pid, cid = s.persons[0]
    eq(s.api("GET", f"/api/v1/persons/{pid}", token=s.token).status, 200)
    r = s.api("GET", "/api/v1/persons?q=" + s.canaries[0]["first"], token=s.token)
    eq(r.status, 200, r.text)
    eq(len(r.json()["items"]), 1, "search by a sealed name finds her")
    archive = os.path.join(s.tmp, "canary.backup")
    r = run_cli("backup", "--db", s.db_url, "--key-file", s.key, "--out", archive)
    eq(r.returncode, 0, r.stderr)
    if not s.db_url.startswith("sqlite:"):
        sql(s, "CHECKPOINT")
    time.sleep(0.3)
    files = store_files(s) + [archive, s.log_path]
    check(len(files) >= 3)
    found = scan(files, needles(s))
    eq(found, [], "personal data in clear:")
    # The control: a value stored in clear on purpose (an organization's name) is found by the same scan.
    check(scan(store_files(s), [b"Org sealed-org"]), "the scan does not read the store")


@test
def rekey_resumes_after_a_crash_and_moves_everything(s):
    new_key = os.path.join(s.tmp, "new.key")
    eq(run_cli("keygen", new_key).returncode, 0)
    s.stop()
    # A crash at a batch boundary, twice, then to the end.
    r = run_cli("rekey", "--db", s.db_url, "--key-file", s.key, "--new-key-file", new_key,
                "--batch-size", "3", "--stop-after-batches", "2")
    eq(r.returncode, 3, r.stdout + r.stderr)
    # Half-way, the server refuses either key alone?  The key check still names the old key.
    r = run_cli("rekey", "--db", s.db_url, "--key-file", s.key, "--new-key-file", new_key,
                "--batch-size", "3", "--stop-after-batches", "3")
    eq(r.returncode, 3, r.stdout + r.stderr)
    check("resuming" in r.stdout, r.stdout)
    # A real crash: SIGKILL at a random moment, then resume to the end.
    p = subprocess.Popen([BIN, "rekey", "--db", s.db_url, "--key-file", s.key, "--new-key-file", new_key,
                          "--batch-size", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(random.uniform(0.01, 0.15))
    p.send_signal(signal.SIGKILL)
    p.wait()
    r = run_cli("rekey", "--db", s.db_url, "--key-file", s.key, "--new-key-file", new_key)
    eq(r.returncode, 0, r.stdout + r.stderr)
    check("done" in r.stdout or "already done" in r.stdout, r.stdout)
    # Every sealed row is labelled with the new key.
    fp_rows = sql(s, "SELECT DISTINCT key_id FROM person_fields")
    eq(len(fp_rows), 1, "person fields under one key")
    # The old key no longer opens the database; the new one serves everything.
    r = run_cli("audit", "verify", "--db", s.db_url, "--key-file", s.key)
    check(r.returncode != 0, "the old key still verifies the chain")
    eq(run_cli("audit", "verify", "--db", s.db_url, "--key-file", new_key).returncode, 0)
    old_key = s.key
    s.key = new_key
    s.start()
    try:
        s.token = api_login(s, s.cw)
        c = s.canaries[1]
        r = s.api("GET", "/api/v1/persons?q=" + c["last"], token=s.token)
        eq(r.status, 200, r.text)
        eq(len(r.json()["items"]), 1, "blind index rebuilt under the new key")
        pid, cid = s.persons[1]
        r = s.api("GET", f"/api/v1/cases/{cid}/notes", token=s.token)
        eq(r.status, 200, r.text)
        check(c["casenote"] in r.text, "case note opens under the new key")
        # The manager's second factor was re-sealed too.
        api_login(s, s.mgr)
    finally:
        s.key = new_key
    r = run_cli("rekey", "--db", s.db_url, "--key-file", old_key, "--new-key-file", new_key)
    eq(r.returncode, 0)
    check("already done" in r.stdout, r.stdout)
