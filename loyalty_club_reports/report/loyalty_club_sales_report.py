from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.loyalty_club.selections import CHANNELS


class LoyaltyClubSalesReport(models.Model):
    """Every check line: POS orders and their lines plus checks sent through the API.

    One row per POS order line (members and not), one per check received
    through the API, and one per line of a check imported from an old system
    (its products and categories count like the till's). ``check_id`` is unique
    per check across the sources (even for POS orders, odd for the club's own
    checks), so "Checks" is a distinct count."""

    _name = "loyalty.club.sales.report"
    _inherit = "loyalty.club.sql.report"
    _description = "Club Sales Analysis"
    _auto = False
    _order = "date desc"

    date = fields.Datetime(readonly=True)
    kind = fields.Selection([("sale", "Sale"), ("refund", "Refund")], readonly=True)
    channel = fields.Selection(CHANNELS, readonly=True)
    check_id = fields.Integer("Checks", readonly=True, aggregator="count_distinct")
    pos_order_id = fields.Many2one("pos.order", "POS Order", readonly=True)
    transaction_id = fields.Many2one(
        "loyalty.club.transaction", "Club Check", readonly=True
    )
    store_id = fields.Many2one("loyalty.club.store", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    user_id = fields.Many2one("res.users", "Cashier", readonly=True)
    partner_id = fields.Many2one("res.partner", "Member", readonly=True)
    buyer_id = fields.Many2one("res.partner", "Customer", readonly=True)
    is_member = fields.Boolean("Member Check", readonly=True)
    wallet_id = fields.Many2one("loyalty.club.wallet", readonly=True)
    tier_id = fields.Many2one("loyalty.club.tier", readonly=True)
    card_id = fields.Many2one("loyalty.club.card", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    attribute_value_ids = fields.Many2many(
        related="product_id.club_attribute_value_ids", string="Product Attributes"
    )
    qty = fields.Float("Items", readonly=True, digits=(16, 2))
    amount = fields.Float("Sales", readonly=True, digits=(16, 2))
    discount = fields.Float(readonly=True, digits=(16, 2))
    earned = fields.Float("Bonuses Earned", readonly=True, digits=(16, 2))
    spent = fields.Float("Bonuses Spent", readonly=True, digits=(16, 2))

    def _select(self):
        return SQL(
            """
            3 * l.id AS id,
            o.date_order AS date,
            CASE WHEN o.amount_total < 0 THEN 'refund' ELSE 'sale' END AS kind,
            'pos' AS channel,
            2 * o.id AS check_id,
            o.id AS pos_order_id,
            t.id AS transaction_id,
            COALESCE(pc.club_store_id, t.store_id) AS store_id,
            o.company_id AS company_id,
            COALESCE(t.program_id, pc.club_program_id) AS program_id,
            o.user_id AS user_id,
            w.partner_id AS partner_id,
            COALESCE(w.partner_id, o.partner_id) AS buyer_id,
            (w.id IS NOT NULL) AS is_member,
            w.id AS wallet_id,
            w.tier_id AS tier_id,
            c.id AS card_id,
            l.product_id AS product_id,
            pt.categ_id AS categ_id,
            l.qty AS qty,
            l.price_subtotal_incl AS amount,
            l.price_unit * l.qty * COALESCE(l.discount, 0) / 100.0 AS discount,
            COALESCE(t.earned, 0) * l.price_subtotal_incl
                / NULLIF(o.amount_total, 0) AS earned,
            COALESCE(t.spent, 0) * l.price_subtotal_incl
                / NULLIF(o.amount_total, 0) AS spent
            """
        )

    def _from(self):
        return SQL(
            """
            pos_order_line l
            JOIN pos_order o ON o.id = l.order_id
            LEFT JOIN pos_config pc ON pc.id = o.config_id
            LEFT JOIN loyalty_club_transaction t ON t.id = o.club_transaction_id
            LEFT JOIN loyalty_club_wallet w
              ON w.id = COALESCE(o.club_wallet_id, t.wallet_id)
            LEFT JOIN loyalty_club_card c ON c.code = o.club_identifier
            LEFT JOIN product_product pp ON pp.id = l.product_id
            LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
            """
        )

    def _where(self):
        return SQL("o.state IN ('paid', 'done', 'invoiced')")

    def _club_check_columns(self):
        """The columns of a club check (received through the API or imported),
        the same on each of its rows: after ``id``, before the goods."""
        return SQL(
            """
            t.date AS date,
            t.kind AS kind,
            t.channel AS channel,
            2 * t.id + 1 AS check_id,
            NULL::integer AS pos_order_id,
            t.id AS transaction_id,
            t.store_id AS store_id,
            t.company_id AS company_id,
            t.program_id AS program_id,
            t.user_id AS user_id,
            w.partner_id AS partner_id,
            COALESCE(w.partner_id, t.partner_id) AS buyer_id,
            (w.id IS NOT NULL) AS is_member,
            w.id AS wallet_id,
            w.tier_id AS tier_id,
            NULL::integer AS card_id
            """
        )

    def _select_api(self):
        return SQL(
            """
            3 * t.id + 1 AS id,
            %s,
            NULL::integer AS product_id,
            NULL::integer AS categ_id,
            CASE WHEN t.kind = 'refund' THEN -1 ELSE 1 END
                * COALESCE(t.line_count, 0)::numeric AS qty,
            t.amount AS amount,
            0::numeric AS discount,
            t.earned AS earned,
            t.spent AS spent
            """,
            self._club_check_columns(),
        )

    def _from_api(self):
        return SQL(
            """
            loyalty_club_transaction t
            LEFT JOIN loyalty_club_wallet w ON w.id = t.wallet_id
            """
        )

    def _where_api(self):
        # checks received through the API and the history imported from an old
        # system (loyalty.club.import.job)
        return SQL(
            """
            t.channel IN ('api', 'import')
            AND t.origin_model IS DISTINCT FROM 'pos.order'
            AND NOT (t.channel = 'import' AND EXISTS (
                SELECT 1 FROM loyalty_club_check_line cl
                 WHERE cl.transaction_id = t.id))
            """
        )

    def _select_lines(self):
        """An imported check's lines: its products, the check's bonuses spread
        over them by amount (as on a POS order)."""
        return SQL(
            """
            3 * cl.id + 2 AS id,
            %s,
            cl.product_id AS product_id,
            pt.categ_id AS categ_id,
            CASE WHEN t.kind = 'refund' THEN -abs(cl.qty) ELSE cl.qty END AS qty,
            cl.amount AS amount,
            0::numeric AS discount,
            COALESCE(t.earned, 0) * cl.amount / NULLIF(t.amount, 0) AS earned,
            COALESCE(t.spent, 0) * cl.amount / NULLIF(t.amount, 0) AS spent
            """,
            self._club_check_columns(),
        )

    def _from_lines(self):
        return SQL(
            """
            loyalty_club_check_line cl
            JOIN loyalty_club_transaction t ON t.id = cl.transaction_id
            LEFT JOIN loyalty_club_wallet w ON w.id = t.wallet_id
            LEFT JOIN product_product pp ON pp.id = cl.product_id
            LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
            """
        )

    def _where_lines(self):
        return SQL(
            "t.channel = 'import' AND t.origin_model IS DISTINCT FROM 'pos.order'"
        )

    def _query(self):
        """The POS order lines (``_select``, ``_from``, ``_where``), the checks
        received through the API, and the lines of the imported checks, with
        the same columns."""
        api_checks = self._compose(
            self._select_api(), self._from_api(), self._where_api()
        )
        imported_lines = self._compose(
            self._select_lines(), self._from_lines(), self._where_lines()
        )
        return SQL(
            "%s\nUNION ALL\n%s\nUNION ALL\n%s",
            super()._query(),
            api_checks,
            imported_lines,
        )
