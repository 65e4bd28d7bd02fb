from odoo import api, models


class LoyaltyClubProgram(models.Model):
    _inherit = "loyalty.club.program"

    @api.model_create_multi
    def create(self, vals_list):
        programs = super().create(vals_list)
        self.env["barcode.rule"]._club_sync_rules()
        return programs

    def write(self, vals):
        result = super().write(vals)
        if "card_prefix" in vals:
            self.env["barcode.rule"]._club_sync_rules()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["barcode.rule"]._club_sync_rules()
        return result


class LoyaltyClubEmission(models.Model):
    _inherit = "loyalty.club.emission"

    @api.model_create_multi
    def create(self, vals_list):
        batches = super().create(vals_list)
        self.env["barcode.rule"]._club_sync_rules()
        return batches

    def write(self, vals):
        result = super().write(vals)
        if "prefix" in vals:
            self.env["barcode.rule"]._club_sync_rules()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["barcode.rule"]._club_sync_rules()
        return result
