#!/usr/bin/env python3
"""The straightforward alternative to Mailroom's dry run, for the benchmark's side-by-side figure.

What a data engineer would write with Python's standard library alone: read an mbox or a Maildir with `mailbox`,
parse each message with the `email` package (modern policy), take the participants, deduplicate by Message-ID
(else a hash of the body), thread by In-Reply-To/References (union-find over ids), link external addresses to
contacts from the CSV's email columns, classify threads (matched / unmatched / internal-only), and write one
NDJSON line per message plus a summary. No window, no quarantine detail, no snippets: less work than Mailroom
does, so the comparison flatters the script.

    scripts/bench_python.py --mailbox PATH --format mbox|maildir --contacts FILE --own-domain DOMAIN --out DIR
"""
import argparse
import csv
import email.policy
import email.utils
import hashlib
import json
import mailbox
import os
import sys
from email.parser import BytesParser


def addresses(msg, *headers):
    out = []
    for h in headers:
        for v in msg.get_all(h, []):
            for _, addr in email.utils.getaddresses([str(v)]):
                if "@" in addr:
                    out.append(addr.strip().lower())
    return out


def ids(value):
    if not value:
        return []
    return [p.strip("<> \t\r\n") for p in str(value).split() if "@" in p]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mailbox", required=True)
    ap.add_argument("--format", choices=["mbox", "maildir"], required=True)
    ap.add_argument("--contacts", required=True)
    ap.add_argument("--own-domain", action="append", default=[])
    ap.add_argument("--out", required=True)
    a = ap.parse_args()

    contact_of = {}
    with open(a.contacts, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for k, v in row.items():
                if k and "email" in k.lower() and v:
                    for addr in v.replace(",", ";").split(";"):
                        if "@" in addr:
                            contact_of.setdefault(addr.strip().lower(), row.get("id") or addr)
    own = tuple("@" + d.lower() for d in a.own_domain)

    box = mailbox.mbox(a.mailbox, create=False) if a.format == "mbox" else mailbox.Maildir(a.mailbox, create=False)
    parser = BytesParser(policy=email.policy.default)
    os.makedirs(a.out, exist_ok=True)
    seen = set()
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    kept = []
    failed = 0
    with open(os.path.join(a.out, "messages.ndjson"), "w", encoding="utf-8") as out:
        for key in box.iterkeys():
            try:
                raw = box.get_bytes(key)
                msg = parser.parsebytes(raw)
                mid = (ids(msg["Message-ID"]) or [None])[0]
                ident = mid or "hash:" + hashlib.sha256(raw).hexdigest()
                if ident in seen:
                    continue
                seen.add(ident)
                people = addresses(msg, "From", "Sender", "Reply-To", "To", "Cc", "Bcc")
                refs = ids(msg["References"]) + ids(msg["In-Reply-To"])
                for r in refs:
                    parent[find(r)] = find(ident)
                find(ident)
                date = msg["Date"]
                subject = str(msg["Subject"] or "")
                out.write(json.dumps({"id": ident, "subject": subject, "date": str(date) if date else None,
                                      "participants": people, "references": refs}) + "\n")
                kept.append((ident, people))
            except Exception:  # the script's whole error handling: count and go on
                failed += 1
    threads = {}
    for ident, people in kept:
        threads.setdefault(find(ident), []).extend(people)
    classes = {"matched": 0, "unmatched": 0, "internal-only": 0}
    for people in threads.values():
        external = [p for p in people if not p.endswith(own)]
        if not external:
            classes["internal-only"] += 1
        elif any(p in contact_of for p in external):
            classes["matched"] += 1
        else:
            classes["unmatched"] += 1
    json.dump({"messages": len(kept), "failed": failed, "threads": len(threads), **classes}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
