"""Prize draws anyone can re-run: commit, reveal, rank.

The protocol, in full (an auditor needs nothing else):

1. Before the period ends the club draws a secret ``seed`` (64 hex characters
   from a cryptographic generator) and publishes only its commitment
   ``sha256(seed as ASCII).hexdigest()``.
2. When the period is over the entries are frozen: one line per entry,
   ``<entry>,<owner>`` (an entry is a qualifying check or a member, its owner the
   member who wins with it). The list is published with its digest
   ``sha256("\\n".join(sorted lines) + "\\n")``; lines sort by their UTF-8 bytes,
   as ``LC_ALL=C sort`` does.
3. The seed is revealed. Anyone checks ``sha256(seed) == commitment``.
4. Every entry gets a ticket ``HMAC-SHA256(key=seed as ASCII, msg=entry as
   UTF-8)`` in hex. Entries are taken by ascending ticket (ties, which do not
   happen in practice, by entry); an entry whose owner already won is skipped,
   until ``winners`` owners are chosen. This is sampling without replacement:
   every owner's chance is proportional to their entries, no entry order or
   modulo bias matters, and nobody can move a ticket without the seed, which was
   fixed before the entries were known.

``python -c`` with ``hashlib`` and ``hmac`` re-runs it in a few lines; so does
:func:`draw` here.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from .errors import DomainError

SEED_BYTES = 32


@dataclass(frozen=True)
class Entry:
    key: str
    owner: str


@dataclass(frozen=True)
class Winner:
    rank: int
    key: str
    owner: str
    ticket: str


def new_seed():
    """A fresh secret seed: 64 lowercase hex characters."""
    return secrets.token_hex(SEED_BYTES)


def _check_seed(seed):
    if not isinstance(seed, str) or len(seed) != 2 * SEED_BYTES:
        raise DomainError("bad_seed", "A seed is 64 hexadecimal characters.")
    try:
        int(seed, 16)
    except ValueError as exc:
        raise DomainError("bad_seed", "A seed is 64 hexadecimal characters.") from exc
    return seed.lower()


def commitment(seed):
    """What is published before the period ends."""
    return hashlib.sha256(_check_seed(seed).encode("ascii")).hexdigest()


def verify(seed, published):
    """True when the revealed seed is the one committed to."""
    try:
        expected = commitment(seed)
    except DomainError:
        return False
    return hmac.compare_digest(expected, (published or "").strip().lower())


def _entries(entries):
    out = []
    for entry in entries:
        key, owner = (
            (entry.key, entry.owner) if isinstance(entry, Entry) else tuple(entry)
        )
        key, owner = str(key), str(owner)
        if not key or any(c in key + owner for c in ",\n\r"):
            raise DomainError(
                "bad_entry", "Entry %(entry)r is empty or holds a comma.", entry=key
            )
        out.append(Entry(key, owner))
    keys = [e.key for e in out]
    if len(set(keys)) != len(keys):
        raise DomainError("duplicate_entry", "An entry appears twice.")
    return sorted(out, key=lambda e: e.key.encode("utf-8"))


def entry_lines(entries):
    """The published list: ``entry,owner`` lines in canonical order."""
    return [f"{e.key},{e.owner}" for e in _entries(entries)]


def entries_digest(entries):
    lines = sorted(line.encode("utf-8") for line in entry_lines(entries))
    return hashlib.sha256(b"".join(line + b"\n" for line in lines)).hexdigest()


def ticket(seed, key):
    return hmac.new(
        _check_seed(seed).encode("ascii"), str(key).encode("utf-8"), hashlib.sha256
    ).hexdigest()


def draw(seed, entries, winners):
    """The winners, in rank order, for this seed and these entries."""
    if not isinstance(winners, int) or winners < 1:
        raise DomainError(
            "bad_winners",
            "A draw has one winner or more, not %(winners)r.",
            winners=winners,
        )
    seed = _check_seed(seed)
    ranked = sorted(
        ((ticket(seed, e.key), e.key.encode("utf-8"), e) for e in _entries(entries)),
        key=lambda item: item[:2],
    )
    chosen, owners = [], set()
    for tick, _key, entry in ranked:
        if entry.owner in owners:
            continue
        owners.add(entry.owner)
        chosen.append(Winner(len(chosen) + 1, entry.key, entry.owner, tick))
        if len(chosen) == winners:
            break
    return chosen


def parse_lines(text):
    """Entries back from a published list (one ``entry,owner`` per line)."""
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("entry,"):
            continue
        key, _sep, owner = line.partition(",")
        entries.append(Entry(key, owner))
    return entries
