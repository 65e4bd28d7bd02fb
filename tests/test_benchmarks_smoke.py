"""The pure parts of the benchmarks: scales, the seeded mix and phones, the
stage plans of the generator, percentiles, goals and the Markdown they make."""

import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import (  # noqa: E402
    bench_reports,
    datagen,
    goals,
    render,
    report,
    scales,
)
from benchmarks.datagen_ledger import stage_plan  # noqa: E402
from benchmarks.datagen_sql import mix, phone_e164, phone_multiplier  # noqa: E402
from benchmarks.run import shell_cmd  # noqa: E402


@pytest.mark.parametrize("name", sorted(scales.SCALES))
def test_scales_are_consistent(name):
    scale = scales.get(name)
    stages = scale.stages()
    assert stages[0][0] == 0 and stages[-1][1] == scale.members
    for total in (scale.credits, scale.lots, scale.orders, scale.debits):
        assert sum(scale.share(total, lo, hi) for lo, hi in stages) == total


@pytest.mark.parametrize("name", sorted(scales.SCALES))
def test_stage_plans_spread_every_debit(name):
    """Each stage lays its lots out so that every debit finds a lot of its own,
    only the knob's lots stay open past expiry, and shares add up."""
    scale = scales.get(name)
    expiring = 0
    for lo, hi in scale.stages():
        plan = stage_plan(scale, lo, hi)
        assert plan["old"] + plan["expiring"] + plan["current"] == plan["lots"]
        assert 0 <= plan["burnt_expiring"] <= plan["expiring"]
        assert 0 <= plan["burnt_current"] <= plan["current"]
        assert 0 <= plan["old_twice"] <= plan["old"]
        debits = (
            plan["old"]
            + plan["burnt_expiring"]
            + plan["burnt_current"]
            + plan["old_twice"]
        )
        assert debits == scale.share(scale.debits, lo, hi)
        expiring += plan["expiring"]
    assert expiring == scale.lots


def test_bad_knobs_are_refused():
    small = scales.get("small")
    with pytest.raises(ValueError, match="cards <= members"):
        scales.Scale(**dict(vars(small), cards=small.members + 1)).check()
    with pytest.raises(ValueError, match="third"):
        scales.Scale(**dict(vars(small), lots=small.credits)).check()
    with pytest.raises(ValueError, match="unknown scale"):
        scales.get("huge")


def test_mix_is_seeded_and_spread():
    values = [mix(i, 7) for i in range(10_000)]
    assert values == [mix(i, 7) for i in range(10_000)]
    assert values != [mix(i, 8) for i in range(10_000)]
    assert all(0 <= v < 2**31 for v in values)
    buckets = [0] * 10
    for v in values:
        buckets[v % 10] += 1
    assert min(buckets) > 800, buckets


def test_phones_are_unique_e164_mobiles():
    a, _b = phone_multiplier(42)
    assert a % 2 and a % 5
    phones = [phone_e164(i, 42) for i in range(50_000)]
    assert len(set(phones)) == len(phones)
    assert all(p.startswith("+79") and len(p) == 12 and p[1:].isdigit() for p in phones)
    assert phones != [phone_e164(i, 43) for i in range(50_000)]


def test_member_cards_are_valid_ean13():
    from loyalty_club.domain.cards import is_valid_ean13

    codes = datagen.emission_numbers(datagen.CARD_PREFIX, 0, 1000)
    assert len(set(codes)) == 1000 and all(map(is_valid_ean13, codes))


def test_percentiles_and_formats():
    samples = [0.001 * i for i in range(1, 101)]
    assert report.percentile(samples, 50) == pytest.approx(0.0505)
    assert report.percentile(samples, 100) == pytest.approx(0.1)
    figures = {}
    report.summarize(samples, "x", figures)
    assert figures["x.n"] == 100 and figures["x.p95"] > figures["x.p50"]
    assert report.count(1_000_000) == "1M" and report.count(100_000) == "100k"
    assert report.ms(0.0123) == "12.3 ms" and report.ratio(2, 1) == "2.00x"
    with pytest.raises(ValueError):
        report.percentile([], 50)


def test_readme_block_is_replaced_and_nothing_else():
    text = f"# A\n\n{report.START}\nold\n{report.END}\n\n## License\n"
    new = report.replace_block(text, "| new |\n")
    assert new == f"# A\n\n{report.START}\n| new |\n{report.END}\n\n## License\n"
    with pytest.raises(ValueError):
        report.replace_block("no markers", "x")


@pytest.mark.parametrize("flag", ["--update-docs", "--update-readme"])
def test_update_docs_rewrites_the_block_of_the_benchmarks_page(
    flag, tmp_path, monkeypatch
):
    """The generated block lives in docs/benchmarks.md (README.md links to it);
    --update-readme, the option's old name, still does the same."""
    from benchmarks import run  # noqa: PLC0415

    assert run.DOC == ROOT / "docs" / "benchmarks.md"
    text = run.DOC.read_text()
    assert text.count(report.START) == 1 and text.count(report.END) == 1
    assert report.START not in (ROOT / "README.md").read_text()
    page, results = tmp_path / "benchmarks.md", tmp_path / "results"
    results.mkdir()
    (results / "latest.md").write_text("| new |\n")
    page.write_text(f"# B\n\n{report.START}\nold\n{report.END}\n\n## After\n")
    monkeypatch.setattr(run, "DOC", page)
    monkeypatch.setattr(run, "RESULTS", results)
    assert run.main([flag]) == 0
    assert page.read_text() == (
        f"# B\n\n{report.START}\n| new |\n{report.END}\n\n## After\n"
    )


def test_shell_subcommand_comes_first():
    cmd = ["py", "/x/odoo-bin", "-c", "odoo.conf", "shell", "-d", "db", "--no-http"]
    assert shell_cmd(cmd) == [
        "py",
        "/x/odoo-bin",
        "shell",
        "-c",
        "odoo.conf",
        "-d",
        "db",
        "--no-http",
    ]


def _results():
    figures = {
        "session.plain.0.s": 0.10,
        "session.club.0.s": 0.11,
        "session.plain.1000000.s": 0.30,
        "session.club.1000000.s": 0.31,
        "session.partners_query.0.s": 0.001,
        "session.partners_query.1000000.s": 0.2,
        "sync.plain.mean": 0.10,
        "sync.club.mean": 0.11,
        "sync.loyalty.mean": 0.14,
        "identify.card.p95": 0.009,
        "identify.phone.p95": 0.030,
        "expiry.all_s": 30.0,
        "expiry.lots": 1_000_000,
        "emission.s": 10.0,
        "emission.cards": 100_000,
    }
    for v in ("plain", "club"):
        for level in (0, 1_000_000):
            figures[f"session.{v}.{level}.bytes"] = 300_000
            figures[f"session.{v}.{level}.queries"] = 120
    for v in ("plain", "club", "loyalty"):
        figures.update(
            {f"sync.{v}.p95": 0.2, f"sync.{v}.rate": 8.0, f"sync.{v}.queries": 130}
        )
    return {
        "scale": vars(scales.get("full")),
        "seed": 42,
        "started": "2026-01-01 00:00",
        "minutes": 1.0,
        "machine": dict(report.machine(), postgresql="15.4 (Debian)"),
        "counts": {"res_partner": 10},
        "figures": figures,
        "plans": [
            {
                "name": "identify by phone (club_phone)",
                "table": "res_partner",
                "uses_index": False,
                "plan": "Seq Scan on res_partner",
                "ms": 1.0,
                "proposal": "CREATE INDEX ...",
            }
        ],
        "notes": [],
    }


def test_goals_say_why_a_goal_is_missed():
    verdicts = {goal: verdict for goal, _fig, verdict in goals.judge(_results())}
    session = verdicts["POS session opening at 1M members <= 1.05x of 0 members"]
    assert session.startswith("**missed**") and "get_limited_partners" in session
    assert verdicts["order sync within 1.15x of plain POS"] == "met"
    assert verdicts["order sync faster than pos_loyalty"] == "met"
    assert verdicts["identify by card p95 <= 10 ms"] == "met"
    phone = verdicts["identify by phone p95 <= 10 ms"]
    assert "identify by phone (club_phone)" in phone
    assert verdicts["expiry of 1M lots <= 60 s"] == "met"
    assert verdicts["emission of 1M cards (with CSV) <= 60 s"].startswith("**missed")


def test_render_makes_the_tables():
    results = _results()
    text = render.render(results, goals.judge(results))
    for title in ("POS session opening", "Order sync", "Query plans", "Goals"):
        assert f"**{title}" in text
    assert "| 1M | ours (loyalty_club_pos) | 310.0 ms |" in text
    assert "**no**: `CREATE INDEX ...`" in text


def test_a_shared_machine_is_named_in_missed_goals():
    results = _results()
    results["machine"].update(load_max=9.5, load_mean=6.0, cores=2)
    verdicts = [verdict for _g, _f, verdict in goals.judge(results)]
    missed = [v for v in verdicts if v.startswith("**missed")]
    assert missed and all("shared" in v for v in missed)
    assert "**the machine was shared**" in render.render(results, [])


def test_job_profiles_name_the_heaviest_statements():
    results = _results()
    results["figures"]["expiry.profile"] = [
        {
            "sql": "UPDATE loyalty_club_lot SET remaining_minor = 0",
            "share": 0.4,
            "calls": 50,
        }
    ]
    results["figures"].update({"expiry.s": 30.0, "expiry.done": 1_000_000})
    text = render.render(results, goals.judge(results))
    assert "40% `UPDATE loyalty_club_lot SET remaining_minor = 0...` (50x)" in (
        goals.profile(results["figures"], "expiry.profile")
    )
    assert "| 40% `UPDATE loyalty_club_lot SET remaining_minor = 0...` |" in text


def test_messages_goal_and_job_row():
    results = _results()
    f = results["figures"]
    f.update(
        {
            "sync.club_sms.mean": 0.12,
            "sync.club_sms.p50": 0.115,
            "sync.club.p50": 0.11,
            "sync.club_sms.p95": 0.2,
            "sync.club_sms.rate": 8.0,
            "sync.club_sms.queries": 137,
            "messages.count": 100_000,
            "messages.received": 100_000,
            "messages.requests": 100_000,
            "messages.runs": 101,
            "messages.s": 200.0,
            "messages.rate": 500.0,
            "messages.queries_per_message": 0.25,
        }
    )
    verdicts = {goal: verdict for goal, _fig, verdict in goals.judge(results)}
    missed = verdicts["order sync with the purchase SMS on within 1.05x of off"]
    assert missed.startswith("**missed**") and "7 queries" in missed
    f["sync.club_sms.mean"] = 0.113
    verdicts = {goal: verdict for goal, _fig, verdict in goals.judge(results)}
    assert verdicts["order sync with the purchase SMS on within 1.05x of off"] == "met"
    text = render.render(results, goals.judge(results))
    assert "| ours, purchase SMS on | 113.0 ms |" in text
    assert "| 100k SMS, 101 runs; the fake gateway got 100k" in text
    assert "| 500 messages/s | 0.25/message |" in text


def test_heaviest_statement_is_one_explain_can_show():
    """At a tiny scale the ``SET LOCAL work_mem`` before the RFM query may take
    longer than the query: the plan shown is still the query's."""

    class Cursor:
        def execute(self, query, params=None, log_exceptions=True):
            time.sleep(0.02 if query.startswith("SET") else 0.001)

    ctx = SimpleNamespace(env=SimpleNamespace(cr=Cursor()))
    heavy = []
    with bench_reports.heaviest_statement(ctx, heavy):
        ctx.env.cr.execute("SET LOCAL work_mem = '256MB'")
        ctx.env.cr.execute("INSERT INTO rfm SELECT 1")
    assert heavy[1] == "INSERT INTO rfm SELECT 1"
