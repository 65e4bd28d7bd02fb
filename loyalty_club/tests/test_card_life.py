"""Virtual cards at registration, and a card's life: replaced, blocked,
unblocked, each with its reason in the card's chatter."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..domain.cards import is_valid_ean13, make_ean13
from .common import ClubCase
from .test_api_common import ApiCase

STOCK = [make_ean13("299", n) for n in (977771, 977772)]


class TestCardLife(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["loyalty.club.emission"].create(
            {
                "name": "Life",
                "program_id": cls.program.id,
                "prefix": "299",
                "start": 977771,
                "quantity": 2,
            }
        ).action_emit()

    def register(self, phone, source="api", **vals):
        summary = self.service.register_member(
            dict({"name": "Card Member", "phone": phone}, **vals),
            source=source,
            program_id=self.program.id,
        )
        return self.env["res.partner"].browse(summary["partner_id"]), summary

    def chatter(self, card):
        return " ".join(card.message_ids.mapped("body"))

    def test_registration_issues_a_virtual_card(self):
        partner, summary = self.register("+79215558001")
        card = partner.club_card_ids
        self.assertEqual((card.kind, card.state), ("virtual", "active"))
        self.assertTrue(is_valid_ean13(card.code) and card.code.startswith("2999"))
        self.assertEqual(summary["card"], card.code)
        self.assertEqual(summary["virtual_card"], card.code)
        self.assertIn("at registration", self.chatter(card))
        # its QR payload and its number identify the member
        for identifier in (card.qr_payload, card.code):
            found = self.service.identify(identifier, self.program.id)
            self.assertEqual(found["partner_id"], partner.id)
        # registering again (same phone) issues no second card
        self.register("+79215558001")
        self.assertEqual(len(partner.club_card_ids), 1)

    def test_no_virtual_card_with_a_physical_one_or_when_off(self):
        partner = self.register("+79215558002", card_number=STOCK[0])[0]
        self.assertEqual(partner.club_card_ids.mapped("kind"), ["physical"])
        imported = self.register("+79215558003", source="import")[0]
        self.assertFalse(imported.club_card_ids)
        self.program.virtual_card_on_registration = False
        self.assertFalse(self.register("+79215558004")[0].club_card_ids)

    def test_replace_keeps_the_balance_with_the_member(self):
        partner, summary = self.register("+79215558005")
        wallet = self.env["loyalty.club.wallet"].browse(summary["wallet_id"])
        old = partner.club_card_ids
        balance = wallet.balance_available
        self.assertEqual(balance, 1000.0, "the welcome bonus")
        with self.assertRaises(UserError):
            self.service.replace_card(partner.id, old.code, reason=" ")
        answer = self.service.replace_card(partner.id, old.code, reason="Phone lost")
        new = self.env["loyalty.club.card"].search(
            [("code", "=", answer["new"]["code"])]
        )
        self.assertEqual((old.state, old.replaced_by_id), ("replaced", new))
        self.assertEqual(
            (new.kind, new.state, new.partner_id), ("virtual", "active", partner)
        )
        self.assertIn("Phone lost", self.chatter(old))
        self.assertIn(old.code, self.chatter(new))
        with self.assertRaisesRegex(UserError, "was replaced"):
            self.service.identify(old.qr_payload, self.program.id)
        found = self.service.identify(new.code, self.program.id)
        self.assertEqual((found["wallet_id"], found["available"]), (wallet.id, balance))
        with self.assertRaises(UserError):
            self.service.replace_card(partner.id, old.code, reason="Again")
        # a physical card from stock replaces the virtual one
        answer = self.service.replace_card(
            partner.id, new.code, STOCK[1], "Wants plastic"
        )
        self.assertEqual(
            answer["new"], dict(answer["new"], code=STOCK[1], kind="physical")
        )
        self.assertEqual(new.state, "replaced")
        found = self.service.identify(STOCK[1], self.program.id)
        self.assertEqual(found["available"], balance)
        self.assertLedgerConsistent(wallet)

    def test_block_and_unblock_with_a_reason(self):
        partner = self.register("+79215558006")[0]
        card = partner.club_card_ids
        self.service.set_card_state(partner.id, card.code, "block", "Suspicious use")
        self.assertEqual(card.state, "blocked")
        with self.assertRaisesRegex(UserError, "blocked"):
            self.service.identify(card.code, self.program.id)
        with self.assertRaises(UserError):
            self.service.set_card_state(partner.id, card.code, "block", "Twice")
        self.service.set_card_state(partner.id, card.code, "unblock", "Member called")
        self.assertEqual(card.state, "active")
        self.assertEqual(
            self.service.identify(card.code, self.program.id)["partner_id"], partner.id
        )
        text = self.chatter(card)
        self.assertIn("Suspicious use", text)
        self.assertIn("Member called", text)
        with self.assertRaises(UserError):
            self.service.set_card_state(partner.id, card.code, "explode", "Why")
        other = self.register("+79215558007")[0]
        with self.assertRaisesRegex(UserError, "no club card"):
            self.service.set_card_state(other.id, card.code, "block", "Not hers")

    def test_back_office_wizard(self):
        partner = self.register("+79215558008")[0]
        card = partner.club_card_ids
        self.env["loyalty.club.card.change"].create(
            {"card_id": card.id, "action": "replace", "reason": "Damaged"}
        ).action_confirm()
        self.assertEqual(card.state, "replaced")
        new = card.replaced_by_id
        self.env["loyalty.club.card.change"].create(
            {"card_id": new.id, "action": "lost", "reason": "Lost again"}
        ).action_confirm()
        self.assertEqual(new.state, "lost")
        self.assertIn("Lost again", self.chatter(new))


@tagged("post_install", "-at_install")
class TestApiCardLife(ApiCase):
    def test_replace_block_unblock_by_api(self):
        member = self.register("+79215558009")
        card = member["cards"][0]
        self.assertEqual(card["kind"], "virtual")
        self.assertTrue(card["qr_payload"].startswith("LCLUB:"))
        base = f"/members/{member['id']}/cards/{card['code']}"
        self.assertError(self.call("POST", f"{base}/replace", {}), 400, "missing_field")
        self.assertError(
            self.call(
                "POST",
                f"/members/{member['id']}/cards/2990000000000/replace",
                {"reason": "x"},
            ),
            404,
            "card_not_found",
        )
        response = self.call("POST", f"{base}/replace", {"reason": "Phone stolen"})
        self.assertEqual(response.status_code, 201, response.text)
        answer = response.json()
        self.assertEqual(answer["old"]["state"], "replaced")
        new = answer["new"]
        self.assertEqual((new["kind"], new["state"]), ("virtual", "active"))
        self.assertEqual(answer["old"]["replaced_by"], new["code"])
        lookup = self.call("GET", f"/members/lookup?identifier={new['qr']}")
        self.assertEqual(lookup.json()["id"], member["id"])
        new_base = f"/members/{member['id']}/cards/{new['code']}"
        blocked = self.call("POST", f"{new_base}/block", {"reason": "Fraud check"})
        self.assertEqual(blocked.status_code, 200, blocked.text)
        self.assertEqual(blocked.json()["state"], "blocked")
        self.assertError(
            self.call("POST", f"{new_base}/block", {"reason": "Again"}),
            409,
            "card_state_conflict",
        )
        unblocked = self.call("POST", f"{new_base}/unblock", {"reason": "Cleared"})
        self.assertEqual(unblocked.json()["state"], "active")
        read = self.call("GET", f"/members/{member['id']}").json()
        states = {c["code"]: c["state"] for c in read["cards"]}
        self.assertEqual(states, {card["code"]: "replaced", new["code"]: "active"})


class TestBackOfficeRegistration(ClubCase):
    def test_register_a_contact_from_its_form(self):
        contact = self.env["res.partner"].create(
            {"name": "Walk-in Olha", "mobile": "+380671234567"}
        )
        contact.action_club_register()
        self.assertEqual(contact.club_status, "active")
        self.assertEqual(contact.club_card_ids.mapped("kind"), ["virtual"])
        wallet = contact.club_wallet_ids
        self.assertEqual(wallet.balance_available, 1000.0, "the welcome bonus")
        nobody = self.env["res.partner"].create({"name": "No phone"})
        with self.assertRaises(UserError):
            nobody.action_club_register()
