"""One member's RFM scores in one run, with the segment (the core's names)."""

from odoo import api, fields, models

from odoo.addons.loyalty_club.domain import rfm as core_rfm

SEGMENT_LABELS = {
    "champions": "Champions",
    "loyal": "Loyal",
    "potential": "Potential loyalists",
    "new": "New customers",
    "promising": "Promising",
    "need_attention": "Need attention",
    "about_to_sleep": "About to sleep",
    "at_risk": "At risk",
    "cant_lose": "Can't lose them",
    "hibernating": "Hibernating",
    "lost": "Lost",
}
SEGMENT_SELECTION = [(key, SEGMENT_LABELS[key]) for key in core_rfm.SEGMENTS]
# the grid's axes: each score is a fifth of the program's members (the core's
# quintiles), named with the fifth it stands for
R_BANDS = [
    ("1", "R1 (least recent 20%)"),
    ("2", "R2 (60-80%)"),
    ("3", "R3 (40-60%)"),
    ("4", "R4 (20-40%)"),
    ("5", "R5 (most recent 20%)"),
]
F_BANDS = [
    ("1", "F1 (least frequent 20%)"),
    ("2", "F2 (60-80%)"),
    ("3", "F3 (40-60%)"),
    ("4", "F4 (20-40%)"),
    ("5", "F5 (most frequent 20%)"),
]


class LoyaltyClubRfm(models.Model):
    """One member's RFM scores in one run; the runs keep the history."""

    _name = "loyalty.club.rfm"
    _description = "Club Member RFM Score"
    _order = "run_id desc, r_score desc, f_score desc"

    run_id = fields.Many2one(
        "loyalty.club.rfm.run", required=True, ondelete="cascade", index=True
    )
    date = fields.Datetime(readonly=True, index=True)
    wallet_id = fields.Many2one("loyalty.club.wallet", readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", "Member", readonly=True, index=True)
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    tier_id = fields.Many2one("loyalty.club.tier", readonly=True)
    last_purchase = fields.Datetime(readonly=True)
    recency_days = fields.Integer("Days Since Last Purchase", readonly=True)
    frequency = fields.Integer("Purchases", readonly=True)
    monetary = fields.Float("Sales", digits=(16, 2), readonly=True)
    r_score = fields.Integer("R", readonly=True, aggregator="avg")
    f_score = fields.Integer("F", readonly=True, aggregator="avg")
    m_score = fields.Integer("M", readonly=True, aggregator="avg")
    rf_cell = fields.Integer("RF Cell", readonly=True, aggregator=None)
    r_band = fields.Selection(
        R_BANDS,
        "Recency (R)",
        compute="_compute_bands",
        store=True,
        help="The member's fifth by the last purchase: R5 the program's most "
        "recent buyers, R1 those who bought longest ago.",
    )
    f_band = fields.Selection(
        F_BANDS,
        "Frequency (F)",
        compute="_compute_bands",
        store=True,
        help="The member's fifth by the number of purchases: F5 the program's most "
        "frequent buyers, F1 the least frequent.",
    )
    segment = fields.Selection(SEGMENT_SELECTION, readonly=True, index=True)
    member_count = fields.Integer("Members", readonly=True)
    is_latest = fields.Boolean("Latest Run", readonly=True, index=True)

    @api.depends("r_score", "f_score")
    def _compute_bands(self):
        """The scores as the grid's labelled axes (a run writes both in SQL)."""
        for row in self:
            row.r_band = str(row.r_score) if row.r_score else False
            row.f_band = str(row.f_score) if row.f_score else False
