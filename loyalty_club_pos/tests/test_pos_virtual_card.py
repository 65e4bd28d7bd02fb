from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from .common import ClubPosFixtureMixin


@tagged("post_install", "-at_install")
class TestClubPosVirtualCard(ClubPosFixtureMixin, TestPointOfSaleHttpCommon):
    """A virtual card issued at the till, read back by its QR, replaced."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._club_setup(cls.main_pos_config)
        cls._club_jacket()
        cls.club_program.sudo().write(
            {"code_verify_phone": False, "receipt_card_qr": True}
        )

    def test_virtual_card_registered_scanned_and_replaced(self):
        nomenclature = self.main_pos_config.company_id.nomenclature_id
        self.assertEqual(
            nomenclature.parse_barcode("LCLUB:2990009000010")["type"], "club_card"
        )
        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("LoyaltyClubPosVirtualCardTour", login="pos_user")
        self.env.invalidate_all()
        vika = (
            self.env["res.partner"].sudo().search([("club_phone", "=", "+79165550022")])
        )
        self.assertEqual(vika.name, "Vika Virtual")
        cards = vika.club_card_ids.sorted("id")
        self.assertEqual(cards.mapped("kind"), ["virtual", "virtual"])
        self.assertEqual(cards.mapped("state"), ["replaced", "active"])
        self.assertEqual(cards[0].replaced_by_id, cards[1])
        self.assertIn("Phone lost", " ".join(cards[0].message_ids.mapped("body")))
        # the new card's QR code identifies Vika at another till of the club,
        # scanned there by its cashier
        other = self.main_pos_config.copy({"name": "Second club till"})
        other.write(
            {
                "club_program_id": self.club_program.id,
                "club_store_id": self.club_store.id,
            }
        )
        # (the tour reads the member's card from her contact: its POS manager
        # is also a club user)
        self.pos_admin.groups_id += self.env.ref("loyalty_club.group_club_user")
        other.with_user(self.pos_admin).open_ui()
        self.start_pos_tour(
            "LoyaltyClubPosVirtualCardOtherTillTour",
            login="pos_admin",
            pos_config=other,
        )
        other.invalidate_recordset()
        found = other.with_user(self.pos_user).club_identify(cards[1].qr_payload)
        self.assertEqual(found["partner_id"], vika.id)
        refused = other.with_user(self.pos_user).club_identify(cards[0].qr_payload)
        self.assertEqual(refused["status"], "error")
        self.assertIn("was replaced", refused["message"])
        order = self.env["pos.order"].search(
            [("config_id", "=", self.main_pos_config.id)]
        )
        self.assertEqual(len(order), 1)
        self.assertEqual(order.club_wallet_id.partner_id, vika)
        self.assertEqual(order.club_transaction_id.earned, 10.0)
