"""Personal coupon batches for a segment: a code for each member it holds now."""

from odoo import fields, models
from odoo.exceptions import UserError


class LoyaltyClubCouponBatch(models.Model):
    _inherit = "loyalty.club.coupon.batch"

    segment_id = fields.Many2one(
        "loyalty.club.segment",
        help="Personal batch: a code for each member of this segment when the "
        "codes are generated (with the members chosen by hand).",
    )

    def action_generate(self):
        """Batches for a segment: its members (ids from the segment's SQL) and
        the hand-picked ones get a code each, inserted set-based by the core's
        ``_insert_codes``, then told as the core tells them; other batches are
        the core's."""
        by_segment = self.filtered(lambda b: b.kind == "personal" and b.segment_id)
        for batch in by_segment:
            if batch.coupon_ids:
                raise UserError(
                    self.env._(
                        "The codes of %(batch)s exist already.", batch=batch.name
                    )
                )
            program = batch.promotion_id.program_id
            self.env.cr.execute(
                batch.segment_id.sudo()._member_ids_sql(program=program)
            )
            ids = {row[0] for row in self.env.cr.fetchall()} | set(
                batch.partner_ids.ids
            )
            if not ids:
                raise UserError(
                    self.env._(
                        "The segment %(segment)s has no members now.",
                        segment=batch.segment_id.name,
                    )
                )
            batch._insert_codes(sorted(ids))
        self.env["loyalty.club.coupon"].invalidate_model()
        for batch in by_segment.filtered("notify_members"):
            self.env["loyalty.club.message"]._queue_coupons(batch.coupon_ids)
        rest = self - by_segment
        return super(LoyaltyClubCouponBatch, rest).action_generate() if rest else True
