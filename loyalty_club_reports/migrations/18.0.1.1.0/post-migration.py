"""The anti-fraud rules of an upgraded database take the core's new settings.

18.0.1.1.0 gave the share rules an absolute count (``count_limit``) and the
off-hours rule a grace period (``grace``); the rules are ``noupdate`` records,
so an upgraded database would keep both at 0 (off). Rules whose two new values
are still 0 get the core's defaults; ``card_reuse``'s own-card minimum count
still at the old default of 2 becomes the new default of 3.
"""

from odoo.addons.loyalty_club.domain import fraud as core_fraud


def migrate(cr, version):
    if not version:
        return
    for code, default in core_fraud.DEFAULT_THRESHOLDS.items():
        cr.execute(
            """UPDATE loyalty_club_fraud_rule
                  SET count_limit = %s, grace = %s
                WHERE code = %s AND COALESCE(count_limit, 0) = 0
                  AND COALESCE(grace, 0) = 0""",
            [default.count_limit, default.grace, code],
        )
    cr.execute(
        """UPDATE loyalty_club_fraud_rule SET min_count = %s
            WHERE code = 'card_reuse' AND min_count = 2""",
        [core_fraud.DEFAULT_THRESHOLDS["card_reuse"].min_count],
    )
