#!/usr/bin/env python3
"""The floor for an initial sync: fetch every message of some folders over IMAPS, discard it.

    raw_fetch.py HOST PORT CA_FILE USER PASSWORD_ENV FOLDER...

Logs in with imaplib over TLS (trusting only CA_FILE), EXAMINEs each folder and sends one
`UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])`. The response is streamed
off the socket: lines are read, literals ({N}) are read into a reused buffer and dropped, so
memory stays flat whatever the folder size and no client-side parsing beyond the literal
framing is done. Prints one line per folder and a total line ("messages bytes seconds") on
stdout; exits non-zero on any IMAP error.
"""

import imaplib
import os
import re
import ssl
import sys
import time

LITERAL = re.compile(rb"\{(\d+)\}\r\n$")
CHUNK = 1 << 20


def fetch_all(imap: imaplib.IMAP4_SSL, tag: bytes) -> tuple[int, int]:
    """Streams one UID FETCH 1:* response; returns (messages, literal bytes)."""
    imap.send(tag + b" UID FETCH 1:* (UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])\r\n")
    f = imap.file
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    messages = 0
    literal_bytes = 0
    while True:
        line = f.readline()
        if not line:
            raise RuntimeError("connection closed during FETCH")
        if line.startswith(tag + b" "):
            if not line[len(tag) + 1 :].startswith(b"OK"):
                raise RuntimeError(f"FETCH failed: {line!r}")
            return messages, literal_bytes
        if line.startswith(b"* ") and b" FETCH " in line[:32]:
            messages += 1
        # A line may end in several literals in a row ("... BODY[] {N}\r\n<N bytes>)\r\n").
        while True:
            m = LITERAL.search(line)
            if not m:
                break
            n = int(m.group(1))
            literal_bytes += n
            while n > 0:
                got = f.readinto(view[: min(n, CHUNK)])
                if not got:
                    raise RuntimeError("connection closed inside a literal")
                n -= got
            line = f.readline()


def main() -> int:
    if len(sys.argv) < 7:
        print(__doc__, file=sys.stderr)
        return 2
    host, port, ca, user, password_env = sys.argv[1:6]
    folders = sys.argv[6:]
    ctx = ssl.create_default_context(cafile=ca)
    start = time.perf_counter()
    imap = imaplib.IMAP4_SSL(host, int(port), ssl_context=ctx)
    imap.login(user, os.environ[password_env])
    total_m = total_b = 0
    for i, folder in enumerate(folders):
        typ, data = imap.select(folder, readonly=True)
        if typ != "OK":
            raise RuntimeError(f"EXAMINE {folder}: {data!r}")
        exists = int(data[0])
        t = time.perf_counter()
        m, b = fetch_all(imap, b"RAW%d" % i)
        if m != exists:
            raise RuntimeError(f"{folder}: fetched {m} messages, the folder has {exists}")
        print(f"{folder}: {m} messages {b} bytes {time.perf_counter() - t:.3f} s")
        total_m += m
        total_b += b
    imap.logout()
    print(f"total {total_m} {total_b} {time.perf_counter() - start:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
