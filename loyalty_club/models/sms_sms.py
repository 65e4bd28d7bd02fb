"""Outgoing SMS through the company's gateway, Odoo's IAP for the rest.

Odoo 18.0's ``sms.sms._send`` calls IAP directly. Here ``_send`` splits the
batch by gateway first (as later Odoo versions do with ``_split_by_api``): the
SMS of a company with a gateway (``loyalty.club.sms.gateway``) go through its
adapter and take the states and failure types Odoo's IAP answers would give
(accepted: ``pending`` "Sent"; refused: ``error`` with the failure type), with
their trackers (notifications) updated the same way; the others go to
``super()._send()``, unchanged. The provider's message ID, the cost and a
readable message stay on the SMS; delivery reports then make it ``sent``
("Delivered") or ``error`` (not delivered, expired...). So an SMS sent through a
gateway is not marked for deletion when sent (``unlink_sent``): it waits for its
report, and is deleted ``loyalty_club.sms_keep_days`` (90) days later.

Nothing is sent twice: a batch takes only SMS still ``outgoing`` and not taken
by a parallel job (row locks, ``SKIP LOCKED``), and an SMS whose gateway did not
answer clearly (timeout, unreadable answer) is not sent again by itself, since
the provider may have sent it: "Resend anyway" does it on purpose.
"""

import logging
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.phone_validation.tools import phone_validation

from .. import sms_gateways

_logger = logging.getLogger(__name__)

# a gateway answer that may hide a sent message
UNCLEAR = (sms_gateways.REASON_TIMEOUT, sms_gateways.REASON_GARBAGE)


class SmsSms(models.Model):
    _inherit = "sms.sms"

    # delivery reports' failures (Odoo keeps them on mail.notification only)
    failure_type = fields.Selection(
        selection_add=[
            ("sms_expired", "Expired"),
            ("sms_invalid_destination", "Invalid Destination"),
            ("sms_not_allowed", "Not Allowed"),
            ("sms_not_delivered", "Not Delivered"),
            ("sms_rejected", "Rejected"),
        ]
    )
    club_gateway_id = fields.Many2one(
        "loyalty.club.sms.gateway",
        "Gateway",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
        help="Set from the company's gateway when the SMS is made; empty: Odoo's "
        "IAP, unless the company has a gateway when the SMS is sent.",
    )
    club_provider_message_id = fields.Char(
        "Provider's message ID", readonly=True, copy=False, index="btree_not_null"
    )
    club_currency_id = fields.Many2one(related="club_gateway_id.currency_id")
    club_cost = fields.Monetary(
        "Cost", currency_field="club_currency_id", readonly=True, copy=False
    )
    club_error = fields.Char("Gateway message", readonly=True, copy=False)
    club_sent_at = fields.Datetime("Handed to the gateway", readonly=True, copy=False)
    club_checked_at = fields.Datetime("Delivery asked", readonly=True, copy=False)
    club_outcome_unknown = fields.Boolean(
        "Outcome unknown",
        readonly=True,
        copy=False,
        help="The gateway did not answer clearly: the message may have been sent. "
        "It is not sent again unless resent on purpose.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        """Each SMS takes the gateway of its company: its message's record's
        company, else the current one."""
        message_ids = {
            v["mail_message_id"] for v in vals_list if v.get("mail_message_id")
        }
        companies = {
            message.id: message.record_company_id
            for message in self.env["mail.message"].sudo().browse(message_ids)
        }
        Gateway = self.env["loyalty.club.sms.gateway"]
        gateway_of = {}
        for vals in vals_list:
            if "club_gateway_id" in vals:
                continue
            company = companies.get(vals.get("mail_message_id")) or self.env.company
            if company.id not in gateway_of:
                gateway_of[company.id] = Gateway._club_default_for(company).id
            if gateway_of[company.id]:
                vals["club_gateway_id"] = gateway_of[company.id]
        return super().create(vals_list)

    # ------------------------------------------------------------------ send

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        via_iap = self.browse()
        for gateway, batch in self._club_split_by_gateway().items():
            if gateway:
                batch._club_send_with_gateway(
                    gateway,
                    unlink_failed=unlink_failed,
                    raise_exception=raise_exception,
                )
            else:
                via_iap |= batch
        if via_iap:
            return super(SmsSms, via_iap)._send(
                unlink_failed=unlink_failed,
                unlink_sent=unlink_sent,
                raise_exception=raise_exception,
            )
        return None

    def _club_company(self):
        self.ensure_one()
        return self.sudo().mail_message_id.record_company_id or self.env.company

    def _club_split_by_gateway(self):
        """{gateway (empty: IAP): SMS}: an SMS keeps its gateway while it is
        active, else takes its company's gateway of today."""
        Gateway = self.env["loyalty.club.sms.gateway"]
        default_of = {}
        batches = defaultdict(self.browse)
        for sms in self:
            gateway = sms.sudo().club_gateway_id
            if not gateway.active:
                company = sms._club_company()
                if company.id not in default_of:
                    default_of[company.id] = Gateway._club_default_for(company)
                gateway = default_of[company.id]
            batches[gateway] |= sms
        return batches

    def _club_international_number(self):
        """The number as the gateway wants it: international (E.164), a national
        number read in the country of the SMS's company."""
        self.ensure_one()
        number = (self.number or "").strip()
        if not number or number.startswith(("+", "00")):
            return number
        country = self._club_company().country_id
        if not country:
            return number
        return phone_validation.phone_format(
            number,
            country.code,
            country.phone_code,
            force_format="E164",
            raise_exception=False,
        )

    def _club_take_outgoing(self):
        """These SMS still ``outgoing``, locked for this transaction; those a
        parallel job holds are left to it."""
        if not self:
            return self
        self.flush_recordset(["state", "to_delete"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sms_sms WHERE id IN %s AND state = 'outgoing' "
                "AND to_delete IS NOT TRUE ORDER BY id FOR UPDATE SKIP LOCKED",
                tuple(self.ids),
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _club_send_with_gateway(
        self, gateway, unlink_failed=False, raise_exception=False
    ):
        """Send through ``gateway``'s adapter; states, failure types and trackers
        as ``_send`` sets them from IAP's answer."""
        todo = self.sudo().with_context(sms_skip_msg_notification=True)
        todo = taken = todo._club_take_outgoing()
        if not self.env.context.get("club_sms_resend_unknown"):
            unclear = todo.filtered("club_outcome_unknown")
            unclear._club_set_error(
                gateway,
                "sms_server",
                _(
                    "Not sent again: an earlier attempt may have reached the "
                    "recipient. Use Resend anyway if it did not."
                ),
                unlink_failed,
            )
            todo -= unclear
        if not todo:
            taken.mail_message_id._notify_message_notification_update()
            return
        messages = [
            sms_gateways.Message(
                sms.id, sms._club_international_number(), sms.body or ""
            )
            for sms in todo
        ]
        try:
            results = gateway._club_adapter().send(messages)
        except Exception as error:  # noqa: BLE001 - as _send does for IAP
            _logger.exception("SMS gateway %s failed", gateway.name)
            results = [
                sms_gateways.Result(
                    message.key,
                    message.number,
                    False,
                    failure="sms_server",
                    reason=sms_gateways.REASON_GARBAGE,
                    detail=str(error)[:200],
                )
                for message in messages
            ]
        _logger.info(
            "Sent %s SMS through gateway %s: %s accepted",
            len(results),
            gateway.name,
            sum(result.ok for result in results),
        )
        now = fields.Datetime.now()
        by_id = {sms.id: sms for sms in todo}
        for result in results:
            sms = by_id[result.key]
            if result.ok:
                sms.sms_tracker_id._action_update_from_sms_state("pending")
                sms.write(
                    {
                        "state": "pending",
                        "failure_type": False,
                        "club_gateway_id": gateway.id,
                        "club_provider_message_id": result.provider_id or False,
                        "club_cost": result.cost
                        if result.cost is not None
                        else gateway.cost_per_message,
                        "club_sent_at": now,
                        "club_error": False,
                        "club_outcome_unknown": False,
                    }
                )
            else:
                sms._club_set_error(
                    gateway,
                    result.failure or "unknown",
                    gateway._club_describe(result),
                    unlink_failed,
                    unclear=result.reason in UNCLEAR,
                )
        taken.mail_message_id._notify_message_notification_update()
        if raise_exception and not any(result.ok for result in results):
            unreachable = [
                result
                for result in results
                if result.reason
                in (sms_gateways.REASON_TIMEOUT, sms_gateways.REASON_CONNECTION)
            ]
            if unreachable:
                raise UserError(gateway._club_describe(unreachable[0]))

    def _club_set_error(
        self, gateway, failure_type, message, unlink_failed, unclear=None
    ):
        if not self:
            return
        self.sms_tracker_id._action_update_from_sms_state(
            "error", failure_type=failure_type, failure_reason=message
        )
        vals = {
            "state": "error",
            "failure_type": failure_type,
            "club_gateway_id": gateway.id,
            "club_error": message,
        }
        if unclear is not None:
            vals["club_outcome_unknown"] = unclear
        if unlink_failed:
            vals["to_delete"] = True
        self.write(vals)

    # --------------------------------------------------------------- actions

    def action_club_resend_anyway(self):
        """Send again SMS whose outcome was unclear, knowing it may be twice."""
        unclear = self.filtered(
            lambda sms: sms.state == "error" and sms.club_outcome_unknown
        )
        unclear.write({"state": "outgoing", "failure_type": False})
        unclear.with_context(club_sms_resend_unknown=True).send(unlink_sent=False)
        return True
