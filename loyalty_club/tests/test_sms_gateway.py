"""SMS through the company's gateway: the real adapters talk over HTTP to the
fake gateway (fake_sms_gateway.py) running in a thread of this process, on
127.0.0.1 only."""

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger
from odoo.tools.translate import code_translations

from .fake_sms_gateway import FakeSmsGateway

PHONE = "+79251234567"
CREDENTIALS = {
    "smsru": {"api_id": "test-api-id"},
    "smsc": {"login": "club", "password": "secret"},
    "turbosms": {"token": "test-token"},
}


class SmsGatewayCase:
    """Mixin: a fake gateway for the class, a company gateway per test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeSmsGateway(status="pending").start()
        cls.addClassCleanup(cls.fake.stop)
        cls.company = cls.env.company
        cls.Gateway = cls.env["loyalty.club.sms.gateway"]
        cls.Sms = cls.env["sms.sms"]

    def setUp(self):
        super().setUp()
        self.fake.reset()
        self.fake.set_status("pending")
        self.fake.balance = 100.0
        if self.fake.down:
            self.fake.down = False

    def gateway(self, provider="smsru", **vals):
        values = {
            "name": f"Test {provider}",
            "provider": provider,
            "company_id": self.company.id,
            "base_url": self.fake.url,
            "sender": "Club",
            "timeout": 2,
            "cost_per_message": 2.0,
            "is_default": True,
            **CREDENTIALS.get(provider, {}),
        }
        if provider == "generic":
            values.update(
                base_url=self.fake.url + "/generic/send",
                auth_method="param",
                token="generic-token",
                success_regex=r"^OK",
                message_id_regex=r"id=(\w+)",
                status_url=self.fake.url + "/generic/status",
                delivered_regex="DELIVERED",
                failed_regex="UNDELIVERED|EXPIRED|REJECTED",
            )
        values.update(vals)
        return self.Gateway.create(values)

    def sms(self, number=PHONE, body="Your purchase earned 50 bonuses", **vals):
        return self.Sms.create({"number": number, "body": body, **vals})

    def poll(self):
        self.Gateway._cron_poll_delivery()
        self.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestSmsGateway(SmsGatewayCase, TransactionCase):
    # ------------------------------------------------------------- adapters

    def assertAccepted(self, sms, cost):
        self.assertEqual(sms.state, "pending", sms.club_error)
        self.assertFalse(sms.failure_type)
        self.assertTrue(sms.club_provider_message_id)
        self.assertEqual(sms.club_cost, cost)
        self.assertTrue(sms.club_sent_at)
        self.assertFalse(sms.to_delete, "kept for its delivery report")

    def test_smsru_send_report_and_error(self):
        gateway = self.gateway("smsru")
        sms = self.sms()
        self.assertEqual(sms.club_gateway_id, gateway, "the company's gateway")
        sms.send()
        self.assertAccepted(sms, 2.0)  # SMS.ru prices at status time
        [arrived] = self.fake.messages
        self.assertEqual(arrived["provider"], "smsru")
        self.assertEqual(arrived["phone"], "79251234567")
        self.assertEqual(arrived["sender"], "Club")
        self.assertEqual(arrived["text"], sms.body)
        self.assertEqual(arrived["id"], sms.club_provider_message_id)

        self.poll()
        self.assertEqual(sms.state, "pending", "still on its way")
        self.fake.set_status("delivered")
        self.poll()
        self.assertEqual(sms.state, "sent")
        self.assertEqual(sms.club_cost, 1.5, "the provider's price")

        self.fake.fail_next(code=201)
        broke = self.sms()
        broke.send()
        self.assertEqual((broke.state, broke.failure_type), ("error", "sms_credit"))
        self.assertIn("201", broke.club_error)
        self.assertIn(gateway.name, broke.club_error)

    def test_smsc_send_report_and_error(self):
        self.gateway("smsc")
        sms = self.sms()
        sms.send()
        self.assertAccepted(sms, 1.5)  # SMSC answers the cost (cost=3)
        [arrived] = self.fake.messages
        self.assertEqual(arrived["auth"], {"login": "club", "psw": "secret"})
        self.fake.set_status("delivered")
        self.poll()
        self.assertEqual(sms.state, "sent")

        self.fake.fail_next(code=8)
        broke = self.sms("+380671234567")
        broke.send()
        self.assertEqual(
            (broke.state, broke.failure_type), ("error", "sms_country_not_supported")
        )

    def test_turbosms_send_report_and_error(self):
        self.gateway("turbosms")
        first, second = self.sms("+380671234567"), self.sms("+380671234568")
        (first | second).send()
        self.assertAccepted(first, 2.0)
        self.assertAccepted(second, 2.0)
        self.assertEqual(len(self.fake.messages), 2)
        self.assertEqual(self.fake.messages[0]["auth"], {"token": "test-token"})
        self.fake.set_status("delivered", ids=[first.club_provider_message_id])
        self.fake.set_status("expired", ids=[second.club_provider_message_id])
        self.poll()
        self.assertEqual(first.state, "sent")
        self.assertEqual((second.state, second.failure_type), ("error", "sms_expired"))
        self.assertIn("Expired", second.club_error)

        self.fake.fail_next(code=406)
        broke = self.sms("+380671234569")
        broke.send()
        self.assertEqual(
            (broke.state, broke.failure_type), ("error", "sms_country_not_supported")
        )
        self.assertIn("NOT_ALLOWED_RECIPIENT_COUNTRY", broke.club_error)

    def test_generic_send_report_and_error(self):
        self.gateway("generic")
        sms = self.sms()
        sms.send()
        self.assertAccepted(sms, 2.0)
        self.assertEqual(self.fake.messages[0]["auth"], {"token": "generic-token"})
        self.fake.set_status("delivered")
        self.poll()
        self.assertEqual(sms.state, "sent")

        self.fake.fail_next(code=402)
        broke = self.sms()
        broke.send()
        self.assertEqual((broke.state, broke.failure_type), ("error", "sms_credit"))

    # ------------------------------------------------------ what goes wrong

    def test_gateway_down(self):
        self.gateway("smsru")
        self.fake.down = True
        sms = self.sms()
        sms.send()
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_server"))
        self.assertIn("cannot be reached", sms.club_error)
        self.assertFalse(sms.club_outcome_unknown, "nothing was sent")
        self.fake.down = False
        sms.resend_failed()
        self.assertEqual(sms.state, "pending", "a refused connection may be retried")
        self.assertEqual(len(self.fake.messages), 1)

    def test_slow_gateway_is_not_sent_twice(self):
        self.gateway("smsru", timeout=0.5)
        self.fake.slow_next(1.5)
        sms = self.sms()
        sms.send()
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_server"))
        self.assertTrue(sms.club_outcome_unknown)
        self.assertIn("0.5 s", sms.club_error)
        self.assertEqual(len(self.fake.messages), 1, "the gateway got it anyway")

        # Odoo's Retry, or a job resending failed SMS: not sent again
        sms.resend_failed()
        self.assertEqual(sms.state, "error")
        self.assertIn("Not sent again", sms.club_error)
        self.assertEqual(len(self.fake.messages), 1)

        # on purpose, knowing it may arrive twice
        sms.action_club_resend_anyway()
        self.assertEqual(sms.state, "pending")
        self.assertFalse(sms.club_outcome_unknown)
        self.assertEqual(len(self.fake.messages), 2)

    def test_garbage_answer(self):
        self.gateway("turbosms")
        self.fake.garbage_next()
        sms = self.sms()
        sms.send()
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_server"))
        self.assertIn("cannot be read", sms.club_error)
        self.assertTrue(sms.club_outcome_unknown)

    def test_invalid_phone_never_reaches_the_gateway(self):
        self.gateway("smsru")
        bad, missing = self.sms("+7 925 ABC-45-67"), self.sms("")
        (bad | missing).send()
        self.assertEqual((bad.state, bad.failure_type), ("error", "sms_number_format"))
        self.assertIn("+7 925 ABC-45-67", bad.club_error)
        self.assertEqual(missing.failure_type, "sms_number_missing")
        self.assertFalse(self.fake.requests)

    def test_national_number_in_the_company_country(self):
        self.company.country_id = self.env.ref("base.ru")
        self.gateway("smsru")
        sms = self.sms("8 (925) 123-45-67")
        sms.send()
        self.assertEqual(sms.state, "pending", sms.club_error)
        self.assertEqual(self.fake.messages[0]["phone"], "79251234567")

    def test_messages_in_russian(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.gateway("smsru")
        self.fake.down = True
        sms = self.sms().with_context(lang="ru_RU")
        sms.send()
        source = "%(gateway)s cannot be reached (%(detail)s). Nothing was sent."
        ru = code_translations.get_python_translations("loyalty_club", "ru_RU")
        self.assertNotEqual(ru.get(source, source), source, "translated")
        head = ru[source].split("%(gateway)s")[1].split("(")[0]
        self.assertIn(head, sms.club_error)

    def test_a_sent_sms_is_not_sent_again(self):
        """A caller handing ``_send`` SMS already sent (the outbox's retries
        call it directly) does not send them twice."""
        self.gateway("smsru")
        sms = self.sms()
        sms.send()
        sms._send(unlink_sent=False)
        self.assertEqual(len(self.fake.messages), 1)
        self.assertEqual(sms.state, "pending")

    # ------------------------------------------------------------- routing

    def test_company_without_gateway_stays_on_iap(self):
        self.gateway("smsru")
        other = self.env["res.company"].create({"name": "No gateway Ltd"})
        iap_sms = self.Sms.with_company(other).create({"number": PHONE, "body": "IAP"})
        club_sms = self.sms()
        self.assertFalse(iap_sms.club_gateway_id)
        (iap_sms | club_sms).send()
        self.assertEqual(club_sms.state, "pending")
        # IAP is unavailable during tests: its own failure, none of ours
        self.assertEqual((iap_sms.state, iap_sms.failure_type), ("error", "sms_server"))
        self.assertFalse(iap_sms.club_error)
        self.assertEqual([m["text"] for m in self.fake.messages], [club_sms.body])

    def test_archived_gateway_hands_over_to_the_company_choice(self):
        old = self.gateway("smsru")
        sms = self.sms()
        new = self.gateway("turbosms")
        self.assertFalse(old.is_default, "one gateway per company")
        old.active = False
        sms.send()
        self.assertEqual(sms.club_gateway_id, new)
        self.assertEqual(self.fake.messages[0]["provider"], "turbosms")

    def test_settings_choose_the_company_gateway(self):
        first = self.gateway("smsru")
        second = self.gateway("smsc", is_default=False)
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.loyalty_club_sms_gateway_id, first)
        settings = self.env["res.config.settings"].create(
            {"loyalty_club_sms_gateway_id": second.id}
        )
        settings.execute()
        self.assertEqual((first.is_default, second.is_default), (False, True))
        settings = self.env["res.config.settings"].create(
            {"loyalty_club_sms_gateway_id": False}
        )
        settings.execute()
        self.assertFalse(self.Gateway._club_default_for(self.company))
        self.assertFalse(self.sms().club_gateway_id, "back to IAP")

    # ----------------------------------------------------- notifications

    def test_chatter_notification_follows_the_reports(self):
        self.gateway("smsru")
        partner = self.env["res.partner"].create({"name": "Mila", "phone": PHONE})
        message = partner._message_sms("Welcome to the club", partner_ids=partner.ids)
        notification = message.notification_ids
        self.assertEqual(notification.notification_status, "pending")
        self.fake.set_status("delivered")
        self.poll()
        self.assertEqual(notification.notification_status, "sent")

        self.fake.set_status("not_delivered")
        message = partner._message_sms("Bonuses expire", partner_ids=partner.ids)
        self.poll()
        notification = message.notification_ids
        self.assertEqual(notification.notification_status, "exception")
        self.assertEqual(notification.failure_type, "sms_not_delivered")

    # ---------------------------------------------------- back office

    def test_credentials_are_for_system_administrators(self):
        gateway = self.gateway("smsru")
        manager = new_test_user(
            self.env,
            "sms_club_manager",
            groups="base.group_user,loyalty_club.group_club_manager",
        )
        as_manager = gateway.with_user(manager)
        self.assertEqual(as_manager.name, gateway.name)
        self.assertEqual(as_manager.provider, "smsru")
        for field in ("api_id", "login", "password", "token", "callback_token"):
            with self.assertRaises(AccessError):
                as_manager.read([field])
        with self.assertRaises(AccessError):
            as_manager.write({"name": "Mine now"})

    def test_balance_and_test_send(self):
        gateway = self.gateway("smsc", test_number=PHONE)
        action = gateway.action_check_balance()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual((gateway.balance, gateway.balance_currency), (100.0, "RUB"))
        action = gateway.action_test_send()
        self.assertEqual(action["params"]["type"], "success", action)
        self.assertIn("Test message", self.fake.messages[0]["text"])
        self.fake.down = True
        action = gateway.action_check_balance()
        self.assertEqual(action["params"]["type"], "danger")

    @mute_logger("odoo.addons.loyalty_club.models.loyalty_club_sms_gateway")
    def test_polling_survives_a_broken_gateway(self):
        self.gateway("smsru")
        sms = self.sms()
        sms.send()
        self.fake.garbage_next(kind="status")
        self.poll()
        self.assertEqual(sms.state, "pending")
        self.fake.set_status("delivered")
        self.poll()
        self.assertEqual(sms.state, "sent")


@tagged("post_install", "-at_install")
class TestSmsGatewayCallback(SmsGatewayCase, HttpCase):
    def test_smsru_callback_route(self):
        gateway = self.gateway("smsru")
        sms = self.sms()
        sms.send()
        self.assertEqual(sms.state, "pending")
        self.fake.set_status("delivered")
        path = f"/loyalty_club/sms/{gateway.id}/%s/status"

        answer = self.fake.deliver_callbacks(self.base_url() + path % "wrong-token")
        self.assertEqual(answer[0], 403)
        self.env.invalidate_all()
        self.assertEqual(sms.state, "pending")

        url = self.base_url() + path % gateway.callback_token
        self.assertEqual(self.fake.deliver_callbacks(url), (200, "100"))
        self.env.invalidate_all()
        self.assertEqual(sms.state, "sent")
        self.assertTrue(gateway.callback_url.endswith(path % gateway.callback_token))
