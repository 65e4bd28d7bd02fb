from odoo import models


class LoyaltyClubTier(models.Model):
    _inherit = "loyalty.club.tier"

    def unlink(self):
        # the RFM scores name the member's tier of the day, with no foreign key
        # to set it to null (see loyalty_club_rfm)
        self.env["loyalty.club.rfm"].flush_model(["tier_id"])
        self.env.cr.execute(
            "UPDATE loyalty_club_rfm SET tier_id = NULL WHERE tier_id = ANY(%s)",
            [self.ids],
        )
        self.env["loyalty.club.rfm"].invalidate_model(["tier_id"])
        return super().unlink()
