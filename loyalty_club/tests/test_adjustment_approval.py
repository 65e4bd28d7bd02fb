"""Adjustments above the program's threshold: a request that another club
manager approves or rejects, with to-dos and the chatter; only the approval
writes the ledger."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import ClubCase


class TestAdjustmentApproval(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.program.adjustment_approval_threshold = 500
        member = cls.service.register_member(
            {"name": "Adjusted Member", "phone": "+79215559001"},
            program_id=cls.program.id,
        )
        cls.wallet = cls.env["loyalty.club.wallet"].browse(member["wallet_id"])
        groups = "base.group_user,loyalty_club.group_club_manager"
        cls.alice = new_test_user(cls.env, "adj_alice", groups=groups)
        cls.boris = new_test_user(cls.env, "adj_boris", groups=groups)
        cls.cashier = new_test_user(
            cls.env, "adj_user", groups="base.group_user,loyalty_club.group_club_user"
        )

    def ask(self, amount, user=None):
        wizard = (
            self.env["loyalty.club.adjust"]
            .with_user(user or self.alice)
            .create(
                {"wallet_id": self.wallet.id, "amount": amount, "reason": "Goodwill"}
            )
        )
        return wizard, wizard.action_confirm()

    def ledger(self):
        return self.wallet.ledger_ids.filtered(lambda line: line.kind == "adjust")

    def test_below_the_threshold_writes_at_once(self):
        wizard, result = self.ask(400)
        self.assertFalse(wizard.needs_approval)
        self.assertEqual(result["type"], "ir.actions.act_window_close")
        self.assertEqual(self.ledger().mapped("amount"), [400.0])

    def test_approved_by_another_manager(self):
        wizard, result = self.ask(2000)
        self.assertTrue(wizard.needs_approval)
        request = self.env["loyalty.club.adjustment.request"].browse(result["res_id"])
        self.assertEqual(
            (request.state, request.requested_by_id), ("pending", self.alice)
        )
        self.assertFalse(self.ledger(), "a request writes no ledger line")
        # the other managers get a to-do, the requester none
        todo_users = request.activity_ids.mapped("user_id")
        self.assertIn(self.boris, todo_users)
        self.assertNotIn(self.alice, todo_users)
        # neither the requester nor a cashier can approve; nobody writes the state
        with self.assertRaisesRegex(AccessError, "another club manager"):
            request.with_user(self.alice).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.cashier).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.alice).write({"state": "approved"})
        before = self.wallet.balance_available
        request.with_user(self.boris).action_approve()
        self.assertEqual(
            (request.state, request.decided_by_id), ("approved", self.boris)
        )
        self.assertEqual(request.ledger_id, self.ledger())
        self.assertEqual(self.ledger().amount, 2000.0)
        self.assertEqual(self.wallet.balance_available, before + 2000.0)
        self.assertFalse(request.activity_ids, "the to-dos are done")
        self.assertIn("Goodwill", " ".join(request.message_ids.mapped("body")))
        with self.assertRaisesRegex(UserError, "already decided"):
            request.with_user(self.boris).action_reject()
        self.assertLedgerConsistent(self.wallet)

    def test_rejected_writes_nothing(self):
        _wizard, result = self.ask(-900)
        request = self.env["loyalty.club.adjustment.request"].browse(result["res_id"])
        request.with_user(self.boris).action_reject("Not justified")
        self.assertEqual(request.state, "rejected")
        self.assertEqual(request.rejection_reason, "Not justified")
        self.assertFalse(self.ledger())
        self.assertIn("Not justified", " ".join(request.message_ids.mapped("body")))
        with self.assertRaises(AccessError):
            self.ask(2000, user=self.cashier)
