from odoo import fields, models

from odoo.addons.loyalty_club.domain import fraud as core_fraud


class LoyaltyClubFraudSignal(models.Model):
    _name = "loyalty.club.fraud.signal"
    _description = "Club Anti-fraud Signal"
    _order = "case_id, severity desc, id"

    case_id = fields.Many2one(
        "loyalty.club.fraud.case", required=True, ondelete="cascade", index=True
    )
    rule = fields.Selection(
        list(core_fraud.RULE_LABELS.items()), required=True, readonly=True
    )
    value = fields.Float(digits=(16, 4), readonly=True)
    count = fields.Integer(readonly=True)
    level = fields.Float(
        digits=(16, 2),
        readonly=True,
        help="The evidence as a fraction of the rule's threshold: the rule fires "
        "at 1; from 0.5 on, a weak signal adds up with the others.",
    )
    fired = fields.Boolean(readonly=True)
    severity = fields.Float(digits=(16, 2), readonly=True)
    points = fields.Integer(readonly=True)
    evidence = fields.Text(readonly=True)
