import csv
import hashlib
import hmac
import io
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from ..domain import draw as core_draw
from .common import ClubCase


class TestDraw(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.welcome_bonus = 0
        cls.other_store = cls.env["loyalty.club.store"].create(
            {"name": "Other store", "code": "T09"}
        )
        cls.manager = new_test_user(
            cls.env,
            login="draw_manager",
            groups="base.group_user,loyalty_club.group_club_manager",
        )
        cls.wallets = {}
        for name, phone in (
            ("Anna", "+79160000101"),
            ("Boris", "+79160000102"),
            ("Clara", "+79160000103"),
            ("Denis", "+79160000104"),
            ("Elena", "+79160000105"),
        ):
            member = cls.service.register_member(
                {"name": name, "phone": phone}, program_id=cls.program.id
            )
            cls.wallets[name] = cls.env["loyalty.club.wallet"].browse(
                member["wallet_id"]
            )
        cls.qualifying = {}

        def buy(key, name, amount, day, store=None):
            payload = cls.order(
                cls, amount, wallet_id=cls.wallets[name].id, date=f"{day} 12:00:00"
            )
            if store:
                payload["store_id"] = store.id
            return cls.service.confirm(payload, key)["transaction_id"]

        cls.qualifying["a1"] = (buy("a1", "Anna", "600", "2026-11-03"), "Anna")
        cls.qualifying["a2"] = (buy("a2", "Anna", "900", "2026-11-20"), "Anna")
        cls.qualifying["c1"] = (buy("c1", "Clara", "500", "2026-11-30"), "Clara")
        cls.qualifying["e1"] = (buy("e1", "Elena", "700", "2026-11-10"), "Elena")
        buy("b1", "Boris", "499.99", "2026-11-05")  # below the minimum check
        buy("b2", "Boris", "800", "2026-11-05", cls.other_store)  # another store
        buy("d1", "Denis", "800", "2026-12-01")  # after the period
        buy("d2", "Denis", "800", "2026-11-12")  # refunded below the minimum
        cls.service.reverse(
            {"original_key": "d2", "amount": "400", "date": "2026-11-13 10:00:00"},
            "d2-refund",
        )

    def new_draw(self, **vals):
        return (
            self.env["loyalty.club.draw"]
            .with_user(self.manager)
            .create(
                dict(
                    {
                        "name": "November draw",
                        "program_id": self.program.id,
                        "date_from": date(2026, 11, 1),
                        "date_to": date(2026, 11, 30),
                        "store_ids": [(6, 0, self.store.ids)],
                        "min_check": 500,
                        "winner_count": 2,
                        "reward_bonus": 100,
                    },
                    **vals,
                )
            )
        )

    def test_draw_is_rerun_from_its_revealed_seed(self):
        draw = self.new_draw()
        with freeze_time("2026-11-15"):
            draw.action_commit()
        self.assertEqual(draw.state, "committed")
        self.assertRegex(draw.commitment, r"^[0-9a-f]{64}$")
        self.assertFalse(draw.seed, "the seed stays hidden until the draw")
        self.assertIn(draw.commitment, draw.message_ids[0].body)
        with freeze_time("2026-11-30"), self.assertRaisesRegex(UserError, "after"):
            draw.action_draw()
        with freeze_time("2026-12-01"):
            draw.action_draw()
        self.assertEqual(draw.state, "drawn")
        self.assertTrue(draw.seed_verified)
        self.assertEqual(
            hashlib.sha256(draw.seed.encode()).hexdigest(),
            draw.commitment,
            "the revealed seed is the committed one",
        )
        expected = sorted(
            f"{txn},{self.wallets[name].id}" for txn, name in self.qualifying.values()
        )
        self.assertEqual(draw._entry_lines(), expected)
        self.assertEqual(draw.entry_count, 4)

        # the auditor: the exported CSV and the revealed seed, hashlib and hmac
        action = draw.with_user(self.manager).action_export_entries()
        self.assertIn(f"id={draw.id}&field=entries_file", action["url"])
        attachment = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "loyalty.club.draw"),
                ("res_id", "=", draw.id),
                ("res_field", "=", "entries_file"),
            ]
        )
        rows = list(csv.reader(io.StringIO(attachment.raw.decode())))
        self.assertEqual(rows[0], ["entry", "member"])
        lines = [",".join(r) for r in rows[1:]]
        digest = hashlib.sha256(
            b"".join(ln.encode() + b"\n" for ln in sorted(lines))
        ).hexdigest()
        self.assertEqual(digest, draw.entries_hash)
        tickets = sorted(
            (hmac.new(draw.seed.encode(), e.encode(), hashlib.sha256).hexdigest(), e, m)
            for e, m in (ln.split(",") for ln in lines)
        )
        audit, owners = [], set()
        for _t, entry, member in tickets:
            if member not in owners:
                owners.add(member)
                audit.append(entry)
        self.assertEqual(draw.winner_ids.mapped("entry"), audit[:2])
        self.assertEqual(
            [
                w.key
                for w in core_draw.draw(
                    draw.seed, core_draw.parse_lines(attachment.raw.decode()), 2
                )
            ],
            audit[:2],
        )
        self.assertEqual(len(set(draw.winner_ids.mapped("wallet_id"))), 2)
        self.assertIn(draw.seed, draw.message_ids[0].body)

    def test_committed_draw_keeps_its_rules_and_seed(self):
        draw = self.new_draw()
        with freeze_time("2026-11-15"):
            draw.with_user(self.manager).action_commit()
        commitment = draw.commitment
        for vals in (
            {"min_check": 1},
            {"date_to": date(2026, 12, 31)},
            {"store_ids": [(5,)]},
            {"winner_count": 3},
        ):
            with self.assertRaisesRegex(UserError, "cannot change"):
                draw.with_user(self.manager).write(vals)
        with self.assertRaises(UserError):
            draw.with_user(self.manager).write({"commitment": "0" * 64})
        with self.assertRaises(UserError):
            draw.sudo().write({"commitment": "0" * 64})
        with self.assertRaises(AccessError):
            self.env["loyalty.club.draw.seed"].with_user(self.manager).search([])
        with freeze_time("2026-11-15"), self.assertRaises(UserError):
            draw.with_user(self.manager).action_commit()
        self.assertEqual(draw.commitment, commitment)
        with self.assertRaises(UserError):
            draw.with_user(self.manager).unlink()

    def test_commit_after_the_period_is_refused(self):
        draw = self.new_draw()
        with freeze_time("2026-12-01"), self.assertRaisesRegex(UserError, "before"):
            draw.action_commit()

    def test_rewarding_twice_pays_once(self):
        draw = self.new_draw(winner_count=3)
        with freeze_time("2026-11-15"):
            draw.action_commit()
        with freeze_time("2026-12-01"):
            draw.action_draw()
        winners = draw.winner_ids
        self.assertEqual(len(winners), 3, "Anna, Clara and Elena: three owners")
        with freeze_time("2026-12-02"):
            winners.wallet_id._refresh_balances(date(2026, 12, 2))
            before = {w: w.balance_available for w in winners.wallet_id}
            draw.with_user(self.manager).action_reward()
            draw.with_user(self.manager).action_reward()
            draw.winner_ids.sudo().write({"rewarded": False})  # even if marked unpaid
            draw.with_user(self.manager).action_reward()
        gifts = self.env["loyalty.club.ledger"].search(
            [("idempotency_key", "like", f"loyalty.club.draw:{draw.id}:")]
        )
        self.assertEqual(len(gifts), 3)
        self.assertEqual(gifts.mapped("amount"), [100.0] * 3)
        for wallet in winners.wallet_id:
            self.assertEqual(wallet.balance_available, before[wallet] + 100)
            self.assertLedgerConsistent(wallet, date(2026, 12, 2))
        self.assertTrue(all(winners.mapped("rewarded")))
        self.assertEqual(winners.ledger_id, gifts)

    def test_member_basis_one_entry_each(self):
        draw = self.new_draw(basis="member", store_ids=[(5,)], min_check=0)
        with freeze_time("2026-11-15"):
            draw.action_commit()
        with freeze_time("2026-12-01"):
            draw.action_draw()
        names = {"Anna", "Boris", "Clara", "Denis", "Elena"}
        self.assertEqual(
            draw._entry_lines(),
            sorted(f"{self.wallets[n].id},{self.wallets[n].id}" for n in names),
        )

    def test_prize_draw_records_winners_without_bonuses(self):
        draw = self.new_draw(reward_kind="prize", reward_bonus=0, prize="A bicycle")
        clerk = new_test_user(
            self.env,
            login="draw_clerk",
            groups="base.group_user,loyalty_club.group_club_user",
        )
        with freeze_time("2026-11-15"), self.assertRaisesRegex(UserError, "managers"):
            draw.with_user(clerk).action_commit()
        with freeze_time("2026-11-15"):
            draw.action_commit()
        with freeze_time("2026-12-01"):
            draw.action_draw()
        ledger_before = self.env["loyalty.club.ledger"].search_count([])
        with self.assertRaisesRegex(UserError, "managers"):
            draw.with_user(clerk).action_reward()
        draw.with_user(self.manager).action_reward()
        self.assertEqual(len(draw.winner_ids), 2)
        self.assertTrue(all(draw.winner_ids.mapped("rewarded")))
        self.assertFalse(draw.winner_ids.ledger_id)
        self.assertEqual(
            self.env["loyalty.club.ledger"].search_count([]), ledger_before
        )
