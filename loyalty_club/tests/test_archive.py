from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .test_accounting_common import D0, TODAY, ClubAccountingCase


@tagged("post_install", "-at_install")
class TestArchive(ClubAccountingCase):
    """Archiving old closed lots keeps every balance and the books."""

    policy = "cost"

    def setUp(self):
        super().setUp()
        self.wallets = self.simulate_month()
        # written more than two hours ago: the posting frontier may pass them
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE loyalty_club_ledger SET create_date = create_date - "
            "interval '1 day' WHERE company_id = %s",
            [self.company.id],
        )
        self.env.invalidate_all()
        self.Archive = self.env["loyalty.club.archive"].sudo()
        self.all_wallets = self.env["loyalty.club.wallet"].search(
            [("company_id", "=", self.company.id)]
        )

    def snapshot(self):
        """What a member and an accountant see: balances, the ledger and the
        open lots per wallet, the reconciliation and the roll-forward."""
        self.env.invalidate_all()
        balances = {w.id: w._spend_balances(TODAY) for w in self.all_wallets}
        ledger = {
            w.id: sum(
                self.env["loyalty.club.ledger"]
                .search([("wallet_id", "=", w.id)])
                .mapped("amount_minor")
            )
            for w in self.all_wallets
        }
        lots = {
            w.id: sum(
                self.env["loyalty.club.lot"]
                .search([("wallet_id", "=", w.id)])
                .mapped("remaining_minor")
            )
            for w in self.all_wallets
        }
        reconciliation = [
            {k: r[k] for k in ("wallet_kind", "store_id", "ledger", "gl", "difference")}
            for r in self.reconcile()
        ]
        rollforward = self.job._rollforward(self.company, D0 + timedelta(days=3), TODAY)
        return balances, ledger, lots, reconciliation, rollforward

    def test_archiving_keeps_balances_and_books(self):
        self.job._post(self.company, TODAY)
        before = self.snapshot()
        self.assertEqual(before[1], before[2], "ledger = open lots per wallet")
        self.assertEqual({r["difference"] for r in before[3]}, {0})
        lines_before = self.env["loyalty.club.ledger"].search_count(
            [("company_id", "=", self.company.id)]
        )
        done = self.Archive._archive(
            self.company, cutoff=fields.Datetime.now() + timedelta(days=1)
        )
        lots, lines = done[self.company]
        self.assertTrue(lots and lines, "the month's expired lots are archived")
        after = self.snapshot()
        self.assertEqual(after, before)
        self.assertEqual(
            self.env["loyalty.club.ledger"].search_count(
                [("company_id", "=", self.company.id)]
            ),
            lines_before - lines,
        )
        archived = self.Archive.search(
            [
                ("company_id", "=", self.company.id),
                ("source", "=", "loyalty.club.ledger"),
            ]
        )
        self.assertEqual(len(archived), lines)
        self.assertFalse(
            self.env["loyalty.club.ledger"].browse(archived.mapped("res_id")).exists()
        )
        self.assertTrue(all(row.data.get("kind") for row in archived))
        # open lots stay, and archiving again finds nothing more
        self.assertTrue(
            self.env["loyalty.club.lot"].search_count(
                [("wallet_id", "in", self.all_wallets.ids), ("remaining_minor", ">", 0)]
            )
        )
        again = self.Archive._archive(
            self.company, cutoff=fields.Datetime.now() + timedelta(days=1)
        )
        self.assertEqual(again[self.company], (0, 0))
        self.assertEqual(self.snapshot(), before)
        # the club goes on: the next night's posting still balances
        self.job._post(self.company, TODAY)
        self.assertEqual({r["difference"] for r in self.reconcile()}, {0})

    def test_unposted_and_recent_lots_stay(self):
        """Nothing is archived before it is posted, nor younger than the cutoff."""
        cutoff = fields.Datetime.now() + timedelta(days=1)
        self.assertEqual(
            self.Archive._archive(self.company, cutoff)[self.company], (0, 0)
        )
        self.job._post(self.company, TODAY)
        old = fields.Datetime.to_datetime(D0)
        self.assertEqual(self.Archive._archive(self.company, old)[self.company], (0, 0))

    def test_policy_months(self):
        param = self.env["ir.config_parameter"].sudo()
        param.set_param("loyalty_club.archive_months", "0")
        self.assertIsNone(self.Archive._cutoff())
        self.assertEqual(self.Archive._archive(self.company), {})
        param.set_param("loyalty_club.archive_months", "24")
        cutoff = self.Archive._cutoff()
        self.assertLess(cutoff, fields.Datetime.now() - timedelta(days=700))
