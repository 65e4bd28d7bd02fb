from odoo import fields, models
from odoo.tools import SQL


class LoyaltyClubExpiryReport(models.Model):
    """What the members hold now and when it expires: the open lots of the
    bonus wallets by month of expiry (none: never), at face value."""

    _name = "loyalty.club.expiry.report"
    _inherit = "loyalty.club.sql.report"
    _description = "Club Outstanding Bonuses by Expiry"
    _auto = False
    _order = "expiry_month"

    expiry_month = fields.Date(
        "Expires in", readonly=True, help="Empty: the bonuses never expire."
    )
    company_id = fields.Many2one("res.company", readonly=True)
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    pending = fields.Boolean(
        "Not Spendable Yet", readonly=True, help="Still in the pending period."
    )
    next_month = fields.Boolean(
        "Expires Next Month", readonly=True, help="Expires in the coming month."
    )
    lots = fields.Integer("Accruals", readonly=True)
    amount = fields.Float("Bonuses", readonly=True, digits=(16, 2))
    value = fields.Float(
        "Liability",
        readonly=True,
        digits=(16, 2),
        help="At face value in the company's currency: what they pay if spent.",
    )

    def _select(self):
        return SQL(
            """
            MIN(l.id) AS id,
            date_trunc('month', l.expires_on)::date AS expiry_month,
            w.company_id AS company_id,
            w.program_id AS program_id,
            (l.available_from > CURRENT_DATE) AS pending,
            COALESCE(date_trunc('month', l.expires_on)
                     = date_trunc('month', CURRENT_DATE + interval '1 month'),
                     false) AS next_month,
            COUNT(*) AS lots,
            SUM(l.remaining_minor / power(10::numeric, t.digits)) AS amount,
            SUM(l.remaining_minor * p.point_value::numeric
                / power(10::numeric, t.digits)) AS value
            """
        )

    def _from(self):
        return SQL(
            """
            loyalty_club_lot l
            JOIN loyalty_club_wallet w ON w.id = l.wallet_id AND w.kind = 'bonus'
            JOIN loyalty_club_program p ON p.id = w.program_id
            JOIN loyalty_club_wallet_type t ON t.id = p.wallet_type_id
            """
        )

    def _where(self):
        # the partial index on open lots; expired lots the job has not closed
        # yet are no liability any more
        return SQL(
            "l.remaining_minor > 0 "
            "AND (l.expires_on IS NULL OR l.expires_on > CURRENT_DATE)"
        )

    def _group_by(self):
        return SQL("2, 3, 4, 5, 6")
