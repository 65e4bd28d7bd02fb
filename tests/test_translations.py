"""Every term an addon shows must be translated to Russian and Ukrainian."""

from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
# every addon of the repository (a folder with a manifest)
ADDONS = sorted(p.parent.name for p in ROOT.glob("*/__manifest__.py"))
LANGS = ["ru", "uk"]
POTS = [ROOT / a / "i18n" / f"{a}.pot" for a in ADDONS if (ROOT / a / "i18n").is_dir()]


def test_every_addon_has_a_template():
    missing = [a for a in ADDONS if not (ROOT / a / "i18n" / f"{a}.pot").exists()]
    assert not missing, f"no .pot exported for {missing}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("pot", POTS, ids=lambda p: p.parent.parent.name)
def test_every_term_is_translated(pot, lang):
    if not pot.exists():
        pytest.fail(f"{pot} is missing")
    po_path = pot.parent / f"{lang}.po"
    assert po_path.exists(), f"{po_path} is missing"
    po = {entry.msgid: entry for entry in polib.pofile(str(po_path))}
    untranslated = [
        entry.msgid
        for entry in polib.pofile(str(pot))
        if entry.msgid not in po or not po[entry.msgid].msgstr.strip()
    ]
    assert (
        not untranslated
    ), f"{po_path.name}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("pot", POTS, ids=lambda p: p.parent.parent.name)
def test_placeholders_survive_translation(pot, lang):
    po_path = pot.parent / f"{lang}.po"
    if not po_path.exists():
        pytest.skip("covered by test_every_term_is_translated")
    import re

    named = re.compile(r"%\(\w+\)s|%s|%d")
    broken = [
        e.msgid
        for e in polib.pofile(str(po_path))
        if e.msgstr
        and sorted(named.findall(e.msgid)) != sorted(named.findall(e.msgstr))
    ]
    assert not broken, f"{po_path.name}: placeholders differ in {broken[:5]}"


def test_glossary_covers_three_languages():
    import csv

    rows = list(csv.DictReader((ROOT / "i18n" / "glossary.csv").open(encoding="utf-8")))
    assert rows, "the glossary is empty"
    for row in rows:
        assert row["en"] and row["ru"] and row["uk"], row
