from odoo import models


class LoyaltyClubProgram(models.Model):
    """A program's card prefix is scanned at the till: its barcode rules follow it."""

    _name = "loyalty.club.program"
    _inherit = ["loyalty.club.program", "loyalty.club.card.prefix.mixin"]
