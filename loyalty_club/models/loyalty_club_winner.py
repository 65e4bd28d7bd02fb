from odoo import fields, models


class LoyaltyClubWinner(models.Model):
    _name = "loyalty.club.winner"
    _description = "Club Prize Winner"
    _order = "rank, id"

    draw_id = fields.Many2one("loyalty.club.draw", ondelete="cascade", index=True)
    contest_id = fields.Many2one("loyalty.club.contest", ondelete="cascade", index=True)
    rank = fields.Integer(required=True)
    entry = fields.Char(help="The winning entry (check or member id) of a draw.")
    ticket = fields.Char(help="HMAC-SHA256 of the entry under the revealed seed.")
    score = fields.Float(digits=(16, 2))
    wallet_id = fields.Many2one("loyalty.club.wallet", required=True)
    partner_id = fields.Many2one("res.partner")
    rewarded = fields.Boolean(readonly=True)
    ledger_id = fields.Many2one("loyalty.club.ledger", readonly=True)
