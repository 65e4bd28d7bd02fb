"""Members, RFM runs and the fake SMS gateway the campaign tests share."""

from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tools import mute_logger

from odoo.addons.loyalty_club.models import loyalty_club_message as message_model
from odoo.addons.loyalty_club.tests.common import ClubCase
from odoo.addons.loyalty_club.tests.fake_sms_gateway import FakeSmsGateway

GATEWAY_LOGS = (
    "odoo.addons.loyalty_club.models.sms_sms",
    "odoo.addons.loyalty_club.models.loyalty_club_sms_gateway",
    "odoo.addons.loyalty_club.models.loyalty_club_message",
)


class CampaignCase(ClubCase):
    """A program with two stores (one in Kyiv), two tiers and members with
    phones, some of them without SMS consent; two RFM runs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.fake = FakeSmsGateway()
        cls.fake.start()
        cls.addClassCleanup(cls.fake.stop)
        cls.env["loyalty.club.sms.gateway"].search([]).active = False
        cls.gateway = cls.env["loyalty.club.sms.gateway"].create(
            {
                "name": "Fake SMS.ru",
                "provider": "smsru",
                "base_url": cls.fake.url,
                "api_id": "test-api-id",
                "is_default": True,
                "timeout": 1.0,
            }
        )
        cls.env.company.email = "club@example.com"
        cls.program.write({"cap_week_sms": 0, "cap_week_email": 0, "cap_day": 0})
        cls.kyiv = cls.env["loyalty.club.store"].create(
            {"name": "Kyiv Khreshchatyk", "code": "KY1"}
        )
        cls.silver, cls.gold = cls.env["loyalty.club.tier"].create(
            [
                {"name": "Silver", "program_id": cls.program.id, "threshold": 0},
                {"name": "Gold", "program_id": cls.program.id, "threshold": 1000},
            ]
        )
        cls.wallets = cls.env["loyalty.club.wallet"]
        for index in range(40):
            cls.wallets |= cls._member(index)
        # noon tomorrow UTC: 15:00 in Moscow, outside quiet hours
        cls.noon = fields.Datetime.now().replace(
            hour=12, minute=0, second=0, microsecond=0
        ) + timedelta(days=1)

    @classmethod
    def _member(cls, index, sms=None, email=None):
        """Member ``index``: every fifth without SMS consent, every third with
        e-mail consent, odd ones registered in Kyiv, every fourth gold."""
        sms = index % 5 != 4 if sms is None else sms
        email = index % 3 == 0 if email is None else email
        summary = cls.service.register_member(
            {
                "name": f"Member {index:02d}",
                "phone": f"+7916333{index:04d}",
                "email": f"member{index:02d}@example.com",
                "consents": {"sms": sms, "email": email},
                "store_id": (cls.kyiv if index % 2 else cls.store).id,
            },
            program_id=cls.program.id,
            welcome=False,
        )
        wallet = cls.env["loyalty.club.wallet"].browse(summary["wallet_id"])
        wallet.partner_id.tz = "Europe/Moscow"
        wallet.tier_id = cls.gold if index % 4 == 0 else cls.silver
        return wallet

    def setUp(self):
        super().setUp()
        self.fake.reset()
        patcher = patch.dict(message_model._LAST_TRIGGER, clear=True)
        patcher.start()
        self.addCleanup(patcher.stop)

    @property
    def partners(self):
        return self.wallets.partner_id

    def rfm_runs(self, before, now):
        """Two RFM runs: ``before`` and ``now`` map partners to RFM segments."""
        runs = self.env["loyalty.club.rfm.run"]
        # the newest two runs of the database (a minute apart)
        for minutes, cells in ((1, before), (0, now)):
            run = runs.create(
                {
                    "date": fields.Datetime.now() - timedelta(minutes=minutes),
                    "member_count": len(cells),
                }
            )
            self.env["loyalty.club.rfm"].create(
                [
                    {
                        "run_id": run.id,
                        "partner_id": partner.id,
                        "wallet_id": partner.club_wallet_ids[:1].id,
                        "program_id": self.program.id,
                        "segment": segment,
                        "r_score": 1,
                        "f_score": 1,
                        "m_score": 1,
                    }
                    for partner, segment in cells.items()
                ]
            )
            runs |= run
        return runs

    def cell(self, code):
        return self.env.ref(f"loyalty_club_campaign.rfm_cell_{code}")

    def segment(self, **vals):
        return self.env["loyalty.club.segment"].create(
            dict({"name": "Test segment", "program_id": self.program.id}, **vals)
        )

    def members_of(self, segment):
        self.env.cr.execute(segment._member_ids_sql())
        return self.env["res.partner"].browse(
            sorted(row[0] for row in self.env.cr.fetchall())
        )

    def campaign(self, segment, **vals):
        return self.env["loyalty.club.campaign"].create(
            dict(
                {
                    "name": "Autumn",
                    "program_id": self.program.id,
                    "segment_id": segment.id,
                    "send_sms": True,
                    "sms_text": "{name}, come back this week!",
                    "date_end": fields.Date.today() + timedelta(days=30),
                    "control_percent": 10,
                },
                **vals,
            )
        )

    def send(self, now=None):
        with mute_logger(*GATEWAY_LOGS):
            return self.env["loyalty.club.message"]._cron_send(now=now or self.noon)

    def messages(self, **domain):
        return self.env["loyalty.club.message"].search(
            [(k, "=", v) for k, v in domain.items()], order="id"
        )

    def buy(self, wallet, amount, key, **extra):
        return self.service.confirm(
            self.order(amount, wallet_id=wallet.id, **extra), key
        )
