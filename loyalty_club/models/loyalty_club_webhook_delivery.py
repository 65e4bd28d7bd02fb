"""Deliveries of webhook events: signed, sent by a job, retried with back-off."""

import json
import logging
import time
from datetime import timedelta

import requests

from odoo import api, fields, models

from ..edge import sign
from ..selections import WEBHOOK_EVENTS

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BACKOFF_SECONDS = 60  # then 2, 4, 8 ... minutes, at most MAX_BACKOFF
MAX_BACKOFF = 6 * 3600
TIMEOUT = 5
BATCH = 20
TIME_BUDGET = 60  # seconds of sending per cron run (cron workers have time limits)


class LoyaltyClubWebhookDelivery(models.Model):
    _name = "loyalty.club.webhook.delivery"
    _description = "Club Webhook Delivery"
    _order = "id desc"

    webhook_id = fields.Many2one(
        "loyalty.club.webhook", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="webhook_id.company_id", store=True)
    event = fields.Selection(WEBHOOK_EVENTS, required=True, readonly=True)
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
