from odoo import _, fields, models

ACCOUNT_DOMAIN = (
    "[('company_ids', 'parent_of', company_id), ('deprecated', '=', False)]"
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    loyalty_club_policy = fields.Selection(
        related="company_id.loyalty_club_policy", readonly=False
    )
    loyalty_club_posting_mode = fields.Selection(
        related="company_id.loyalty_club_posting_mode", readonly=False
    )
    loyalty_club_journal_id = fields.Many2one(
        related="company_id.loyalty_club_journal_id",
        readonly=False,
        domain="[('type', '=', 'general'), ('company_id', 'parent_of', company_id)]",
    )
    loyalty_club_bonus_liability_account_id = fields.Many2one(
        related="company_id.loyalty_club_bonus_liability_account_id",
        readonly=False,
        domain=ACCOUNT_DOMAIN,
    )
    loyalty_club_bonus_expense_account_id = fields.Many2one(
        related="company_id.loyalty_club_bonus_expense_account_id",
        readonly=False,
        domain=ACCOUNT_DOMAIN,
    )
    loyalty_club_deferred_revenue_account_id = fields.Many2one(
        related="company_id.loyalty_club_deferred_revenue_account_id",
        readonly=False,
        domain=ACCOUNT_DOMAIN,
    )
    loyalty_club_revenue_account_id = fields.Many2one(
        related="company_id.loyalty_club_revenue_account_id",
        readonly=False,
        domain=ACCOUNT_DOMAIN,
    )
    loyalty_club_breakage_account_id = fields.Many2one(
        related="company_id.loyalty_club_breakage_account_id",
        readonly=False,
        domain=ACCOUNT_DOMAIN,
    )
    loyalty_club_gift_liability_account_id = fields.Many2one(
        related="company_id.loyalty_club_gift_liability_account_id",
        readonly=False,
        domain=ACCOUNT_DOMAIN,
    )
    loyalty_club_gift_breakage_account_id = fields.Many2one(
        related="company_id.loyalty_club_gift_breakage_account_id",
        readonly=False,
        domain=ACCOUNT_DOMAIN,
    )
    loyalty_club_clearing_account_id = fields.Many2one(
        related="company_id.loyalty_club_clearing_account_id",
        readonly=False,
        domain=ACCOUNT_DOMAIN,
    )
    loyalty_club_ssp_percent = fields.Float(
        related="company_id.loyalty_club_ssp_percent", readonly=False
    )
    loyalty_club_redemption_percent = fields.Float(
        related="company_id.loyalty_club_redemption_percent", readonly=False
    )
    loyalty_club_gift_breakage = fields.Selection(
        related="company_id.loyalty_club_gift_breakage", readonly=False
    )
    loyalty_club_gift_breakage_percent = fields.Float(
        related="company_id.loyalty_club_gift_breakage_percent", readonly=False
    )
    loyalty_club_pos_settles = fields.Boolean(
        related="company_id.loyalty_club_pos_settles", readonly=False
    )
    loyalty_club_sms_gateway_id = fields.Many2one(
        "loyalty.club.sms.gateway",
        "SMS gateway",
        compute="_compute_loyalty_club_sms_gateway_id",
        inverse="_inverse_loyalty_club_sms_gateway_id",
        domain="[('company_id', '=', company_id)]",
        help="The company's SMS go through this gateway; none: through Odoo's IAP.",
    )

    def _compute_loyalty_club_sms_gateway_id(self):
        Gateway = self.env["loyalty.club.sms.gateway"]
        for settings in self:
            settings.loyalty_club_sms_gateway_id = Gateway._club_default_for(
                settings.company_id
            )

    def _inverse_loyalty_club_sms_gateway_id(self):
        Gateway = self.env["loyalty.club.sms.gateway"]
        for settings in self:
            Gateway._club_set_default(
                settings.company_id, settings.loyalty_club_sms_gateway_id
            )

    def action_loyalty_club_setup_accounts(self):
        """Create the accounts and journal still missing (the chart's defaults)."""
        self.company_id._loyalty_club_setup_accounting()
        return {"type": "ir.actions.client", "tag": "reload"}

    def action_loyalty_club_post(self):
        """Post every pending line up to yesterday now."""
        moves = self.env["loyalty.club.accounting"]._post(self.company_id)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": _("%(count)s club entries posted.", count=len(moves)),
                "type": "success",
            },
        }
