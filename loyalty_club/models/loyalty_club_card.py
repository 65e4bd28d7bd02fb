from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..domain import cards as core_cards

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
        related="program_id.company_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        "res.partner", index="btree_not_null", tracking=True, ondelete="restrict"
    )
    emission_id = fields.Many2one(
        "loyalty.club.emission", readonly=True, index="btree_not_null"
    )
    activated_on = fields.Date(readonly=True)
    replaced_by_id = fields.Many2one("loyalty.club.card", readonly=True)
    qr_payload = fields.Char(compute="_compute_qr_payload")
    wallet_id = fields.Many2one("loyalty.club.wallet", compute="_compute_wallet_id")

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

    def action_activate(self, partner=None):
        for card in self:
            if card.state != "stock":
                raise UserError(_("Card %(code)s is not in stock.", code=card.code))
            card.write(
                {
                    "state": "active",
                    "partner_id": (partner or card.partner_id).id,
                    "activated_on": fields.Date.context_today(self),
                }
            )

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
            self.env["loyalty.club.service"]._transfer_card_wallet(self, new_card)
        self.write({"state": "replaced", "replaced_by_id": new_card.id})
        return new_card
