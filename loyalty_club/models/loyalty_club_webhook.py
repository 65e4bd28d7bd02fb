"""Webhooks: events written in the same transaction as the ledger effect (an
outbox), delivered by a cron, signed, retried with exponential back-off.

Delivery is at least once: a receiver deduplicates on the event ``id``.
"""

import json
import logging
import secrets
import uuid
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .. import edge
from ..selections import API_CHANNELS

_logger = logging.getLogger(__name__)

EXPIRING_NOTICE_DAYS = 7


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

    # ================================================================ events
    @api.model
    def _member_data(self, wallet):
        return {
            "member_id": wallet.partner_id.id,
            "wallet_id": wallet.id,
            "unit": wallet.program_id.unit_name or "",
            "available": wallet.balance_available,
            "pending": wallet.balance_pending,
        }

    @api.model
    def _enqueue_check(self, txn, kind, earned, spent):
        """``earned`` / ``spent`` events of a member's check (sale or refund)."""
        wallet = txn.wallet_id
        if not wallet or not wallet.partner_id:
            return
        common = dict(
            self._member_data(wallet),
            transaction_id=txn.id,
            kind=kind,
            ref=txn.ref,
            channel=txn.channel,
            store=txn.store_id.code or None,
        )
        if earned:
            self._enqueue("earned", wallet.company_id, dict(common, amount=earned))
        if spent:
            self._enqueue("spent", wallet.company_id, dict(common, amount=spent))

    @api.model
    def _enqueue_tier_change(self, wallet, old, new, reason):
        self._enqueue(
            "tier_changed",
            wallet.company_id,
            dict(
                self._member_data(wallet),
                old_tier=old.name or None,
                new_tier=new.name or None,
                reason=reason,
            ),
        )

    @api.model
    def _enqueue_expiring(self, today=None, days=None):
        """Tell subscribers, once per wallet and date, what expires in ``days``."""
        today = today or edge.club_today(self)
        days = EXPIRING_NOTICE_DAYS if days is None else days
        if not self.sudo().search_count([("on_bonuses_expiring", "=", True)]):
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
            self._enqueue(
                "bonuses_expiring",
                wallet.company_id,
                dict(
                    self._member_data(wallet),
                    amount=float(wallet.program_id.from_minor(minor)),
                    expires_on=fields.Date.to_string(day),
                ),
                dedupe_key=f"expiring:{wallet_id}:{day}",
            )
        return len(rows)
