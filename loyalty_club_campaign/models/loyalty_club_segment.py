"""Segments that are alive: RFM segment and its change, tier, consent and
purchase history, counted live and selected in SQL.

``_member_ids_sql()`` is the segment as one ``SELECT p.id`` over the members,
built from the segment's values as they are on screen (so the form's count
follows every edit): campaigns queue from it with ``INSERT ... SELECT`` and no
member is ever read into Python.
"""

from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

# the criteria this addon adds (a segment using none is matched by the core)
CRITERIA = (
    "program_id",
    "rfm_cell_ids",
    "rfm_previous_cell_ids",
    "tier_ids",
    "consent_sms",
    "consent_email",
    "purchase_days",
    "min_purchases",
    "max_purchases",
    "min_spend",
    "max_spend",
    "categ_ids",
    "inactive_days",
)


class LoyaltyClubSegment(models.Model):
    _inherit = "loyalty.club.segment"

    program_id = fields.Many2one(
        "loyalty.club.program",
        help="Only members of this program (their wallet, tier and RFM scores in "
        "it); empty: any program of the segment's company.",
    )
    rfm_cell_ids = fields.Many2many(
        "loyalty.club.rfm.cell",
        "loyalty_club_segment_rfm_cell_rel",
        "segment_id",
        "cell_id",
        string="RFM Segment Now",
        help="Members whose RFM segment in the latest RFM run is one of these.",
    )
    rfm_previous_cell_ids = fields.Many2many(
        "loyalty.club.rfm.cell",
        "loyalty_club_segment_rfm_previous_cell_rel",
        "segment_id",
        "cell_id",
        string="RFM Segment Before",
        help="Members whose RFM segment in the run before the latest was one of "
        "these: with 'RFM Segment Now', champions who became at risk.",
    )
    tier_ids = fields.Many2many(
        "loyalty.club.tier",
        "loyalty_club_segment_tier_rel",
        "segment_id",
        "tier_id",
        string="Tiers",
    )
    consent_sms = fields.Boolean(
        "With SMS Consent", help="Only members who agree to receive SMS now."
    )
    consent_email = fields.Boolean(
        "With E-mail Consent", help="Only members who agree to receive e-mails now."
    )
    purchase_days = fields.Integer(
        "Purchases in the Last (Days)",
        help="The window of the purchase conditions below (0: all the member's "
        "purchases).",
    )
    min_purchases = fields.Integer(
        "At Least (Purchases)", help="Checks in the window; 0: no minimum."
    )
    max_purchases = fields.Integer(
        "At Most (Purchases)", help="Checks in the window; 0: no maximum."
    )
    min_spend = fields.Float(
        "Spent at Least", digits=(16, 2), help="Sales less refunds in the window."
    )
    max_spend = fields.Float("Spent at Most", digits=(16, 2), help="0: no maximum.")
    categ_ids = fields.Many2many(
        "product.category",
        "loyalty_club_segment_categ_rel",
        "segment_id",
        "categ_id",
        string="Bought in Categories",
        help="Members who bought a product of these categories (or their "
        "subcategories) at a till in the window.",
    )
    inactive_days = fields.Integer(
        "No Purchase for (Days)",
        help="Members without a purchase in this many days (win-back); 0: off.",
    )
    member_count = fields.Integer(
        "Members Now",
        compute="_compute_member_count",
        help="Members in the segment right now, counted live.",
    )

    @api.constrains(
        "purchase_days",
        "min_purchases",
        "max_purchases",
        "min_spend",
        "max_spend",
        "inactive_days",
    )
    def _check_purchase_conditions(self):
        for segment in self:
            if (
                min(
                    segment.purchase_days,
                    segment.min_purchases,
                    segment.max_purchases,
                    segment.min_spend,
                    segment.max_spend,
                    segment.inactive_days,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._("A segment's days, purchases and amounts are positive.")
                )
            if segment.max_purchases and segment.min_purchases > segment.max_purchases:
                raise ValidationError(
                    self.env._(
                        "At least %(low)s purchases cannot be at most %(high)s.",
                        low=segment.min_purchases,
                        high=segment.max_purchases,
                    )
                )
            if segment.max_spend and segment.min_spend > segment.max_spend:
                raise ValidationError(
                    self.env._("The lowest spend is above the highest.")
                )

    @api.depends(
        "domain",
        "birthday_this_month",
        "store_ids",
        "company_id",
        *CRITERIA,
    )
    def _compute_member_count(self):
        for segment in self:
            try:
                query = segment._member_ids_sql()
            except ValidationError:
                segment.member_count = 0
                continue
            self.env.cr.execute(SQL("SELECT count(*) FROM (%s) AS seg", query))
            segment.member_count = self.env.cr.fetchone()[0]

    # ================================================================= SQL
    def _rfm_runs(self):
        """(latest, previous) RFM run ids; 0 where there is none."""
        self.env["loyalty.club.rfm.run"].flush_model()
        self.env.cr.execute(
            "SELECT id FROM loyalty_club_rfm_run WHERE member_count > 0 "
            "ORDER BY date DESC, id DESC LIMIT 2"
        )
        ids = [row[0] for row in self.env.cr.fetchall()] + [0, 0]
        return ids[0], ids[1]

    def _member_ids_sql(self, program=None, today=None):
        """The segment's members as ``SELECT p.id ...`` (an ``SQL``): active
        members with a bonus wallet (in ``program`` when given, else the
        segment's program or company), filtered by every condition set."""
        self.ensure_one()
        self.env.flush_all()
        today = today or fields.Date.context_today(self)
        program = program or self.program_id
        where = [
            SQL("p.club_status = 'active'"),
            SQL("p.active"),
            SQL("p.club_erased IS NOT TRUE"),
            self._sql_wallet(program),
            *self._sql_contact(today),
            *self._sql_consents(),
            *self._sql_rfm(program),
            *self._sql_history(program, fields.Datetime.now()),
        ]
        return SQL("SELECT p.id FROM res_partner p WHERE %s", SQL(" AND ").join(where))

    def _sql_wallet(self, program):
        """A bonus wallet in the program (or company), in one of the tiers."""
        wallet = [SQL("w.partner_id = p.id"), SQL("w.kind = 'bonus'")]
        if program:
            wallet.append(SQL("w.program_id = %s", program.id))
        else:
            company = self.company_id or self.env.company
            wallet.append(SQL("w.company_id = %s", company.id))
        if self.tier_ids:
            wallet.append(SQL("w.tier_id = ANY(%s)", self.tier_ids.ids))
        return SQL(
            "EXISTS (SELECT 1 FROM loyalty_club_wallet w WHERE %s)",
            SQL(" AND ").join(wallet),
        )

    def _sql_contact(self, today):
        """The core's conditions: the contact filter, stores, birthday month."""
        where = []
        if self.domain and self.domain.strip() not in ("", "[]"):
            query = (
                self.env["res.partner"]
                .with_context(active_test=False)
                ._search(safe_eval(self.domain))
            )
            where.append(SQL("p.id IN %s", query.subselect()))
        if self.store_ids:
            where.append(SQL("p.club_store_id = ANY(%s)", self.store_ids.ids))
        if self.birthday_this_month:
            where.append(SQL("date_part('month', p.club_birthday) = %s", today.month))
        return where

    def _sql_consents(self):
        """Consent now: the newest history row of the channel grants it."""
        return [
            SQL(
                "(SELECT c.granted FROM loyalty_club_consent c "
                "WHERE c.partner_id = p.id AND c.channel = %s "
                "ORDER BY c.date DESC, c.id DESC LIMIT 1) IS TRUE",
                channel,
            )
            for channel, wanted in (
                ("sms", self.consent_sms),
                ("email", self.consent_email),
            )
            if wanted
        ]

    def _sql_rfm(self, program):
        """The RFM segment in the latest run, and in the one before it."""
        if not (self.rfm_cell_ids or self.rfm_previous_cell_ids):
            return []
        where = []
        latest, previous = self._rfm_runs()
        for run, cells in (
            (latest, self.rfm_cell_ids),
            (previous, self.rfm_previous_cell_ids),
        ):
            if not cells:
                continue
            rfm = [
                SQL("r.partner_id = p.id"),
                SQL("r.run_id = %s", run),
                SQL("r.segment = ANY(%s)", cells.mapped("code")),
            ]
            if program:
                rfm.append(SQL("r.program_id = %s", program.id))
            where.append(
                SQL(
                    "EXISTS (SELECT 1 FROM loyalty_club_rfm r WHERE %s)",
                    SQL(" AND ").join(rfm),
                )
            )
        return where

    def _sql_history(self, program, now):
        """Purchases, spend and categories in the window; no purchase lately."""
        where = []
        since = now - timedelta(days=self.purchase_days) if self.purchase_days else None
        scope = SQL("t.partner_id = p.id")
        if program:
            scope = SQL("%s AND t.program_id = %s", scope, program.id)
        if since:
            scope = SQL("%s AND t.date >= %s", scope, since)
        checks = [
            SQL(condition, value)
            for condition, value in (
                ("h.visits >= %s", self.min_purchases),
                ("h.visits <= %s", self.max_purchases),
                ("h.spend >= %s", self.min_spend),
                ("h.spend <= %s", self.max_spend),
            )
            if value
        ]
        if not checks and since and not self.categ_ids:
            # a window alone: bought at least once in it
            checks.append(SQL("h.visits > 0"))
        if checks:
            where.append(
                SQL(
                    "EXISTS (SELECT 1 FROM (SELECT count(*) FILTER "
                    "(WHERE t.kind = 'sale') AS visits, "
                    "COALESCE(sum(t.amount), 0) AS spend "
                    "FROM loyalty_club_transaction t WHERE %s) AS h WHERE %s)",
                    scope,
                    SQL(" AND ").join(checks),
                )
            )
        if self.categ_ids:
            paths = [f"{path}%" for path in self.categ_ids.mapped("parent_path")]
            where.append(
                SQL(
                    "EXISTS (SELECT 1 FROM pos_order o "
                    "JOIN pos_order_line l ON l.order_id = o.id "
                    "JOIN product_product pp ON pp.id = l.product_id "
                    "JOIN product_template pt ON pt.id = pp.product_tmpl_id "
                    "JOIN product_category pc ON pc.id = pt.categ_id "
                    "WHERE o.partner_id = p.id "
                    "AND o.state IN ('paid', 'done', 'invoiced') "
                    "AND pc.parent_path LIKE ANY(%s) AND o.date_order >= %s)",
                    paths,
                    since or datetime.min,
                )
            )
        if self.inactive_days:
            where.append(
                SQL(
                    "NOT EXISTS (SELECT 1 FROM loyalty_club_transaction t "
                    "WHERE t.partner_id = p.id AND t.kind = 'sale' AND t.date >= %s)",
                    now - timedelta(days=self.inactive_days),
                )
            )
        return where

    def _uses_criteria(self):
        self.ensure_one()
        return any(self[name] for name in CRITERIA)

    def _match(self, partner, today):
        """The core's match, then this addon's conditions in SQL for the one
        member (promotions aimed at a segment follow them too)."""
        matched = super()._match(partner, today)
        if not partner:
            return matched
        for segment in matched.filtered(lambda s: s._uses_criteria()):
            self.env.cr.execute(
                SQL(
                    "SELECT EXISTS (SELECT 1 FROM (%s) AS seg WHERE seg.id = %s)",
                    segment.sudo()._member_ids_sql(today=today),
                    partner.id,
                )
            )
            if not self.env.cr.fetchone()[0]:
                matched -= segment
        return matched

    def action_open_members(self):
        """The segment's members now, as a contact list (searched in SQL)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Members of %(segment)s", segment=self.name),
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("club_segment_ids", "=", self.id)],
        }
