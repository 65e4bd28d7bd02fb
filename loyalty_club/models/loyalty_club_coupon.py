from odoo import _, fields, models
from odoo.exceptions import UserError


class LoyaltyClubCoupon(models.Model):
    _name = "loyalty.club.coupon"
    _description = "Club Coupon"
    _order = "id desc"
    _rec_name = "code"

    code = fields.Char(required=True, readonly=True, index=True)
    batch_id = fields.Many2one("loyalty.club.coupon.batch", ondelete="cascade")
    promotion_id = fields.Many2one(
        "loyalty.club.promotion", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one("res.company")
    partner_id = fields.Many2one("res.partner", index=True, string="Member")
    state = fields.Selection(
        [("valid", "Valid"), ("used", "Used"), ("cancelled", "Cancelled")],
        required=True,
        default="valid",
        readonly=True,
    )
    date_from = fields.Date()
    date_to = fields.Date()
    used_at = fields.Datetime(readonly=True)
    transaction_id = fields.Many2one("loyalty.club.transaction", readonly=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "A coupon code must be unique."),
    ]

    def action_cancel(self):
        self.filtered(lambda c: c.state == "valid").write({"state": "cancelled"})

    def _problem(self, partner, today, program):
        """Why this coupon cannot be used now (a translated sentence) or None."""
        self.ensure_one()
        if self.state == "used":
            return _("Coupon %(code)s has already been used.", code=self.code)
        if self.state != "valid":
            return _("Coupon %(code)s is cancelled.", code=self.code)
        if (self.date_from and today < self.date_from) or (
            self.date_to and today > self.date_to
        ):
            return _("Coupon %(code)s is not valid today.", code=self.code)
        if self.promotion_id.program_id != program:
            return _("Coupon %(code)s belongs to another program.", code=self.code)
        if self.partner_id and self.partner_id != partner:
            return _("Coupon %(code)s is personal to another member.", code=self.code)
        return None

    def _consume(self, txn, now):
        """Mark used atomically: only the till whose UPDATE finds it valid wins."""
        for coupon in self:
            self.env.cr.execute(
                "UPDATE loyalty_club_coupon SET state = 'used', used_at = %s, "
                "transaction_id = %s, write_date = now() at time zone 'UTC' "
                "WHERE id = %s AND state = 'valid' RETURNING id",
                [now, txn.id, coupon.id],
                log_exceptions=False,
            )
            if not self.env.cr.fetchone():
                raise UserError(
                    _("Coupon %(code)s has already been used.", code=coupon.code)
                )
        self.invalidate_recordset(["state", "used_at", "transaction_id"])
