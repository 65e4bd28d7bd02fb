from odoo import fields, models


class LoyaltyClubDrawSeed(models.Model):
    """The secret seed until the draw. No group may read it: only the draw's
    code, as superuser, reveals it after the period."""

    _name = "loyalty.club.draw.seed"
    _description = "Club Draw Secret Seed"

    draw_id = fields.Many2one("loyalty.club.draw", required=True, ondelete="cascade")
    seed = fields.Char(required=True)

    _sql_constraints = [("draw_uniq", "unique(draw_id)", "One seed per draw.")]
