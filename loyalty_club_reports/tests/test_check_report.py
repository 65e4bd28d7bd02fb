from odoo.tests import tagged

from odoo.addons.loyalty_club.tests.common import ClubCase


@tagged("post_install", "-at_install")
class TestCheckReport(ClubCase):
    def test_members_and_non_members_are_counted(self):
        member = self.service.register_member(
            {"name": "Reporter", "phone": "+79031234500"}, program_id=self.program.id
        )
        self.service.confirm(self.order("300.00", wallet_id=member["wallet_id"]), "r-1")
        self.service.confirm(self.order("200.00", wallet_id=member["wallet_id"]), "r-2")
        self.service.confirm(self.order("700.00"), "r-3")  # a check without a card
        self.service.reverse({"original_key": "r-1", "amount": "100.00"}, "r-1-back")
        self.env.flush_all()
        Report = self.env["loyalty.club.check.report"]
        groups = {
            is_member: (count, amount, earned)
            for is_member, count, amount, earned in Report._read_group(
                [("program_id", "=", self.program.id)],
                ["is_member"],
                ["check_count:sum", "amount:sum", "earned:sum"],
            )
        }
        self.assertEqual(
            groups[True], (2, 400.0, 40.0), "two sales, one partly refunded"
        )
        self.assertEqual(groups[False], (1, 700.0, 0.0), "the check without a card")
