"""Anti-fraud thresholds and weights per company: one record per rule of the
core (``domain.fraud``), read by the analysis as the core's thresholds."""

from decimal import Decimal

from odoo import api, fields, models

from odoo.addons.loyalty_club.domain import fraud as core_fraud


class LoyaltyClubFraudRule(models.Model):
    _name = "loyalty.club.fraud.rule"
    _description = "Club Anti-fraud Rule"
    _order = "company_id, sequence, id"

    code = fields.Selection(list(core_fraud.RULE_LABELS.items()), required=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    limit = fields.Float(
        "Threshold",
        digits=(16, 4),
        required=True,
        help="A count, minutes or a share depending on the rule (see its "
        "description).",
    )
    min_count = fields.Integer(
        "Minimum count", required=True, help="How much evidence at least."
    )
    count_limit = fields.Integer(
        "Absolute count",
        help="Fires on its own when the evidence reaches this count, whatever "
        "the share (0: no absolute count).",
    )
    grace = fields.Integer(
        "Grace (minutes)",
        help="Activity outside opening hours: minutes after closing and before "
        "opening that do not count.",
    )
    weight = fields.Integer(
        required=True, help="Points of the score (0-100) when the rule fires."
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(code, company_id)",
            "Each anti-fraud rule exists once per company.",
        ),
        (
            "values_positive",
            'CHECK("limit" >= 0 AND min_count >= 0 AND weight >= 0 '
            "AND count_limit >= 0 AND grace >= 0)",
            "Thresholds and weights cannot be negative.",
        ),
    ]

    @api.model
    def _config(self, company):
        """The core's thresholds for ``company``: its rules over the defaults."""
        rules = self.with_context(active_test=False).search(
            [("company_id", "=", company.id)]
        )
        config = {}
        for rule in rules:
            config[rule.code] = core_fraud.Threshold(
                Decimal(str(round(rule.limit, 4))),
                rule.min_count,
                rule.weight,
                rule.active,
                count_limit=rule.count_limit,
                grace=rule.grace,
            )
        return core_fraud.thresholds(config)
