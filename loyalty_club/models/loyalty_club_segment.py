"""Member segments: a saved domain on contacts, plus what a domain cannot say."""

from odoo import fields, models
from odoo.tools.safe_eval import safe_eval


class LoyaltyClubSegment(models.Model):
    _name = "loyalty.club.segment"
    _description = "Club Member Segment"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )
    domain = fields.Char(default="[]", help="Members matching this contact filter.")
    birthday_this_month = fields.Boolean(
        help="Only members whose birthday is in the month of the purchase."
    )
    store_ids = fields.Many2many("loyalty.club.store", string="Registration stores")

    def _match(self, partner, today):
        """The segments of ``self`` that ``partner`` belongs to on ``today``."""
        if not partner:
            return self.browse()
        partner = partner.sudo()
        matched = self.browse()
        for segment in self:
            if segment.birthday_this_month and (
                not partner.club_birthday or partner.club_birthday.month != today.month
            ):
                continue
            if segment.store_ids and partner.club_store_id not in segment.store_ids:
                continue
            domain = safe_eval(segment.domain or "[]")
            if domain and not partner.filtered_domain(domain):
                continue
            matched |= segment
        return matched
