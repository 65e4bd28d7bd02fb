from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestClubPosDemo(TransactionCase):
    """The demo chain, when the demo data is loaded (./club run)."""

    def test_a_till_and_a_cashier_per_store(self):
        config = self.env.ref("loyalty_club_pos.pos_config_center", False)
        if not config:
            self.skipTest("installed without demo data")
        program = self.env.ref("loyalty_club.program_demo")
        for n, store in enumerate(("center", "mall", "station"), start=1):
            config = self.env.ref(f"loyalty_club_pos.pos_config_{store}")
            self.assertEqual(config.club_program_id, program)
            self.assertEqual(
                config.club_store_id, self.env.ref(f"loyalty_club.store_{store}")
            )
            kinds = set(config.payment_method_ids.mapped("club_kind"))
            self.assertEqual(kinds, {"bonus", "gift_card", False})
            self.assertTrue(config.payment_method_ids.filtered("is_cash_count"))
            user = self.env.ref(f"loyalty_club_pos.user_cashier{n}")
            self.assertEqual(user.login, f"cashier{n}")
            self.assertTrue(user.has_group("point_of_sale.group_pos_user"))
            self.assertIn(config.club_store_id.name, user.name)
        furniture = self.env.ref("point_of_sale.pos_config_main", False)
        if furniture:
            self.assertEqual(furniture.club_program_id, program)
