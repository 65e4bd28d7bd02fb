import base64

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .. import edge
from ..domain import cards as core_cards
from ..domain import money
from ..selections import CHANNELS

STATES = [
    ("stock", "In stock"),
    ("active", "Active"),
    ("blocked", "Blocked"),
    ("lost", "Lost"),
    ("replaced", "Replaced"),
]


class LoyaltyClubCard(models.Model):
    _name = "loyalty.club.card"
    _description = "Club Card"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_name = "code"
    _check_company_auto = True

    code = fields.Char(required=True, readonly=True, copy=False, tracking=True)
    kind = fields.Selection(
        [
            ("physical", "Physical card"),
            ("virtual", "Virtual card"),
            ("gift", "Gift card"),
        ],
        required=True,
        default="physical",
    )
    state = fields.Selection(
        STATES, default="stock", required=True, tracking=True, index=True
    )
    program_id = fields.Many2one(
        "loyalty.club.program", required=True, ondelete="restrict"
    )
    company_id = fields.Many2one(
        related="program_id.company_id", store=True, index=True, precompute=True
    )
    partner_id = fields.Many2one(
        "res.partner", index="btree_not_null", tracking=True, ondelete="restrict"
    )
    emission_id = fields.Many2one(
        "loyalty.club.emission", readonly=True, index="btree_not_null"
    )
    activated_on = fields.Date(readonly=True)
    # who activated the card, where: the anti-fraud analysis counts the act
    activated_by_id = fields.Many2one(
        "res.users", readonly=True, index="btree_not_null"
    )
    activated_store_id = fields.Many2one("loyalty.club.store", readonly=True)
    activated_channel = fields.Selection(CHANNELS, readonly=True)
    replaced_by_id = fields.Many2one("loyalty.club.card", readonly=True)
    qr_payload = fields.Char(compute="_compute_qr_payload")
    wallet_id = fields.Many2one("loyalty.club.wallet", compute="_compute_wallet_id")
    gift_balance = fields.Monetary(
        "Gift-card balance",
        compute="_compute_gift_balance",
        currency_field="gift_currency_id",
    )
    gift_currency_id = fields.Many2one("res.currency", compute="_compute_gift_balance")
    gift_expires_on = fields.Date("Valid until", compute="_compute_gift_balance")

    _sql_constraints = [("code_uniq", "unique(code)", "A card number is unique.")]

    def _compute_qr_payload(self):
        for card in self:
            card.qr_payload = core_cards.virtual_card_payload(card.code)

    @api.depends("partner_id", "program_id")
    def _compute_wallet_id(self):
        wallets = self.env["loyalty.club.wallet"].search(
            [
                "|",
                ("card_id", "in", self.ids),
                "&",
                ("partner_id", "in", self.partner_id.ids),
                ("program_id", "in", self.program_id.ids),
            ]
        )
        for card in self:
            card.wallet_id = wallets.filtered(
                lambda w, c=card: w.card_id == c
                or (
                    c.partner_id
                    and w.partner_id == c.partner_id
                    and w.program_id == c.program_id
                )
            )[:1]

    def _check_usable(self):
        """Raise the cashier's sentence for a card that cannot be used."""
        for card in self:
            if card.state in ("blocked", "lost"):
                raise UserError(_("Card %(code)s is blocked.", code=card.code))
            if card.state == "replaced":
                raise UserError(
                    _(
                        "Card %(code)s was replaced by %(new)s.",
                        code=card.code,
                        new=card.replaced_by_id.code or "?",
                    )
                )

    def action_activate(self, partner=None, store_id=None, channel="backoffice"):
        """Activate cards in stock for ``partner``; the user, store and channel
        of the activation stay on the card."""
        for card in self:
            if card.state != "stock":
                raise UserError(_("Card %(code)s is not in stock.", code=card.code))
            card.write(
                {
                    "state": "active",
                    "partner_id": (partner or card.partner_id).id,
                    "activated_on": fields.Date.context_today(self),
                    "activated_by_id": self.env.uid,
                    "activated_store_id": store_id or False,
                    "activated_channel": channel,
                }
            )
        self.env["loyalty.club.message"]._queue_card_activation(self)

    def action_block(self):
        self.filtered(lambda c: c.state in ("active", "stock")).write(
            {"state": "blocked"}
        )

    def action_mark_lost(self):
        self.filtered(lambda c: c.state in ("active", "blocked")).write(
            {"state": "lost"}
        )

    def action_replace(self, new_card):
        """Bind new_card to the same owner; a gift card's money moves through the
        ledger."""
        self.ensure_one()
        if new_card.state != "stock":
            raise UserError(_("Card %(code)s is not in stock.", code=new_card.code))
        if self.state == "replaced":
            raise UserError(_("Card %(code)s was already replaced.", code=self.code))
        new_card.action_activate(self.partner_id)
        if self.kind == "gift":
            self._transfer_wallet(new_card)
        self.write({"state": "replaced", "replaced_by_id": new_card.id})
        return new_card

    def _transfer_wallet(self, new_card):
        """Move a gift card's open lots to the replacing card through ledger lines."""
        self.ensure_one()
        old_wallet = self.wallet_id
        if not old_wallet:
            return
        today, now = edge.club_today(self), fields.Datetime.now()
        old_wallet._lock()
        lot_recs = old_wallet._core_lots()[0]
        new_wallet = (
            self.env["loyalty.club.wallet"]
            .sudo()
            .create(
                {
                    "card_id": new_card.id,
                    "program_id": old_wallet.program_id.id,
                    "kind": old_wallet.kind,
                }
            )
        )
        for lot in lot_recs:
            key = f"transfer:{self.id}:{new_card.id}:{lot.id}"
            old_wallet._debit(
                "transfer",
                [(lot.id, lot.remaining_minor)],
                f"{key}:out",
                now,
                reason=new_card.code,
            )
            new_wallet._credit(
                "transfer",
                lot.remaining_minor,
                f"{key}:in",
                now,
                today,
                pending_days=max((lot.available_from - today).days, 0),
                expires_on=lot.expires_on or None,
                reason=self.code,
            )
        (old_wallet | new_wallet)._refresh_balances(today)

    # ============================================================= gift cards
    def _compute_gift_balance(self):
        for card in self:
            info = (
                card.sudo()._gift_card_dict()
                if card.kind == "gift" and card.wallet_id
                else {}
            )
            card.gift_balance = info.get("balance", 0.0)
            card.gift_currency_id = (
                card.wallet_id.currency_id or card.program_id.currency_id
            )
            card.gift_expires_on = info.get("expires_on") or False

    def _gift_qr_png(self):
        self.ensure_one()
        return self.env["ir.actions.report"].barcode(
            "QR", self.code, width=300, height=300
        )

    def _gift_qr_data_uri(self):
        return "data:image/png;base64," + base64.b64encode(self._gift_qr_png()).decode()

    def _send_gift_email(self, partner=None, email=None):
        """Queue the e-mail of an electronic gift card: the card's PDF comes from the
        template's report, its QR code as a PNG of its own."""
        self.ensure_one()
        template = self.env.ref("loyalty_club.mail_template_gift_card").sudo()
        qr = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"gift-card-{self.code}-qr.png",
                    "raw": self._gift_qr_png(),
                    "mimetype": "image/png",
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        values = {"attachment_ids": [(4, qr.id)]}
        if partner:
            values["recipient_ids"] = [(4, partner.id)]
        else:
            values["email_to"] = email
        return template.send_mail(self.id, email_values=values)

    def _gift_card_dict(self):
        """Balance and validity of this gift card, as every channel shows it."""
        self.ensure_one()
        wallet = self.wallet_id
        bal = wallet._core_balances()
        digits = wallet._unit_digits()
        return {
            "code": self.code,
            "state": self.state,
            "balance": float(money.from_minor(bal.available, digits)),
            "expires_on": fields.Date.to_string(bal.next_expiry)
            if bal.next_expiry
            else "",
            "currency": wallet.currency_id.name,
            "program_id": wallet.program_id.id,
        }

    @api.model
    def _gift_card_to_sell(self, code, program, today):
        """The card a gift-card sale activates: from stock when scanned, else a
        new electronic code."""
        code = core_cards.normalize_code(code or "")
        if code:
            card = self.search([("code", "=", code)], limit=1)
            if not card or card.state != "stock":
                raise UserError(self.env._("Card %(code)s is not in stock.", code=code))
            card.write({"kind": "gift"})
        else:
            card = self.create(
                {
                    "code": core_cards.random_code(),
                    "kind": "gift",
                    "program_id": program.id,
                }
            )
        card.write({"state": "active", "activated_on": today})
        return card

    @api.model
    def _gift_card_sold(self, code):
        """A gift card that was sold, blocked or not."""
        code = core_cards.normalize_code(code or "")
        card = self.sudo().search([("code", "=", code)], limit=1)
        if not card or card.kind != "gift" or not card.wallet_id:
            raise UserError(
                self.env._(
                    "%(code)s is not a gift card that was sold.", code=code or "?"
                )
            )
        return card

    def _gift_cancel_refusal(self):
        """Why the sale of this gift card cannot be refunded, or ''."""
        self.ensure_one()
        wallet = self.wallet_id
        if self.state != "active":
            return self.env._(
                "Gift card %(code)s is not active: its sale cannot be refunded.",
                code=self.code,
            )
        lines = wallet.ledger_ids
        issue = lines.filtered(lambda line: line.kind == "issue")
        if len(issue) == 1 and not lines - issue:
            return ""
        digits = wallet._unit_digits()
        return self.env._(
            "Gift card %(code)s was already used (%(left)s left of %(sold)s): only an "
            "unused gift card can be refunded.",
            code=self.code,
            left=money.from_minor(wallet._core_balances().available, digits),
            sold=money.from_minor(sum(issue.mapped("amount_minor")), digits),
        )
