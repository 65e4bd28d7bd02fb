from odoo import api, fields, models
from odoo.tools import SQL


class LoyaltyClubBreakageReport(models.Model):
    """Breakage realised per accrual cohort: of what the bonus wallets were
    credited in a month, the share spent, expired, taken back and still open.
    Read from the stored credits and flows per month (``loyalty.club.cohort.flow``)."""

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

    def _select(self):
        return SQL(
            """
            MIN(f.id) AS id,
            f.cohort AS cohort,
            f.company_id AS company_id,
            f.program_id AS program_id,
            SUM(f.amount) FILTER (WHERE f.kind = 'accrued') / s.scale AS accrued,
            COALESCE(SUM(f.amount) FILTER (WHERE f.kind = 'redeemed'), 0) / s.scale
                AS redeemed,
            COALESCE(SUM(f.amount) FILTER (WHERE f.kind = 'expired'), 0) / s.scale
                AS expired,
            COALESCE(SUM(f.amount) FILTER (WHERE f.kind = 'withdrawn'), 0) / s.scale
                AS withdrawn,
            (SUM(f.amount) FILTER (WHERE f.kind = 'accrued')
             - COALESCE(SUM(f.amount) FILTER (WHERE f.kind <> 'accrued'), 0))
                / s.scale AS open,
            100.0 * COALESCE(SUM(f.amount) FILTER (WHERE f.kind = 'expired'), 0)
                / NULLIF(SUM(f.amount) FILTER (WHERE f.kind = 'accrued'), 0)
                AS breakage_rate
            """
        )

    def _from(self):
        return SQL(
            """
            loyalty_club_cohort_flow f
            JOIN (SELECT p.id, power(10::numeric, t.digits) AS scale
                    FROM loyalty_club_program p
                    JOIN loyalty_club_wallet_type t ON t.id = p.wallet_type_id) s
              ON s.id = f.program_id
            """
        )

    def _group_by(self):
        return SQL("f.cohort, f.company_id, f.program_id, s.scale")

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
