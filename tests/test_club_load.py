"""The figures of ./club load and the log reading of ./club test's replica
phase: what the user reads in their tables and verdicts."""

import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import club_load  # noqa: E402
import club_odoo  # noqa: E402
import club_test_replica  # noqa: E402

ODOO_CONFIG = ROOT / ".local" / "odoo" / "odoo" / "tools" / "config.py"


def test_percentiles_are_nearest_rank():
    values = list(range(100, 0, -1))  # unordered on purpose
    assert club_load.percentile(values, 50) == 50
    assert club_load.percentile(values, 95) == 95
    assert club_load.percentile(values, 99) == 99
    assert club_load.percentile([7], 95) == 7
    assert club_load.percentile([], 50) is None
    # a single slow call among 20 is the p99, not the p95
    assert club_load.percentile([10] * 19 + [900], 95) == 10
    assert club_load.percentile([10] * 19 + [900], 99) == 900


def test_summary_counts_rates_and_errors_per_call():
    calls = [
        ("identify", 200, 0.010, None, None),
        ("identify", 200, 0.030, None, None),
        ("identify", 404, 0.020, "member_not_found", None),
        ("confirm", 201, 0.100, None, "k1"),
        ("confirm", 409, 0.050, "concurrent_request", "k2"),
        ("client", 0, 0.0, "client_died:ConnectionResetError", None),
    ]
    rows = {row["kind"]: row for row in club_load.summarize(calls, duration=2)}
    assert [k for k in rows if k != "all"] == ["identify", "confirm", "client"]
    assert rows["identify"]["count"] == 3
    assert rows["identify"]["rate"] == 1.5
    assert rows["identify"]["errors"] == 1
    assert rows["identify"]["codes"] == ["member_not_found"]
    assert rows["identify"]["p50"] == pytest.approx(20)
    assert rows["confirm"]["p95"] == pytest.approx(100)
    assert rows["all"]["count"] == 6
    assert rows["all"]["errors"] == 3
    # a dead client has no latency: it does not drag the percentiles down
    assert rows["client"]["p50"] is None
    text = club_load.table(club_load.summarize(calls, duration=2))
    assert "concurrent_request" in text
    assert "client_died:ConnectionResetError" in text


def test_order_bodies_are_valid_api_orders():
    import random  # noqa: PLC0415

    body = club_load.order_body("+79990000001", "ref-1", random.Random(1), burn=5)
    assert body["identifier"] == "+79990000001"
    assert body["external_ref"] == "ref-1"
    assert body["burn"] == 5
    assert 1 <= len(body["lines"]) <= 4
    for line in body["lines"]:
        assert line["qty"] >= 1
        assert float(line["unit_price"]) > 0
    assert "burn" not in club_load.order_body("+7999", "r", random.Random(1))
    assert club_load.lookup_path("+7 999") == "/members/lookup?identifier=%2B7%20999"


STAMP = "2026-12-05 00:38:07,251 26502"
LOG = "\n".join(
    [
        f"{STAMP} INFO help odoo: Odoo version 18.0",
        f'{STAMP} ERROR help odoo.sql_db: bad query: b"INSERT INTO x"',
        "ERROR: could not serialize access due to concurrent update",
        f"{STAMP} INFO help odoo.service.model: SerializationFailure, 4 tries "
        "left, try again in 0.5 sec...",
        f"{STAMP} WARNING help odoo.http: cannot execute INSERT in a read-only "
        "transaction, retrying with a read/write cursor",
        f'{STAMP} ERROR help odoo.sql_db: bad query: b"SELECT 1/0"',
        "ERROR: division by zero",
    ]
)


def test_replica_log_flags_writes_on_read_routes_not_retried_conflicts(tmp_path):
    log = tmp_path / "odoo.log"
    log.write_text(LOG)
    bad, retried = club_test_replica._log_problems(log)
    assert retried == 1
    assert len(bad) == 2
    assert "retrying with a read/write cursor" in bad[0]
    assert "bad query" in bad[1]


def test_server_options_are_odoo_options():
    args = club_odoo.server_args(2, 8169, 8172, 5435)
    assert args == [
        "--http-port=8169",
        "--workers=2",
        "--gevent-port=8172",
        "--db_replica_host=127.0.0.1,127.0.0.1",
    ]
    assert club_odoo.server_args() == []
    assert club_odoo.server_args(replica_port=5435) == [
        "--db_replica_host=127.0.0.1,127.0.0.1"
    ]
    # the replica first, then the primary: libpq's order of trial
    port = club_odoo.server_env(5435)["PGPORT"]
    assert port == f"5435,{club_odoo.PG_PORT}"
    assert club_odoo.server_env().get("PGPORT") == club_odoo.os.environ.get("PGPORT")
    if not ODOO_CONFIG.exists():
        pytest.skip("no Odoo source in .local/odoo to check the option names against")
    source = ODOO_CONFIG.read_text()
    for arg in args:
        assert f'"{arg.split("=")[0]}"' in source, arg


class FakeClock:
    """Time that moves only when a client sleeps or a call takes time."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        assert seconds > 0
        self.now += seconds


class FixedPhase:
    def uniform(self, low, high):
        return 0.25


def test_an_unpaced_client_calls_back_to_back_until_the_deadline():
    clock = FakeClock()
    pace = club_load.pacer(None, FixedPhase(), clock=clock, sleep=clock.sleep)
    starts = []
    while pace(1.0):
        starts.append(clock.now)
        clock.now += 0.125  # each call takes 125 ms
    assert len(starts) == 8
    assert starts[0] == 0.0


def test_a_paced_client_starts_a_call_each_interval_and_never_catches_up():
    clock = FakeClock()
    pace = club_load.pacer(1.0, FixedPhase(), clock=clock, sleep=clock.sleep)
    starts = []
    while pace(5.0):
        starts.append(round(clock.now, 6))
        # calls of 100 ms, but the third takes 2.5 s: the client is late
        clock.now += 2.5 if len(starts) == 3 else 0.1
    # its phase, then one a second; after the slow call at once, then a
    # second apart again (missed starts are not made up in a burst)
    assert starts == [0.25, 1.25, 2.25, 4.75]


def test_a_rate_spreads_over_the_clients(monkeypatch):
    fixtures = {"secret": "s", "members": [[1, "+79990000000"]]}
    cfgs = []

    class FakePool:
        def __init__(self, n):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def map(self, func, items):
            cfgs.extend(items)
            return [[] for _ in items]

    monkeypatch.setattr(
        club_load.multiprocessing,
        "get_context",
        lambda kind: types.SimpleNamespace(Pool=FakePool),
    )
    club_load.run_load(8069, fixtures, clients=50, processes=4, rate=100)
    club_load.run_load(8069, fixtures, clients=50, processes=4)
    # 50 clients offering 100 requests a second: one call each half second
    assert {c["interval"] for c in cfgs[:4]} == {0.5}
    assert sum(c["clients"] for c in cfgs[:4]) == 50
    assert {c["interval"] for c in cfgs[4:]} == {None}


def test_listen_overflows_are_read_from_the_kernel_counters():
    count = club_load.listen_overflows()
    if not Path("/proc/net/netstat").exists():
        assert count is None
    else:
        assert isinstance(count, int) and count >= 0
