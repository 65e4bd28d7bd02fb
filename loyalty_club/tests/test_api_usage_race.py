from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

from .common import TwoTills


@tagged("post_install", "-at_install")
class TestApiUsageRace(TransactionCase):
    """Two requests of one API key at once, on real cursors: the second waits
    for the first's counter row and counts after it, instead of failing to
    serialize (which made Odoo retry the whole request and log an error)."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            key = env["loyalty.club.api.key"].create(
                {"name": "Race shop", "channel": "eshop"}
            )
            self.key_id, self.secret = key.id, key._generate_secret()
        self.addCleanup(self._purge)

    def _purge(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM loyalty_club_api_key WHERE id = %s", [self.key_id])

    def _authenticate(self, env, key):
        self.calls.append(key)
        found = env["loyalty.club.api.key"]._authenticate(self.secret, env.cr)
        return found[2]  # the requests counted this minute

    def test_two_requests_of_one_key_both_count(self):
        self.calls = []
        answers = TwoTills(self, self._authenticate).race(
            "first",
            "second",
            "the first request holds the minute's counter",
            "the other request waits for it",
        )
        # each request ran once (no serialization failure, no retry) ...
        self.assertEqual(self.calls, ["first", "second"])
        self.assertTrue(all(isinstance(n, int) for n in answers.values()), answers)
        # ... and each was counted once
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT SUM(count) FROM loyalty_club_api_usage WHERE key_id = %s",
                [self.key_id],
            )
            self.assertEqual(cr.fetchone()[0], 2)
