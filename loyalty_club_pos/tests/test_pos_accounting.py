from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestPosAccounting(TransactionCase):
    def test_club_payments_settle_the_liability(self):
        company = self.env.company
        self.assertTrue(company.loyalty_club_pos_settles)
        Method = self.env["pos.payment.method"]
        bonus = Method._club_ensure_bonus_method(company)
        gift = Method._club_ensure_gift_card_method(company)
        self.assertEqual(
            bonus.outstanding_account_id,
            company._loyalty_club_liability_account("bonus"),
        )
        self.assertEqual(
            gift.outstanding_account_id,
            company._loyalty_club_liability_account("gift_card"),
        )
        product = self.env.ref("loyalty_club_pos.product_club_gift_card")
        self.assertEqual(
            product.with_company(company).property_account_income_id,
            company._loyalty_club_liability_account("gift_card"),
            "a gift card sold is owed, not earned",
        )
