"""Prize draws: commit a secret seed, freeze the entries, reveal, reward once.

The protocol is the core's (``domain/draw.py``); here the club keeps its rules,
hides the seed from everyone until the draw (even managers: it lives in
``loyalty.club.draw.seed``, which no group may read, only the draw's own code),
computes the entries in SQL from the club's checks and pays the winners through
the service with one idempotency key per winner.
"""

import base64
import csv
import io
from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..domain import draw as core_draw
from ..domain import errors as core_errors

RULE_FIELDS = {
    "program_id",
    "date_from",
    "date_to",
    "store_ids",
    "min_check",
    "basis",
    "winner_count",
    "reward_kind",
    "reward_bonus",
    "prize",
}


RESULT_FIELDS = {"commitment", "seed", "entries_file", "entries_hash", "entry_count"}


def period_bounds(date_from, date_to, tz_name=None):
    """Naive UTC datetimes [start, end) of a period of whole days in ``tz_name``
    (the company's time zone; UTC when it has none)."""
    tz = pytz.timezone(tz_name or "UTC")

    def utc(day):
        local = tz.localize(datetime.combine(day, time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    return utc(date_from), utc(date_to + timedelta(days=1))


class LoyaltyClubDraw(models.Model):
    _name = "loyalty.club.draw"
    _description = "Club Prize Draw"
    _inherit = ["mail.thread", "loyalty.club.reward.mixin"]
    _order = "date_to desc, id desc"

    name = fields.Char(required=True, translate=True, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("committed", "Committed"), ("drawn", "Drawn")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
    )
    store_ids = fields.Many2many(
        "loyalty.club.store", string="Stores", help="Empty: every store."
    )
    min_check = fields.Monetary(
        "Minimum check",
        currency_field="currency_id",
        help="Net of refunds, checks from this amount qualify.",
    )
    basis = fields.Selection(
        [("purchase", "Each qualifying check"), ("member", "Each qualifying member")],
        "Entry basis",
        required=True,
        default="purchase",
        help="Each check is a ticket (a member with more checks has more chances, "
        "but wins once), or each member with a qualifying check is one ticket.",
    )
    commitment = fields.Char(
        "Seed hash",
        readonly=True,
        copy=False,
        help="SHA-256 of the secret seed, published before the period ends.",
    )
    committed_on = fields.Datetime(readonly=True, copy=False)
    seed = fields.Char(
        readonly=True, copy=False, help="Revealed at the draw, never before."
    )
    seed_verified = fields.Boolean(compute="_compute_seed_verified")
    drawn_on = fields.Datetime(readonly=True, copy=False)
    entries_file = fields.Binary(
        "Entries (CSV)",
        attachment=True,
        readonly=True,
        copy=False,
        help="The frozen entries, one ``entry,member`` line each, for the auditor.",
    )
    entries_filename = fields.Char(compute="_compute_entries_filename")
    entries_hash = fields.Char("Entries hash", readonly=True, copy=False)
    entry_count = fields.Integer(readonly=True, copy=False)
    winner_ids = fields.One2many("loyalty.club.winner", "draw_id", readonly=True)

    @api.depends("seed", "commitment")
    def _compute_seed_verified(self):
        for rec in self:
            rec.seed_verified = bool(rec.seed) and core_draw.verify(
                rec.seed, rec.commitment
            )

    def write(self, vals):
        if RULE_FIELDS & set(vals) and self.filtered(lambda d: d.state != "draft"):
            raise UserError(_("The rules of a committed draw cannot change."))
        if RESULT_FIELDS & set(vals) and not self.env.su:
            raise UserError(_("Seeds and entries are set by the draw itself."))
        if "commitment" in vals and self.filtered("commitment"):
            raise UserError(_("A draw commits to its seed once."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if self.filtered(lambda d: d.state != "draft"):
            raise UserError(_("A committed draw is kept for its audit."))

    def _check_manager(self):
        if not self.env.user.has_group("loyalty_club.group_club_manager"):
            raise UserError(_("Only club managers run draws."))

    def action_commit(self):
        """Draw the secret seed now and publish only its hash."""
        self._check_manager()
        for rec in self:
            if rec.state != "draft":
                raise UserError(_("This draw is already committed."))
            if rec._today() > rec.date_to:
                raise UserError(
                    _("Commit the seed before the period ends, not after it.")
                )
            seed = core_draw.new_seed()
            self.env["loyalty.club.draw.seed"].sudo().create(
                {"draw_id": rec.id, "seed": seed}
            )
            rec.sudo().write(
                {
                    "commitment": core_draw.commitment(seed),
                    "committed_on": fields.Datetime.now(),
                    "state": "committed",
                }
            )
            rec.message_post(
                body=_(
                    "Seed committed. SHA-256 of the seed: %(hash)s. The seed is "
                    "revealed at the draw; anyone can then check it against this "
                    "hash and re-run the draw.",
                    hash=rec.commitment,
                )
            )
        return True

    def _entry_rows(self):
        """(entry, member wallet) pairs, set-based from the club's checks."""
        self.ensure_one()
        self.env.flush_all()
        start, end = period_bounds(
            self.date_from, self.date_to, self.company_id.partner_id.tz
        )
        where = [
            "t.kind = 'sale'",
            "t.program_id = %(program)s",
            "t.wallet_id IS NOT NULL",
            "t.date >= %(start)s",
            "t.date < %(end)s",
            "t.amount_minor - COALESCE(t.refunded_minor, 0) >= %(min)s",
            "t.amount_minor - COALESCE(t.refunded_minor, 0) > 0",
        ]
        params = {
            "program": self.program_id.id,
            "start": start,
            "end": end,
            "min": self.program_id.money_to_minor(self.min_check),
        }
        if self.store_ids:
            where.append("t.store_id = ANY(%(stores)s)")
            params["stores"] = self.store_ids.ids
        entry = "t.id" if self.basis == "purchase" else "t.wallet_id"
        self.env.cr.execute(
            f"SELECT DISTINCT {entry}, t.wallet_id "  # noqa: S608 - fixed column
            f"FROM loyalty_club_transaction t WHERE {' AND '.join(where)}",
            params,
        )
        return [(str(key), str(owner)) for key, owner in self.env.cr.fetchall()]

    def action_draw(self):
        """After the period: freeze the entries, reveal the seed, record winners."""
        self._check_manager()
        for rec in self:
            if rec.state != "committed":
                raise UserError(_("Only a committed draw can be drawn."))
            if rec._today() <= rec.date_to:
                raise UserError(
                    _(
                        "The draw takes place after the period, from %(day)s.",
                        day=rec.date_to + timedelta(days=1),
                    )
                )
            secret = (
                self.env["loyalty.club.draw.seed"]
                .sudo()
                .search([("draw_id", "=", rec.id)])
            )
            if not secret or not core_draw.verify(secret.seed, rec.commitment):
                raise UserError(_("The committed seed is missing or altered."))
            rows = rec._entry_rows()
            try:
                winners = core_draw.draw(secret.seed, rows, rec.winner_count)
            except core_errors.DomainError as exc:
                raise UserError(_("The draw failed: %s", exc)) from exc
            Wallet = self.env["loyalty.club.wallet"].sudo()
            rec.winner_ids.sudo().unlink()
            self.env["loyalty.club.winner"].sudo().create(
                [
                    {
                        "draw_id": rec.id,
                        "rank": w.rank,
                        "entry": w.key,
                        "ticket": w.ticket,
                        "wallet_id": int(w.owner),
                        "partner_id": Wallet.browse(int(w.owner)).partner_id.id,
                    }
                    for w in winners
                ]
            )
            rec.sudo().write(
                {
                    "seed": secret.seed,
                    "entries_file": base64.b64encode(rec._entries_csv(rows).encode()),
                    "entries_hash": core_draw.entries_digest(rows),
                    "entry_count": len(rows),
                    "drawn_on": fields.Datetime.now(),
                    "state": "drawn",
                }
            )
            secret.unlink()
            rec.message_post(
                body=_(
                    "Drawn among %(count)s entries (list hash %(entries)s). "
                    "Revealed seed: %(seed)s. Winning entries: %(winners)s.",
                    count=len(rows),
                    entries=rec.entries_hash,
                    seed=rec.seed,
                    winners=", ".join(w.key for w in winners) or "-",
                )
            )
        return True

    def action_reward(self):
        for rec in self:
            if rec.state != "drawn":
                raise UserError(_("Reward the winners once the draw is drawn."))
            rec._reward_winners()
        return True

    def _compute_entries_filename(self):
        for rec in self:
            rec.entries_filename = f"draw-{rec.id}-entries.csv"

    @api.model
    def _entries_csv(self, rows):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["entry", "member"])
        writer.writerows(line.split(",") for line in core_draw.entry_lines(rows))
        return out.getvalue()

    def _entry_lines(self):
        """The frozen list back, as published."""
        self.ensure_one()
        text = base64.b64decode(self.entries_file or b"").decode()
        return core_draw.entry_lines(core_draw.parse_lines(text))

    def action_export_entries(self):
        """The frozen list as CSV, for an auditor to re-run the draw."""
        self.ensure_one()
        if self.state != "drawn":
            raise UserError(_("The entries are frozen at the draw."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content?model={self._name}&id={self.id}&field=entries_file"
            "&filename_field=entries_filename&download=true",
            "target": "download",
        }
