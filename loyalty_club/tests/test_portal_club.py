"""The member portal: progress to the next tier, the gift-card balance check,
the tour of a member in a real browser, and no way into another member's data
by changing ids."""

import json
import re

from lxml import html as lxml_html

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..domain.cards import make_ean13

MILA_CARD = make_ean13("297", 515151)
OLEG_CARD = make_ean13("297", 525252)


def page_text_all(page):
    return lxml_html.fromstring(page).text_content()


@tagged("post_install", "-at_install")
class TestPortalClub(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["loyalty.club.service"]
        cls.program = cls.env["loyalty.club.program"].create(
            {
                "name": "Portal tiers club",
                "sequence": 0,
                "earn_percent": 10,
                "pending_days": 0,
                "welcome_bonus": 150,
                "tier_period_days": 365,
            }
        )
        cls.currency = cls.program.currency_id
        Tier = cls.env["loyalty.club.tier"]
        cls.silver = Tier.create(
            {"name": "Silver", "program_id": cls.program.id, "threshold": 1000}
        )
        cls.gold = Tier.create(
            {"name": "Gold", "program_id": cls.program.id, "threshold": 5000}
        )
        for code in (MILA_CARD, OLEG_CARD):
            cls.env["loyalty.club.card"].create(
                {"code": code, "program_id": cls.program.id, "kind": "virtual"}
            )
        cls.mila = new_test_user(cls.env, "club_mila", groups="base.group_portal")
        cls.oleg = new_test_user(cls.env, "club_oleg", groups="base.group_portal")
        cls.mila.partner_id.mobile = "+79218881001"
        cls.oleg.partner_id.mobile = "+79218881002"
        for phone, card in (("+79218881001", MILA_CARD), ("+79218881002", OLEG_CARD)):
            cls.service.register_member(
                {
                    "name": "Member",
                    "phone": phone,
                    "card_number": card,
                    "consents": {"sms": True, "email": True},
                },
                program_id=cls.program.id,
            )
        cls.wallet = cls.env["loyalty.club.wallet"].search(
            [("partner_id", "=", cls.mila.partner_id.id), ("kind", "=", "bonus")]
        )
        cls.buy("300", "portal-1")  # 150 welcome + 10 % of 300 = 180 bonuses

    @classmethod
    def buy(cls, amount, key):
        return cls.service.confirm(
            {
                "program_id": cls.program.id,
                "channel": "api",
                "identifier": "+79218881001",
                "lines": [{"key": 1, "amount": amount}],
                "ref": key,
            },
            key,
        )

    def money(self, amount):
        """The text of an amount as the portal's monetary widget writes it."""
        markup = self.env["ir.qweb.field.monetary"].value_to_html(
            amount, {"display_currency": self.currency}
        )
        return lxml_html.fragment_fromstring(
            str(markup), create_parent="div"
        ).text_content()

    def page_text(self, page, css_class):
        found = lxml_html.fromstring(page).find_class(css_class)
        self.assertTrue(found, f"{css_class} not on the page")
        return found[0].text_content().strip()

    # ---------------------------------------------------------------- tiers
    def test_progress_to_next_tier(self):
        self.authenticate("club_mila", "club_mila")
        page = self.url_open("/my/club").text
        # paid 300 of Silver's 1000 within the year: 700 missing, 30 %
        self.assertEqual(self.page_text(page, "o_club_next_tier"), "Silver")
        self.assertIn('aria-valuenow="30"', page)
        self.assertIn("width: 30%", page)
        self.assertEqual(
            self.page_text(page, "o_club_tier_hint"),
            f"Spend {self.money(700)} more to reach Silver: {self.money(300)} of "
            f"{self.money(1000)} paid within the last 365 days.",
        )
        # 800 more: 1100 paid, Silver reached on purchase; Gold is next
        self.buy("800", "portal-2")
        self.assertEqual(self.wallet.tier_id, self.silver)
        page = self.url_open("/my/club").text
        self.assertEqual(self.page_text(page, "o_club_next_tier"), "Gold")
        self.assertIn('aria-valuenow="22"', page)  # 1100 / 5000
        self.assertIn(
            f"Spend {self.money(3900)} more to reach Gold", page_text_all(page)
        )
        # 4000 more: the top tier, nothing left to reach
        self.buy("4000", "portal-3")
        self.assertEqual(self.wallet.tier_id, self.gold)
        page = self.url_open("/my/club").text
        self.assertIn("o_club_tier_top", page)
        self.assertNotIn("o_club_next_tier", page)

    # ------------------------------------------------------------ gift cards
    def _check_gift(self, code):
        page = self.url_open("/my/club").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = self.url_open(
            "/my/club/gift-card", data={"csrf_token": csrf, "code": code}
        )
        self.assertEqual(response.status_code, 200)
        return response.text

    def test_gift_card_balance_check(self):
        sold = self.service.gift_card_issue(
            {"amount": "40", "program_id": self.program.id, "validity_days": 30},
            "portal-gift-1",
        )
        other_company = self.env["res.company"].create({"name": "Other shop"})
        other_program = self.env["loyalty.club.program"].create(
            {"name": "Other club", "company_id": other_company.id}
        )
        foreign = self.service.gift_card_issue(
            {"amount": "70", "program_id": other_program.id}, "portal-gift-2"
        )
        self.authenticate("club_oleg", "club_oleg")
        page = self._check_gift(sold["code"])
        self.assertEqual(self.page_text(page, "o_club_gift_balance"), self.money(40))
        self.assertIn(sold["expires_on"][:4], page)
        self.assertIn("Valid until", page)
        # unknown, foreign-company and non-gift codes: the same answer
        answers = {
            self.page_text(self._check_gift(code), "o_club_gift_error")
            for code in ("NOPE-0000-1111", foreign["code"], MILA_CARD)
        }
        self.assertEqual(len(answers), 1, answers)
        self.assertIn("No usable gift card", answers.pop())
        # a balance check reads and writes nothing
        self.assertEqual(self.service.gift_card_info(sold["code"])["balance"], 40.0)
        # ten checks in ten minutes, then a pause (4 done so far)
        for _i in range(6):
            self.assertIn("o_club_gift_balance", self._check_gift(sold["code"]))
        page = self._check_gift(sold["code"])
        self.assertNotIn("o_club_gift_balance", page)
        self.assertIn("Too many gift-card checks", page)

    # -------------------------------------------------- other members' data
    def test_other_members_records_are_unreachable(self):
        mila = self.mila.partner_id
        routes = [
            rule
            for rule in self.env["ir.http"].routing_map().iter_rules()
            if rule.rule.startswith("/my/club")
        ]
        self.assertGreaterEqual(len(routes), 3)
        for rule in routes:
            # no portal URL of the club takes an id: only the user's partner
            self.assertFalse(rule.arguments, rule.rule)
        self.authenticate("club_oleg", "club_oleg")
        for query in (
            f"partner_id={mila.id}",
            f"id={mila.id}",
            f"wallet_id={self.wallet.id}",
            f"member={mila.id}",
        ):
            page = self.url_open(f"/my/club?{query}")
            self.assertEqual(page.status_code, 200)
            self.assertIn(OLEG_CARD, page.text)
            self.assertNotIn(MILA_CARD, page.text)
        # a posted partner id changes only the poster's consents
        page = self.url_open("/my/club").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        self.url_open(
            "/my/club/profile",
            data={"csrf_token": csrf, "partner_id": mila.id, "id": mila.id},
        )
        self.assertEqual(mila._club_current_consents(), {"sms": True, "email": True})
        self.assertFalse(self.oleg.partner_id._club_current_consents()["sms"])
        # the records behind the page, asked for by id through JSON-RPC
        for model, record_id in (
            ("loyalty.club.wallet", self.wallet.id),
            ("loyalty.club.ledger", self.wallet.ledger_ids[:1].id),
            ("loyalty.club.card", mila.club_card_ids[:1].id),
            ("loyalty.club.consent", mila.club_consent_ids[:1].id),
            (
                "loyalty.club.transaction",
                self.wallet.ledger_ids.transaction_id[:1].id,
            ),
        ):
            self.assertTrue(record_id, model)
            with mute_logger("odoo.http"):
                answer = self._rpc_read(model, record_id)
            self.assertIn("error", answer, model)
            self.assertEqual(
                answer["error"]["data"]["name"], "odoo.exceptions.AccessError", model
            )
            self.assertNotIn(MILA_CARD, json.dumps(answer))
        # the back-office form of the member's partner: no access either
        page = self.url_open(f"/odoo/contacts/{mila.id}")
        self.assertNotIn(MILA_CARD, page.text)

    def _rpc_read(self, model, record_id):
        return self.url_open(
            "/web/dataset/call_kw",
            data=json.dumps(
                {
                    "jsonrpc": "2.0",
                    "method": "call",
                    "params": {
                        "model": model,
                        "method": "read",
                        "args": [[record_id]],
                        "kwargs": {},
                    },
                }
            ),
            headers={"Content-Type": "application/json"},
        ).json()

    # ------------------------------------------------------------------ tour
    def test_member_tour_switches_consent_off(self):
        partner = self.mila.partner_id
        before = partner.club_consent_ids
        self.start_tour("/my/club", "loyalty_club_portal_tour", login="club_mila")
        self.env.invalidate_all()
        new = partner.club_consent_ids - before
        sms = new.filtered(lambda c: c.channel == "sms")
        self.assertEqual(len(sms), 1, "one history row for the change")
        self.assertFalse(sms.granted)
        self.assertEqual(sms.source, "portal")
        self.assertEqual(sms.user_id, self.mila)
        self.assertFalse(partner._club_current_consents()["sms"])
        # the old row is kept: the history shows SMS granted, then withdrawn
        history = partner.club_consent_ids.filtered(lambda c: c.channel == "sms")
        self.assertEqual(
            history.sorted(lambda c: (c.date, c.id)).mapped("granted"), [True, False]
        )
        self.assertTrue(partner._club_current_consents()["email"], "untouched")
