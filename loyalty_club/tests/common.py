import threading

from psycopg2 import errors as pg_errors

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
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


class TwoTills:
    """Two tills on real, separate database cursors: till 1 confirms and holds its
    transaction open, till 2 confirms meanwhile and must wait for it."""

    def __init__(self, case, confirm):
        self.case, self.confirm, self.results = case, confirm, {}

    def till(self, key, locked=None, release=None):
        """Run ``confirm(env, key)`` in its own transaction; record its answer,
        "retry" for a serialization failure or the text of a refusal."""
        registry = self.case.registry
        try:
            with registry.cursor() as cr:
                # the test runner holds the registry lock: hand the registry over
                cr.transaction = api.Transaction(registry)
                env = api.Environment(cr, SUPERUSER_ID, {})
                self.results[key] = self.confirm(env, key)
                if locked:
                    locked.set()
                    release.wait(20)
        except pg_errors.SerializationFailure:
            self.results[key] = "retry"
        except UserError as exc:
            self.results[key] = str(exc)
        return self.results[key]

    def race(self, first, second, holds, waits):
        """Both tills at once; the second retried as Odoo retries a request."""
        locked, release = threading.Event(), threading.Event()
        till1 = threading.Thread(target=self.till, args=(first, locked, release))
        till1.start()
        self.case.addCleanup(release.set)
        self.case.assertTrue(locked.wait(20), holds)
        till2 = threading.Thread(target=self.till, args=(second,))
        till2.start()
        till2.join(1.0)
        self.case.assertTrue(till2.is_alive(), waits)
        release.set()
        till1.join(20)
        till2.join(20)
        if self.results[second] == "retry":
            self.till(second)
        return self.results


class CommittedMember:
    """A program and a member with 1,000 bonuses committed to the database, for
    tests whose other cursors or processes must see them; purged afterwards."""

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
                # the virtual card the member got at registration
                "DELETE FROM loyalty_club_card WHERE program_id = %(p)s",
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
