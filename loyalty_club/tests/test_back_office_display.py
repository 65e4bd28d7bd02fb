"""What a back-office user reads on the member form, the kanban and the ledger."""

from datetime import date

from lxml import etree

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..domain.cards import make_ean13
from .common import ClubCase

CARD = make_ean13("297", 17)


@tagged("post_install", "-at_install")
class TestBackOfficeDisplay(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id += cls.env.ref("loyalty_club.group_club_manager")
        cls.env["loyalty.club.card"].create(
            {"code": CARD, "program_id": cls.program.id}
        )
        member = cls.service.register_member(
            {"name": "Vera", "phone": "+79031230017", "card_number": CARD},
            program_id=cls.program.id,
        )
        cls.partner = cls.env["res.partner"].browse(member["partner_id"])
        cls.wallet = cls.env["loyalty.club.wallet"].browse(member["wallet_id"])

    def test_member_fields_have_human_labels_and_help(self):
        fields = self.env["res.partner"].with_context(lang="en_US").fields_get()
        club = {name: desc for name, desc in fields.items() if name.startswith("club_")}
        self.assertEqual(
            [
                club[f"club_consent_{c}"]["string"]
                for c in ("sms", "email", "push", "personal_data")
            ],
            ["SMS", "E-mail", "Push", "Personal data"],
        )
        self.assertEqual(club["club_join_date"]["string"], "Member Since")
        self.assertEqual(club["club_consent_ids"]["string"], "Consent History")
        for name, desc in club.items():
            self.assertNotEqual(
                desc["string"],
                name.replace("_", " ").title(),
                f"{name} is labelled from its name",
            )
            self.assertTrue(desc.get("help"), f"{name} has no help")

    def test_erasure_is_in_the_action_menu_behind_a_confirmation(self):
        arch = self.env["res.partner"].get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        buttons = etree.fromstring(arch).xpath("//button[@name='action_club_erase']")
        self.assertFalse(buttons, "no erase button on the member form")
        action = self.env.ref("loyalty_club.res_partner_action_club_erase")
        self.assertEqual(action.binding_model_id.model, "res.partner")
        self.assertEqual(
            action.groups_id, self.env.ref("loyalty_club.group_club_manager")
        )
        dialog = action.with_context(
            active_model="res.partner",
            active_id=self.partner.id,
            active_ids=self.partner.ids,
        ).run()
        self.assertEqual((dialog["res_id"], dialog["target"]), (self.partner.id, "new"))
        view = self.env["ir.ui.view"].browse(dialog["views"][0][0])
        self.assertIn("action_club_erase", view.arch)
        self.assertFalse(self.partner.club_erased, "asking erased nothing")
        clerk = new_test_user(
            self.env,
            "club_clerk",
            groups="base.group_user,loyalty_club.group_club_user",
        )
        with self.assertRaises(AccessError):
            self.partner.with_user(clerk).action_club_erase_confirm()

    def test_kanban_card_shows_tier_balance_and_card(self):
        tier = self.env["loyalty.club.tier"].create(
            {"name": "Gold", "program_id": self.program.id, "threshold": 0}
        )
        self.wallet.tier_id = tier
        partner = self.partner.with_context(lang="en_US")
        self.assertEqual(partner.club_wallet_id, self.wallet)
        self.assertEqual(partner.club_tier_id, tier)
        self.assertEqual(partner.club_balance, 1000.0, "the welcome bonus")
        self.assertEqual(partner.club_unit_name, "bonus")
        self.assertEqual(partner.club_card_code, CARD)
        arch = self.env["res.partner"].get_views(
            [
                (
                    self.env.ref("loyalty_club.res_partner_view_kanban_members").id,
                    "kanban",
                )
            ]
        )["views"]["kanban"]["arch"]
        shown = set(etree.fromstring(arch).xpath("//field/@name"))
        self.assertLessEqual(
            {"club_tier_id", "club_balance", "club_unit_name", "club_card_code"}, shown
        )

    def test_questionnaire_answer_in_its_type(self):
        Attribute = self.env["loyalty.club.attribute"]
        questions = Attribute.create(
            [
                {"name": "Children", "code": "bo_children", "value_type": "number"},
                {"name": "Height", "code": "bo_height", "value_type": "number"},
                {"name": "Wedding day", "code": "bo_wedding", "value_type": "date"},
                {"name": "Pet", "code": "bo_pet", "value_type": "text"},
                {
                    "name": "Colour",
                    "code": "bo_colour",
                    "value_type": "selection",
                    "option_ids": [(0, 0, {"name": "Green"})],
                },
            ]
        )
        answers = {
            "bo_children": "2",
            "bo_height": "1234.5",
            "bo_wedding": "2026-03-02",
            "bo_pet": "a cat",
            "bo_colour": "green",
        }
        for code, raw in answers.items():
            self.partner._club_set_attribute(code, raw)
        values = self.partner.with_context(lang="en_US").club_attribute_value_ids
        shown = {v.attribute_id.code: v.answer for v in values}
        self.assertEqual(
            {code: shown[code] for code in answers},
            {
                "bo_children": "2",
                "bo_height": "1,234.5",
                "bo_wedding": "03/02/2026",
                "bo_pet": "a cat",
                "bo_colour": "Green",
            },
        )
        self.assertEqual(len(questions), 5)
        wedding = values.filtered(lambda v: v.attribute_id.code == "bo_wedding")
        self.assertEqual(wedding.display_value, "2026-03-02", "the API's text")
        self.assertEqual(wedding.value_date, date(2026, 3, 2))
        self.assertEqual(wedding.display_name, "Wedding day: 03/02/2026")

    def test_ledger_shows_unit_and_running_balance(self):
        self.service.confirm(self.order("2000.00", wallet_id=self.wallet.id), "bo-1")
        self.service.confirm(
            self.order("1000.00", burn=300, wallet_id=self.wallet.id), "bo-2"
        )
        lines = self.env["loyalty.club.ledger"].search(
            [("wallet_id", "=", self.wallet.id)]
        )
        self.assertEqual(set(lines.mapped("unit_name")), {"bonus"})
        running, expected = 0.0, {}
        for line in lines.sorted(lambda ln: (ln.date, ln.id)):
            running += line.amount
            expected[line.id] = round(running, 2)
        self.assertEqual({ln.id: ln.balance_after for ln in lines}, expected)
        newest = lines[0]
        self.assertEqual(
            newest.balance_after,
            self.wallet.balance_available + self.wallet.balance_pending,
        )
        # a page of one line still counts the lines before it
        self.env.invalidate_all()
        oldest = self.env["loyalty.club.ledger"].browse(lines[-1].id)
        self.assertEqual(oldest.balance_after, oldest.amount)
        middle = self.env["loyalty.club.ledger"].browse(lines[1].id)
        self.assertEqual(middle.balance_after, expected[middle.id])
