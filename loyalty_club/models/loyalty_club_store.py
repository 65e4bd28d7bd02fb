from odoo import fields, models


class LoyaltyClubStore(models.Model):
    _name = "loyalty.club.store"
    _description = "Club Store"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=False)
    code = fields.Char(
        required=True, help="Short code printed on receipts and used by the API."
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    city = fields.Char()
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(company_id, code)",
            "A store code must be unique per company.",
        ),
    ]
