from odoo.tests import TransactionCase, tagged

from .common import ClubCase, CommittedMember, TwoTills


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
class TestTwoTills(CommittedMember, TransactionCase):
    """Two real database cursors spend one wallet at the same moment."""

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
