"""The contacts a club till loads when its session opens, bounded.

Odoo picks them by counting every past order of every contact (a scan of
``res_partner`` and a GROUP BY over all of ``pos_order``): with a million
members, opening a session takes seconds. A club till looks members up on
demand (card, phone, QR), so it preloads only its recent customers, found in
the newest orders through the primary key, topped up with contacts by name
(Odoo's tie order) through the name index.
"""

from odoo import models
from odoo.tools import SQL

# the till's customers are looked for among this many newest orders
RECENT_ORDERS = 5000
LOADED_PARTNERS = 100


class PosConfig(models.Model):
    _inherit = "pos.config"

    def get_limited_partners_loading(self):
        if not self.club_program_id:
            return super().get_limited_partners_loading()
        company = self.company_id.id
        # the bound as a value, so that the plan is a range scan of the primary key
        last = self.env.execute_query(SQL("SELECT MAX(id) FROM pos_order"))[0][0] or 0
        recent = self.env.execute_query(
            SQL(
                """
                SELECT p.id
                  FROM (SELECT o.partner_id, MAX(o.id) AS last_order
                          FROM pos_order o
                         WHERE o.id > %(since)s AND o.config_id = %(config)s
                           AND o.partner_id IS NOT NULL
                         GROUP BY o.partner_id
                         ORDER BY last_order DESC
                         LIMIT %(limit)s) r
                  JOIN res_partner p ON p.id = r.partner_id
                 WHERE p.company_id = %(company)s OR p.company_id IS NULL
                 ORDER BY r.last_order DESC
                """,
                since=last - RECENT_ORDERS,
                config=self.id,
                company=company,
                limit=LOADED_PARTNERS,
            )
        )
        missing = LOADED_PARTNERS - len(recent)
        if missing <= 0:
            return recent
        named = self.env.execute_query(
            SQL(
                """
                SELECT id FROM res_partner
                 WHERE (company_id = %(company)s OR company_id IS NULL)
                   AND id != ALL(%(seen)s)
                 ORDER BY name
                 LIMIT %(limit)s
                """,
                company=company,
                seen=[row[0] for row in recent],
                limit=missing,
            )
        )
        return recent + named
