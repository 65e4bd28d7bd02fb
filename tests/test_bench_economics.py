"""The economics benchmark's plain parts: its period and its table."""

from datetime import date

from benchmarks import bench_economics as bench


def test_the_period_is_the_full_months_before_the_current_one():
    assert bench.period_bounds(date(2026, 12, 5), 3) == (
        date(2026, 9, 1),
        date(2026, 11, 30),
    )
    assert bench.period_bounds(date(2026, 3, 1), 3) == (
        date(2025, 12, 1),
        date(2026, 2, 28),
    )


def _figure(what, rows, seconds, goal=None, unit="checks"):
    return {
        "what": what,
        "rows": rows,
        "unit": unit,
        "seconds": seconds,
        "first": seconds,
        "goal": goal,
    }


def _result(members, figures, counts=None):
    return {
        "started": "2026-12-05T03:00",
        "minutes": 12.5,
        "members": members,
        "period": ["2026-09-01", "2026-11-30"],
        "counts": counts or {},
        "figures": figures,
    }


def test_the_table_states_goals_rates_and_the_extrapolation_as_such():
    result = _result(
        500_000,
        [
            _figure("economics report by month", 3_000_000, 0.5, 3.0, "order lines"),
            _figure("what-if of 3 months, both replays", 1_500_000, 400.0, 300.0),
            _figure(
                "what-if of 3 months, the rules tried only", 1_500_000, 250.0, 300.0
            ),
        ],
        {"loyalty_club_transaction": 2_000_000},
    )
    text = bench.render(result)
    assert "| economics report by month | 3,000,000 order lines | 0.50 s |" in text
    assert "6,000,000 order lines/s | 3 s: met |" in text
    assert "3,750 checks/s | 300 s: missed |" in text
    assert "6,000 checks/s | 300 s: met |" in text
    # 3M checks at 400 s per 1.5M: 800 s, stated as not measured
    assert "Extrapolated, not measured (what-if of 3 months, both replays): " in text
    assert "would take 13.3 min (goal 5 min)" in text
    # the replays run alongside the reading: the difference is what the
    # current rules' replay adds
    assert "replaying the current rules as well adds 150.0 s" in text
    # the load and the CPU, when the run recorded them
    result["figures"][1].update(load=[3.5, 4.25], cpu=61.0, workers_cpu=120.5)
    text = bench.render(result)
    assert (
        "what-if of 3 months, both replays: load average (1 min, 2 shared cores) "
        "3.5 before, 4.2 after; CPU of the reading process 61.0 s, of the worker "
        "processes replaying 120.5 s." in text
    )


def test_at_the_goals_volume_nothing_is_extrapolated():
    result = _result(
        1_000_000,
        [_figure("what-if of 3 months, both replays", 3_536_841, 217.0, 300.0)],
    )
    text = bench.render(result)
    assert "16,299 checks/s | 300 s: met |" in text
    assert "Extrapolated" not in text
