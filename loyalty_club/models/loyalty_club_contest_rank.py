from odoo import fields, models, tools


class LoyaltyClubContestRank(models.Model):
    """The leaderboard: one row per member and contest, best first."""

    _name = "loyalty.club.contest.rank"
    _description = "Club Contest Leaderboard"
    _auto = False
    _order = "contest_id, position"
    _depends = {
        "loyalty.club.contest.entry": [
            "contest_id",
            "transaction_id",
            "wallet_id",
            "qty",
            "amount_minor",
        ],
        "loyalty.club.transaction": ["date", "amount_minor", "refunded_minor"],
        "loyalty.club.contest": ["metric", "program_id"],
        "loyalty.club.wallet": ["partner_id"],
    }

    contest_id = fields.Many2one("loyalty.club.contest", readonly=True)
    position = fields.Integer(readonly=True)
    wallet_id = fields.Many2one("loyalty.club.wallet", readonly=True)
    partner_id = fields.Many2one("res.partner", "Member", readonly=True)
    qty = fields.Integer("Items", readonly=True)
    checks = fields.Integer(readonly=True)
    amount = fields.Float(digits=(16, 2), readonly=True)
    score = fields.Float(digits=(16, 2), readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # money back from minor units with the currency's decimals; ties go to
        # the member who reached the score first
        self.env.cr.execute(
            f"""
            CREATE VIEW {self._table} AS
            WITH totals AS (
                SELECT e.contest_id, e.wallet_id,
                       SUM(e.qty) AS qty, COUNT(*) AS checks,
                       SUM(e.amount_minor) AS amount_minor,
                       MAX(t.date) AS last_at
                  FROM loyalty_club_contest_entry e
                  JOIN loyalty_club_transaction t ON t.id = e.transaction_id
                 WHERE COALESCE(t.refunded_minor, 0) < t.amount_minor
                 GROUP BY e.contest_id, e.wallet_id
            ), scored AS (
                SELECT totals.*, c.metric,
                       totals.amount_minor / POWER(10, cur.decimal_places)
                           AS amount
                  FROM totals
                  JOIN loyalty_club_contest c ON c.id = totals.contest_id
                  JOIN loyalty_club_program p ON p.id = c.program_id
                  JOIN res_currency cur ON cur.id = p.currency_id
            )
            SELECT ROW_NUMBER() OVER (ORDER BY s.contest_id, s.wallet_id) AS id,
                   s.contest_id, s.wallet_id,
                   w.partner_id, s.qty, s.checks, s.amount,
                   CASE s.metric WHEN 'qty' THEN s.qty
                                 WHEN 'checks' THEN s.checks
                                 ELSE s.amount END AS score,
                   ROW_NUMBER() OVER (
                       PARTITION BY s.contest_id
                       ORDER BY CASE s.metric WHEN 'qty' THEN s.qty
                                              WHEN 'checks' THEN s.checks
                                              ELSE s.amount END DESC,
                                s.last_at, s.wallet_id
                   ) AS position
              FROM scored s
              JOIN loyalty_club_wallet w ON w.id = s.wallet_id
            """
        )
