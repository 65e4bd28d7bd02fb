"""The NPS survey after a purchase, end to end: queued with the sale and due
hours later, sent by the job through the fake SMS gateway with the member's
one-time link, answered through the survey's own pages (once), NPS by store
and cashier in the analysis, a to-do for each detractor."""

import re
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from odoo.addons.loyalty_club.models import loyalty_club_message as message_model
from odoo.addons.loyalty_club.tests.fake_sms_gateway import start_fake_sms_gateway

GATEWAY_LOGS = (
    "odoo.addons.loyalty_club.models.sms_sms",
    "odoo.addons.loyalty_club.models.loyalty_club_sms_gateway",
    "odoo.addons.loyalty_club.models.loyalty_club_message",
)


@tagged("post_install", "-at_install")
class TestNps(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = start_fake_sms_gateway(cls)
        cls.service = cls.env["loyalty.club.service"]
        cls.survey = cls.env.ref("loyalty_club_nps.survey_nps")
        cls.manager_a = new_test_user(
            cls.env, "nps_manager_a", groups="base.group_user"
        )
        cls.kyiv = cls.env["loyalty.club.store"].create(
            {"name": "Kyiv", "code": "NPS1", "manager_id": cls.manager_a.id}
        )
        cls.lviv = cls.env["loyalty.club.store"].create(
            {"name": "Lviv", "code": "NPS2"}
        )
        cls.cashier_1 = new_test_user(
            cls.env, "nps_cashier_1", groups="base.group_user"
        )
        cls.cashier_2 = new_test_user(
            cls.env, "nps_cashier_2", groups="base.group_user"
        )
        cls.program = cls.env["loyalty.club.program"].create(
            {
                "name": "NPS club",
                "sequence": -5,
                "earn_percent": 5,
                "nps_survey_id": cls.survey.id,
                "notify_nps_sms": True,
                "notify_nps_email": True,
                "nps_delay_hours": 2,
                "nps_every_days": 30,
            }
        )
        cls.members = [
            cls._member(f"Member {i}", f"+38067555010{i}", sms=i != 5) for i in range(6)
        ]

    @classmethod
    def _member(cls, name, phone, sms=True):
        summary = cls.service.register_member(
            {"name": name, "phone": phone, "consents": {"sms": sms}},
            program_id=cls.program.id,
            welcome=False,
        )
        wallet = cls.env["loyalty.club.wallet"].browse(summary["wallet_id"])
        wallet.partner_id.tz = "UTC"
        return wallet

    def setUp(self):
        super().setUp()
        self.fake.reset()
        patcher = patch.dict(message_model._LAST_TRIGGER, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)
        # noon tomorrow: no quiet hours
        self.noon = fields.Datetime.now().replace(
            hour=12, minute=0, second=0, microsecond=0
        ) + timedelta(days=1)

    def buy(self, wallet, key, store, cashier):
        sold = (
            self.service.with_user(cashier)
            .sudo()
            .confirm(
                {
                    "program_id": self.program.id,
                    "wallet_id": wallet.id,
                    "store_id": store.id,
                    "channel": "api",
                    "lines": [{"key": 1, "amount": "500.00"}],
                },
                key,
            )
        )
        return self.env["loyalty.club.transaction"].browse(sold["transaction_id"])

    def send(self, now):
        with mute_logger(*GATEWAY_LOGS):
            return self.env["loyalty.club.message"]._cron_send(now=now)

    def answer(self, link, score, comment=""):
        """The member opens the link and submits the one-page survey, as the
        survey's own pages do."""
        path = link.split("/survey/start/", 1)[1]
        survey_token, answer_token = re.match(
            r"([^?]+)\?answer_token=(.+)", path
        ).groups()
        page = self.url_open(
            f"/survey/start/{survey_token}?answer_token={answer_token}"
        )
        self.assertEqual(page.status_code, 200)
        self.make_jsonrpc_request(f"/survey/begin/{survey_token}/{answer_token}", {})
        score_q, comment_q = self.survey.question_ids.sorted("sequence")
        return self.make_jsonrpc_request(
            f"/survey/submit/{survey_token}/{answer_token}",
            {str(score_q.id): str(score), str(comment_q.id): comment},
        )

    def test_asked_after_the_purchase_answered_once_reported(self):
        txn = self.buy(self.members[0], "nps-1", self.kyiv, self.cashier_1)
        ask = self.env["loyalty.club.message"].search(
            [("event", "=", "nps"), ("transaction_id", "=", txn.id)]
        )
        self.assertEqual(ask.channel, "sms", "one ask, by SMS first")
        self.assertTrue(ask.next_attempt > fields.Datetime.now() + timedelta(hours=1))
        # not before its time
        self.send(fields.Datetime.now())
        self.assertEqual(ask.state, "queued")
        self.send(self.noon)
        self.assertEqual(ask.state, "sent")
        [sms] = [m for m in self.fake.messages if "/survey/start/" in m["text"]]
        self.assertEqual(sms["phone"], "380675550100")
        link = re.search(r"https?://\S+", sms["text"]).group(0)
        answer = ask.nps_input_id
        self.assertEqual(
            (answer.partner_id, answer.club_transaction_id, answer.club_store_id),
            (txn.partner_id, txn, self.kyiv),
        )
        self.assertEqual(answer.club_cashier_id, self.cashier_1)
        self.answer(link, 3, "The queue was too long")
        answer.invalidate_recordset()
        self.assertEqual(answer.state, "done")
        self.assertEqual(
            (answer.club_nps_score, answer.club_nps_group), (3, "detractor")
        )
        self.assertEqual(answer.club_nps_comment, "The queue was too long")
        todo = answer.activity_ids
        self.assertEqual(todo.user_id, self.manager_a, "the store's manager")
        self.assertIn("3/10", todo.summary)
        # a second answer through the same link changes nothing
        again = self.answer(link, 10)
        self.assertEqual(again[1]["error"], "unauthorized")
        answer.invalidate_recordset()
        self.assertEqual(answer.club_nps_score, 3)
        self.assertEqual(len(answer.user_input_line_ids.filtered("value_scale")), 1)

    def test_nps_by_store_and_cashier_equals_a_hand_count(self):
        plan = [
            (self.members[0], self.kyiv, self.cashier_1, 10),
            (self.members[1], self.kyiv, self.cashier_1, 9),
            (self.members[2], self.kyiv, self.cashier_2, 6),
            (self.members[3], self.lviv, self.cashier_2, 8),
            (self.members[4], self.lviv, self.cashier_2, 0),
        ]
        for index, (wallet, store, cashier, _score) in enumerate(plan):
            self.buy(wallet, f"nps-plan-{index}", store, cashier)
        self.send(self.noon)
        links = {
            m["phone"]: re.search(r"https?://\S+", m["text"]).group(0)
            for m in self.fake.messages
        }
        for wallet, _store, _cashier, score in plan:
            phone = wallet.partner_id.club_phone.lstrip("+")
            self.answer(links[phone], score)
        Report = self.env["loyalty.club.nps.report"]
        by_store = {
            row[0]: (row[1], row[2])
            for row in Report._read_group(
                [("program_id", "=", self.program.id)],
                ["store_id"],
                ["nps:avg", "answers:sum"],
            )
        }
        # Kyiv: 2 promoters, 1 detractor of 3 -> 33.3; Lviv: 0 - 1 of 2 -> -50
        self.assertAlmostEqual(by_store[self.kyiv][0], 100 / 3, places=6)
        self.assertEqual(by_store[self.kyiv][1], 3)
        self.assertEqual(by_store[self.lviv], (-50.0, 2))
        by_cashier = dict(
            Report._read_group(
                [("program_id", "=", self.program.id)], ["cashier_id"], ["nps:avg"]
            )
        )
        # cashier 1: 10 and 9 -> 100; cashier 2: 6, 8 and 0 -> (0 - 2) / 3
        self.assertEqual(by_cashier[self.cashier_1], 100.0)
        self.assertAlmostEqual(by_cashier[self.cashier_2], -200 / 3, places=6)
        # the detractors without a store manager go to the survey's responsible
        lviv_todo = (
            self.env["survey.user_input"]
            .search(
                [
                    ("club_store_id", "=", self.lviv.id),
                    ("club_nps_group", "=", "detractor"),
                ]
            )
            .activity_ids
        )
        self.assertEqual(
            lviv_todo.user_id, self.survey.user_id or self.env.ref("base.user_admin")
        )

    def test_no_consent_no_ask_and_not_asked_twice_a_month(self):
        silent = self.members[5]  # no SMS consent
        self.buy(silent, "nps-silent", self.kyiv, self.cashier_1)
        self.buy(self.members[1], "nps-first", self.kyiv, self.cashier_1)
        self.send(self.noon)
        asks = self.env["loyalty.club.message"].search([("event", "=", "nps")])
        silent_ask = asks.filtered(lambda m: m.partner_id == silent.partner_id)
        self.assertEqual(
            (silent_ask.state, silent_ask.reason), ("skipped", "no_consent")
        )
        self.assertFalse(silent_ask.nps_input_id, "no survey answer for nobody")
        self.assertEqual(len(self.fake.messages), 1)
        # a week later Member 1 buys again: asked within 30 days, not asked again
        self.buy(self.members[1], "nps-second", self.kyiv, self.cashier_1)
        second = self.env["loyalty.club.message"].search(
            [("event", "=", "nps"), ("partner_id", "=", self.members[1].partner_id.id)],
            order="id desc",
            limit=1,
        )
        self.send(self.noon + timedelta(days=7))
        self.assertEqual((second.state, second.reason), ("skipped", "nps_recent"))
        self.assertEqual(len(self.fake.messages), 1)

    def test_a_program_without_a_survey_asks_nothing(self):
        self.program.nps_survey_id = False
        self.buy(self.members[2], "nps-off", self.kyiv, self.cashier_1)
        self.assertFalse(
            self.env["loyalty.club.message"].search([("event", "=", "nps")])
        )
