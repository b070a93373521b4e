#!/usr/bin/env python3
"""End-to-end checks against one instance started by scripts/mail/servers.sh up DIR.

Reads the RAPPORT_TEST_* variables (source DIR/env first). Standard library only.
Run by scripts/mail/smoke.sh; usable by hand too:

    source DIR/env && python3 scripts/mail/smoke_check.py
"""

import imaplib
import os
import re
import smtplib
import ssl
import sys
import time
import uuid
from email.message import EmailMessage

E = os.environ
HOST = E["RAPPORT_TEST_IMAP_HOST"]
SMTP_HOST = E.get("RAPPORT_TEST_SMTP_HOST", HOST)
IMAPS = int(E["RAPPORT_TEST_IMAPS_PORT"])
IMAP = int(E["RAPPORT_TEST_IMAP_PORT"])
SMTP = int(E["RAPPORT_TEST_SMTP_PORT"])
SUBMISSION = int(E["RAPPORT_TEST_SUBMISSION_PORT"])
SMTPS = int(E["RAPPORT_TEST_SMTPS_PORT"])
CA = E["RAPPORT_TEST_CA"]
PASSWORD = E["RAPPORT_TEST_PASSWORD"]
DOMAIN = E["RAPPORT_TEST_DOMAIN"]
TALENT = f"talent@{DOMAIN}"
JANE = f"jane@{DOMAIN}"
OMAR = f"omar@{DOMAIN}"
TIMEOUT = 30
ARRIVAL_SECONDS = 20

results = []  # (name, ok, seconds, detail)


def tls_context():
    # Verifies the chain against the test CA only, and the hostname (localhost).
    ctx = ssl.create_default_context(cafile=CA)
    ctx.check_hostname = True
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def check(name):
    def wrap(fn):
        t0 = time.monotonic()
        try:
            detail = fn() or ""
            ok = True
        except Exception as e:  # noqa: BLE001 - report every failure, keep going
            detail = f"{type(e).__name__}: {e}"
            ok = False
        dt = time.monotonic() - t0
        results.append((name, ok, dt, detail))
        print(f"{'ok  ' if ok else 'FAIL'} {dt:6.2f}s  {name}{('  -- ' + detail) if detail else ''}", flush=True)
        return fn

    return wrap


def message(sender, rcpt, token):
    m = EmailMessage()
    m["From"] = sender
    m["To"] = rcpt
    m["Subject"] = f"rapport smoke {token}"
    m["Message-ID"] = f"<{token}@smoke.{DOMAIN}>"
    m.set_content(f"Hello from the rapport smoke test ({token}).\n")
    return m


def imaps_login(user):
    c = imaplib.IMAP4_SSL(HOST, IMAPS, ssl_context=tls_context(), timeout=TIMEOUT)
    c.login(user, PASSWORD)
    return c


def wait_for(user, token, mailbox="INBOX"):
    """Poll USER's MAILBOX over IMAPS until a message whose Subject has TOKEN is there."""
    c = imaps_login(user)
    try:
        deadline = time.monotonic() + ARRIVAL_SECONDS
        while True:
            typ, _ = c.select(mailbox, readonly=True)
            assert typ == "OK", f"SELECT {mailbox} failed"
            typ, data = c.uid("SEARCH", None, "HEADER", "Subject", token)
            assert typ == "OK"
            uids = data[0].split()
            if uids:
                typ, data = c.uid("FETCH", uids[0], "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
                assert token.encode() in data[0][1], "fetched the wrong message"
                return f"uid {uids[0].decode()} in {user}'s {mailbox}"
            if time.monotonic() > deadline:
                raise AssertionError(f"{token} did not reach {user}'s {mailbox} in {ARRIVAL_SECONDS}s")
            c.close()
            time.sleep(0.1)
    finally:
        try:
            c.logout()
        except Exception:  # noqa: BLE001
            pass


def expect_smtp_error(fn, codes, what):
    try:
        fn()
    except smtplib.SMTPRecipientsRefused as e:
        got = [v[0] for v in e.recipients.values()]
        assert all(g in codes for g in got), f"{what}: expected {codes}, got {e.recipients}"
        return f"{what}: {list(e.recipients.values())[0][0]} {list(e.recipients.values())[0][1].decode()[:60]}"
    except (smtplib.SMTPResponseException,) as e:
        assert e.smtp_code in codes, f"{what}: expected {codes}, got {e.smtp_code} {e.smtp_error!r}"
        return f"{what}: {e.smtp_code} {e.smtp_error.decode(errors='replace')[:60]}"
    raise AssertionError(f"{what}: was accepted")


@check("1. inbound SMTP (no auth) -> talent's INBOX over IMAPS (cert verified against the CA)")
def _():
    token = uuid.uuid4().hex
    with smtplib.SMTP(SMTP_HOST, SMTP, timeout=TIMEOUT) as s:
        s.ehlo("candidate.example.org")
        s.send_message(message("someone@candidate.example.org", TALENT, token))
    return wait_for(TALENT, token)


@check("2. submission STARTTLS + AUTH as talent -> jane's INBOX")
def _():
    token = uuid.uuid4().hex
    with smtplib.SMTP(SMTP_HOST, SUBMISSION, timeout=TIMEOUT) as s:
        s.ehlo("rapport")
        assert "auth" not in s.esmtp_features, "AUTH offered before STARTTLS"
        s.starttls(context=tls_context())
        s.ehlo("rapport")
        assert "auth" in s.esmtp_features, "AUTH not offered after STARTTLS"
        s.login(TALENT, PASSWORD)
        s.send_message(message(TALENT, JANE, token))
    return wait_for(JANE, token)


@check("3. SMTPS (implicit TLS) + AUTH as talent -> jane's and omar's INBOX")
def _():
    token = uuid.uuid4().hex
    with smtplib.SMTP_SSL(SMTP_HOST, SMTPS, context=tls_context(), timeout=TIMEOUT) as s:
        s.login(TALENT, PASSWORD)
        s.send_message(message(TALENT, JANE, token), to_addrs=[JANE, OMAR])
    return wait_for(JANE, token) + "; " + wait_for(OMAR, token)


@check("4a. submission without AUTH: plaintext MAIL refused, relaying and local delivery refused")
def _():
    notes = []
    with smtplib.SMTP(SMTP_HOST, SUBMISSION, timeout=TIMEOUT) as s:
        s.ehlo("rapport")
        code, msg = s.mail(TALENT)
        assert code == 530, f"MAIL before STARTTLS: expected 530, got {code} {msg!r}"
        notes.append(f"before STARTTLS: {code}")
    for rcpt, what in (("someone@elsewhere.example.org", "relay"), (JANE, "local")):
        with smtplib.SMTP(SMTP_HOST, SUBMISSION, timeout=TIMEOUT) as s:
            s.starttls(context=tls_context())
            notes.append(expect_smtp_error(
                lambda: s.send_message(message(TALENT, rcpt, uuid.uuid4().hex)), (554, 550, 553), what))
    with smtplib.SMTP_SSL(SMTP_HOST, SMTPS, context=tls_context(), timeout=TIMEOUT) as s:
        notes.append("smtps " + expect_smtp_error(
            lambda: s.send_message(message(TALENT, "x@elsewhere.example.org", uuid.uuid4().hex)),
            (554, 550, 553), "relay"))
    return "; ".join(notes)


@check("4b. inbound SMTP refuses relaying and unknown users")
def _():
    notes = []
    for rcpt, what in (("someone@elsewhere.example.org", "relay"), (f"nobody@{DOMAIN}", "unknown user")):
        with smtplib.SMTP(SMTP_HOST, SMTP, timeout=TIMEOUT) as s:
            notes.append(expect_smtp_error(
                lambda: s.send_message(message("a@candidate.example.org", rcpt, uuid.uuid4().hex)),
                (554, 550), what))
    return "; ".join(notes)


@check("4c. wrong passwords refused (SMTP AUTH and IMAP LOGIN; ~2 s auth_failure_delay each)")
def _():
    with smtplib.SMTP(SMTP_HOST, SUBMISSION, timeout=TIMEOUT) as s:
        s.starttls(context=tls_context())
        s.ehlo("rapport")
        # One AUTH PLAIN attempt: smtplib's login() would retry with LOGIN, costing 2 s more.
        s.user, s.password = TALENT, "wrong-password"
        try:
            s.auth("PLAIN", s.auth_plain)
        except smtplib.SMTPAuthenticationError as e:
            smtp_note = f"submission {e.smtp_code}"
        else:
            raise AssertionError("submission accepted a wrong password")
    c = imaplib.IMAP4_SSL(HOST, IMAPS, ssl_context=tls_context(), timeout=TIMEOUT)
    try:
        c.login(TALENT, "wrong-password")
    except imaplib.IMAP4.error as e:
        imap_note = f"imaps {e}"
    else:
        raise AssertionError("IMAP accepted a wrong password")
    finally:
        try:
            c.logout()
        except Exception:  # noqa: BLE001
            pass
    return f"{smtp_note}; {imap_note}"


@check("5. IMAP STARTTLS login; CAPABILITY has IDLE CONDSTORE QRESYNC UIDPLUS SPECIAL-USE MOVE")
def _():
    c = imaplib.IMAP4(HOST, IMAP, timeout=TIMEOUT)
    pre = set(c.capabilities)
    assert "STARTTLS" in pre, f"no STARTTLS in {pre}"
    c.starttls(ssl_context=tls_context())
    c.login(TALENT, PASSWORD)
    typ, data = c.capability()
    caps = set(data[0].decode().upper().split())
    missing = {"IDLE", "CONDSTORE", "QRESYNC", "UIDPLUS", "SPECIAL-USE", "MOVE"} - caps
    assert not missing, f"missing {missing} in {sorted(caps)}"
    typ, data = c.enable("CONDSTORE")
    typ, data = c.select("INBOX")
    modseq = c.untagged_responses.get("HIGHESTMODSEQ")
    c.logout()
    note = "LOGINDISABLED before STARTTLS" if "LOGINDISABLED" in pre else \
        "no LOGINDISABLED before STARTTLS (Dovecot treats loopback as secure)"
    return f"{note}; HIGHESTMODSEQ {modseq[0].decode() if modseq else None}"


@check("6. LIST: Sent/Drafts/Archive/Trash carry their SPECIAL-USE attributes (and are subscribed)")
def _():
    c = imaps_login(TALENT)
    try:
        typ, data = c.list('""', "*")
        assert typ == "OK"
        attrs = {}
        for line in data:
            m = re.match(rb'\((?P<a>[^)]*)\) "(?P<sep>[^"]*)" (?P<name>.*)', line)
            assert m, f"unparsed LIST line {line!r}"
            attrs[m["name"].strip(b'"').decode()] = m["a"].decode().split()
        want = {"Sent": "\\Sent", "Drafts": "\\Drafts", "Archive": "\\Archive", "Trash": "\\Trash"}
        for box, flag in want.items():
            assert flag in attrs.get(box, []), f"{box}: {attrs.get(box)} lacks {flag} (LIST: {attrs})"
        typ, data = c.lsub('""', "*")
        subscribed = {re.match(rb'\([^)]*\) "[^"]*" (.*)', l).group(1).strip(b'"').decode() for l in data}
        assert set(want) <= subscribed, f"not all subscribed: {subscribed}"
        return " ".join(f"{k}={' '.join(v)}" for k, v in sorted(attrs.items()))
    finally:
        c.logout()


@check("7. IDLE: a mail delivered over SMTP is pushed as EXISTS; APPEND to Sent returns APPENDUID")
def _():
    c = imaps_login(TALENT)
    try:
        typ, data = c.select("INBOX")
        before = int(data[0])
        tag = c._new_tag().decode()
        c.send(f"{tag} IDLE\r\n".encode())
        line = c.readline()
        assert line.startswith(b"+"), f"IDLE not accepted: {line!r}"
        token = uuid.uuid4().hex
        t0 = time.monotonic()
        with smtplib.SMTP(SMTP_HOST, SMTP, timeout=TIMEOUT) as s:
            s.send_message(message("someone@candidate.example.org", TALENT, token))
        c.sock.settimeout(ARRIVAL_SECONDS)
        while True:
            line = c.readline()
            m = re.match(rb"\* (\d+) EXISTS", line)
            if m and int(m[1]) > before:
                break
        pushed = time.monotonic() - t0
        c.send(b"DONE\r\n")
        while not c.readline().startswith(tag.encode()):
            pass
        c.sock.settimeout(TIMEOUT)
        msg = message(TALENT, JANE, uuid.uuid4().hex).as_bytes().replace(b"\n", b"\r\n")
        typ, data = c.append("Sent", "(\\Seen)", None, msg)
        assert typ == "OK" and b"APPENDUID" in data[0], f"APPEND: {typ} {data!r}"
        return f"EXISTS {pushed:.2f}s after SMTP; {data[0].decode()}"
    finally:
        try:
            c.logout()
        except Exception:  # noqa: BLE001
            pass


failed = [r for r in results if not r[1]]
print(f"smoke: {len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
