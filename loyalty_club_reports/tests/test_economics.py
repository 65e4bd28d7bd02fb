import io
from collections import defaultdict
from datetime import datetime, time, timedelta

import openpyxl

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.loyalty_club import edge

from .analytics_common import ClubAnalyticsCase


@tagged("post_install", "-at_install")
class TestEconomics(ClubAnalyticsCase):
    """The economics report, the breakage per accrual month and the outstanding
    bonuses give the sums of the orders, checks, ledger and lots."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_store = (
            cls.env["loyalty.club.store"]
            .sudo()
            .create({"name": "Economy B", "code": "ECB", "company_id": cls.company.id})
        )
        cls.anna = cls._member("Anna Economy")
        cls.old_day = cls.today - timedelta(days=200)
        cls.mid_day = cls.today - timedelta(days=40)
        categ = cls.env["product.category"].create({"name": "Economy goods"})
        cls.coat = cls.create_product("Economy coat", categ, 80.0)

    def _confirm(self, amount, key, day, wallet=None, store=None, burn=0.0):
        order = {
            "program_id": self.club_program.id,
            "store_id": (store or self.club_store).id,
            "channel": "api",
            "wallet_id": wallet.id if wallet else False,
            "lines": [{"key": 0, "amount": amount}],
            "date": fields.Datetime.to_string(datetime.combine(day, time(12))),
        }
        if burn:
            order["burn"] = burn
        return self.club_service.confirm(order, key)

    def _history(self):
        # 100.00 earns 10.00 that expires 180 days later (20 days ago)
        self._confirm(100.0, "eco-1", self.old_day, self.anna)
        self._confirm(300.0, "eco-2", self.mid_day, self.anna, self.other_store)
        self._confirm(50.0, "eco-3", self.mid_day)  # not a member
        self._confirm(
            100.0, "eco-4", self.mid_day + timedelta(days=20), self.anna, burn=20.0
        )
        self.open_new_session()
        self.pos_order = self._sale([self.coat], wallet=self.anna)
        self.env["loyalty.club.lot"].sudo()._expire_due()
        # the purchase SMS the gateway charged 0.35 for
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create({"number": "+15550001", "body": "Thanks", "club_cost": 0.35})
        )
        self.env["loyalty.club.message"].sudo().create(
            {
                "event": "purchase",
                "channel": "sms",
                "event_key": "eco-sms-1",
                "partner_id": self.anna.partner_id.id,
                "program_id": self.club_program.id,
                "company_id": self.company.id,
                "sms_id": sms.id,
                "state": "sent",
                "sent_at": fields.Datetime.now(),
            }
        )
        self.env["loyalty.club.sales.day"].sudo()._refresh(full=True)
        self.env["loyalty.club.economics.day"].sudo()._refresh(full=True)
        self.env["loyalty.club.cohort.flow"].sudo()._refresh(full=True, lag_hours=0)
        self.env.flush_all()

    def _by_month(self, model, date_field, measures, domain=()):
        rows = (
            self.env[model]
            .with_context(allowed_company_ids=[self.company.id])
            ._read_group(
                [("company_id", "=", self.company.id), *domain],
                [f"{date_field}:month"],
                [f"{m}:sum" for m in measures],
            )
        )
        return {
            (month.year, month.month): tuple(round(v or 0.0, 2) for v in values)
            for month, *values in rows
        }

    def test_economics_are_the_sums_of_orders_checks_and_ledger(self):
        self._history()
        expected = defaultdict(lambda: [0.0] * 8)
        checks = self.env["loyalty.club.transaction"].search(
            [("company_id", "=", self.company.id), ("channel", "=", "api")]
        )
        for check in checks:
            row = expected[(check.date.year, check.date.month)]
            row[0] += check.amount
            row[1] += check.amount if check.wallet_id else 0.0
        order = self.pos_order
        row = expected[(order.date_order.year, order.date_order.month)]
        row[0] += order.amount_total
        row[1] += order.amount_total
        lines = self.env["loyalty.club.ledger"].search(
            [("company_id", "=", self.company.id)]
        )
        column = {"earn": 2, "gift": 3, "burn": 4, "expire": 5}
        for line in lines:
            if line.kind in column:
                value = line.money_minor / 100.0  # point value 1, cents
                sign = -1 if line.kind in ("burn", "expire") else 1
                expected[(line.date.year, line.date.month)][column[line.kind]] += (
                    sign * value
                )
        now = fields.Datetime.now()
        expected[(now.year, now.month)][7] += 0.35  # the SMS
        for row in expected.values():
            row[6] = row[4] + row[7]  # no promotion: spent bonuses and SMS
        report = self._by_month(
            "loyalty.club.economics.report",
            "month",
            [
                "sales_all",
                "sales_members",
                "earned",
                "gifted",
                "spent",
                "expired",
                "cost",
                "messages",
            ],
        )
        self.assertEqual(
            report, {k: tuple(round(v, 2) for v in r) for k, r in expected.items()}
        )
        # the figures a user reads: 20.00 spent, 10.00 expired, 50.00 not a member
        totals = [round(sum(col), 2) for col in zip(*report.values(), strict=True)]
        self.assertEqual(totals[4:6], [20.0, 10.0])
        self.assertEqual(round(totals[0] - totals[1], 2), 50.0)

    def test_a_line_added_to_a_stored_day_is_caught(self):
        """The closed days are stored (the report reads them, not the whole
        ledger); a check sent later with a past date (a late till, an import)
        lags until the next refresh catches its day, as in the sales by day."""
        self._history()
        Report = self.env["loyalty.club.economics.report"].with_context(
            allowed_company_ids=[self.company.id]
        )

        def earned():
            self.env.flush_all()
            Report.invalidate_model()
            return round(
                Report.read_group(
                    [("company_id", "=", self.company.id)], ["earned:sum"], []
                )[0]["earned"],
                2,
            )

        def ledger_earned():
            lines = self.env["loyalty.club.ledger"].search(
                [("company_id", "=", self.company.id), ("kind", "=", "earn")]
            )
            return round(sum(lines.mapped("money_minor")) / 100.0, 2)

        stored = self.env["loyalty.club.economics.day"].search_count([])
        self.assertTrue(stored, "the closed days are stored")
        self.assertEqual(earned(), ledger_earned())
        late = self.mid_day + timedelta(days=3)
        self._confirm(400.0, "eco-late", late, self.anna)
        self.assertEqual(earned(), round(ledger_earned() - 40.0, 2))  # stale day
        self.env["loyalty.club.economics.day"].sudo()._refresh()
        self.assertEqual(earned(), ledger_earned())

    def test_flows_per_month_grow_by_what_is_new_once(self):
        """Credits and debits are added to the stored flows once each; what was
        made in the last two hours waits for a later refresh."""
        self._history()
        Flow = self.env["loyalty.club.cohort.flow"].sudo()

        def credited():
            Flow.invalidate_model()
            rows = Flow.search(
                [("program_id", "=", self.club_program.id), ("kind", "=", "accrued")]
            )
            return sum(rows.mapped("amount"))

        before = credited()
        lots = self.env["loyalty.club.lot"].search(
            [("wallet_id.program_id", "=", self.club_program.id)]
        )
        self.assertEqual(before, sum(lots.mapped("initial_minor")))
        self._confirm(500.0, "eco-flow", self.mid_day, self.anna)
        Flow._refresh()  # made just now: not yet
        self.assertEqual(credited(), before)
        Flow._refresh(lag_hours=0)
        self.assertEqual(credited(), before + 5000)  # 10 % of 500.00
        Flow._refresh(lag_hours=0)
        self.assertEqual(credited(), before + 5000)

    def test_shares_are_ratios_of_the_group_sums(self):
        self._history()
        groups = (
            self.env["loyalty.club.economics.report"]
            .with_context(allowed_company_ids=[self.company.id])
            .read_group(
                [("company_id", "=", self.company.id)],
                ["club_share:avg", "cost_percent:avg", "spent:sum"],
                [],
            )
        )
        total = groups[0]
        all_sales = 100 + 300 + 50 + 100 + self.pos_order.amount_total
        members = all_sales - 50
        self.assertAlmostEqual(total["club_share"], 100.0 * members / all_sales)
        self.assertAlmostEqual(total["cost_percent"], 100.0 * (20.0 + 0.35) / members)

    def test_breakage_and_what_is_still_owed(self):
        self._history()
        lots = self.env["loyalty.club.lot"].search([("wallet_id", "=", self.anna.id)])
        breakage = (
            self.env["loyalty.club.breakage.report"]
            .with_context(allowed_company_ids=[self.company.id])
            .read_group(
                [("program_id", "=", self.club_program.id)],
                ["accrued:sum", "expired:sum", "open:sum", "breakage_rate:avg"],
                ["cohort:month"],
                lazy=False,
            )
        )
        by_month = {g["cohort:month"]: g for g in breakage}
        credited = round(sum(lots.mapped("initial_minor")) / 100.0, 2)
        self.assertEqual(
            round(sum(g["accrued"] for g in breakage), 2),
            credited,
        )
        # the month of the first check: 10.00 credited, all of it expired
        old = [g for g in breakage if g["expired"]]
        self.assertEqual(len(old), 1, by_month)
        self.assertAlmostEqual(old[0]["breakage_rate"], 100.0)
        self.assertAlmostEqual(old[0]["accrued"], 10.0)
        # what is owed: the open lots, by the month they expire in
        open_lots = lots.filtered(
            lambda lot: lot.remaining_minor
            and (not lot.expires_on or lot.expires_on > self.today)
        )
        owed = defaultdict(float)
        for lot in open_lots:
            month = lot.expires_on and lot.expires_on.replace(day=1)
            owed[month] += lot.remaining_minor / 100.0
        liability = (
            self.env["loyalty.club.expiry.report"]
            .with_context(allowed_company_ids=[self.company.id])
            ._read_group(
                [("program_id", "=", self.club_program.id)],
                ["expiry_month:month"],
                ["value:sum"],
            )
        )
        self.assertEqual(
            {month and month.replace(day=1): round(v, 2) for month, v in liability},
            {month: round(v, 2) for month, v in owed.items()},
        )
        self.assertTrue(owed)

    def test_forecast_starts_from_what_is_held(self):
        self._history()
        forecast = self.env["loyalty.club.economics.forecast"].create(
            {"program_id": self.club_program.id}
        )
        forecast.action_compute()
        month_start = edge.club_today(forecast).replace(day=1)
        start = fields.Datetime.to_datetime(month_start)
        # what every lot credited before this month still held when it began
        held = 0
        lots = self.env["loyalty.club.lot"].search(
            [("wallet_id.program_id", "=", self.club_program.id)]
        )
        for lot in lots.filtered(lambda lot: lot.ledger_id.date < start):
            taken = sum(
                a.amount_minor
                for a in self.env["loyalty.club.allocation"].search(
                    [("lot_id", "=", lot.id)]
                )
                if a.ledger_id.date < start
            )
            held += lot.initial_minor + taken
        self.assertAlmostEqual(forecast.liability_now, held / 100.0)
        months = forecast.forecast_line_ids.mapped("month")
        self.assertEqual(len(months), 12)
        self.assertEqual(min(months), month_start)
        for line in forecast.forecast_line_ids:
            self.assertLessEqual(line.redemption_low, line.redemption)
            self.assertLessEqual(line.redemption, line.redemption_high)
            self.assertLessEqual(line.liability_low, line.liability)
            self.assertLessEqual(line.liability, line.liability_high)
        # the first check's month: 10.00 credited, all expired, nothing open
        self.assertAlmostEqual(forecast.breakage_rate, 100.0)
        self.assertTrue(forecast.curve_line_ids)

    def test_no_history_no_forecast(self):
        empty = (
            self.env["loyalty.club.program"]
            .sudo()
            .create(
                {
                    "name": "Forecast empty club",
                    "company_id": self.company.id,
                    "currency_id": self.company.currency_id.id,
                }
            )
        )
        forecast = self.env["loyalty.club.economics.forecast"].create(
            {"program_id": empty.id}
        )
        with self.assertRaisesRegex(UserError, "no history to forecast"):
            forecast.action_compute()

    def test_xlsx_holds_the_report_figures(self):
        self._history()
        export = (
            self.env["loyalty.club.analytics.export"]
            .with_context(allowed_company_ids=[self.company.id])
            .create(
                {
                    "report": "economics",
                    "file_format": "xlsx",
                    "date_from": self.old_day,
                    "date_to": self.today,
                }
            )
        )
        self.assertEqual(export.action_export()["report_type"], "xlsx")
        content, _kind = self.env["ir.actions.report"]._render(
            "loyalty_club_reports.analytics_xlsx", export.ids, {}
        )
        rows = list(
            openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(
                values_only=True
            )
        )
        total = rows[-1]
        self.assertEqual(total[0], "Total")
        view = (
            self.env["loyalty.club.economics.report"]
            .with_context(allowed_company_ids=[self.company.id])
            .read_group(
                [("company_id", "=", self.company.id)],
                ["sales_all:sum", "spent:sum", "expired:sum", "cost_percent:avg"],
                [],
            )[0]
        )
        self.assertAlmostEqual(total[3], view["sales_all"])
        self.assertAlmostEqual(total[10], view["spent"])
        self.assertAlmostEqual(total[11], view["expired"])
        self.assertAlmostEqual(total[15], view["cost_percent"] / 100.0)

    def test_messages_cost_what_the_gateway_charged_or_the_company_price(self):
        """Each SMS sent to a member costs what its gateway charged, else the
        company's price of an SMS (its SMS deleted, Odoo's IAP); each e-mail
        sent the company's price of an e-mail; messages not sent cost nothing.
        Closed days are read from the stored days, today live."""
        self.company.write({"club_sms_cost": 0.10, "club_email_cost": 0.02})
        Sms = self.env["sms.sms"].sudo()
        Message = self.env["loyalty.club.message"].sudo()
        day = datetime.combine(self.mid_day, time(12))
        now = fields.Datetime.now()
        plan = [
            # (channel, charged by the gateway, state, sent at)
            ("sms", 0.35, "sent", day),
            ("sms", None, "sent", day),  # the gateway did not price it
            ("sms", 0.0, "sent", day),  # priced at nothing: the company's price
            ("sms", False, "sent", day),  # its SMS deleted since
            ("email", None, "sent", day),
            ("email", None, "sent", day),
            ("email", None, "failed", day),
            ("sms", 0.50, "queued", day),
            ("sms", 0.20, "sent", now),
            ("sms", None, "sent", now),
            ("email", None, "sent", now),
        ]
        for n, (channel, charged, state, sent_at) in enumerate(plan):
            vals = {
                "event": "purchase",
                "channel": channel,
                "event_key": f"eco-message-{n}",
                "partner_id": self.anna.partner_id.id,
                "program_id": self.club_program.id,
                "company_id": self.company.id,
                "state": state,
                "sent_at": sent_at if state == "sent" else False,
            }
            if channel == "sms" and charged is not False:
                sms = {"number": "+15550002", "body": "Thanks"}
                if charged:
                    sms["club_cost"] = charged
                vals["sms_id"] = Sms.create(sms).id
            Message.create(vals)
        self.env["loyalty.club.economics.day"].sudo()._refresh(full=True)
        Report = self.env["loyalty.club.economics.report"].with_context(
            allowed_company_ids=[self.company.id]
        )
        self.env.flush_all()
        Report.invalidate_model()
        rows = {
            (g["month:month"]): (
                round(g["sms_cost"], 2),
                round(g["email_cost"], 2),
                round(g["messages"], 2),
                round(g["cost"] - g["spent"] - g["discounts"], 2),
            )
            for g in Report.read_group(
                [("company_id", "=", self.company.id)],
                ["sms_cost:sum", "email_cost:sum", "messages:sum", "cost:sum"]
                + ["spent:sum", "discounts:sum"],
                ["month:month"],
            )
        }
        month_of = lambda moment: Report.read_group(  # noqa: E731
            [("month", "=", moment.date().replace(day=1))],
            ["cost:sum"],
            ["month:month"],
        )[0]["month:month"]
        # the mid day: 0.35 charged, three SMS at 0.10, two e-mails at 0.02
        past = (0.35 + 3 * 0.10, 2 * 0.02)
        # today: 0.20 charged, one SMS at 0.10, one e-mail at 0.02
        today = (0.20 + 0.10, 0.02)
        expected = {}
        for moment, (sms, email) in ((day, past), (now, today)):
            key = month_of(moment)
            old = expected.get(key, (0.0, 0.0))
            expected[key] = (old[0] + sms, old[1] + email)
        self.assertEqual(
            {k: v for k, v in rows.items() if k in expected},
            {
                k: (round(s, 2), round(e, 2), round(s + e, 2), round(s + e, 2))
                for k, (s, e) in expected.items()
            },
        )
        stored = self.env["loyalty.club.economics.day"].search(
            [("day", "=", self.mid_day), ("sms_sent", ">", 0)]
        )
        self.assertEqual(sum(stored.mapped("sms_sent")), 4)
        self.assertEqual(sum(stored.mapped("emails_sent")), 2)
