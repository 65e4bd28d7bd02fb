"""Webhooks: events written in the same transaction as the ledger effect (an
outbox), delivered by a cron, signed, retried with exponential back-off.

Delivery is at least once: a receiver deduplicates on the event ``id``.
"""

import hashlib
import hmac
import json
import logging
import secrets
import time
import uuid
from datetime import timedelta

import requests

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..selections import API_CHANNELS

_logger = logging.getLogger(__name__)

EVENTS = [
    ("earned", "Bonuses earned"),
    ("spent", "Bonuses spent"),
    ("tier_changed", "Tier changed"),
    ("bonuses_expiring", "Bonuses expiring"),
]
MAX_ATTEMPTS = 8
BACKOFF_SECONDS = 60  # then 2, 4, 8 ... minutes, at most MAX_BACKOFF
MAX_BACKOFF = 6 * 3600
TIMEOUT = 5
BATCH = 20
TIME_BUDGET = 60  # seconds of sending per cron run (cron workers have time limits)
EXPIRING_NOTICE_DAYS = 7


def sign(secret, body):
    """The value of the X-Loyalty-Signature header for a body (bytes)."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class LoyaltyClubWebhook(models.Model):
    _name = "loyalty.club.webhook"
    _description = "Club Webhook"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    api_key_id = fields.Many2one(
        "loyalty.club.api.key", check_company=True, ondelete="cascade"
    )
    channel = fields.Selection(API_CHANNELS, required=True, default="other")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    url = fields.Char("URL", required=True)
    secret = fields.Char(
        required=True,
        copy=False,
        default=lambda self: secrets.token_hex(32),
        help="Key of the HMAC-SHA256 signature sent in X-Loyalty-Signature.",
    )
    on_earned = fields.Boolean("Earned", default=True)
    on_spent = fields.Boolean("Spent", default=True)
    on_tier_changed = fields.Boolean("Tier changed", default=True)
    on_bonuses_expiring = fields.Boolean("Bonuses expiring", default=True)
    delivery_ids = fields.One2many("loyalty.club.webhook.delivery", "webhook_id")

    @api.constrains("url")
    def _check_url(self):
        for hook in self:
            if not (hook.url or "").startswith(("https://", "http://")):
                raise ValidationError(_("A webhook URL starts with https://."))

    @api.onchange("api_key_id")
    def _onchange_api_key_id(self):
        if self.api_key_id:
            self.channel = self.api_key_id.channel
            self.company_id = self.api_key_id.company_id

    def action_rotate_secret(self):
        self.write({"secret": secrets.token_hex(32)})

    def action_open_deliveries(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Deliveries"),
            "res_model": "loyalty.club.webhook.delivery",
            "view_mode": "list,form",
            "domain": [("webhook_id", "=", self.id)],
        }

    @api.model
    def _enqueue(self, event, company, data, dedupe_key=None):
        """One pending delivery per subscribed webhook (in the caller's
        transaction)."""
        hooks = self.sudo().search(
            [("company_id", "=", company.id), (f"on_{event}", "=", True)]
        )
        if not hooks:
            return self.env["loyalty.club.webhook.delivery"]
        Delivery = self.env["loyalty.club.webhook.delivery"].sudo()
        if dedupe_key:
            done = Delivery.search(
                [("dedupe_key", "=", dedupe_key), ("webhook_id", "in", hooks.ids)]
            ).webhook_id
            hooks -= done
        now = fields.Datetime.now()
        return Delivery.create(
            [
                {
                    "webhook_id": hook.id,
                    "event": event,
                    "event_uid": str(uuid.uuid4()),
                    "dedupe_key": dedupe_key,
                    "payload": json.dumps(
                        {
                            "event": event,
                            "occurred_at": fields.Datetime.to_string(now) + "Z",
                            "data": data,
                        },
                        sort_keys=True,
                        default=str,
                    ),
                    "next_attempt": now,
                }
                for hook in hooks
            ]
        )


class LoyaltyClubWebhookDelivery(models.Model):
    _name = "loyalty.club.webhook.delivery"
    _description = "Club Webhook Delivery"
    _order = "id desc"

    webhook_id = fields.Many2one(
        "loyalty.club.webhook", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="webhook_id.company_id", store=True)
    event = fields.Selection(EVENTS, required=True, readonly=True)
    event_uid = fields.Char("Event ID", required=True, readonly=True)
    dedupe_key = fields.Char(readonly=True, index="btree_not_null")
    payload = fields.Text(readonly=True, help="The event without its id.")
    state = fields.Selection(
        [("pending", "Pending"), ("done", "Delivered"), ("failed", "Failed")],
        default="pending",
        required=True,
        index=True,
    )
    attempts = fields.Integer(readonly=True)
    next_attempt = fields.Datetime(readonly=True, index=True)
    last_attempt = fields.Datetime(readonly=True)
    last_http_status = fields.Integer("Last HTTP status", readonly=True)
    last_error = fields.Char(readonly=True)

    def _body(self):
        self.ensure_one()
        return json.dumps(
            dict(json.loads(self.payload), id=self.event_uid), sort_keys=True
        ).encode()

    def _send(self):
        """POST one delivery; (HTTP status or 0, error text or False)."""
        self.ensure_one()
        hook = self.webhook_id
        body = self._body()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "LoyaltyClub-Webhook/1",
            "X-Loyalty-Event": self.event,
            "X-Loyalty-Delivery": self.event_uid,
            "X-Loyalty-Timestamp": str(int(time.time())),
            "X-Loyalty-Signature": sign(hook.secret, body),
        }
        try:
            response = requests.post(
                hook.url, data=body, headers=headers, timeout=TIMEOUT
            )
        except requests.RequestException as exc:
            return 0, str(exc)[:500]
        if 200 <= response.status_code < 300:
            return response.status_code, False
        return response.status_code, (response.text or "")[:500] or str(
            response.status_code
        )

    def _attempt(self, now, budget=TIME_BUDGET):
        """Send each delivery once; (sent, stopped early). A receiver that does
        not answer is not tried again in this run, and the run stops after
        ``budget`` seconds, so a cron worker is never held for long."""
        start, down = time.monotonic(), set()
        sent = 0
        for delivery in self:
            if time.monotonic() - start > budget:
                return sent, True
            if delivery.webhook_id.id in down:
                continue
            status, error = delivery._send()
            sent += 1
            if not status:
                down.add(delivery.webhook_id.id)
            attempts = delivery.attempts + 1
            vals = {
                "attempts": attempts,
                "last_attempt": now,
                "last_http_status": status,
                "last_error": error,
            }
            if not error:
                vals.update(state="done", next_attempt=False)
            elif attempts >= MAX_ATTEMPTS:
                vals.update(state="failed", next_attempt=False)
            else:
                delay = min(BACKOFF_SECONDS * 2 ** (attempts - 1), MAX_BACKOFF)
                vals["next_attempt"] = now + timedelta(seconds=delay)
            delivery.write(vals)
        return sent, False

    @api.model
    def _cron_deliver(self, now=None, batch=BATCH):
        """Send what is due; rows taken by another worker are skipped. Delivery
        is at least once: a run that dies after sending sends again."""
        now = now or fields.Datetime.now()
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT d.id FROM loyalty_club_webhook_delivery d "
            "JOIN loyalty_club_webhook w ON w.id = d.webhook_id AND w.active "
            "WHERE d.state = 'pending' AND d.next_attempt <= %s "
            "ORDER BY d.next_attempt, d.id LIMIT %s FOR UPDATE OF d SKIP LOCKED",
            [now, batch],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        sent, stopped = self.sudo().browse(ids)._attempt(now)
        if stopped or len(ids) == batch:
            # more is due: Odoo runs the cron again at once
            self.env["ir.cron"]._notify_progress(done=sent, remaining=1)
        return sent

    def action_retry(self):
        self.write(
            {"state": "pending", "next_attempt": fields.Datetime.now(), "attempts": 0}
        )


class LoyaltyClubService(models.AbstractModel):
    """Events enqueued where the ledger is written, in the same transaction."""

    _inherit = "loyalty.club.service"

    def _webhook_member(self, wallet):
        return {
            "member_id": wallet.partner_id.id,
            "wallet_id": wallet.id,
            "unit": wallet.program_id.unit_name or "",
            "available": wallet.balance_available,
            "pending": wallet.balance_pending,
        }

    def _webhook_order_events(self, response, kind, earned, spent):
        txn = (
            self.env["loyalty.club.transaction"]
            .sudo()
            .browse(response.get("transaction_id"))
        )
        wallet = txn.wallet_id
        if not wallet or not wallet.partner_id:
            return
        Webhook = self.env["loyalty.club.webhook"]
        common = dict(
            self._webhook_member(wallet),
            transaction_id=txn.id,
            kind=kind,
            ref=txn.ref,
            channel=txn.channel,
            store=txn.store_id.code or None,
        )
        if earned:
            Webhook._enqueue("earned", wallet.company_id, dict(common, amount=earned))
        if spent:
            Webhook._enqueue("spent", wallet.company_id, dict(common, amount=spent))

    @api.model
    def confirm(self, payload, idempotency_key):
        response = super().confirm(payload, idempotency_key)
        if not response.get("replayed"):
            self._webhook_order_events(
                response, "sale", response.get("earn"), response.get("burn")
            )
        return response

    @api.model
    def reverse(self, payload, idempotency_key):
        response = super().reverse(payload, idempotency_key)
        if not response.get("replayed"):
            self._webhook_order_events(
                response,
                "refund",
                -(response.get("earn_reversed") or 0),
                -(response.get("burn_returned") or 0),
            )
        return response

    def _set_tier(self, wallet, tier, reason, today):
        old = wallet.tier_id
        result = super()._set_tier(wallet, tier, reason, today)
        if wallet.partner_id and old != tier:
            self.env["loyalty.club.webhook"]._enqueue(
                "tier_changed",
                wallet.company_id,
                dict(
                    self._webhook_member(wallet),
                    old_tier=old.name or None,
                    new_tier=tier.name or None,
                    reason=reason,
                ),
            )
        return result

    @api.model
    def _cron_webhook_expiring(self, today=None, days=EXPIRING_NOTICE_DAYS):
        """Tell subscribers, once per wallet and date, what expires in ``days``."""
        today = today or fields.Date.context_today(self)
        if (
            not self.env["loyalty.club.webhook"]
            .sudo()
            .search_count([("on_bonuses_expiring", "=", True)])
        ):
            return 0
        day = today + timedelta(days=days)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT l.wallet_id, SUM(l.remaining_minor) FROM loyalty_club_lot l "
            "JOIN loyalty_club_wallet w ON w.id = l.wallet_id "
            "WHERE l.remaining_minor > 0 AND l.expires_on = %s "
            "AND w.partner_id IS NOT NULL GROUP BY l.wallet_id",
            [day],
        )
        rows = self.env.cr.fetchall()
        Wallet = self.env["loyalty.club.wallet"].sudo()
        for wallet_id, minor in rows:
            wallet = Wallet.browse(wallet_id)
            self.env["loyalty.club.webhook"]._enqueue(
                "bonuses_expiring",
                wallet.company_id,
                dict(
                    self._webhook_member(wallet),
                    amount=float(wallet.program_id.from_minor(minor)),
                    expires_on=fields.Date.to_string(day),
                ),
                dedupe_key=f"expiring:{wallet_id}:{day}",
            )
        return len(rows)
