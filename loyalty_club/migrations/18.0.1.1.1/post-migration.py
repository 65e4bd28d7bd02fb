"""The nightly expiry runs as two cron jobs, each on half of the wallets.

18.0.1.1.1 added the second job (``cron_expire_lots_2``: ``parts=2, part=1``) and
gave the first one ``part=0``. The cron records are ``noupdate``: an upgraded
database keeps the first job's old code, which expires every wallet and would
queue on the second job's wallet locks. Its code is set here, unless someone
changed it by hand.
"""

import logging

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        UPDATE ir_act_server a
           SET code = 'model._cron_expire(part=0, parts=2)'
          FROM ir_cron c
          JOIN ir_model_data d ON d.model = 'ir.cron' AND d.res_id = c.id
         WHERE a.id = c.ir_actions_server_id AND d.module = 'loyalty_club'
           AND d.name = 'cron_expire_lots'
           AND btrim(a.code) = 'model._cron_expire()'
        """
    )
    if cr.rowcount:
        _logger.info("loyalty_club: the expiry job now does the first half of wallets")
