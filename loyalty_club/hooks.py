import psycopg2

from odoo.tools import SQL


def post_init_hook(env):
    """Normalise the phones of existing contacts so that they are found at once."""
    partners = (
        env["res.partner"]
        .with_context(active_test=False)
        .search(["|", ("mobile", "!=", False), ("phone", "!=", False)])
    )
    partners._compute_club_phone()


def uninstall_hook(env):
    """Empty the club's tables before Odoo removes its records and drops them.

    The ledger keeps its rows with restrictive foreign keys (nothing financial is
    deleted by accident); uninstalling the club is the one moment everything goes,
    so the references are cut first and the tables emptied in an order the keys
    allow, instead of Odoo tripping over them one record at a time.
    """
    cr = env.cr
    tables = sorted(
        model._table
        for name, model in env.registry.items()
        if name.startswith("loyalty.club.") and model._auto and not model._abstract
    )
    cr.execute(
        """
        SELECT c.conrelid::regclass::text, a.attname
          FROM pg_constraint c
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY(c.conkey)
         WHERE c.contype = 'f' AND c.confrelid::regclass::text = ANY(%s)
           AND NOT a.attnotnull
        """,
        [tables],
    )
    for table, column in cr.fetchall():
        cr.execute(
            SQL(
                "UPDATE %s SET %s = NULL WHERE %s IS NOT NULL",
                SQL.identifier(table),
                SQL.identifier(column),
                SQL.identifier(column),
            )
        )
    pending = list(tables)
    for _round in range(len(tables)):
        for table in list(pending):
            try:
                with cr.savepoint(flush=False):
                    cr.execute(
                        SQL("DELETE FROM %s", SQL.identifier(table)),
                        log_exceptions=False,
                    )
                pending.remove(table)
            except psycopg2.IntegrityError:
                continue
        if not pending:
            break
