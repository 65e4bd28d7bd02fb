"""Drop the field indexes the club's models no longer ask for.

Odoo creates ``<table>__<column>_index`` for a field with ``index=True`` but never
drops it when a later version takes the index away. 18.0.1.1.0 took it away from
the ledger's ``wallet_id`` and ``kind`` and the lots' ``expires_on`` (composite
and partial indexes serve those reads now), and every ledger insert of the expiry
job paid for them; a fresh install has none of them, an upgraded database must
not keep them either. The flag is read from ``ir_model_fields`` after the update,
so only indexes no field of ours wants any more are dropped.
"""

import logging

_logger = logging.getLogger(__name__)

STALE_INDEXES = """
SELECT i.indexname
  FROM ir_model_fields f
  JOIN ir_model m ON m.id = f.model_id
  JOIN pg_indexes i ON i.tablename = replace(m.model, '.', '_')
       AND i.indexname = replace(m.model, '.', '_') || '__' || f.name || '_index'
 WHERE f.store AND NOT COALESCE(f.index, false) AND m.model LIKE 'loyalty.club.%%'
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute(STALE_INDEXES)
    for (name,) in cr.fetchall():
        _logger.info("loyalty_club: dropping index %s no field asks for", name)
        cr.execute(f'DROP INDEX IF EXISTS "{name}"')
