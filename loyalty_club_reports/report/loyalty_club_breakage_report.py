from odoo import api, fields, models
from odoo.tools import SQL


class LoyaltyClubBreakageReport(models.Model):
    """Breakage realised per accrual cohort: of what the bonus wallets were
    credited in a month, the share spent, expired, taken back and still open.
    Read from the lots and what was allocated on them."""

    _name = "loyalty.club.breakage.report"
    _inherit = "loyalty.club.sql.report"
    _description = "Club Breakage per Accrual Month"
    _auto = False
    _order = "cohort desc"

    cohort = fields.Date("Month of Accrual", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    accrued = fields.Float("Credited", readonly=True, digits=(16, 2))
    redeemed = fields.Float("Spent", readonly=True, digits=(16, 2))
    expired = fields.Float(readonly=True, digits=(16, 2))
    withdrawn = fields.Float(
        "Taken Back",
        readonly=True,
        digits=(16, 2),
        help="Reversed by refunds, adjusted or transferred out.",
    )
    open = fields.Float("Still Open", readonly=True, digits=(16, 2))
    breakage_rate = fields.Float(
        "Breakage (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Expired as a share of what was credited, for the rows grouped; "
        "final once nothing of the month is open.",
    )

    def _with(self):
        return SQL(
            """
            flows AS (
                SELECT a.lot_id,
                       -SUM(a.amount_minor) FILTER (WHERE d.kind = 'burn')
                           AS redeemed,
                       -SUM(a.amount_minor) FILTER (WHERE d.kind = 'expire')
                           AS expired,
                       -SUM(a.amount_minor) FILTER (
                           WHERE d.kind NOT IN ('burn', 'expire')) AS withdrawn
                FROM loyalty_club_allocation a
                JOIN loyalty_club_ledger d ON d.id = a.ledger_id
                GROUP BY a.lot_id
            )
            """
        )

    def _select(self):
        return SQL(
            """
            MIN(l.id) AS id,
            date_trunc('month', c.date)::date AS cohort,
            w.company_id AS company_id,
            w.program_id AS program_id,
            SUM(l.initial_minor / power(10::numeric, t.digits)) AS accrued,
            SUM(COALESCE(f.redeemed, 0) / power(10::numeric, t.digits)) AS redeemed,
            SUM(COALESCE(f.expired, 0) / power(10::numeric, t.digits)) AS expired,
            SUM(COALESCE(f.withdrawn, 0) / power(10::numeric, t.digits))
                AS withdrawn,
            SUM(l.remaining_minor / power(10::numeric, t.digits)) AS open,
            100.0 * SUM(COALESCE(f.expired, 0))
                / NULLIF(SUM(l.initial_minor), 0) AS breakage_rate
            """
        )

    def _from(self):
        return SQL(
            """
            loyalty_club_lot l
            JOIN loyalty_club_ledger c ON c.id = l.ledger_id
            JOIN loyalty_club_wallet w ON w.id = l.wallet_id AND w.kind = 'bonus'
            JOIN loyalty_club_program p ON p.id = w.program_id
            JOIN loyalty_club_wallet_type t ON t.id = p.wallet_type_id
            LEFT JOIN flows f ON f.lot_id = l.id
            """
        )

    def _group_by(self):
        return SQL("2, 3, 4")

    @api.model
    def read_group(
        self, domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True
    ):
        """A group's breakage is its expired over its credited, not an
        average of months."""
        names = [spec.split(":")[0] for spec in fields]
        if "breakage_rate" not in names:
            return super().read_group(
                domain, fields, groupby, offset, limit, orderby, lazy
            )
        extra = [f"{n}:sum" for n in ("expired", "accrued") if n not in names]
        groups = super().read_group(
            domain, fields + extra, groupby, offset, limit, orderby, lazy
        )
        for group in groups:
            accrued = group.get("accrued") or 0.0
            group["breakage_rate"] = (
                100.0 * (group.get("expired") or 0.0) / accrued if accrued else 0.0
            )
        return groups
