"""One-time coupons: batches of unique codes, personal or bearer, used once."""

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..domain import cards as core_cards

MAX_BATCH = 100000


class LoyaltyClubCouponBatch(models.Model):
    _name = "loyalty.club.coupon.batch"
    _description = "Club Coupon Batch"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True)
    promotion_id = fields.Many2one(
        "loyalty.club.promotion", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="promotion_id.company_id", store=True)
    kind = fields.Selection(
        [("bearer", "Bearer"), ("personal", "Personal")],
        required=True,
        default="bearer",
    )
    count = fields.Integer("Number of codes", default=10)
    partner_ids = fields.Many2many(
        "res.partner", string="Members", help="Personal: one code for each member."
    )
    notify_members = fields.Boolean(
        "Send Members Their Codes",
        default=True,
        help="Personal batch: each member gets the code by the channels the "
        "program sends personal coupons by (Messages tab), with consent.",
    )
    date_from = fields.Date()
    date_to = fields.Date()
    coupon_ids = fields.One2many("loyalty.club.coupon", "batch_id")
    coupon_count = fields.Integer(compute="_compute_coupon_count")

    def _compute_coupon_count(self):
        for batch in self:
            batch.coupon_count = len(batch.coupon_ids)

    def action_generate(self):
        """Insert the codes set-based; a code already taken is drawn again."""
        for batch in self:
            if batch.kind == "personal":
                partners = batch.partner_ids.ids
            else:
                if not 0 < batch.count <= MAX_BATCH:
                    raise UserError(
                        _("A batch holds 1 to %(max)s codes.", max=MAX_BATCH)
                    )
                partners = [None] * batch.count
            if not partners:
                raise UserError(_("Choose the members of a personal batch."))
            batch._insert_codes(partners)
        self.env["loyalty.club.coupon"].invalidate_model()
        for batch in self.filtered(lambda b: b.kind == "personal" and b.notify_members):
            self.env["loyalty.club.message"]._queue_coupons(batch.coupon_ids)
        return True

    def _insert_codes(self, partners):
        todo = list(partners)
        for _attempt in range(10):
            if not todo:
                return
            codes = [core_cards.random_code() for _p in todo]
            self.env.cr.execute(
                """
                INSERT INTO loyalty_club_coupon
                    (code, batch_id, promotion_id, company_id, partner_id, state,
                     date_from, date_to, create_uid, create_date, write_uid,
                     write_date)
                SELECT code, %(batch)s, %(promo)s, %(company)s, partner, 'valid',
                       %(date_from)s, %(date_to)s, %(uid)s, now() at time zone 'UTC',
                       %(uid)s, now() at time zone 'UTC'
                  FROM unnest(%(codes)s::varchar[], %(partners)s::int[])
                       AS t(code, partner)
                ON CONFLICT (code) DO NOTHING
                RETURNING code
                """,
                {
                    "batch": self.id,
                    "promo": self.promotion_id.id,
                    "company": self.company_id.id,
                    "date_from": self.date_from or None,
                    "date_to": self.date_to or None,
                    "uid": self.env.uid,
                    "codes": codes,
                    "partners": todo,
                },
            )
            done = {row[0] for row in self.env.cr.fetchall()}
            todo = [p for c, p in zip(codes, todo, strict=True) if c not in done]
        raise UserError(_("Could not draw unique coupon codes; try again."))
