"""SQL helpers of the generator: a seeded integer mix, id ranges, bulk loading.

Plain Python (no Odoo import): the cursor is any DB-API cursor with ``execute``
and ``fetchall`` (Odoo's or psycopg2's).
"""

import time
from contextlib import contextmanager

MOD = 2**31


def mix(x, salt):
    """A seeded, well-mixed 31-bit hash of an integer: the Python twin of mix_sql."""
    v = (x * 1103515245 + 12345 + salt * 2654435) % MOD
    v = ((v ^ (v >> 15)) * 2654435) % MOD
    return v ^ (v >> 13)


def mix_sql(expr, salt):
    """SQL expression of :func:`mix` over an integer SQL expression."""
    if not isinstance(salt, int):
        raise TypeError("salt must be an int")
    # mod() rather than the % operator: the queries also carry %(name)s parameters
    v1 = f"mod(({expr})::bigint * 1103515245 + {12345 + salt * 2654435}, {MOD})"
    v2 = f"mod((({v1}) # (({v1}) >> 15)) * 2654435, {MOD})"
    return f"((({v2}) # (({v2}) >> 13))::int)"


def phone_multiplier(seed):
    """An odd multiplier prime to 10: i -> (a*i + b) mod 10**9 is a bijection."""
    a = 100_000_007 + 2 * (mix(seed, 1) % 400_000_000)
    while a % 5 == 0:
        a += 2
    return a, mix(seed, 2) % 10**9


def phone_e164(i, seed):
    """The E.164 mobile of member ``i``: +79 and nine digits, unique per member."""
    a, b = phone_multiplier(seed)
    return f"+79{(i * a + b) % 10**9:09d}"


def phone_sql(expr, seed):
    """(e164, typed mobile) SQL expressions of member ``expr``'s phone."""
    a, b = phone_multiplier(seed)
    d = f"lpad(mod(({expr})::bigint * {a} + {b}, 1000000000)::text, 9, '0')"
    e164 = f"('+79' || {d})"
    typed = (
        f"('+7 9' || substr({d}, 1, 2) || ' ' || substr({d}, 3, 3) || '-' || "
        f"substr({d}, 6, 2) || '-' || substr({d}, 8, 2))"
    )
    return e164, typed


def quote_ident(name):
    return '"' + name.replace('"', '""') + '"'


def reserve_ids(cr, table, count):
    """Take ``count`` consecutive ids of ``table``'s sequence; return the first."""
    cr.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    seq = cr.fetchall()[0][0]
    cr.execute("SELECT nextval(%s)", [seq])
    first = cr.fetchall()[0][0]
    if count > 1:
        cr.execute("SELECT setval(%s, %s)", [seq, first + count - 1])
    return first


def missing_required(cr, table, columns):
    """NOT NULL columns without default that an INSERT over ``columns`` leaves out.

    The generator fails loudly (instead of inserting bad rows) when another
    engineer adds a required column that it does not know yet.
    """
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND is_nullable = 'NO' AND column_default IS NULL",
        [table],
    )
    return sorted({row[0] for row in cr.fetchall()} - set(columns) - {"id"})


def insert_select(cr, table, columns, select, params=None):
    """INSERT INTO table (columns) <select>; refuse when a required column is left
    out. Return the row count."""
    missing = missing_required(cr, table, columns)
    if missing:
        raise RuntimeError(
            f"{table} has required columns the generator does not fill: "
            f"{', '.join(missing)}; teach benchmarks/datagen*.py about them."
        )
    cols = ", ".join(quote_ident(c) for c in columns)
    cr.execute(f"INSERT INTO {quote_ident(table)} ({cols}) {select}", params or {})
    return cr.rowcount


@contextmanager
def relaxed(cr, tables, log=None):
    """Bulk-load recipe of PostgreSQL's manual: drop the foreign keys and plain
    indexes of ``tables``, load, then re-create them. Re-adding a foreign key
    validates every row in one set-based pass, so each constraint still holds;
    primary keys, unique and CHECK constraints stay in place during the load."""
    saved = []
    for table in tables:
        cr.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        fks = cr.fetchall()
        cr.execute(
            "SELECT c.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class c ON c.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
            "AND NOT x.indisunique AND NOT x.indisprimary",
            [table],
        )
        indexes = cr.fetchall()
        for name, _definition in fks:
            cr.execute(
                f"ALTER TABLE {quote_ident(table)} DROP CONSTRAINT {quote_ident(name)}"
            )
        for name, _definition in indexes:
            cr.execute(f"DROP INDEX {quote_ident(name)}")
        saved.append((table, fks, indexes))
    yield
    start = time.monotonic()
    for table, fks, indexes in saved:
        for _name, definition in indexes:
            cr.execute(definition)
        for name, definition in fks:
            cr.execute(
                f"ALTER TABLE {quote_ident(table)} ADD CONSTRAINT {quote_ident(name)} "
                f"{definition}"
            )
    if log and saved:
        log(f"indexes and foreign keys re-created in {time.monotonic() - start:.1f} s")
