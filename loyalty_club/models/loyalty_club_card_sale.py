"""Club cards sold as products (a paid membership), one row per card sold.

A card sold to a known buyer is given at once: the physical card scanned at the
sale (from stock) or a virtual card, and the tier the product grants. A
physical card sold to nobody in particular (an anonymous sale at a till) stays
in stock, *waiting* for its holder: whoever registers it (the public page
``/club/card/register``, a till, the back office) gets it with its tier, from
the day of the registration.

A tier bought holds until ``tier_until``: the period review
(``loyalty.club.wallet._review_tiers``) never moves the member below it before
that day (``_keep_paid_tiers``); a higher tier earned by purchases wins as
usual, and from the day after, the review decides alone. Buying the tier again
before it ends adds the product's months to the end.

A card sale refunded (the till's refund, a credit note: ``_refund``) is over:
the tier it bought no longer holds, and a member who is in that tier goes back
at once to the tier their purchases and their other cards give; a card still
waiting for its holder goes back to stock; a card already given stays the
member's card (the membership goes on, without the tier paid for).
"""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from ..selections import CHANNELS

SALE_STATES = [
    ("waiting", "Waiting for its holder"),
    ("done", "Given"),
    ("refunded", "Refunded"),
]


class LoyaltyClubCardSale(models.Model):
    _name = "loyalty.club.card.sale"
    _description = "Club Card Sold"
    _order = "id desc"
    _rec_name = "card_id"
    _check_company_auto = True

    key = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        help="The sale's idempotency key: a card is sold once per key.",
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    product_id = fields.Many2one("product.product", readonly=True, ondelete="restrict")
    program_id = fields.Many2one(
        "loyalty.club.program", required=True, readonly=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="program_id.company_id", store=True)
    card_id = fields.Many2one(
        "loyalty.club.card",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Holder",
        readonly=True,
        index="btree_not_null",
        help="Empty while a card sold to nobody in particular waits for its holder.",
    )
    wallet_id = fields.Many2one(
        "loyalty.club.wallet", readonly=True, index="btree_not_null"
    )
    tier_id = fields.Many2one("loyalty.club.tier", "Tier bought", readonly=True)
    tier_months = fields.Integer(readonly=True)
    tier_until = fields.Date(
        "Tier held until",
        readonly=True,
        help="The period review keeps the member at least in this tier until "
        "this day.",
    )
    state = fields.Selection(SALE_STATES, required=True, readonly=True, index=True)
    channel = fields.Selection(CHANNELS, required=True, readonly=True)
    store_id = fields.Many2one("loyalty.club.store", readonly=True)
    ref = fields.Char("Order", readonly=True)
    refund_key = fields.Char(
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The refund's idempotency key: a refund gives back each card once.",
    )
    refund_date = fields.Datetime(readonly=True, copy=False)
    refund_ref = fields.Char("Refund", readonly=True, copy=False)

    _sql_constraints = [
        ("key_uniq", "unique(key)", "This card sale was already recorded."),
    ]

    def _sale_dict(self):
        """A card sold as the channels show it."""
        self.ensure_one()
        return {
            "card": self.card_id.code,
            "kind": self.card_id.kind,
            "state": self.state,
            "partner_id": self.partner_id.id or False,
            "wallet_id": self.wallet_id.id or False,
            "tier": self.tier_id.name or "",
            "tier_until": fields.Date.to_string(self.tier_until)
            if self.tier_until
            else "",
        }

    # ============================================================ giving it
    def _give(self, partner, wallet, today):
        """The card and its tier are the member's from ``today``."""
        self.ensure_one()
        vals = {"partner_id": partner.id, "wallet_id": wallet.id, "state": "done"}
        if self.tier_id:
            start = max(today, self._paid_until(wallet, today) or today)
            vals["tier_until"] = start + relativedelta(months=self.tier_months)
        self.write(vals)
        if self.tier_id:
            self._raise_tier(wallet, today)

    def _refund(self, refund_key, today, ref=None):
        """This card sale is refunded: its tier no longer holds (a member in
        that tier goes back to what their purchases and other cards give); a
        card waiting for its holder stays in stock for another sale."""
        self.ensure_one()
        given = self.state == "done"
        self.write(
            {
                "state": "refunded",
                "refund_key": refund_key,
                "refund_date": fields.Datetime.now(),
                "refund_ref": ref or False,
            }
        )
        wallet = self.wallet_id
        if given and self.tier_id and wallet and wallet.tier_id == self.tier_id:
            wallet._lock()
            due = wallet._qualified_tier(today)
            floor = self._paid_floors([wallet.id], today).get(wallet.id)
            floor = self.env["loyalty.club.tier"].browse(floor)
            if floor and (not due or floor.threshold > due.threshold):
                due = floor
            if due != wallet.tier_id:
                wallet._set_tier(due, "refund", today)
        self.card_id.message_post(
            body=self.env._(
                "The club card sold with %(sale)s was refunded (%(ref)s).",
                sale=self.ref or self.key,
                ref=ref or refund_key,
            )
        )

    def _raise_tier(self, wallet, today):
        """The member moves up to the tier bought (never down: a member in a
        higher tier keeps it); the history says it was bought."""
        tier = self.tier_id
        if not wallet.tier_id or wallet.tier_id.threshold < tier.threshold:
            wallet._set_tier(tier, "purchase", today)

    @api.model
    def _paid_until(self, wallet, today):
        """The last day of the tiers this wallet bought that still hold, or None."""
        sales = self.sudo().search(
            [
                ("wallet_id", "=", wallet.id),
                ("state", "=", "done"),
                ("tier_id", "!=", False),
                ("tier_until", ">=", today),
            ]
        )
        return max(sales.mapped("tier_until"), default=None)

    # ======================================================= the tier review
    @api.model
    def _paid_floors(self, wallet_ids, today):
        """{wallet id: the highest tier it bought that still holds today}."""
        if not wallet_ids:
            return {}
        self.flush_model()
        self.env.cr.execute(
            "SELECT DISTINCT ON (s.wallet_id) s.wallet_id, s.tier_id "
            "FROM loyalty_club_card_sale s "
            "JOIN loyalty_club_tier t ON t.id = s.tier_id "
            "WHERE s.wallet_id = ANY(%s) AND s.state = 'done' AND s.tier_until >= %s "
            "ORDER BY s.wallet_id, t.threshold DESC, t.sequence",
            [list(wallet_ids), today],
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _keep_paid_tiers(self, moves, today):
        """The review's moves [(wallet id, old tier id, new tier id)] without
        those that would take a member below a tier they bought and still hold
        (the member is kept at that tier)."""
        floors = self._paid_floors([wallet for wallet, _old, _new in moves], today)
        if not floors:
            return moves
        Tier = self.env["loyalty.club.tier"].sudo()
        thresholds = {
            tier.id: tier.threshold
            for tier in Tier.browse(
                {tier for _w, old, new in moves for tier in (old, new) if tier}
                | set(floors.values())
            )
        }
        kept = []
        for wallet, old, new in moves:
            floor = floors.get(wallet)
            if floor and (new is None or thresholds[new] < thresholds[floor]):
                new = floor
            if new != old:
                kept.append((wallet, old, new))
        return kept
