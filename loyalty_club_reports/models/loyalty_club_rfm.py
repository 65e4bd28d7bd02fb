"""One member's RFM scores in one run, with the segment (the core's names)."""

from odoo import fields, models

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
    segment = fields.Selection(SEGMENT_SELECTION, readonly=True, index=True)
    member_count = fields.Integer("Members", readonly=True)
    is_latest = fields.Boolean("Latest Run", readonly=True, index=True)
