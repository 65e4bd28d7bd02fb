from odoo import models


class LoyaltyClubEmission(models.Model):
    """A batch emitted with its own prefix still scans at the till."""

    _name = "loyalty.club.emission"
    _inherit = ["loyalty.club.emission", "loyalty.club.card.prefix.mixin"]
    _club_prefix_field = "prefix"
