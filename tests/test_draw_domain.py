"""The draw protocol, re-run the way an auditor would: hashlib and hmac only."""

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loyalty_club.domain import draw
from loyalty_club.domain.errors import DomainError

SEED = "0f" * 32


def test_commitment_is_sha256_of_the_seed():
    assert draw.commitment(SEED) == hashlib.sha256(SEED.encode()).hexdigest()
    assert draw.verify(SEED, draw.commitment(SEED))
    assert draw.verify(SEED, draw.commitment(SEED).upper() + "\n")
    assert not draw.verify("1f" * 32, draw.commitment(SEED))
    assert not draw.verify("not hex", draw.commitment(SEED))


def test_bad_seed_is_refused():
    for bad in ("", "ab", "zz" * 32, None):
        with pytest.raises(DomainError):
            draw.commitment(bad)


def test_new_seeds_are_fresh_hex():
    seeds = {draw.new_seed() for _ in range(20)}
    assert len(seeds) == 20
    assert all(len(s) == 64 and int(s, 16) >= 0 for s in seeds)


def audit(seed, lines, winners):
    """An independent re-implementation from the module's docstring."""
    tickets = []
    for line in lines:
        key, owner = line.split(",")
        mac = hmac.new(seed.encode(), key.encode(), hashlib.sha256).hexdigest()
        tickets.append((mac, key.encode(), key, owner))
    chosen, owners = [], set()
    for _mac, _k, key, owner in sorted(tickets):
        if owner not in owners:
            owners.add(owner)
            chosen.append(key)
    return chosen[:winners]


def test_published_list_and_digest():
    entries = [("10", "7"), ("2", "7"), ("3", "8")]
    lines = draw.entry_lines(entries)
    assert lines == ["10,7", "2,7", "3,8"], "sorted by bytes, as LC_ALL=C sort"
    text = "".join(line + "\n" for line in lines)
    assert draw.entries_digest(entries) == hashlib.sha256(text.encode()).hexdigest()
    assert draw.parse_lines("entry,member\n" + text) == [
        draw.Entry(*e) for e in entries
    ]


def test_one_owner_wins_once():
    entries = [(str(n), "same") for n in range(50)] + [("x", "other")]
    winners = draw.draw(SEED, entries, 5)
    assert [w.owner for w in winners] in (["same", "other"], ["other", "same"])
    assert [w.rank for w in winners] == [1, 2]


def test_bad_entries():
    with pytest.raises(DomainError):
        draw.draw(SEED, [("1", "a"), ("1", "b")], 1)
    with pytest.raises(DomainError):
        draw.draw(SEED, [("1,2", "a")], 1)
    with pytest.raises(DomainError):
        draw.draw(SEED, [("1", "a")], 0)
    assert draw.draw(SEED, [], 3) == []


seeds = st.binary(min_size=32, max_size=32).map(bytes.hex)
entry_sets = st.dictionaries(
    st.integers(min_value=1, max_value=10**9).map(str),
    st.integers(min_value=1, max_value=30).map(str),
    max_size=60,
)


@given(seeds, entry_sets, st.integers(min_value=1, max_value=10))
def test_matches_an_independent_audit_whatever_the_order(seed, mapping, k):
    entries = list(mapping.items())
    winners = draw.draw(seed, entries, k)
    assert [w.key for w in winners] == audit(seed, draw.entry_lines(entries), k)
    assert draw.draw(seed, list(reversed(entries)), k) == winners
    assert len(winners) == min(k, len(set(mapping.values())))
    assert len({w.owner for w in winners}) == len(winners)
    for w in winners:
        assert w.ticket == draw.ticket(seed, w.key)


@given(seeds, entry_sets)
def test_more_winners_extend_fewer(seed, mapping):
    entries = list(mapping.items())
    assert draw.draw(seed, entries, 10)[:3] == draw.draw(seed, entries, 3)


def test_every_entry_can_win():
    # 400 draws over 4 entries of 4 owners: each wins first place sometimes
    firsts = {
        draw.draw(f"{n:064x}", [(k, k) for k in "abcd"], 1)[0].key for n in range(400)
    }
    assert firsts == set("abcd")


def test_the_auditors_script_agrees(tmp_path):
    """examples/draw_audit.py, stdlib only, re-runs a published draw."""
    import subprocess
    import sys
    from pathlib import Path

    entries = [(str(n), str(n % 7)) for n in range(1, 200)]
    csv_file = tmp_path / "entries.csv"
    csv_file.write_text("entry,member\n" + "\n".join(draw.entry_lines(entries)) + "\n")
    script = Path(__file__).resolve().parent.parent / "examples" / "draw_audit.py"
    args = [sys.executable, str(script), str(csv_file), SEED, draw.commitment(SEED)]
    out = subprocess.run(
        [*args, "3", draw.entries_digest(entries)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    expected = [
        f"entry {w.key} (member {w.owner})" for w in draw.draw(SEED, entries, 3)
    ]
    ranked = [line for line in out.splitlines() if line[:1].isdigit()]
    assert [line.split(". ", 1)[1].split(",")[0] for line in ranked] == expected
    bad = subprocess.run(
        [*args[:3], "1f" * 32, draw.commitment(SEED), "3"], check=False
    )
    assert bad.returncode != 0
