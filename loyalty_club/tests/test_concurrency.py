from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

from .common import ClubCase, TwoTills


class TestIdempotency(ClubCase):
    def test_same_confirm_twice_one_effect(self):
        member = self.service.register_member(
            {"name": "Twice", "phone": "+79051234567"}, program_id=self.program.id
        )
        payload = self.order(
            "1000.00", burn=100, wallet_id=member["wallet_id"], ref="T-1"
        )
        first = self.service.confirm(payload, "order-uuid-1")
        second = self.service.confirm(payload, "order-uuid-1")
        self.assertFalse(first["replayed"])
        self.assertTrue(second["replayed"])
        self.assertEqual(first["earn"], second["earn"])
        wallet = self.env["loyalty.club.wallet"].browse(member["wallet_id"])
        self.assertEqual(
            len(wallet.ledger_ids.filtered(lambda ln: ln.kind == "earn")), 1
        )
        self.assertEqual(
            len(wallet.ledger_ids.filtered(lambda ln: ln.kind == "burn")), 1
        )
        with self.assertRaisesRegex(Exception, "already used for another request"):
            self.service.confirm(dict(payload, burn=50), "order-uuid-1")


@tagged("post_install", "-at_install")
class TestTwoTills(TransactionCase):
    """Two real database cursors spend one wallet at the same moment."""

    def setUp(self):
        super().setUp()
        self.dbname = self.env.cr.dbname
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            program = env["loyalty.club.program"].create(
                {
                    "name": "Race club",
                    "sequence": 0,
                    "burn_cap_percent": 100,
                    "pending_days": 0,
                    "welcome_bonus": 1000,
                }
            )
            member = env["loyalty.club.service"].register_member(
                {"name": "Racer", "phone": "+79261112299"}, program_id=program.id
            )
            self.program_id, self.wallet_id = program.id, member["wallet_id"]
            self.partner_id = member["partner_id"]
        self.addCleanup(self._purge)

    def _purge(self):
        with self.registry.cursor() as cr:
            txn = "(SELECT id FROM loyalty_club_transaction WHERE program_id = %(p)s)"
            for sql in (
                "DELETE FROM loyalty_club_allocation WHERE ledger_id IN "
                "(SELECT id FROM loyalty_club_ledger WHERE program_id = %(p)s)",
                "UPDATE loyalty_club_ledger SET lot_id = NULL WHERE program_id = %(p)s",
                "DELETE FROM loyalty_club_lot WHERE wallet_id = %(w)s",
                "DELETE FROM loyalty_club_ledger WHERE program_id = %(p)s",
                f"DELETE FROM loyalty_club_transaction WHERE id IN {txn}",
                "DELETE FROM loyalty_club_consent WHERE partner_id = %(partner)s",
                "DELETE FROM loyalty_club_wallet WHERE id = %(w)s",
                "DELETE FROM loyalty_club_program WHERE id = %(p)s",
                "DELETE FROM res_partner WHERE id = %(partner)s",
            ):
                cr.execute(
                    sql,
                    {
                        "p": self.program_id,
                        "w": self.wallet_id,
                        "partner": self.partner_id,
                    },
                )

    def _spend(self, env, key):
        """Confirm a 700 spend on the 1000 balance."""
        payload = {
            "program_id": self.program_id,
            "wallet_id": self.wallet_id,
            "lines": [{"amount": "1000.00"}],
            "burn": 700,
            "strict": True,
        }
        env["loyalty.club.service"].confirm(payload, key)
        return "ok"

    def test_two_tills_never_overdraw(self):
        results = TwoTills(self, self._spend).race(
            "till-1",
            "till-2",
            holds="till 1 spent and holds the wallet",
            waits="till 2 waits for the wallet lock",
        )
        self.assertEqual(results["till-1"], "ok")
        self.assertIn("Not enough bonuses", results["till-2"])
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT available_minor FROM loyalty_club_wallet WHERE id = %s",
                [self.wallet_id],
            )
            self.assertEqual(
                cr.fetchone()[0], 33000, "300 left + 30 earned on the 300 paid"
            )
            cr.execute(
                "SELECT count(*) FROM loyalty_club_ledger WHERE wallet_id = %s "
                "AND kind = 'burn'",
                [self.wallet_id],
            )
            self.assertEqual(cr.fetchone()[0], 1)
