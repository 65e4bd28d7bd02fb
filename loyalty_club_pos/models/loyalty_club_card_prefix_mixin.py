from odoo import api, models


class LoyaltyClubCardPrefixMixin(models.AbstractModel):
    """Records whose card prefix feeds the POS barcode rules keep them in step."""

    _name = "loyalty.club.card.prefix.mixin"
    _description = "Club Card Prefix Follower"
    _club_prefix_field = "card_prefix"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env["barcode.rule"]._club_sync_rules()
        return records

    def write(self, vals):
        result = super().write(vals)
        if self._club_prefix_field in vals:
            self.env["barcode.rule"]._club_sync_rules()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["barcode.rule"]._club_sync_rules()
        return result
