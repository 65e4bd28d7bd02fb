from odoo.tests import TransactionCase


class ClubCase(TransactionCase):
    """A program like the SOKOLOV case: 10 % earn, 30 % cap, pending and expiry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["loyalty.club.service"]
        cls.store = cls.env["loyalty.club.store"].create(
            {"name": "Test store", "code": "T01"}
        )
        cls.program = cls.env["loyalty.club.program"].create(
            {
                "name": "Test club",
                "sequence": 0,
                "earn_percent": 10,
                "burn_cap_percent": 30,
                "pending_days": 14,
                "expiry_days": 180,
                "welcome_bonus": 1000,
            }
        )

    def order(self, amount, burn=0, **extra):
        payload = {
            "program_id": self.program.id,
            "store_id": self.store.id,
            "channel": "api",
            "lines": [{"key": 1, "amount": amount}],
            "burn": burn,
        }
        payload.update(extra)
        return payload

    def assertLedgerConsistent(self, wallet, today=None):
        self.assertEqual(
            wallet._ledger_mismatches(today),
            [],
            "stored balances differ from the ledger",
        )
