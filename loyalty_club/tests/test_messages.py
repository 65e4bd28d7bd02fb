"""Members' transactional messages: queued with the sale, sent after it.

The SMS go through the club's SMS gateway to the fake gateway on 127.0.0.1
(SMS.ru's wire format), the e-mails through Odoo's mail.mail to a fake SMTP
server on 127.0.0.1; nothing leaves the machine.
"""

import email
import email.policy
from datetime import timedelta
from unittest.mock import patch

from odoo import fields, modules
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..edge import club_today
from ..models import loyalty_club_message as message_model
from .common import ClubCase
from .fake_sms_gateway import start_fake_sms_gateway
from .test_gift_product import start_fake_smtp

RENDER_LOG = "odoo.addons.mail.models.mail_render_mixin"
MESSAGE_LOG = "odoo.addons.loyalty_club.models.loyalty_club_message"
GATEWAY_LOGS = (
    "odoo.addons.loyalty_club.models.sms_sms",
    "odoo.addons.loyalty_club.models.loyalty_club_sms_gateway",
    MESSAGE_LOG,
)


@tagged("post_install", "-at_install")
class TestMessages(ClubCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = start_fake_sms_gateway(cls)
        cls.gateway = cls.sms_gateway
        cls.program.write(
            {
                "notify_purchase_sms": True,
                "notify_purchase_email": True,
                "notify_refund_sms": True,
                "notify_tier_change_sms": True,
                "notify_card_activation_sms": True,
                "notify_gift_card_sms": True,
                "notify_gift_card_email": True,
                # 21:00 -> 9:00, the defaults
            }
        )
        cls.env.company.email = "club@example.com"
        cls.anna = cls._member("Anna", "+79161110001", sms=True, email=True)
        cls.boris = cls._member("Boris", "+79161110002", sms=False)
        cls.cron = cls.env.ref("loyalty_club.ir_cron_loyalty_club_message_send")
        # tomorrow at noon UTC (15:00 in Moscow): due, and outside quiet hours
        cls.noon = fields.Datetime.now().replace(
            hour=12, minute=0, second=0, microsecond=0
        ) + timedelta(days=1)

    @classmethod
    def _member(cls, name, phone, sms=True, email=False):
        summary = cls.service.register_member(
            {
                "name": name,
                "phone": phone,
                "email": f"{name.lower()}@example.com",
                "consents": {"sms": sms, "email": email},
            },
            program_id=cls.program.id,
            welcome=False,
        )
        wallet = cls.env["loyalty.club.wallet"].browse(summary["wallet_id"])
        wallet.partner_id.tz = "Europe/Moscow"
        return wallet

    def setUp(self):
        super().setUp()
        self.fake.reset()
        self.fake.down = False
        # every test's first sale wakes the job, as a worker's first one does
        patcher = patch.dict(message_model._LAST_TRIGGER, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)

    def buy(self, wallet, amount, key, **extra):
        return self.service.confirm(
            self.order(amount, wallet_id=wallet.id, **extra), key
        )

    def messages(self, wallet=None, **domain):
        dom = [(k, "=", v) for k, v in domain.items()]
        if wallet:
            dom.append(("wallet_id", "=", wallet.id))
        return self.env["loyalty.club.message"].search(dom, order="id")

    def send(self, now=None):
        with mute_logger(*GATEWAY_LOGS):
            return self.env["loyalty.club.message"]._cron_send(now=now or self.noon)

    # ------------------------------------------------------------- purchase
    def test_purchase_gives_one_sms_with_its_figures_after_commit(self):
        sold = self.buy(self.anna, 1000, "msg-buy-1")
        sms = self.messages(self.anna, event="purchase", channel="sms")
        # queued in the sale's transaction, nothing sent from the sale itself
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.state, "queued")
        self.assertEqual(sms.event_key, f"purchase:{sold['transaction_id']}:sms")
        self.assertEqual(sms.transaction_id.id, sold["transaction_id"])
        self.assertEqual(self.fake.messages, [], "the till's request sends nothing")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", self.cron.id)]),
            "the job is woken for right after the commit",
        )
        self.assertEqual(sms.figures["earned"], 100.0, "frozen with the sale")
        self.assertEqual(sms.earned, "100 bonus", "10 % of 1,000.00")
        self.assertEqual(sms.spent, "0 bonus")
        self.assertEqual(sms.balance, "0 bonus", "the 100 are pending")
        self.assertEqual(sms.pending, "100 bonus")
        # the job, after the commit
        self.assertEqual(self.send(), 2, "the SMS and the e-mail")
        self.assertEqual(len(self.fake.messages), 1)
        text = self.fake.messages[0]["text"]
        self.assertEqual(self.fake.messages[0]["phone"], "79161110001")
        self.assertIn("Anna, thank you for your purchase!", text)
        self.assertIn("Earned: 100 bonus, spent: 0 bonus. Balance: 0 bonus.", text)
        self.assertEqual(sms.state, "sent")
        self.assertEqual(sms.sms_id.body, text)
        self.assertEqual(sms.sms_id.state, "pending", "handed to the gateway")
        self.assertEqual(sms.attempts, 1)
        # never twice: again the job, and a replayed sale
        self.send(self.noon + timedelta(hours=1))
        self.buy(self.anna, 1000, "msg-buy-1")
        self.send(self.noon + timedelta(hours=2))
        self.assertEqual(len(self.fake.messages), 1)
        self.assertEqual(len(self.messages(self.anna, event="purchase")), 2)

    def test_spending_and_expiring_bonuses_are_in_the_text(self):
        self.anna._gift_once(
            "msg-test-opening", self.program.to_minor(500), "Opening balance"
        )
        lot = self.anna.lot_ids.filtered(lambda lot: lot.remaining_minor > 0)
        lot.expires_on = club_today(self.anna) + timedelta(days=10)
        self.anna._refresh_balances()
        self.buy(self.anna, 1000, "msg-buy-2", burn=200)
        sms = self.messages(self.anna, event="purchase", channel="sms")
        self.assertEqual(sms.spent, "200 bonus")
        self.assertEqual(sms.earned, "80 bonus", "10 % of the 800 paid")
        self.assertEqual(sms.balance, "300 bonus")
        self.assertEqual(sms.expiring, "300 bonus")
        self.send()
        text = self.fake.messages[0]["text"]
        self.assertIn("spent: 200 bonus. Balance: 300 bonus.", text)
        self.assertIn("Expiring soon: 300 bonus (first on", text)

    def test_no_consent_no_sms(self):
        self.buy(self.boris, 1000, "msg-boris-1")
        self.send()
        sms = self.messages(self.boris, event="purchase", channel="sms")
        self.assertEqual((sms.state, sms.reason), ("skipped", "no_consent"))
        email_msg = self.messages(self.boris, event="purchase", channel="email")
        self.assertEqual((email_msg.state, email_msg.reason), ("skipped", "no_consent"))
        self.assertEqual(self.fake.messages, [])
        self.assertFalse(sms.sms_id)

    def test_consent_withdrawn_before_the_send_is_respected(self):
        self.buy(self.anna, 1000, "msg-withdrawn")
        self.anna.partner_id.club_set_consents({"sms": False}, "portal")
        self.send()
        sms = self.messages(self.anna, event="purchase", channel="sms")
        self.assertEqual((sms.state, sms.reason), ("skipped", "no_consent"))
        self.assertEqual(self.fake.messages, [])

    def test_consent_given_after_the_sale_is_respected(self):
        self.buy(self.boris, 1000, "msg-granted")
        self.boris.partner_id.club_set_consents({"sms": True}, "portal")
        self.send()
        self.assertEqual(len(self.fake.messages), 1)

    def test_messages_off_queue_nothing(self):
        self.program.notify_purchase_sms = False
        self.program.notify_purchase_email = False
        self.buy(self.anna, 1000, "msg-off")
        self.assertFalse(self.messages(self.anna, event="purchase"))

    def test_one_message_per_event_key(self):
        sold = self.buy(self.anna, 1000, "msg-key")
        txn = self.env["loyalty.club.transaction"].browse(sold["transaction_id"])
        Message = self.env["loyalty.club.message"]
        Message._queue_check(txn)
        Message._queue_check(txn)
        self.assertEqual(len(self.messages(self.anna, event="purchase")), 2)

    # ------------------------------------------------------- gateway trouble
    def test_gateway_down_then_back_delivers_once(self):
        self.buy(self.anna, 1000, "msg-down")
        sms = self.messages(self.anna, event="purchase", channel="sms")
        self.fake.down = True
        self.send()
        self.assertEqual(sms.state, "sending", "waiting for its retry")
        self.assertEqual(sms.attempts, 1)
        self.assertEqual(sms.next_attempt, self.noon + timedelta(minutes=1))
        self.assertTrue(sms.error)
        self.send(self.noon + timedelta(seconds=30))
        self.assertEqual(sms.attempts, 1, "not due yet")
        self.send(self.noon + timedelta(minutes=1))
        self.assertEqual(sms.attempts, 2)
        self.assertEqual(sms.next_attempt, self.noon + timedelta(minutes=3))
        self.fake.down = False
        self.send(self.noon + timedelta(minutes=3))
        self.assertEqual(sms.state, "sent")
        self.assertEqual(len(self.fake.messages), 1, "exactly one after recovery")
        self.assertEqual(
            len(
                self.env["sms.sms"].search(
                    [("partner_id", "=", self.anna.partner_id.id)]
                )
            ),
            1,
            "the same sms.sms retried",
        )
        self.send(self.noon + timedelta(hours=1))
        self.assertEqual(len(self.fake.messages), 1)

    def test_gateway_error_then_last_retry_fails_with_the_reason(self):
        self.buy(self.anna, 1000, "msg-error")
        sms = self.messages(self.anna, event="purchase", channel="sms")
        self.fake.down = True
        now = self.noon
        for _attempt in range(10):
            self.send(now)
            now += timedelta(days=1)  # due again, and never in quiet hours
        self.assertEqual((sms.state, sms.reason), ("failed", "gateway"))
        self.assertEqual(sms.attempts, 6)
        self.assertTrue(sms.error)
        self.assertFalse(sms.next_attempt)

    def test_a_run_killed_after_the_hand_off_never_sends_again(self):
        """A worker dies between handing SMS to the gateway and committing the
        answers: its hand-off rows were committed, its answers were not. The
        messages are not taken by another run meanwhile, and afterwards they
        fail with "no clear answer" instead of going out a second time."""
        self.buy(self.anna, 1000, "msg-killed")
        sms = self.messages(self.anna, event="purchase", channel="sms")
        # what the dead run left: its hand-off, and the message still due
        self.env["loyalty.club.message.handoff"].create(
            {"message_id": sms.id, "handed_at": self.noon}
        )
        self.send(self.noon + timedelta(minutes=1))
        self.assertEqual(sms.state, "queued", "not taken while the run may live")
        self.assertEqual(self.fake.messages, [])
        self.send(self.noon + timedelta(minutes=20))
        self.assertEqual((sms.state, sms.reason), ("failed", "unclear"))
        self.assertIn("interrupted", sms.error)
        self.assertEqual(self.fake.messages, [], "never sent a second time")
        self.assertFalse(self.env["loyalty.club.message.handoff"].search([]))

    def test_a_hand_off_is_settled_by_the_answer(self):
        self.buy(self.anna, 1000, "msg-handoff")
        self.send()
        self.assertEqual(len(self.fake.messages), 1)
        self.assertFalse(
            self.env["loyalty.club.message.handoff"].search([]),
            "the answers recorded, nothing is left handed over",
        )

    def test_slow_gateway_is_not_asked_twice(self):
        """A timeout may hide a sent SMS: failed with its reason, never resent."""
        self.buy(self.anna, 1000, "msg-slow")
        sms = self.messages(self.anna, event="purchase", channel="sms")
        self.fake.slow_next(2)
        self.send()
        self.assertEqual((sms.state, sms.reason), ("failed", "unclear"))
        self.send(self.noon + timedelta(hours=1))
        self.assertLessEqual(len(self.fake.messages), 1, "never twice")

    def test_garbage_answer_is_not_resent(self):
        self.buy(self.anna, 1000, "msg-garbage")
        sms = self.messages(self.anna, event="purchase", channel="sms")
        self.fake.garbage_next()
        self.send()
        self.assertEqual((sms.state, sms.reason), ("failed", "unclear"))
        self.assertTrue(sms.error)

    def test_refused_number_fails_at_once(self):
        self.buy(self.anna, 1000, "msg-number")
        sms = self.messages(self.anna, event="purchase", channel="sms")
        self.fake.fail_next(code=202)  # SMS.ru: wrong recipient number
        self.send()
        self.assertEqual((sms.state, sms.reason), ("failed", "number"))
        self.assertEqual(sms.attempts, 1)
        self.assertEqual(self.fake.messages, [])

    def test_member_without_phone_is_skipped(self):
        self.buy(self.anna, 1000, "msg-nophone")
        self.anna.partner_id.write({"mobile": False, "phone": False})
        self.send()
        sms = self.messages(self.anna, event="purchase", channel="sms")
        self.assertEqual((sms.state, sms.reason), ("skipped", "no_phone"))

    # ------------------------------------------------------------ quiet hours
    def test_quiet_hours_hold_until_the_morning(self):
        self.buy(self.anna, 1000, "msg-night")
        sms = self.messages(self.anna, event="purchase", channel="sms")
        evening = self.noon + timedelta(hours=8)  # 20:00 UTC, 23:00 in Moscow
        self.send(evening)
        morning = self.noon + timedelta(hours=18)  # 06:00 UTC, 09:00 in Moscow
        self.assertEqual((sms.state, sms.next_attempt), ("held", morning))
        self.send(morning - timedelta(minutes=1))
        self.assertEqual(sms.state, "held")
        self.assertEqual(self.fake.messages, [])
        self.send(morning)
        self.assertEqual(sms.state, "sent")
        self.assertEqual(len(self.fake.messages), 1)

    def test_quiet_hours_follow_the_members_time_zone(self):
        self.buy(self.anna, 1000, "msg-tz")
        sms = self.messages(self.anna, event="purchase", channel="sms")
        self.anna.partner_id.tz = "Asia/Vladivostok"  # UTC+10
        self.send(self.noon)  # 22:00 there
        self.assertEqual(sms.state, "held")
        self.assertEqual(sms.next_attempt, self.noon + timedelta(hours=11))

    # --------------------------------------------------------------- templates
    def test_unknown_placeholder_fails_the_message_not_the_sale(self):
        template = self.env.ref("loyalty_club.sms_template_message_purchase")
        template.body = "Hello {{ object.member_name }}, {{ object.no_such_figure }}"
        sold = self.buy(self.anna, 1000, "msg-template")
        self.assertFalse(sold["replayed"], "the sale is booked")
        with mute_logger(RENDER_LOG):
            self.send()
        sms = self.messages(self.anna, event="purchase", channel="sms")
        self.assertEqual((sms.state, sms.reason), ("failed", "template"))
        self.assertIn("no_such_figure", sms.error)
        self.assertEqual(self.fake.messages, [])
        email_msg = self.messages(self.anna, event="purchase", channel="email")
        self.assertEqual(email_msg.state, "sent", "the other channel is not held up")

    def test_templates_render_in_the_members_language(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(
            ["loyalty_club"], ["ru_RU"], overwrite=True
        )
        self.anna.partner_id.lang = "ru_RU"
        self.buy(self.anna, 1000, "msg-ru")
        sms = self.messages(self.anna, event="purchase", channel="sms")
        self.send()
        text = self.fake.messages[0]["text"]
        self.assertIn("Anna", text)
        self.assertIn("100", text)
        self.assertIn("Начислено", text)
        self.assertEqual(sms.state, "sent")

    def test_template_preview(self):
        self.buy(self.anna, 1000, "msg-preview")
        sms = self.messages(self.anna, event="purchase", channel="sms")
        template = self.env.ref("loyalty_club.sms_template_message_purchase")
        preview = self.env["sms.template.preview"].create(
            {"sms_template_id": template.id, "resource_ref": f"{sms._name},{sms.id}"}
        )
        self.assertIn("Earned: 100 bonus", preview.body)

    # ------------------------------------------------------------ other events
    def test_refund_message(self):
        sold = self.buy(self.anna, 1000, "msg-refund-sale")
        self.service.reverse(
            {"transaction_id": sold["transaction_id"], "amount": "500"}, "msg-refund"
        )
        refund = self.messages(self.anna, event="refund", channel="sms")
        self.assertEqual(refund.earned, "50 bonus")
        self.assertIn("500.00", refund.amount)
        self.send()
        texts = [m["text"] for m in self.fake.messages]
        self.assertTrue(any("50 bonus taken back" in t for t in texts), texts)

    def test_tier_change_message(self):
        gold = self.env["loyalty.club.tier"].create(
            {"name": "Gold", "program_id": self.program.id, "threshold": 500}
        )
        self.buy(self.anna, 1000, "msg-tier")
        tier = self.messages(self.anna, event="tier_change", channel="sms")
        self.assertEqual(tier.tier_name, gold.name)
        self.send()
        self.assertTrue(
            any("is now Gold" in m["text"] for m in self.fake.messages),
            self.fake.messages,
        )

    def test_tier_review_tells_the_members_it_moves(self):
        """The review job moves members set-based; each one moved is told once."""
        silver = self.env["loyalty.club.tier"].create(
            {"name": "Silver", "program_id": self.program.id, "threshold": 1}
        )
        self.buy(self.anna, 1000, "msg-review")
        self.messages(self.anna, event="tier_change").unlink()
        self.env.flush_all()
        # the review job keeps Anna in Silver: a member it does not move hears nothing
        self.service._cron_tier_review()
        self.assertFalse(self.messages(self.anna, event="tier_change"))
        # a higher tier appears: the review moves Anna up and tells her, once
        gold = self.env["loyalty.club.tier"].create(
            {"name": "Gold", "program_id": self.program.id, "threshold": 500}
        )
        self.service._cron_tier_review()
        self.service._cron_tier_review()
        self.env.invalidate_all()
        moved = self.messages(self.anna, event="tier_change", channel="sms")
        self.assertEqual(len(moved), 1)
        self.assertEqual(moved.tier_name, gold.name)
        self.assertNotEqual(moved.tier_name, silver.name)
        self.assertFalse(self.messages(self.boris, event="tier_change"))

    def test_card_activation_message(self):
        emission = self.env["loyalty.club.emission"].create(
            {
                "name": "Message cards",
                "program_id": self.program.id,
                "prefix": "2996",
                "start": 1,
                "quantity": 1,
            }
        )
        emission.action_emit()
        card = self.env["loyalty.club.card"].search([("emission_id", "=", emission.id)])
        card.action_activate(self.anna.partner_id)
        activation = self.messages(event="card_activation", card_id=card.id)
        self.assertEqual(activation.card_code, card.code)
        self.send()
        self.assertIn(card.code, self.fake.messages[0]["text"])

    def test_gift_card_to_a_known_customer(self):
        sold = self.service.gift_card_issue(
            {
                "program_id": self.program.id,
                "amount": "50",
                "partner_id": self.anna.partner_id.id,
            },
            "msg-gift",
        )
        gift = self.messages(event="gift_card", channel="sms")
        self.assertEqual(gift.partner_id, self.anna.partner_id)
        self.assertEqual(gift.card_code, sold["code"])
        self.send()
        text = self.fake.messages[0]["text"]
        self.assertIn(sold["code"], text)
        self.assertIn("50.00", text)
        self.service.gift_card_issue(
            {"program_id": self.program.id, "amount": "5"}, "msg-anon"
        )
        self.assertEqual(len(self.messages(event="gift_card")), 2, "no one to tell")

    def _personal_batch(self, partners, **extra):
        promotion = self.env["loyalty.club.promotion"].create(
            {
                "name": "Autumn 10 off",
                "program_id": self.program.id,
                "effect": "discount_fixed",
                "value": 10,
                "requires_coupon": True,
            }
        )
        batch = self.env["loyalty.club.coupon.batch"].create(
            dict(
                {
                    "name": "Autumn letters",
                    "promotion_id": promotion.id,
                    "kind": "personal",
                    "partner_ids": [(6, 0, partners.ids)],
                    "date_to": "2030-10-31",
                },
                **extra,
            )
        )
        batch.action_generate()
        return batch

    def test_personal_coupon_codes_go_by_sms_with_consent(self):
        self.program.notify_coupon_sms = True
        anna, boris = self.anna.partner_id, self.boris.partner_id
        batch = self._personal_batch(anna | boris)
        coupon = batch.coupon_ids.filtered(lambda c: c.partner_id == anna)
        queued = self.messages(event="coupon")
        self.assertEqual(queued.partner_id, anna | boris)
        self.send()
        self.assertEqual(len(self.fake.messages), 1, "Boris gave no SMS consent")
        sms = self.fake.messages[0]
        self.assertEqual(sms["phone"], "79161110001")
        self.assertIn(coupon.code, sms["text"])
        self.assertIn("Autumn 10 off", sms["text"])
        self.assertIn("10/31/2030", sms["text"])
        skipped = queued.filtered(lambda m: m.partner_id == boris)
        self.assertEqual((skipped.state, skipped.reason), ("skipped", "no_consent"))
        # the same coupons again queue nothing new: one message per coupon
        self.assertEqual(
            self.env["loyalty.club.message"]._queue_coupons(batch.coupon_ids), 0
        )
        self.send()
        self.assertEqual(len(self.fake.messages), 1)

    def test_coupon_cancelled_before_sending_is_not_sent(self):
        self.program.notify_coupon_sms = True
        batch = self._personal_batch(self.anna.partner_id)
        batch.coupon_ids.action_cancel()
        self.send()
        self.assertFalse(self.fake.messages)
        message = self.messages(event="coupon")
        self.assertEqual((message.state, message.reason), ("skipped", "coupon"))

    def test_coupon_codes_not_sent_when_the_batch_or_program_says_no(self):
        self._personal_batch(self.anna.partner_id)
        self.assertFalse(self.messages(event="coupon"), "program sends no coupons")
        self.program.notify_coupon_sms = True
        self._personal_batch(self.anna.partner_id, notify_members=False)
        self.assertFalse(self.messages(event="coupon"), "the batch is kept quiet")


@tagged("post_install", "-at_install")
class TestMessageEmails(ClubCase):
    """The e-mail channel, through Odoo's mail.mail to a fake SMTP server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.mail_server = start_fake_smtp(cls)
        cls.env.company.email = "club@example.com"
        cls.program.write({"notify_purchase_email": True})
        summary = cls.service.register_member(
            {
                "name": "Vera",
                "phone": "+79161110003",
                "email": "vera@example.com",
                "consents": {"email": True},
            },
            program_id=cls.program.id,
            welcome=False,
        )
        cls.vera = cls.env["loyalty.club.wallet"].browse(summary["wallet_id"])
        cls.noon = fields.Datetime.now().replace(
            hour=12, minute=0, second=0, microsecond=0
        ) + timedelta(days=1)

    def send(self, now):
        # Odoo connects to no mail server while a test runs (``current_test``);
        # lifting that flag, as Odoo's SMTP tests do, sends to the fake server
        with patch.object(modules.module, "current_test", False):
            return self.env["loyalty.club.message"]._cron_send(now=now)

    def test_purchase_email_is_sent_once_after_an_smtp_failure(self):
        sold = self.service.confirm(
            self.order(1000, wallet_id=self.vera.id), "msg-mail-1"
        )
        message = self.env["loyalty.club.message"].search(
            [("transaction_id", "=", sold["transaction_id"])]
        )
        self.assertEqual((message.channel, message.state), ("email", "queued"))
        port = self.mail_server.smtp_port
        self.mail_server.smtp_port = 1  # nothing listens there
        self.send(self.noon)
        self.assertEqual(message.state, "sending")
        self.assertEqual(message.mail_id.state, "exception")
        self.assertEqual(self.server.messages, [])
        self.mail_server.smtp_port = port
        self.send(self.noon + timedelta(minutes=1))
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.mail_id.state, "sent")
        self.send(self.noon + timedelta(hours=1))
        self.assertEqual(len(self.server.messages), 1)
        mail = email.message_from_bytes(
            self.server.messages[0], policy=email.policy.default
        )
        self.assertIn("vera@example.com", mail["To"])
        self.assertIn("100 bonus", mail["Subject"])
        body = mail.get_body(("html",)).get_content()
        self.assertIn("Earned: <strong>100 bonus</strong>", body)

    def test_no_email_consent_no_email(self):
        self.vera.partner_id.club_set_consents({"email": False}, "portal")
        self.service.confirm(self.order(1000, wallet_id=self.vera.id), "msg-mail-2")
        self.send(self.noon)
        message = self.env["loyalty.club.message"].search(
            [("wallet_id", "=", self.vera.id)]
        )
        self.assertEqual((message.state, message.reason), ("skipped", "no_consent"))
        self.assertFalse(message.mail_id)
        self.assertEqual(self.server.messages, [])
