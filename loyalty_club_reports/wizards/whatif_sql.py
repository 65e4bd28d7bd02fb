"""The what-if's reads: set-based, one statement per batch of wallets.

Parameters: ``program``, ``start`` and ``end`` (UTC timestamps, end excluded),
``tz`` (the club's time zone for the day of a check), ``wallets`` (the
batch, ascending), ``lo`` and ``hi`` (its first and last wallet: the range
lets the planner scan the wallet indexes by range whatever the table's size),
``digits`` (the currency's decimals)."""

# the members of the period: every wallet with a sale of the program in it
WALLETS = """
SELECT DISTINCT wallet_id FROM loyalty_club_transaction
 WHERE program_id = %(program)s AND kind = 'sale' AND wallet_id IS NOT NULL
   AND date >= %(start)s AND date < %(end)s
 ORDER BY wallet_id
"""

# the batch's sales as the club recorded them
CHECKS = """
SELECT t.id, t.wallet_id, t.date,
       (t.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS day,
       t.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s AS local,
       t.store_id, t.amount_minor, COALESCE(t.burn_minor, 0),
       COALESCE(t.burn_money_minor, 0), COALESCE(t.earn_minor, 0),
       CASE WHEN t.origin_model = 'pos.order' THEN t.origin_id END AS pos_order
  FROM loyalty_club_transaction t
 WHERE t.wallet_id BETWEEN %(lo)s AND %(hi)s AND t.wallet_id = ANY(%(wallets)s)
   AND t.program_id = %(program)s
   AND t.kind = 'sale' AND t.date >= %(start)s AND t.date < %(end)s
"""

# the lines of those checks: the till's order lines of the orders the checks
# name (``orders``), by order; the imported lines of the checks, by check
POS_LINES = """
SELECT l.order_id, l.id,
       round(l.price_subtotal_incl * power(10::numeric, %(digits)s))::bigint,
       l.product_id, COALESCE(l.discount, 0) > 0, l.qty
  FROM pos_order_line l
 WHERE l.order_id = ANY(%(orders)s)
 ORDER BY 1, 2
"""
CHECK_LINES = """
SELECT c.transaction_id, c.id, c.amount_minor, c.product_id, false, c.qty
  FROM loyalty_club_check_line c
 WHERE c.transaction_id = ANY(%(checks)s)
 ORDER BY 1, 2
"""

# every lot of the batch credited before the end: what it held at the start
# and at the end of the period (its debits before each taken off)
LOTS = """
SELECT l.wallet_id, l.id, c.date < %(start)s AS before_start,
       (l.initial_minor + COALESCE(SUM(a.amount_minor)
           FILTER (WHERE d.date < %(start)s), 0))::bigint AS held_start,
       (l.initial_minor + COALESCE(SUM(a.amount_minor)
           FILTER (WHERE d.date < %(end)s), 0))::bigint AS held_end,
       l.available_from, l.expires_on
  FROM loyalty_club_lot l
  JOIN loyalty_club_ledger c ON c.id = l.ledger_id AND c.date < %(end)s
  LEFT JOIN loyalty_club_allocation a ON a.lot_id = l.id
  LEFT JOIN loyalty_club_ledger d ON d.id = a.ledger_id
 WHERE l.wallet_id BETWEEN %(lo)s AND %(hi)s AND l.wallet_id = ANY(%(wallets)s)
   AND (l.expires_on IS NULL OR l.expires_on > %(start_day)s)
 GROUP BY l.id, c.date
"""

# the other movements of the period: everything but the sales' own earn and
# spend, which the service keys '<check key>:earn' and ':burn' (gifts,
# adjustments, transfers, refunds' reversals); the promotions' bonuses booked
# on a check's earn (keyed '<check key>:earn:promo:<promotion>') come with
# their check and promotion, to go with the check
OTHER_MOVES = """
SELECT g.wallet_id, g.id, g.date,
       (g.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date AS day,
       g.amount_minor, lot.available_from, lot.expires_on,
       CASE WHEN t.kind = 'sale' AND t.program_id = %(program)s
                 AND left(g.idempotency_key, length(t.idempotency_key) + 12)
                     = t.idempotency_key || ':earn:promo:'
            THEN substring(g.idempotency_key FROM ':earn:promo:([0-9]+)$')::integer
       END AS promotion,
       g.transaction_id
  FROM loyalty_club_ledger g
  LEFT JOIN loyalty_club_lot lot ON lot.id = g.lot_id
  LEFT JOIN loyalty_club_transaction t ON t.id = g.transaction_id
 WHERE g.wallet_id BETWEEN %(lo)s AND %(hi)s AND g.wallet_id = ANY(%(wallets)s)
   AND g.date >= %(start)s AND g.date < %(end)s
   AND g.kind <> 'expire'
   AND NOT (t.kind = 'sale' AND t.program_id = %(program)s
            AND g.idempotency_key IN (t.idempotency_key || ':earn',
                                      t.idempotency_key || ':burn'))
"""

# the promotions that applied to those checks and their discounts (money
# minor units, from their use; their bonuses come with the other moves)
PROMOTIONS = """
SELECT u.transaction_id, u.promotion_id,
       round(SUM(u.discount) * power(10::numeric, %(digits)s))::bigint
  FROM loyalty_club_promotion_usage u
 WHERE u.transaction_id = ANY(%(checks)s)
 GROUP BY 1, 2
"""

# the products' categories with their parents, for the promotions' conditions
CATEGORIES = """
SELECT p.id, c.parent_path
  FROM product_product p
  JOIN product_template pt ON pt.id = p.product_tmpl_id
  JOIN product_category c ON c.id = pt.categ_id
 WHERE p.id = ANY(%(products)s)
"""

# tier moves of the batch's wallets (the tier a check had is the last move
# before it, else the first move's old tier, else the wallet's)
TIER_MOVES = """
SELECT h.wallet_id, h.date, h.old_tier_id, h.new_tier_id
  FROM loyalty_club_tier_history h
 WHERE h.wallet_id BETWEEN %(lo)s AND %(hi)s AND h.wallet_id = ANY(%(wallets)s)
 ORDER BY h.wallet_id, h.date, h.id
"""

# what the batch's wallets paid per day in the tier period before the start
PAID_BEFORE = """
SELECT t.wallet_id, (t.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date,
       SUM(t.paid_minor)::bigint
  FROM loyalty_club_transaction t
 WHERE t.wallet_id BETWEEN %(lo)s AND %(hi)s AND t.wallet_id = ANY(%(wallets)s)
   AND t.date >= %(since)s AND t.date < %(start)s
 GROUP BY 1, 2
"""
