"""The NPS survey invitation as one of the members' messages: queued with the
purchase, due a few hours later, one channel (SMS if the program sends it by
SMS, else e-mail), consent and quiet hours as for every message, and at most one
ask per member within the program's interval."""

from datetime import timedelta

from odoo import api, fields, models


class LoyaltyClubMessage(models.Model):
    _inherit = "loyalty.club.message"

    event = fields.Selection(
        selection_add=[("nps", "NPS survey")], ondelete={"nps": "cascade"}
    )
    reason = fields.Selection(
        selection_add=[("nps_recent", "Asked for a score recently")],
        ondelete={"nps_recent": "set null"},
    )
    nps_input_id = fields.Many2one(
        "survey.user_input", "Survey Answer", readonly=True, ondelete="set null"
    )
    survey_url = fields.Char(compute="_compute_survey_url")

    @api.depends("nps_input_id")
    def _compute_survey_url(self):
        for message in self:
            answer = message.nps_input_id
            message.survey_url = (
                answer.survey_id.get_base_url() + answer.get_start_url()
                if answer
                else ""
            )

    def mail_allowed_qweb_expressions(self):
        return (*super().mail_allowed_qweb_expressions(), "object.survey_url")

    # ----------------------------------------------------------------- queue
    @api.model
    def _queue_check(self, txn):
        super()._queue_check(txn)
        program = txn.program_id
        if txn.kind != "sale" or not txn.partner_id or not program.nps_survey_id:
            return
        channels = self._channels(program, "nps")[:1]  # one ask, SMS first
        if channels:
            self._queue(
                "nps",
                channels,
                str(txn.id),
                txn.wallet_id,
                {"check_ref": txn.ref or ""},
                txn=txn,
                due=fields.Datetime.now() + timedelta(hours=program.nps_delay_hours),
            )

    # ------------------------------------------------------------------ send
    def _off(self):
        if self.event == "nps" and not self.program_id.nps_survey_id:
            return True
        return super()._off()

    def _gone(self):
        """An NPS ask is dropped when the member was asked within the program's
        interval, or an older ask of theirs is still on its way."""
        self.ensure_one()
        if self.event != "nps":
            return super()._gone()
        every = self.program_id.nps_every_days
        since = fields.Datetime.now() - timedelta(days=every)
        older = self.search_count(
            [
                ("event", "=", "nps"),
                ("partner_id", "=", self.partner_id.id),
                ("id", "!=", self.id),
                "|",
                "&",
                ("state", "=", "sent"),
                ("sent_at", ">=", since),
                "&",
                ("state", "in", ("queued", "held", "sending")),
                ("id", "<", self.id),
            ],
            limit=1,
        )
        return "nps_recent" if older and every else False

    def _nps_answers(self):
        """A one-time survey answer for each NPS ask about to leave, linked to
        the member, the check, its store and its cashier."""
        for message in self.filtered(lambda m: m.event == "nps" and not m.nps_input_id):
            txn = message.transaction_id
            survey = message.program_id.nps_survey_id.sudo()
            message.nps_input_id = survey._create_answer(
                partner=message.partner_id,
                check_attempts=False,
                club_transaction_id=txn.id,
                club_store_id=txn.store_id.id,
                club_cashier_id=txn.user_id.id,
            )

    def _send_sms(self, now):
        self._nps_answers()
        return super()._send_sms(now)

    def _send_email(self, now):
        self._nps_answers()
        return super()._send_email(now)

    def _template(self, channel, event):
        if event != "nps":
            return super()._template(channel, event)
        model = "sms.template" if channel == "sms" else "mail.template"
        template = self.env.ref(
            f"loyalty_club_nps.{model.split('.')[0]}_template_message_nps",
            raise_if_not_found=False,
        )
        return template.sudo() if template else self.env[model]
