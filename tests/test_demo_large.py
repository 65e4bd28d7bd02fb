"""The plain parts of ./club run --demo-size large: the arrays the 100,000
members are drawn from, their phones and the generator's knobs."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "tools") not in sys.path:
    sys.path.insert(0, str(ROOT / "tools"))

import club_demo_large as large  # noqa: E402

from benchmarks.datagen_ledger import stage_plan  # noqa: E402

DATA = large.chain_data()
ARRAYS = large.people_arrays(DATA)
SMALL_CHAIN = 520  # members the demo addon makes itself


def test_names_come_in_pairs_with_their_latin_spelling():
    for key, names in ARRAYS.items():
        if key[:2] in ("uk", "ru") and not key.endswith("_lat"):
            latin = ARRAYS[f"{key}_lat"]
            assert len(latin) == len(names) > 0, key
            for name, spelt in zip(names, latin, strict=True):
                # the e-mail part is plain ASCII, the name itself Cyrillic
                assert spelt.isascii() and spelt.replace("'", "").isalpha(), spelt
                assert not name.isascii(), name
    for sex in ("m", "f"):
        assert len(ARRAYS[f"uk_pair_{sex}"]) == len(DATA.UK_SURNAME_PAIRS)
        assert len(ARRAYS[f"ru_pair_{sex}"]) == len(DATA.RU_SURNAME_PAIRS)
    # a pair gives the man's form and the woman's, different words
    assert all(
        m != f for m, f in zip(ARRAYS["ru_pair_m"], ARRAYS["ru_pair_f"], strict=True)
    )


def test_cities_are_drawn_by_weight_with_their_streets_and_zip():
    pick = ARRAYS["city_pick"]
    for index, city in enumerate(DATA.CITIES, start=1):
        assert pick.count(index) == city[1], city[0]
        first = ARRAYS["street_from"][index - 1]
        count = ARRAYS["street_count"][index - 1]
        assert ARRAYS["street"][first - 1 : first - 1 + count] == city[3]
        zip_prefix = ARRAYS["city_zip"][index - 1]
        assert len(zip_prefix) == 2 and zip_prefix.isdigit()
        assert 0 <= ARRAYS["city_ru"][index - 1] <= 100
    assert ARRAYS["city"] == [c[0] for c in DATA.CITIES]
    # every store's city is among the members' cities
    assert {s[2] for s in DATA.STORES} <= set(ARRAYS["city"])


def test_phones_are_unique_and_apart_from_the_small_chain():
    operators = len(ARRAYS["operator"])
    phones = {large.phone_digits(g, operators) for g in range(large.MEMBERS)}
    assert len(phones) == large.MEMBERS
    assert all(large.PHONE_BASE <= digits < 10_000_000 for _op, digits in phones)
    # the demo addon's numbers: (index * 7919 + 1234567) mod 10**7
    small = {(i * 7919 + 1_234_567) % 10_000_000 for i in range(SMALL_CHAIN)}
    assert max(small) < large.PHONE_BASE


def test_every_credit_of_the_grown_chain_is_a_purchase():
    scale = large.scale_for(large.MEMBERS)
    plan = stage_plan(scale, SMALL_CHAIN, large.MEMBERS)
    assert plan["step"] == 1  # each earn credit has its check and POS order
    assert plan["lots"] >= 2 * (large.MEMBERS - SMALL_CHAIN)
    assert plan["expiring"] <= plan["lots"] // 3
