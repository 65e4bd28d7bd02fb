"""SMS gateways: the provider a company's SMS go through instead of Odoo's IAP.

A gateway is a provider (SMS.ru, SMSC, TurboSMS or any HTTP gateway described by
its settings), its address, credentials and sender name, for one company; the
company's gateway (``is_default``) carries its SMS (``sms.sms._send``), a
company without one keeps Odoo's IAP. The wire formats live in plain Python
(``loyalty_club/sms_gateways``); this model turns their answers into Odoo's
states and readable, translated messages, applies delivery reports (SMS.ru's
callback, polling for the others) and keeps the credentials readable by system
administrators only.
"""

import hmac
import logging
import re
import secrets
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .. import sms_gateways

_logger = logging.getLogger(__name__)

PROVIDERS = [
    ("smsru", "SMS.ru"),
    ("smsc", "SMSC (smsc.ru, smsc.ua)"),
    ("turbosms", "TurboSMS (Ukraine)"),
    ("generic", "Other HTTP gateway"),
]
OFFICIAL_URLS = {
    key: adapter.default_url
    for key, adapter in sms_gateways.ADAPTERS.items()
    if adapter.default_url
}
# delivery reports are asked for this long after sending, then no more
POLL_DAYS = 3
POLL_LIMIT = 200  # messages a gateway is asked about per run of the job
REGEX_FIELDS = (
    "success_regex",
    "message_id_regex",
    "delivered_regex",
    "failed_regex",
)


class LoyaltyClubSmsGateway(models.Model):
    _name = "loyalty.club.sms.gateway"
    _description = "Club SMS Gateway"
    _order = "company_id, is_default desc, name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    is_default = fields.Boolean(
        "Company's gateway",
        copy=False,
        help="The company's SMS go through this gateway. A company without one "
        "sends through Odoo's IAP.",
    )
    provider = fields.Selection(PROVIDERS, required=True, default="smsru")
    base_url = fields.Char(
        "Address",
        compute="_compute_base_url",
        store=True,
        readonly=False,
        help="The provider's API address (its official one by default). For another "
        "HTTP gateway: the full address messages are sent to.",
    )
    sender = fields.Char(
        "Sender name",
        help="As registered with the provider (up to 11 letters and digits); empty: "
        "the account's default.",
    )
    api_id = fields.Char("API ID", copy=False, groups="base.group_system")
    login = fields.Char(copy=False, groups="base.group_system")
    password = fields.Char(copy=False, groups="base.group_system")
    token = fields.Char(
        "API key or token",
        copy=False,
        groups="base.group_system",
        help="TurboSMS: the HTTP API token. SMSC: an API key instead of login and "
        "password. Other gateways: the bearer token or token parameter.",
    )
    callback_token = fields.Char(
        copy=False,
        readonly=True,
        groups="base.group_system",
        default=lambda self: secrets.token_urlsafe(24),
    )
    callback_url = fields.Char(
        "Delivery report address",
        compute="_compute_callback_url",
        groups="base.group_system",
        help="Give this address to SMS.ru (Settings > API > callback) so that it "
        "reports deliveries at once; without it deliveries are polled.",
    )
    timeout = fields.Float(
        "Timeout (s)",
        default=10.0,
        help="How long to wait for the gateway's answer. A message whose answer did "
        "not come in time is not sent again by itself.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    cost_per_message = fields.Monetary(
        help="Recorded on each SMS the provider does not price itself."
    )
    # another HTTP gateway
    http_method = fields.Selection(
        [("POST", "POST"), ("GET", "GET")], "Method", default="POST"
    )
    auth_method = fields.Selection(
        [
            ("none", "None"),
            ("basic", "HTTP basic (login and password)"),
            ("bearer", "Bearer token"),
            ("param", "Token as a parameter"),
        ],
        "Authentication",
        default="none",
    )
    auth_param = fields.Char("Token parameter", default="token")
    phone_param = fields.Char("Number parameter", default="phone")
    text_param = fields.Char("Text parameter", default="text")
    sender_param = fields.Char("Sender parameter", default="sender")
    success_regex = fields.Char(
        "Success pattern",
        help="Regular expression found in the answer when the message is accepted; "
        "empty: any answer with an HTTP status below 400.",
    )
    message_id_regex = fields.Char(
        "Message ID pattern",
        help="Regular expression whose first group is the message's ID at the "
        "gateway (needed to poll deliveries).",
    )
    status_url = fields.Char(
        "Status address", help="Where deliveries are polled; empty: no polling."
    )
    status_id_param = fields.Char("Status ID parameter", default="id")
    delivered_regex = fields.Char("Delivered pattern")
    failed_regex = fields.Char("Not delivered pattern")
    # back office
    test_number = fields.Char(help="Where Send a test SMS sends.")
    balance = fields.Float(readonly=True, copy=False)
    balance_currency = fields.Char(readonly=True, copy=False)
    balance_date = fields.Datetime("Balance checked", readonly=True, copy=False)
    sms_count = fields.Integer("SMS", compute="_compute_sms_count")

    # ---------------------------------------------------------------- fields

    @api.depends("provider")
    def _compute_base_url(self):
        official = set(OFFICIAL_URLS.values())
        for gateway in self:
            if not gateway.base_url or gateway.base_url in official:
                gateway.base_url = OFFICIAL_URLS.get(gateway.provider, gateway.base_url)

    @api.depends("callback_token")
    def _compute_callback_url(self):
        for gateway in self:
            gateway.callback_url = (
                f"{gateway.get_base_url()}/loyalty_club/sms/{gateway.id}/"
                f"{gateway.callback_token}/status"
                if gateway.id and gateway.callback_token
                else False
            )

    def _compute_sms_count(self):
        counts = dict(
            self.env["sms.sms"]
            .sudo()
            ._read_group(
                [("club_gateway_id", "in", self.ids)], ["club_gateway_id"], ["__count"]
            )
        )
        for gateway in self:
            gateway.sms_count = counts.get(gateway, 0)

    @api.constrains(*REGEX_FIELDS)
    def _check_patterns(self):
        for gateway in self:
            for name in REGEX_FIELDS:
                try:
                    re.compile(gateway[name] or "")
                except re.error as error:
                    raise ValidationError(
                        _(
                            "%(field)s is not a valid regular expression: %(error)s",
                            field=self._fields[name]._description_string(self.env),
                            error=error,
                        )
                    ) from error

    @api.constrains("timeout")
    def _check_timeout(self):
        for gateway in self:
            if not 0 < gateway.timeout <= 120:
                raise ValidationError(_("The timeout is between 0 and 120 seconds."))

    def init(self):
        # one company's gateway at a time (create/write switch the others off)
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS loyalty_club_sms_gateway_default "
                "ON loyalty_club_sms_gateway (company_id) WHERE is_default AND active"
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        # before the insert: the unique index must never see two
        chosen = {}
        for vals in vals_list:
            if vals.get("is_default") and vals.get("active", True):
                company = vals.get("company_id") or self.env.company.id
                if company in chosen:
                    chosen[company]["is_default"] = False
                chosen[company] = vals
        for company in chosen:
            self._club_switch_off(company, self.browse())
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("is_default") or vals.get("active"):
            # before the write: the unique index must never see two
            for gateway in self:
                if vals.get("is_default", gateway.is_default):
                    company = vals.get("company_id", gateway.company_id.id)
                    self._club_switch_off(company, self)
        return super().write(vals)

    def _club_switch_off(self, company_id, but):
        """The company's other gateways stop being its gateway, in the database
        at once (the unique index is checked statement by statement)."""
        others = self.sudo().search(
            [
                ("company_id", "=", company_id),
                ("is_default", "=", True),
                ("id", "not in", but.ids),
            ]
        )
        if others:
            others.write({"is_default": False})
            others.flush_recordset(["is_default"])

    @api.model
    def _club_default_for(self, company):
        """The company's gateway (sudo), or an empty recordset: IAP."""
        return self.sudo().search(
            [("company_id", "=", company.id), ("is_default", "=", True)], limit=1
        )

    @api.model
    def _club_set_default(self, company, gateway):
        """Make ``gateway`` the company's gateway; none: back to IAP."""
        if gateway:
            gateway.sudo().is_default = True
        else:
            self._club_default_for(company).is_default = False

    # ---------------------------------------------------------------- adapter

    def _club_adapter(self):
        self.ensure_one()
        gateway = self.sudo()
        config = sms_gateways.Config(
            base_url=gateway.base_url or "",
            sender=gateway.sender or "",
            api_id=gateway.api_id or "",
            login=gateway.login or "",
            password=gateway.password or "",
            token=gateway.token or "",
            timeout=gateway.timeout or 10.0,
            method=gateway.http_method or "POST",
            auth=gateway.auth_method or "none",
            auth_param=gateway.auth_param or "token",
            phone_param=gateway.phone_param or "phone",
            text_param=gateway.text_param or "text",
            sender_param=gateway.sender_param or "",
            success_regex=gateway.success_regex or "",
            message_id_regex=gateway.message_id_regex or "",
            status_url=gateway.status_url or "",
            status_id_param=gateway.status_id_param or "id",
            delivered_regex=gateway.delivered_regex or "",
            failed_regex=gateway.failed_regex or "",
        )
        return sms_gateways.adapter_for(gateway.provider, config)

    def _club_describe(self, result):
        """What went wrong with one message, in the user's language."""
        self.ensure_one()
        reason, detail = result.reason, result.detail
        values = {"gateway": self.name, "detail": detail}
        if reason == sms_gateways.REASON_NUMBER:
            if not (result.number or "").strip():
                return _("The SMS has no phone number.")
            return _(
                "%(number)s is not a phone number in international format.",
                number=result.number,
            )
        if reason == sms_gateways.REASON_TIMEOUT:
            return _(
                "%(gateway)s did not answer within %(detail)s. It may still send the "
                "message, so it is not sent again by itself: check with the provider, "
                "then use Resend anyway if it did not arrive.",
                **values,
            )
        if reason == sms_gateways.REASON_CONNECTION:
            return _(
                "%(gateway)s cannot be reached (%(detail)s). Nothing was sent.",
                **values,
            )
        if reason == sms_gateways.REASON_HTTP:
            return _("%(gateway)s answered with an error page: %(detail)s", **values)
        if reason == sms_gateways.REASON_GARBAGE:
            return _(
                "%(gateway)s gave an answer that cannot be read (%(detail)s). It may "
                "have sent the message, so it is not sent again by itself.",
                **values,
            )
        if reason == sms_gateways.REASON_SKIPPED:
            return _(
                "Not sent: %(gateway)s failed earlier in the same batch (%(detail)s).",
                **values,
            )
        return _("%(gateway)s refused the message: %(detail)s", **values)

    def _club_delivery_error(self, status):
        self.ensure_one()
        return _(
            "%(gateway)s reports the message not delivered: %(detail)s",
            gateway=self.name,
            detail=status.detail,
        )

    # --------------------------------------------------------------- reports

    def _club_check_token(self, token):
        self.ensure_one()
        expected = self.sudo().callback_token or ""
        return bool(expected) and hmac.compare_digest(expected, token or "")

    def _club_handle_callback(self, pairs):
        """A provider's delivery report (form fields as pairs); how many applied."""
        self.ensure_one()
        statuses = self._club_adapter().parse_callback(pairs)
        return self._club_apply_statuses(statuses)

    def _club_apply_statuses(self, statuses):
        """Move this gateway's sent SMS to delivered or not delivered, with their
        trackers (notifications), as Odoo's ``/sms/status`` does for IAP."""
        self.ensure_one()
        by_id = {status.provider_id: status for status in statuses}
        if not by_id:
            return 0
        all_sms = (
            self.env["sms.sms"]
            .sudo()
            .search(
                [
                    ("club_gateway_id", "=", self.id),
                    ("club_provider_message_id", "in", list(by_id)),
                ]
            )
            .with_context(sms_skip_msg_notification=True)
        )
        now = fields.Datetime.now()
        moved = 0
        for sms in all_sms:
            status = by_id[sms.club_provider_message_id]
            vals = {"club_checked_at": now}
            if status.cost is not None:
                vals["club_cost"] = status.cost
            if sms.state == "pending" and status.state == sms_gateways.DELIVERED:
                vals.update(state="sent", failure_type=False)
                sms.sms_tracker_id._action_update_from_sms_state("sent")
                moved += 1
            elif sms.state == "pending" and status.state == sms_gateways.FAILED:
                vals.update(
                    state="error",
                    failure_type=status.failure,
                    club_error=self._club_delivery_error(status),
                )
                sms.sms_tracker_id._action_update_from_provider_error(
                    status.failure.removeprefix("sms_")
                )
                moved += 1
            sms.write(vals)
        all_sms.mail_message_id._notify_message_notification_update()
        return moved

    @api.model
    def _cron_poll_delivery(self):
        """Ask each gateway about its messages sent in the last days and not yet
        reported (SMS.ru's callback makes this a fallback for SMS.ru)."""
        since = fields.Datetime.now() - timedelta(days=POLL_DAYS)
        Sms = self.env["sms.sms"].sudo()
        for gateway in self.sudo().search([]):
            pending = Sms.search(
                [
                    ("club_gateway_id", "=", gateway.id),
                    ("state", "=", "pending"),
                    ("club_provider_message_id", "!=", False),
                    ("club_sent_at", ">=", since),
                ],
                order="club_checked_at asc nulls first, id",
                limit=POLL_LIMIT,
            )
            if not pending:
                continue
            items = [
                (
                    sms.club_provider_message_id,
                    sms_gateways.normalize_number(sms._club_international_number()),
                )
                for sms in pending
            ]
            try:
                statuses = gateway._club_adapter().status(items)
            except Exception as error:  # noqa: BLE001 - the next run tries again
                _logger.warning(
                    "SMS gateway %s: delivery reports failed: %s", gateway.name, error
                )
                continue
            gateway._club_apply_statuses(statuses)
            pending.filtered(
                lambda s: s.state == "pending"
            ).club_checked_at = fields.Datetime.now()

    @api.autovacuum
    def _gc_club_sms(self):
        """Sent SMS are kept a while (cost, delivery), then deleted as Odoo deletes
        the SMS it sends (``loyalty_club.sms_keep_days``, 90 by default)."""
        days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("loyalty_club.sms_keep_days", 90)
        )
        old = (
            self.env["sms.sms"]
            .sudo()
            .search(
                [
                    ("club_gateway_id", "!=", False),
                    ("state", "in", ("pending", "sent")),
                    ("to_delete", "=", False),
                    ("create_date", "<", fields.Datetime.now() - timedelta(days=days)),
                ]
            )
        )
        old.to_delete = True

    # ---------------------------------------------------------------- actions

    def _notify(self, message, kind="info"):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": kind, "sticky": kind == "danger"},
        }

    def action_check_balance(self):
        self.ensure_one()
        balance = self._club_adapter().balance_safely()
        if balance.ok:
            self.sudo().write(
                {
                    "balance": balance.amount,
                    "balance_currency": balance.currency,
                    "balance_date": fields.Datetime.now(),
                }
            )
            return self._notify(
                _(
                    "Balance at %(gateway)s: %(amount)s %(currency)s",
                    gateway=self.name,
                    amount=balance.amount,
                    currency=balance.currency,
                ),
                "success",
            )
        if balance.reason == sms_gateways.REASON_UNSUPPORTED:
            return self._notify(
                _("%(gateway)s has no balance request.", gateway=self.name), "warning"
            )
        result = sms_gateways.Result(
            None, "", False, reason=balance.reason, detail=balance.detail
        )
        return self._notify(self._club_describe(result), "danger")

    def action_test_send(self):
        """Send one SMS to the test number now, through this gateway."""
        self.ensure_one()
        if not self.test_number:
            raise UserError(_("Enter a test number first."))
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create(
                {
                    "number": self.test_number,
                    "body": _(
                        "Test message from %(company)s through %(gateway)s.",
                        company=self.company_id.name,
                        gateway=self.name,
                    ),
                    "club_gateway_id": self.id,
                }
            )
        )
        sms.send(unlink_sent=False)
        if sms.state in ("pending", "sent"):
            return self._notify(
                _(
                    "Sent to %(number)s; the gateway's message ID is %(id)s.",
                    number=sms.number,
                    id=sms.club_provider_message_id or "-",
                ),
                "success",
            )
        return self._notify(sms.club_error or sms.failure_type or "?", "danger")

    def action_view_sms(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("SMS through %(gateway)s", gateway=self.name),
            "res_model": "sms.sms",
            "view_mode": "list,form",
            "domain": [("club_gateway_id", "=", self.id)],
            "context": {"create": False},
        }

    def action_new_callback_token(self):
        self.ensure_one()
        self.sudo().callback_token = secrets.token_urlsafe(24)
        return True
