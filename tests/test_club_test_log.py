"""How ./club test reads Odoo's logs of Odoo's own suites: a failed tour is
found by its name, one that passed when run again is forgiven by name only
(not its Mobile twin), and the browser's console of Odoo's tours is not a
failure while any other warning still is."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import club_test  # noqa: E402

HEAD = "2026-12-06 08:22:51,855 13869"
POS = "odoo.addons.point_of_sale.tests.test_frontend"
LINES = [
    ("INFO", POS, "Starting TestUi.test_01_pos_basic_order ... "),
    ("WARNING", f"{POS}.TestUi.test_01_pos_basic_order.browser", "Failed to fetch "),
    (
        "ERROR",
        f"{POS}.TestUi.test_01_pos_basic_order.browser",
        "FAILED: [95/150] Tour ReceiptScreenTour",
    ),
    ("ERROR", POS, "FAIL: TestUi.test_01_pos_basic_order "),
    (
        "WARNING",
        f"{POS}.MobileTestUi.test_01_pos_basic_order.browser",
        "Failed to fetch ",
    ),
    (
        "ERROR",
        "odoo.tests.result",
        "1 failed, 0 error(s) of 124 tests when loading database 'db' ",
    ),
]
LOG = "".join(f"{HEAD} {level} db {logger}: {text}\n" for level, logger, text in LINES)


def _log(tmp_path, text):
    path = tmp_path / "odoo.log"
    path.write_text(text)
    return path


def test_a_failed_tour_is_found_by_module_and_name(tmp_path):
    assert club_test.failed_tests(_log(tmp_path, LOG)) == [
        ("point_of_sale", "TestUi.test_01_pos_basic_order")
    ]


FLAKY = [("point_of_sale", "TestUi.test_01_pos_basic_order")]


def test_a_tour_that_passed_again_is_forgiven_its_lines_only(tmp_path):
    tally = club_test.Tally()
    ignore = club_test.tour_log_ignores(FLAKY, FLAKY)
    club_test.check_log(_log(tmp_path, LOG), tally, ignore_more=ignore, forgiven=1)
    assert (tally.passed, tally.failed, tally.problems) == (124, 0, [])


def test_a_tour_failing_again_counts_with_its_lines(tmp_path):
    tally = club_test.Tally()
    ignore = club_test.tour_log_ignores(FLAKY, [])
    club_test.check_log(_log(tmp_path, LOG), tally, ignore_more=ignore)
    assert (tally.passed, tally.failed) == (123, 1)
    # the tour's two lines and Odoo's report; not the browser's warnings
    assert tally.problems == [
        f"3 ERROR/WARNING line(s) in the Odoo log ({tmp_path / 'odoo.log'})"
    ]


def test_another_failure_keeps_the_report_line(tmp_path):
    other = ("pos_loyalty", "TestUi.test_archived_reward_products")
    ignore = club_test.tour_log_ignores([FLAKY[0], other], FLAKY)
    assert club_test.RESULT_LINE not in ignore


def test_only_the_browser_of_odoos_tours_is_ignored(tmp_path):
    other = (
        f"{HEAD} WARNING db odoo.addons.loyalty_club_pos.tests.test_tour.Tour.test_x"
        ".browser: Failed to fetch \n"
        f"{HEAD} WARNING db odoo.addons.point_of_sale.models.pos_order: odd \n"
        f"{HEAD} INFO db odoo.tests.result: 0 failed, 0 error(s) of 2 tests when "
        "loading database 'db' \n"
    )
    tally = club_test.Tally()
    club_test.check_log(
        _log(tmp_path, other), tally, ignore_more=[club_test.SUITE_BROWSER_WARNING]
    )
    assert len(tally.problems) == 1 and tally.problems[0].startswith("2 ERROR/WARNING")


def test_tours_left_out_are_excluded_and_the_rest_kept():
    """A tour left out of CI is excluded by Odoo's own tag syntax, and only it:
    its desktop twin and every class of SUITE_TOURS still run."""
    tags = club_test.suite_tour_tags().split(",")
    for tag in club_test.SUITE_TOURS_LEFT_OUT:
        assert f"-{tag}" in tags
        assert tag not in tags
    assert all(tag in tags for tag in club_test.SUITE_TOURS)
    assert "-/point_of_sale:TestUi.test_01_pos_basic_order" not in tags
