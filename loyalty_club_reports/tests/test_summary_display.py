"""The summary as a user reads it: counts, money, shares, a dash for nothing."""

from datetime import timedelta

from odoo.tests import tagged

from .analytics_common import ClubAnalyticsCase

DASH = "\u2014"


@tagged("post_install", "-at_install")
class TestSummaryDisplay(ClubAnalyticsCase):
    def _summary(self):
        summary = (
            self._companies()
            .with_context(lang="en_US")
            .create(
                {"date_from": self.today - timedelta(days=6), "date_to": self.today}
            )
        )
        action = summary.action_compute()
        return summary, action, {line.key: line for line in summary.line_ids}

    def test_figures_written_in_their_kind(self):
        anna = self._member("Anna display")
        self._api(300.0, "disp-anna", wallet=anna)
        self._api(200.0, "disp-guest")
        summary, action, lines = self._summary()
        shown = {key: line.value_display for key, line in lines.items()}
        self.assertEqual(shown["purchases"], "2", "a count, not 2.00")
        self.assertEqual(shown["active_members"], "1")
        self.assertEqual(shown["purchase_amount"], "500.00")
        self.assertEqual(shown["average_check"], "250.00")
        self.assertEqual(shown["member_sales_share"], "60.0%", "a share in percent")
        self.assertEqual(shown["items_per_check"], "1.00")
        # the previous week saw nothing: no figure, no change
        self.assertEqual(lines["purchases"].previous_display, DASH)
        self.assertEqual(lines["purchases"].change_display, DASH)
        self.assertEqual(lines["average_check"].previous_display, DASH)
        self.assertEqual(lines["purchases"].previous, 0.0, "the figure is kept")
        self.assertNotEqual(
            lines["members_total"].previous_display,
            DASH,
            "members are counted at the end of a period, empty or not",
        )
        # a named breadcrumb and the previous period spelled out
        start = (self.today - timedelta(days=6)).strftime("%m/%d/%Y")
        end = self.today.strftime("%m/%d/%Y")
        self.assertEqual(summary.display_name, f"Club summary {start} - {end}")
        self.assertEqual(action["name"], summary.display_name)
        before = (
            (self.today - timedelta(days=13)).strftime("%m/%d/%Y"),
            (self.today - timedelta(days=7)).strftime("%m/%d/%Y"),
        )
        self.assertEqual(summary.previous_label, " - ".join(before))

    def test_change_against_a_previous_period(self):
        anna = self._member("Anna change")
        self._api(200.0, "chg-old", wallet=anna, day=self.today - timedelta(days=7))
        self._api(300.0, "chg-new", wallet=anna)
        _summary, _action, lines = self._summary()
        amount = lines["purchase_amount"]
        self.assertEqual(
            (amount.value_display, amount.previous_display, amount.change_display),
            ("300.00", "200.00", "+50.0%"),
        )
        self.assertEqual(lines["purchases"].change_display, "0.0%")
        self.assertEqual(lines["cards_issued"].previous_display, "0")

    def test_export_writes_counts_as_integers(self):
        self._api(120.0, "xls-guest")
        summary, _action, _lines = self._summary()
        formats = {
            line.key: line.figure_kind for line in summary.line_ids if line.is_share
        }
        self.assertEqual(set(formats.values()), {"share"})
        self.assertEqual(
            {line.key for line in summary.line_ids if line.figure_kind == "count"},
            {
                "cards_issued",
                "cards_registered",
                "purchases",
                "members_total",
                "cards_total",
                "members_joined",
                "gift_cards_sold",
                "active_members",
            },
        )
