"""A STOP reply from a member's phone, as the gateway calls it in, withdraws the
SMS consent and is recorded in the consent history."""

from odoo.tests import HttpCase, tagged

from .common import CampaignCase


@tagged("post_install", "-at_install")
class TestStopReply(CampaignCase, HttpCase):
    def post(self, token, **form):
        url = f"/loyalty_club/sms/{self.gateway.id}/{token}/inbound"
        return self.url_open(url, data=form, timeout=20)

    def test_stop_withdraws_sms_consent_as_history(self):
        partner = self.partners[0]
        self.assertTrue(partner.club_consent_sms)
        phone = partner.club_phone.lstrip("+")
        answer = self.post("wrong-token", phone=phone, text="STOP")
        self.assertEqual(answer.status_code, 403)
        self.env.invalidate_all()
        self.assertTrue(partner.club_consent_sms)

        token = self.gateway.sudo().callback_token
        answer = self.post(token, phone=phone, text="Stop please")
        self.assertEqual((answer.status_code, answer.text), (200, "100"))
        self.env.invalidate_all()
        self.assertFalse(partner.club_consent_sms)
        row = partner.club_consent_ids.sorted(lambda c: (c.date, c.id))[-1]
        self.assertEqual(
            (row.channel, row.granted, row.source, row.wording),
            ("sms", False, "sms_reply", "Stop please"),
        )
        # other channels untouched, other members untouched
        self.assertEqual(
            partner.club_consent_ids.filtered(
                lambda c: c.source == "sms_reply"
            ).channel,
            "sms",
        )
        self.assertTrue(self.partners[1].club_consent_sms)
        # a campaign after the STOP does not reach the member
        campaign = self.campaign(
            self.segment(domain=f"[('id', '=', {partner.id})]"), control_percent=0
        )
        campaign.action_launch()
        message = self.messages(campaign_id=campaign.id)
        self.assertEqual((message.state, message.reason), ("skipped", "no_consent"))

    def test_other_replies_change_nothing(self):
        partner = self.partners[1]
        token = self.gateway.sudo().callback_token
        phone = partner.club_phone.lstrip("+")
        answer = self.post(token, phone=phone, text="Thanks!")
        self.assertEqual(answer.status_code, 200)
        answer = self.post(token, phone="70000000000", text="STOP")
        self.assertEqual(answer.status_code, 200)
        self.env.invalidate_all()
        self.assertTrue(partner.club_consent_sms)
        self.assertFalse(
            self.env["loyalty.club.consent"].search([("source", "=", "sms_reply")])
        )
