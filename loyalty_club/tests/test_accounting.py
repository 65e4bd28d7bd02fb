from datetime import timedelta

import psycopg2
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_accounting_common import D0, TODAY, ClubAccountingCase, cents


@tagged("post_install", "-at_install")
class TestAccountingCost(ClubAccountingCase):
    policy = "cost"

    def test_month_under_cost_policy(self):
        self.simulate_month()
        moves = self.job._post(self.company, TODAY)
        self.assertTrue(moves)
        self.assertTrue(all(m.state == "posted" for m in moves))
        liability = (
            self.GIFTS
            + self.EARNED
            - self.SPENT
            - self.EARN_REVERSED
            + self.BURN_RETURNED
            + self.ADJUSTED
            - self.EXPIRED
        )
        self.assertEqual(cents(liability), cents(self.OUTSTANDING))
        self.assertEqual(self.balance("bonus_liability"), cents(liability))
        self.assertEqual(
            -self.balance("bonus_expense"),
            cents(self.GIFTS + self.EARNED - self.EARN_REVERSED + self.ADJUSTED),
        )
        self.assertEqual(self.balance("breakage"), cents(self.EXPIRED))
        self.assertEqual(self.balance("gift_liability"), 0)
        self.assertEqual(self.balance("gift_breakage"), cents(self.GIFT_EXPIRED))
        self.assertEqual(
            -self.balance("clearing"),
            cents(self.GIFT_SOLD - self.GIFT_USED - self.SPENT + self.BURN_RETURNED),
        )
        # one entry per day and store, each line carried once
        keys = [(m.loyalty_club_day, m.loyalty_club_store_id) for m in moves]
        self.assertEqual(len(keys), len(set(keys)))
        lines = self.env["loyalty.club.ledger"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertFalse(lines.filtered(lambda ln: not ln.posted))
        self.assertEqual(
            sorted(
                {
                    line.move_id.loyalty_club_day
                    for line in lines.filtered(lambda ln: ln.kind == "earn")
                }
            ),
            [D0 + timedelta(days=d) for d in (1, 3, 4, 8)],
        )
        # the reconciliation: ledger = general ledger, store by store
        rows = self.reconcile()
        self.assertTrue(rows)
        for row in rows:
            self.assertEqual(row["difference"], 0, row)
            self.assertEqual(row["unposted"], 0, row)
        bonus = sum(r["ledger"] for r in rows if r["wallet_kind"] == "bonus")
        self.assertEqual(bonus, cents(self.OUTSTANDING))
        by_store = {
            r["store_id"]: r["ledger"] for r in rows if r["wallet_kind"] == "bonus"
        }
        self.assertEqual(
            by_store[self.store2.id], cents(200.0 + 40.0), "Boris earned at South"
        )
        mid = self.reconcile(D0 + timedelta(days=5))
        self.assertEqual({r["difference"] for r in mid}, {0})
        # running the job again posts nothing and changes nothing
        count = self.env["loyalty.club.posting"].search_count([])
        self.assertFalse(self.job._post(self.company, TODAY))
        self.assertFalse(self.job._post(self.company, TODAY))
        self.assertEqual(self.env["loyalty.club.posting"].search_count([]), count)

    def test_pending_lines_show_in_reconciliation_until_posted(self):
        self.simulate_month()
        self.job._post(self.company, D0 + timedelta(days=3))
        rows = self.reconcile()
        unposted = sum(r["unposted"] for r in rows)
        self.assertTrue(unposted)
        self.assertEqual(sum(r["difference"] for r in rows), unposted)
        Ledger = self.env["loyalty.club.ledger"]
        report = self.env["loyalty.club.liability.report"].create(
            {"company_id": self.company.id, "date_to": TODAY}
        )
        report._compute_reconciliation()
        line = report.reconciliation_ids.filtered(
            lambda r: r.wallet_kind == "bonus" and r.store_id == self.store2
        )
        pending = Ledger.search(line.action_unposted_lines()["domain"])
        self.assertEqual(
            pending.mapped("kind"), ["earn"], "Boris's gift-card order is pending"
        )
        self.job._post(self.company, TODAY)
        self.assertEqual({r["difference"] for r in self.reconcile()}, {0})

    def test_locked_period_moves_to_first_open_day(self):
        wallet = self.env["loyalty.club.wallet"].browse(
            self.service.register_member(
                {"name": "Late", "phone": "+79000001199"}, program_id=self.program.id
            )["wallet_id"]
        )
        self.service.confirm(
            self.order("100.00", self.store1, 1, wallet_id=wallet.id), "lock-1"
        )
        self.company.fiscalyear_lock_date = D0 + timedelta(days=2)
        moves = self.job._post(self.company, D0 + timedelta(days=3))
        move = moves.filtered(lambda m: m.loyalty_club_day == D0 + timedelta(days=1))
        self.assertEqual(move.date, D0 + timedelta(days=3))
        self.assertIn("locked", move.ref)
        self.assertIn(str(D0 + timedelta(days=3)), move.ref)
        # at the locked date the line is in the ledger, not yet in the books
        rows = self.reconcile(D0 + timedelta(days=2))
        store1 = [r for r in rows if r["store_id"] == self.store1.id]
        self.assertEqual(store1[0]["unposted"], 1000)
        self.assertEqual(store1[0]["difference"], 1000)

    def test_reversal_reposts_once(self):
        self.simulate_month()
        moves = self.job._post(self.company, TODAY)
        first = moves.filtered(lambda m: m.loyalty_club_day == D0 + timedelta(days=1))
        lines = first.loyalty_club_posting_ids.ledger_id
        with self.assertRaises(UserError):
            first.button_draft()
        first.action_loyalty_club_reverse()
        self.assertTrue(first.reversal_move_ids)
        self.assertFalse(any(lines.mapped("posted")))
        rows = self.reconcile()
        self.assertTrue(sum(r["unposted"] for r in rows))
        self.assertEqual(
            sum(r["difference"] for r in rows), sum(r["unposted"] for r in rows)
        )
        again = self.job._post(self.company, TODAY)
        self.assertEqual(again.loyalty_club_posting_ids.ledger_id, lines)
        self.assertEqual({r["difference"] for r in self.reconcile()}, {0})
        self.assertEqual(self.balance("bonus_liability"), cents(self.OUTSTANDING))

    def test_posting_frontier_skips_the_posted_history(self):
        """The nightly job searches pending lines from the company's posted
        frontier, not through the whole history; the frontier never passes a
        line written in the last two hours (a line another transaction is still
        writing would hide below it) and a reversal moves it back."""
        self.simulate_month()
        lines = self.env["loyalty.club.ledger"].search(
            [("company_id", "=", self.company.id)], order="id"
        )
        recent = lines[-3:]
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE loyalty_club_ledger SET create_date = create_date - "
            "interval '1 day' WHERE id = ANY(%s)",
            [(lines - recent).ids],
        )
        self.env.invalidate_all()
        self.assertEqual(self.company.loyalty_club_posting_from_id, 0)
        moves = self.job._post(self.company, TODAY)
        self.assertEqual(
            self.company.loyalty_club_posting_from_id,
            recent[0].id,
            "up to the lines of the last two hours, posted or not",
        )
        self.assertFalse(self.job._pending_rows(self.company, TODAY))
        first = moves.filtered(lambda m: m.loyalty_club_day == D0 + timedelta(days=1))
        reopened = first.loyalty_club_posting_ids.ledger_id
        first.action_loyalty_club_reverse()
        self.assertEqual(self.company.loyalty_club_posting_from_id, min(reopened.ids))
        again = self.job._post(self.company, TODAY)
        self.assertEqual(again.loyalty_club_posting_ids.ledger_id, reopened)
        self.assertEqual(self.company.loyalty_club_posting_from_id, recent[0].id)
        self.assertEqual({r["difference"] for r in self.reconcile()}, {0})

    def test_failed_batch_posts_nothing(self):
        self.simulate_month()
        breakage = self.account("gift_breakage")
        breakage.deprecated = True
        with self.assertRaises(UserError):
            self.job._post(self.company, TODAY)
        self.assertFalse(
            self.env["loyalty.club.posting"].search(
                [("company_id", "=", self.company.id)]
            )
        )
        self.assertFalse(
            self.env["account.move"].search(
                [
                    ("company_id", "=", self.company.id),
                    ("loyalty_club_day", "!=", False),
                ]
            )
        )
        breakage.deprecated = False
        self.assertTrue(self.job._post(self.company, TODAY))
        self.assertEqual({r["difference"] for r in self.reconcile()}, {0})

    def test_pos_lines_are_left_to_the_session(self):
        with freeze_time(D0):
            wallet = self.env["loyalty.club.wallet"].browse(
                self.service.register_member(
                    {"name": "Till", "phone": "+79000001177"},
                    program_id=self.program.id,
                )["wallet_id"]
            )
        self.service.confirm(
            self.order(
                "200.00", self.store1, 2, wallet_id=wallet.id, burn=50, channel="pos"
            ),
            "pos-1",
        )
        moves = self.job._post(self.company, TODAY)
        burn = self.env["loyalty.club.ledger"].search(
            [("wallet_id", "=", wallet.id), ("kind", "=", "burn")]
        )
        self.assertTrue(burn.posted)
        self.assertFalse(burn.move_id, "the POS session debits the liability")
        self.assertNotIn(self.account("clearing"), moves.line_ids.account_id)
        # the session's entry is what the reconciliation still waits for
        rows = self.reconcile()
        self.assertEqual(sum(r["difference"] for r in rows), -5000)

    def test_database_refuses_a_second_posting(self):
        self.simulate_month()
        self.job._post(self.company, TODAY)
        line = self.env["loyalty.club.ledger"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        Posting = self.env["loyalty.club.posting"].sudo()
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                Posting.with_context(loyalty_club_posting=True).create(
                    {"ledger_id": line.id, "company_id": self.company.id}
                )
                self.env.flush_all()

    def test_programs_count_in_the_company_currency(self):
        self.program.currency_id = self.setup_other_currency("EUR")
        with self.assertRaisesRegex(UserError, "not in the company currency"):
            self.job._post(self.company, TODAY)

    def test_reports_count_each_line_once_whatever_is_posted(self):
        """The reports read the posted lines from their totals and the pending
        ones from the ledger: before posting, after it, after a reversal and
        after posting again, the roll-forward is the ledger's own recount and
        the reconciliation's ledger column does not move."""
        self.simulate_month()
        lines = self.env["loyalty.club.ledger"].search(
            [("company_id", "=", self.company.id)]
        )
        recount = {}
        for line in lines:
            key = line.program_id.id, line.wallet_id.kind
            units, value = recount.get(key, (0, 0))
            recount[key] = (units + line.amount_minor, value + line.money_minor)
        date_from = D0 + timedelta(days=3)

        def figures():
            closing = {
                (r["program_id"], r["wallet_kind"]): r["closing"]
                for r in self.job._rollforward(self.company, date_from, TODAY)
            }
            ledger = {
                (r["wallet_kind"], r["store_id"]): r["ledger"] for r in self.reconcile()
            }
            return closing, ledger

        before = figures()
        self.assertEqual(before[0], recount)
        moves = self.job._post(self.company, TODAY)
        self.assertEqual(figures(), before)
        first = moves.filtered(lambda m: m.loyalty_club_day == D0 + timedelta(days=1))
        first.action_loyalty_club_reverse()
        self.assertEqual(figures(), before)
        self.job._post(self.company, TODAY)
        self.assertEqual(figures(), before)
        self.assertEqual({r["difference"] for r in self.reconcile()}, {0})
