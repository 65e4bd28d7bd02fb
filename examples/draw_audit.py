#!/usr/bin/env python3
"""Re-run a Loyalty Club prize draw from what the club published: nothing but the
standard library, so an auditor needs neither Odoo nor the club's code.

    python3 draw_audit.py ENTRIES.csv SEED COMMITMENT WINNERS [ENTRIES_HASH]

ENTRIES.csv is the draw's "Export entries" file (``entry,member`` lines), SEED the
revealed seed, COMMITMENT the hash published before the period ended, WINNERS the
number of winners. It checks the seed against the commitment (and the list against
its hash) and prints the winners in rank order.
"""

import csv
import hashlib
import hmac
import sys


def main(path, seed, commitment, winners, entries_hash=None):
    if hashlib.sha256(seed.encode("ascii")).hexdigest() != commitment.lower():
        sys.exit("The seed does NOT match the commitment.")
    print("seed matches the commitment")
    with open(path, newline="", encoding="utf-8") as f:
        rows = [row for row in csv.reader(f) if row and row != ["entry", "member"]]
    lines = sorted(f"{e},{m}".encode() for e, m in rows)
    if entries_hash:
        digest = hashlib.sha256(b"".join(line + b"\n" for line in lines)).hexdigest()
        if digest != entries_hash.lower():
            sys.exit("The entries do NOT match their published hash.")
        print("entries match their hash")
    tickets = sorted(
        (
            hmac.new(seed.encode(), e.encode(), hashlib.sha256).hexdigest(),
            e.encode(),
            e,
            m,
        )
        for e, m in rows
    )
    owners, rank = set(), 0
    for ticket, _key, entry, member in tickets:
        if member in owners:
            continue
        owners.add(member)
        rank += 1
        print(f"{rank}. entry {entry} (member {member}), ticket {ticket}")
        if rank == winners:
            break


if __name__ == "__main__":
    if len(sys.argv) not in (5, 6):
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), *sys.argv[5:])
