from odoo import fields, models
from odoo.tools import SQL


class LoyaltyClubCheckReport(models.Model):
    """Every check the club saw (members and not), by store, tier and channel."""

    _name = "loyalty.club.check.report"
    _inherit = "loyalty.club.sql.report"
    _description = "Club Checks Analysis"
    _auto = False
    _order = "date desc"

    date = fields.Datetime(readonly=True)
    kind = fields.Selection([("sale", "Sale"), ("refund", "Refund")], readonly=True)
    store_id = fields.Many2one("loyalty.club.store", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    channel = fields.Char(readonly=True)
    partner_id = fields.Many2one("res.partner", string="Member", readonly=True)
    is_member = fields.Boolean(readonly=True)
    tier_id = fields.Many2one("loyalty.club.tier", readonly=True)
    check_count = fields.Integer("Checks", readonly=True)
    amount = fields.Float(readonly=True, digits=(16, 2))
    earned = fields.Float(readonly=True, digits=(16, 2))
    spent = fields.Float(readonly=True, digits=(16, 2))

    def _select(self):
        return SQL(
            """
            t.id AS id, t.date AS date, t.kind AS kind, t.store_id AS store_id,
            t.company_id AS company_id, t.program_id AS program_id,
            t.channel AS channel, t.partner_id AS partner_id,
            (t.wallet_id IS NOT NULL) AS is_member, w.tier_id AS tier_id,
            CASE WHEN t.kind = 'sale' THEN 1 ELSE 0 END AS check_count,
            t.amount AS amount, t.earned AS earned, t.spent AS spent
            """
        )

    def _from(self):
        return SQL(
            """
            loyalty_club_transaction t
            LEFT JOIN loyalty_club_wallet w ON w.id = t.wallet_id
            """
        )
