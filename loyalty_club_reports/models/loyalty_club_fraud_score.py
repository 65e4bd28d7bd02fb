from odoo import fields, models


class LoyaltyClubFraudScore(models.Model):
    _name = "loyalty.club.fraud.score"
    _description = "Club Anti-fraud Score"
    _order = "date_to desc, score desc, id"

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    date_from = fields.Date(required=True, readonly=True, index=True)
    date_to = fields.Date(required=True, readonly=True, index=True)
    kind = fields.Selection(
        [("cashier", "Cashier"), ("store", "Store")], required=True, readonly=True
    )
    user_id = fields.Many2one("res.users", "Cashier", readonly=True, index=True)
    store_id = fields.Many2one("loyalty.club.store", readonly=True, index=True)
    score = fields.Integer(readonly=True, aggregator="max")
    checks = fields.Integer(readonly=True)
    fired_rules = fields.Char("Signals", readonly=True)
    weak_rules = fields.Char(
        "Weak signals",
        readonly=True,
        help="Signals under their threshold that add up to the combined score.",
    )
    case_id = fields.Many2one("loyalty.club.fraud.case", readonly=True)
