"""An old discount system's exports at any size, written set-based by
PostgreSQL (``COPY (SELECT ... FROM generate_series) TO STDOUT``): a members
file, a card file, a purchase history file and a products file, in cp1251
with semicolons as the sample in data/ (without its defects: every row is
good, so the figures are the import's, not the error file's).

    python benchmarks/import_files.py --members 1000000 --lines 10000000 \\
        --dir /tmp/club_import_bench

The files are the benchmark's input, written to /tmp (or .local), never to the
repository. Member ``i`` has the phone +7 9XX from ``i``, the card
2992 + ``i`` (EAN-13), a balance, an old discount of 3, 5 or 10 %; a check has
three lines (the last maybe fewer), six in ten are identified by the card, two
by the phone, two are anonymous.
"""

import argparse
import time
from pathlib import Path

import psycopg2

PRODUCTS = ("SHOE-01", "BAG-02", "SOCK-03")
# the EAN-13 check digit of a 12-digit text, in SQL
EAN = """(10 - (
    (substr(b, 1, 1)::int + substr(b, 3, 1)::int + substr(b, 5, 1)::int
     + substr(b, 7, 1)::int + substr(b, 9, 1)::int + substr(b, 11, 1)::int)
    + 3 * (substr(b, 2, 1)::int + substr(b, 4, 1)::int + substr(b, 6, 1)::int
     + substr(b, 8, 1)::int + substr(b, 10, 1)::int + substr(b, 12, 1)::int)
  ) %% 10) %% 10"""


def card(var):
    """The card number of member ``var`` (an SQL expression), in SQL."""
    return (
        f"(SELECT b || ({EAN})::text "
        f"FROM (SELECT '2992' || lpad(({var})::text, 8, '0') AS b) s)"
    )


# the phone of member i as an old system types it: 8 9XX XXX-XX-XX
PHONE = """('8 9' || substr(p, 1, 2) || ' ' || substr(p, 3, 3) || '-'
            || substr(p, 6, 2) || '-' || substr(p, 8, 2))"""

MEMBERS = f"""
SELECT i AS "Код", 'Участник ' || i AS "ФИО",
       (SELECT {PHONE} FROM (SELECT lpad(i::text, 9, '0') AS p) s) AS "Телефон",
       'm' || i || '@example.com' AS "E-mail",
       lpad((1 + i %% 28)::text, 2, '0') || '.' || lpad((1 + i %% 12)::text, 2, '0')
           || '.' || (1950 + i %% 50) AS "Дата рождения",
       lpad((1 + i %% 28)::text, 2, '0') || '.' || lpad((1 + i %% 12)::text, 2, '0')
           || '.' || (2015 + i %% 10) AS "Дата регистрации",
       'S0' || (1 + i %% 2) AS "Магазин",
       ((i * 7919) %% 500000 / 100)::text || ','
           || lpad(((i * 7919) %% 100)::text, 2, '0') AS "Баланс",
       '01.' || lpad((1 + i %% 11)::text, 2, '0') || '.2026' AS "Дата начисления",
       '31.12.2027' AS "Дата сгорания",
       (ARRAY[3, 5, 10])[1 + i %% 3] AS "Скидка %%",
       CASE WHEN i %% 3 = 0 THEN 'нет' ELSE 'да' END AS "СМС",
       '15.01.2020' AS "Дата согласия"
  FROM generate_series(1::bigint, %(members)s) AS i
"""
CARDS = f"""
SELECT {card("i")} AS "Номер карты",
       (SELECT {PHONE} FROM (SELECT lpad(i::text, 9, '0') AS p) s) AS "Телефон",
       CASE WHEN i %% 50 = 0 THEN 'заблокирована' ELSE 'активна' END
           AS "Статус карты"
  FROM generate_series(1::bigint, %(cards)s) AS i
"""
# a check's member: spread over the members by a multiplicative hash
CHECKS = f"""
SELECT 'B-' || c AS "Номер чека", 'S0' || (1 + c %% 2) AS "Магазин",
       lpad((1 + c %% 28)::text, 2, '0') || '.' || lpad((1 + c %% 11)::text, 2, '0')
           || '.2026 ' || lpad((9 + c %% 12)::text, 2, '0') || ':'
           || lpad((c %% 60)::text, 2, '0') AS "Дата",
       'продажа' AS "Операция",
       CASE WHEN c %% 10 IN (6, 7)
            THEN (SELECT {PHONE} FROM (SELECT lpad(m::text, 9, '0') AS p) s)
            END AS "Телефон",
       CASE WHEN c %% 10 < 6 THEN cards.code END AS "Карта",
       (ARRAY{list(PRODUCTS)})[1 + l %% 3] AS "Артикул", NULL AS "Штрихкод",
       1 + l %% 3 AS "Кол-во",
       (100 + (l * 7919) %% 9900)::text || ',00' AS "Сумма"
  FROM generate_series(1::bigint, %(lines)s) AS l
  CROSS JOIN LATERAL (SELECT (l + 2) / 3 AS c) k
  CROSS JOIN LATERAL (SELECT 1 + (c * 48271) %% %(members)s AS m) w
  LEFT JOIN bench_cards cards ON cards.i = w.m AND c %% 10 < 6
"""
PRODUCTS_FILE = """
SELECT code AS "Артикул", (ARRAY['Чёрный', 'Коричневый', 'Белый'])[n] AS "Цвет",
       (ARRAY['38', NULL, 'M'])[n] AS "Размер", 'Осень 2026' AS "Коллекция",
       (ARRAY['Ecco', 'Fiorelli', 'Ecco'])[n] AS "Бренд"
  FROM unnest(%(products)s::text[]) WITH ORDINALITY AS p(code, n)
"""


def copy_out(cr, query, params, path):
    """Write ``query``'s rows to ``path`` as a cp1251 CSV with a header."""
    sql = cr.mogrify(query, params).decode("cp1251")
    with open(path, "wb") as out:
        cr.copy_expert(
            f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, DELIMITER ';', HEADER)", out
        )


def write_files(dsn, folder, members, cards, lines):
    """{name: path} of the four files, written by PostgreSQL at ``dsn``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "members": folder / "members.csv",
        "cards": folder / "cards.csv",
        "checks": folder / "checks.csv",
        "products": folder / "products.csv",
    }
    params = {
        "members": members,
        "cards": cards,
        "lines": lines,
        "products": list(PRODUCTS),
    }
    conn = psycopg2.connect(dsn)
    try:
        conn.set_client_encoding("WIN1251")
        cr = conn.cursor()
        cr.execute(
            f"CREATE TEMP TABLE bench_cards AS SELECT i, {card('i')} AS code "
            "FROM generate_series(1::bigint, %s) AS i",
            [members],
        )
        cr.execute("ALTER TABLE bench_cards ADD PRIMARY KEY (i)")
        copy_out(cr, MEMBERS, params, paths["members"])
        copy_out(cr, CARDS, params, paths["cards"])
        copy_out(cr, CHECKS, params, paths["checks"])
        copy_out(cr, PRODUCTS_FILE, params, paths["products"])
        conn.rollback()
    finally:
        conn.close()
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--cards", type=int, help="default: one per member")
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--dir", default="/tmp/club_import_bench")
    parser.add_argument(
        "--dsn", default="host=127.0.0.1 user=odoo password=odoo dbname=postgres"
    )
    args = parser.parse_args(argv)
    start = time.monotonic()
    paths = write_files(
        args.dsn, args.dir, args.members, args.cards or args.members, args.lines
    )
    for name, path in paths.items():
        print(f"{name}: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    print(f"written in {time.monotonic() - start:.1f} s")


if __name__ == "__main__":
    main()
