"""The idempotency record of an operation that is not a check.

Sales and refunds keep their key, request hash and answer on their check
(``loyalty.club.transaction``); gift-card sales and refunds and keyed manual
adjustments keep them here. The service's ``_idempotent`` reads both the same
way: the same key with the same body replays the answer, with another body it
is refused.
"""

from odoo import fields, models


class LoyaltyClubRequest(models.Model):
    _name = "loyalty.club.request"
    _description = "Club Request (Idempotency)"
    _order = "id desc"
    _rec_name = "idempotency_key"

    idempotency_key = fields.Char(required=True, readonly=True)
    request_hash = fields.Char(required=True, readonly=True)
    response = fields.Json(readonly=True)

    _sql_constraints = [
        (
            "idempotency_key_uniq",
            "unique(idempotency_key)",
            "This request was already made.",
        ),
    ]
