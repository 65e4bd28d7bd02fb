"""Holds: bonuses set aside for an order, then captured or released (issue 21)."""

import re

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from .common import ClubCase, CommittedMember, TwoTills
from .test_api_common import ApiCase


class HoldCase(ClubCase):
    """A member with 1,000 bonuses spendable at once; half an order may be paid
    with bonuses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.write({"pending_days": 0, "burn_cap_percent": 50})
        member = cls.service.register_member(
            {"name": "Holder", "phone": "+79261230001"}, program_id=cls.program.id
        )
        cls.wallet = cls.env["loyalty.club.wallet"].browse(member["wallet_id"])
        cls.Hold = cls.env["loyalty.club.hold"]

    def reserve(self, ref, amount, key=None, **extra):
        payload = {
            "program_id": self.program.id,
            "wallet_id": self.wallet.id,
            "order_ref": ref,
            "amount": amount,
            "channel": "api",
        }
        payload.update(extra)
        return self.Hold.reserve(payload, key or f"reserve:{ref}")

    def capture(self, ref, amount=None, key=None, lines_amount="2000.00"):
        payload = {
            "program_id": self.program.id,
            "order_ref": ref,
            "lines": [{"key": 1, "amount": lines_amount}],
            "store_id": self.store.id,
        }
        if amount is not None:
            payload["amount"] = amount
        return self.Hold.capture(payload, key or f"capture:{ref}")

    def release(self, ref, key=None):
        return self.Hold.release(
            {"program_id": self.program.id, "order_ref": ref},
            key or f"release:{ref}",
        )

    def available(self):
        return self.service.quote(self.order("2000.00", wallet_id=self.wallet.id))[
            "available"
        ]


class TestHolds(HoldCase):
    def test_reserve_capture_part_and_release(self):
        self.assertEqual(self.wallet.balance_available, 1000)
        lines_before = len(self.wallet.ledger_ids)
        held = self.reserve("WEB-1", 300)
        self.assertEqual(held["state"], "held")
        self.assertEqual((held["available"], held["held"]), (700, 300))
        # not a ledger movement: the lots stay, the balances show it held
        self.assertEqual(len(self.wallet.ledger_ids), lines_before)
        self.assertEqual(self.wallet.balance_available, 700)
        self.assertEqual(self.wallet.balance_held, 300)
        self.assertLedgerConsistent(self.wallet)

        # the order is paid: 200 of the 300 spent, 100 given back
        done = self.capture("WEB-1", 200)
        hold = self.Hold.browse(done["hold_id"])
        self.assertEqual(hold.state, "captured")
        self.assertEqual((done["captured"], done["released"]), (200, 100))
        txn = hold.transaction_id
        self.assertEqual((txn.ref, txn.kind, txn.spent), ("WEB-1", "sale", 200))
        self.assertEqual(txn.earned, 180, "10 % of the 1,800 paid in money")
        burns = self.wallet.ledger_ids.filtered(lambda ln: ln.kind == "burn")
        self.assertEqual(burns.mapped("amount_minor"), [-20000])
        self.assertEqual(self.wallet.balance_held, 0)
        self.assertEqual(self.wallet.balance_available, 1000 - 200 + 180)
        self.assertLedgerConsistent(self.wallet)

        # another order cancelled: its hold comes back whole
        self.reserve("WEB-2", 500)
        self.assertEqual(self.wallet.balance_available, 480)
        released = self.release("WEB-2")
        self.assertEqual((released["state"], released["released"]), ("released", 500))
        self.assertEqual(self.wallet.balance_available, 980)
        self.assertEqual(self.available(), 980)

    def test_holds_excluded_from_what_the_till_and_the_quote_offer(self):
        self.reserve("WEB-3", 400)
        # the till identifies the member: available is what may be spent
        summary = self.service.identify("+79261230001", self.program.id)
        self.assertEqual((summary["available"], summary["held"]), (600, 400))
        quote = self.service.quote(
            self.order("2000.00", burn=1000, wallet_id=self.wallet.id)
        )
        self.assertEqual(quote["available"], 600)
        self.assertEqual(quote["burn_max"], 600, "the cap (1,000) is above the 600")
        self.assertEqual(quote["burn"], 600)
        self.assertTrue(quote["capped"])
        # a sale cannot spend what the hold keeps
        with self.assertRaisesRegex(UserError, "Not enough bonuses"):
            self.service.confirm(
                self.order("2000.00", burn=700, strict=True, wallet_id=self.wallet.id),
                "till-sale-1",
            )
        self.service.confirm(
            self.order("2000.00", burn=600, strict=True, wallet_id=self.wallet.id),
            "till-sale-2",
        )
        self.assertEqual(self.wallet.balance_held, 400)
        # the hold is still whole: it is captured in full
        self.assertEqual(self.capture("WEB-3")["captured"], 400)
        self.assertGreaterEqual(self.wallet.available_minor, 0)
        self.assertLedgerConsistent(self.wallet)

    def test_idempotent_by_key(self):
        first = self.reserve("WEB-4", 100, key="k-hold")
        again = self.reserve("WEB-4", 100, key="k-hold")
        self.assertFalse(first["replayed"])
        self.assertTrue(again["replayed"])
        self.assertEqual(again["hold_id"], first["hold_id"])
        self.assertEqual(self.Hold.search_count([("order_ref", "=", "WEB-4")]), 1)
        with self.assertRaisesRegex(ValidationError, "already used for another"):
            self.reserve("WEB-4", 150, key="k-hold")
        captured = self.capture("WEB-4", key="k-capture")
        replay = self.capture("WEB-4", key="k-capture")
        self.assertTrue(replay["replayed"])
        self.assertEqual(replay["transaction_id"], captured["transaction_id"])
        self.assertEqual(
            len(self.wallet.ledger_ids.filtered(lambda ln: ln.kind == "burn")), 1
        )
        with self.assertRaisesRegex(ValidationError, "already used for another"):
            self.capture("WEB-4", 50, key="k-capture")
        with self.assertRaisesRegex(UserError, "was already captured"):
            self.capture("WEB-4", key="k-capture-2")
        with self.assertRaisesRegex(UserError, "was already captured"):
            self.release("WEB-4")

    def test_bad_requests_are_refused_and_never_overdraw(self):
        with self.assertRaisesRegex(UserError, "Not enough bonuses to hold"):
            self.reserve("WEB-5", 1001)
        self.reserve("WEB-5", 800)
        with self.assertRaisesRegex(UserError, "200.00 available, 300.00 asked"):
            self.reserve("WEB-6", 300)
        # two tabs checking out the same cart
        with self.assertRaisesRegex(UserError, "already holds"):
            self.reserve("WEB-5", 100, key="second-tab")
        for amount in (0, -5, "abc"):
            with self.assertRaises(UserError):
                self.reserve("WEB-7", amount, key=f"bad-{amount}")
        with self.assertRaisesRegex(UserError, "At most 800.00 can be captured"):
            self.capture("WEB-5", 801)
        with self.assertRaisesRegex(UserError, "No hold for this order"):
            self.capture("NOPE")
        with self.assertRaisesRegex(UserError, "reference of its order"):
            self.reserve("", 10, key="no-ref")
        # a hold the order could not pay with bonuses (half of 100 at most)
        with self.assertRaisesRegex(UserError, "At most 50.00 can be spent"):
            self.reserve("WEB-8", 60, lines=[{"key": 1, "amount": "100.00"}])
        # the order shrank below the hold: the capture is refused, the hold kept
        with self.assertRaisesRegex(UserError, "At most"):
            self.capture("WEB-5", lines_amount="100.00")
        hold = self.Hold.search([("order_ref", "=", "WEB-5")])
        self.assertEqual(hold.state, "held")
        self.assertFalse(hold.transaction_id)
        self.assertFalse(
            self.env["loyalty.club.transaction"].search([("ref", "=", "WEB-5")])
        )
        self.assertEqual(self.wallet.balance_available, 200)
        self.release("WEB-5")
        with self.assertRaisesRegex(UserError, "was released"):
            self.capture("WEB-5", key="after-release")
        self.assertGreaterEqual(self.wallet.available_minor, 0)
        self.assertLedgerConsistent(self.wallet)

    def test_expired_holds_come_back_by_the_job(self):
        self.reserve("WEB-9", 300)
        self.reserve("WEB-10", 200)
        stale = self.Hold.search([("order_ref", "=", "WEB-9")])
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE loyalty_club_hold SET expires_at = %s WHERE id = %s",
            [fields.Datetime.subtract(fields.Datetime.now(), minutes=1), stale.id],
        )
        stale.invalidate_recordset()
        with self.assertRaisesRegex(UserError, "has expired"):
            self.capture("WEB-9")
        self.env.ref("loyalty_club.cron_expire_holds").method_direct_trigger()
        self.assertEqual(stale.state, "expired")
        self.assertTrue(stale.closed_at)
        other = self.Hold.search([("order_ref", "=", "WEB-10")])
        self.assertEqual(other.state, "held")
        self.wallet.invalidate_recordset()
        self.assertEqual(self.wallet.balance_held, 200)
        self.assertEqual(self.wallet.balance_available, 800)
        self.assertEqual(self.available(), 800)
        with self.assertRaisesRegex(UserError, "has expired"):
            self.release("WEB-9")
        self.assertEqual(self.Hold._cron_expire(), 0, "nothing left to expire")
        self.assertLedgerConsistent(self.wallet)

    def test_hold_needs_an_expiry_ahead_and_a_key(self):
        with self.assertRaisesRegex(UserError, "end in the future"):
            self.reserve("WEB-11", 10, expires_at="2000-01-01 00:00:00")
        with self.assertRaisesRegex(UserError, "1 to 90 days"):
            self.reserve("WEB-11", 10, key="k-days", hold_days=365)
        with self.assertRaisesRegex(UserError, "idempotency key"):
            self.Hold.reserve(
                {"wallet_id": self.wallet.id, "order_ref": "X", "amount": 1}, ""
            )
        held = self.reserve("WEB-11", 10, key="k-ok", hold_days=2)
        hold = self.Hold.browse(held["hold_id"])
        days = (hold.expires_at - hold.create_date).total_seconds() / 86400
        self.assertAlmostEqual(days, 2, delta=0.01)

    def test_club_users_read_holds_of_their_company_only(self):
        self.reserve("WEB-12", 10)
        user = new_test_user(
            self.env, login="hold_reader", groups="loyalty_club.group_club_user"
        )
        holds = self.Hold.with_user(user).search([("order_ref", "=", "WEB-12")])
        self.assertEqual(len(holds), 1)
        with self.assertRaises(AccessError):
            holds.write({"state": "released"})
        other = self.env["res.company"].create({"name": "Other club company"})
        user.write({"company_ids": [(6, 0, other.ids)], "company_id": other.id})
        self.assertFalse(
            self.Hold.with_user(user)
            .with_context(allowed_company_ids=other.ids)
            .search([("order_ref", "=", "WEB-12")])
        )


@tagged("post_install", "-at_install")
class TestHoldRace(CommittedMember, TransactionCase):
    """Two real database cursors on the same wallet and hold at once."""

    def setUp(self):
        super().setUp()
        self.addCleanup(self._purge_holds)

    def _purge_holds(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "DELETE FROM loyalty_club_hold WHERE wallet_id = %s", [self.wallet_id]
            )
            cr.execute(
                "DELETE FROM loyalty_club_request WHERE idempotency_key LIKE 'race:%%'"
            )

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def _reserve(self, env, key, ref=None, amount=600):
        env["loyalty.club.hold"].reserve(
            {
                "program_id": self.program_id,
                "wallet_id": self.wallet_id,
                "order_ref": ref or key,
                "amount": amount,
            },
            key,
        )
        return "ok"

    def _capture(self, env, key):
        env["loyalty.club.hold"].capture(
            {
                "program_id": self.program_id,
                "order_ref": "race:order",
                "lines": [{"amount": "1000.00"}],
            },
            key,
        )
        return "ok"

    def _wallet_row(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT available_minor, held_minor FROM loyalty_club_wallet "
                "WHERE id = %s",
                [self.wallet_id],
            )
            available, held = cr.fetchone()
            cr.execute(
                "SELECT count(*) FROM loyalty_club_ledger WHERE wallet_id = %s "
                "AND kind = 'burn'",
                [self.wallet_id],
            )
            return available, held, cr.fetchone()[0]

    def test_two_captures_of_one_hold_spend_it_once(self):
        with self.registry.cursor() as cr:
            cr.transaction = api.Transaction(self.registry)
            self._reserve(self._env(cr), "race:hold", ref="race:order")
        results = TwoTills(self, self._capture).race(
            "race:capture-1",
            "race:capture-2",
            holds="the first capture spent the hold and keeps the wallet",
            waits="the second capture waits for the wallet lock",
        )
        self.assertEqual(results["race:capture-1"], "ok")
        self.assertIn("already captured", results["race:capture-2"])
        available, held, burns = self._wallet_row()
        self.assertEqual(burns, 1, "one spend, never two")
        self.assertEqual(held, 0)
        self.assertEqual(available, 1000_00 - 600_00 + 40_00, "40 earned on 400")

    def test_two_holds_racing_never_overdraw(self):
        results = TwoTills(self, self._reserve).race(
            "race:a",
            "race:b",
            holds="the first hold keeps the wallet",
            waits="the second hold waits for the wallet lock",
        )
        self.assertEqual(results["race:a"], "ok")
        self.assertIn("Not enough bonuses to hold", results["race:b"])
        available, held, _burns = self._wallet_row()
        self.assertEqual((available, held), (400_00, 600_00))


@tagged("post_install", "-at_install")
class TestHoldApi(ApiCase):
    def hold_call(self, path, body, key, method="POST"):
        return self.call(method, path, body, headers={"Idempotency-Key": key})

    def test_hold_capture_release_over_the_api(self):
        member = self.register("+79261230002")
        self.assertEqual(member["balances"]["available"], 100)
        body = {"identifier": "+79261230002", "amount": 60}
        response = self.hold_call("/orders/WEB-A/holds", body, "h-1")
        self.assertEqual(response.status_code, 201, response.text)
        held = response.json()
        self.assertEqual(held["state"], "held")
        self.assertEqual(held["balance"], {"available": 40, "held": 60})
        self.assertTrue(held["expires_at"].endswith("Z"))
        again = self.hold_call("/orders/WEB-A/holds", body, "h-1")
        self.assertEqual(again.headers.get("Idempotent-Replayed"), "true")
        self.assertEqual(again.json()["hold_id"], held["hold_id"])
        self.assertError(
            self.hold_call("/orders/WEB-A/holds", dict(body, amount=61), "h-1"),
            409,
            "idempotency_conflict",
        )
        self.assertError(
            self.hold_call("/orders/WEB-A/holds", body, "h-2"), 409, "hold_exists"
        )
        self.assertError(
            self.hold_call("/orders/WEB-B/holds", dict(body, amount=50), "h-3"),
            422,
            "insufficient_balance",
        )
        # the member's balance and the order's quote leave the hold out
        read = self.call("GET", f"/members/{member['id']}").json()
        self.assertEqual(read["balances"]["available"], 40)
        self.assertEqual(read["balances"]["held"], 60)
        lines = [{"sku": "JACKET", "qty": 1, "unit_price": 200}]
        quote = self.call(
            "POST",
            "/orders/quote",
            {"identifier": "+79261230002", "lines": lines, "burn": 100},
        ).json()
        self.assertEqual(quote["available"], 40)
        self.assertEqual(quote["totals"]["burn"], 40)

        capture = {"lines": lines, "amount": 70}
        self.assertError(
            self.hold_call("/orders/WEB-A/holds/capture", capture, "c-1"),
            422,
            "capture_exceeds_hold",
        )
        response = self.hold_call(
            "/orders/WEB-A/holds/capture", dict(capture, amount=30), "c-2"
        )
        self.assertEqual(response.status_code, 201, response.text)
        done = response.json()
        self.assertEqual(
            (done["state"], done["captured"], done["released"]), ("captured", 30, 30)
        )
        self.assertEqual(done["earn"], 17, "10 % of the 170 paid in money")
        self.assertEqual(done["balance"], {"available": 87, "held": 0})
        self.assertError(
            self.hold_call("/orders/WEB-A/holds/capture", capture, "c-3"),
            409,
            "hold_captured",
        )
        # the captured order is an order of the key: refunded as any other
        refund = self.call(
            "POST",
            "/orders/WEB-A/refunds",
            {"amount": 200},
            headers={"Idempotency-Key": "r-1"},
        )
        self.assertEqual(refund.status_code, 201, refund.text)
        self.assertEqual(refund.json()["burn_returned"], 30)

        # a cancelled order gives its hold back, once
        self.hold_call("/orders/WEB-C/holds", dict(body, amount=20), "h-4")
        response = self.hold_call("/orders/WEB-C/holds/release", {}, "rel-1")
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["state"], "released")
        self.assertEqual(response.json()["balance"]["held"], 0)
        self.assertError(
            self.hold_call("/orders/WEB-C/holds/release", {}, "rel-2"),
            409,
            "hold_released",
        )
        self.assertError(
            self.hold_call("/orders/WEB-C/holds/capture", capture, "c-4"),
            409,
            "hold_released",
        )
        self.assertError(
            self.hold_call("/orders/NOPE/holds/capture", capture, "c-5"),
            404,
            "hold_not_found",
        )
        listed = self.call("GET", "/orders/WEB-A/holds").json()
        self.assertEqual([h["state"] for h in listed["holds"]], ["captured"])
        self.assertError(
            self.call(
                "POST",
                "/orders/WEB-D/holds",
                body,
                secret=self.lookup_secret,
                headers={"Idempotency-Key": "h-5"},
            ),
            403,
            "operation_not_allowed",
        )
        self.assertError(
            self.call("POST", "/orders/WEB-D/holds", body),
            400,
            "missing_idempotency_key",
        )


@tagged("post_install", "-at_install")
class TestHoldPortal(HttpCase):
    def test_member_sees_held_bonuses_apart(self):
        program = self.env["loyalty.club.program"].create(
            {
                "name": "Portal hold club",
                "sequence": 0,
                "pending_days": 0,
                "welcome_bonus": 500,
            }
        )
        user = new_test_user(self.env, "club_holder", groups="base.group_portal")
        user.partner_id.mobile = "+79218880077"
        member = self.env["loyalty.club.service"].register_member(
            {"name": "Holder", "phone": "+79218880077"}, program_id=program.id
        )
        wallet = self.env["loyalty.club.wallet"].browse(member["wallet_id"])
        self.assertEqual(wallet.partner_id, user.partner_id)
        self.env["loyalty.club.hold"].reserve(
            {
                "program_id": program.id,
                "wallet_id": wallet.id,
                "order_ref": "PORTAL-1",
                "amount": 120,
            },
            "portal-hold",
        )
        self.authenticate("club_holder", "club_holder")
        page = self.url_open("/my/club").text
        available = re.search(r'o_club_available">\s*([\d.,\s]+)', page)
        self.assertTrue(available, page[:2000])
        self.assertEqual(
            float(re.sub(r"[^\d.]", "", available.group(1).replace(",", ""))), 380.0
        )
        self.assertIn("o_club_held", page)
        self.assertRegex(page, r"Held for orders: 120")
