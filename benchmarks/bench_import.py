"""Moving-in benchmark (issue 19): an old system's exports of N members with their
cards and M purchase history lines, imported by ``./club import`` (the back
office's job), rows per second per stage, and a resume after the process is
killed in the middle of the members' batches.

    python benchmarks/bench_import.py --members 100000 --lines 1000000 \\
        --db DB -- <odoo-bin shell command...>

The files are written in cp1251 with semicolons, as the sample in data/; the
database gets a program "Import bench" with three tiers, two stores, three
products and the template "Bench 1C" (old discounts 3/5/10 %).
"""

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "loyalty_club"))  # the domain core without Odoo

from domain.cards import make_ean13  # noqa: E402

from benchmarks.datagen_sql import phone_e164  # noqa: E402

MEMBER_HEADER = (
    "Код;ФИО;Телефон;E-mail;Дата рождения;Дата регистрации;Магазин;Номер карты;"
    "Статус карты;Баланс;Дата начисления;Дата сгорания;Скидка %;СМС;Дата согласия"
)
CHECK_HEADER = (
    "Номер чека;Магазин;Дата;Операция;Телефон;Карта;Артикул;Штрихкод;Кол-во;Сумма"
)
NAMES = ["Иванова Мария", "Петренко Олег", "Коваленко Наталія", "Сидоров Иван"]
SEED = 19
SETUP = """
env = globals()["env"]
Program = env["loyalty.club.program"]
program = Program.search([("name", "=", "Import bench")], limit=1)
if not program:
    program = Program.create({"name": "Import bench", "sequence": 100,
                              "pending_days": 0, "expiry_days": 365})
    tiers = env["loyalty.club.tier"].create([
        {"program_id": program.id, "name": n, "threshold": t}
        for n, t in (("Silver", 0), ("Gold", 20000), ("Platinum", 100000))])
    env["loyalty.club.import.template"].create({
        "name": "Bench 1C", "source": "Bench 1C", "kind": "members",
        "program_id": program.id,
        "tier_map_ids": [(0, 0, {"discount": d, "tier_id": t.id})
                         for d, t in zip((3, 5, 10), tiers)]})
company = program.company_id
for code in ("S01", "S02"):
    if not env["loyalty.club.store"].search([("code", "=", code),
                                             ("company_id", "=", company.id)]):
        env["loyalty.club.store"].create({"name": "Bench " + code, "code": code})
for code in ("SHOE-01", "BAG-02", "SOCK-03"):
    if not env["product.product"].search([("default_code", "=", code)]):
        env["product.product"].create({"name": code, "default_code": code})
env.cr.commit()
print("PROGRAM", program.id)
"""


def write_members(path, count):
    rnd = random.Random(SEED)
    with open(path, "w", encoding="cp1251", newline="") as out:
        out.write(MEMBER_HEADER + "\r\n")
        for i in range(1, count + 1):
            phone = phone_e164(i, SEED)
            typed = f"8 {phone[2:5]} {phone[5:8]}-{phone[8:10]}-{phone[10:]}"
            balance = rnd.randint(0, 500000)
            out.write(
                f"{i};{NAMES[i % 4]} {i};{typed};m{i}@example.com;"
                f"{1 + i % 28:02d}.{1 + i % 12:02d}.{1950 + i % 50};"
                f"{1 + i % 28:02d}.{1 + i % 12:02d}.{2015 + i % 10};"
                f"S0{1 + i % 2};{make_ean13('2992', i)};активна;"
                f"{balance // 100} {balance % 100:02d},{rnd.randint(0, 99):02d};"
                f"01.{1 + i % 11:02d}.2026;31.12.2027;{(3, 5, 10)[i % 3]};"
                f"{'да' if i % 3 else 'нет'};15.01.2020\r\n"
            )


def write_checks(path, lines, members):
    rnd = random.Random(SEED + 1)
    products = ("SHOE-01", "BAG-02", "SOCK-03")
    with open(path, "w", encoding="cp1251", newline="") as out:
        out.write(CHECK_HEADER + "\r\n")
        written, number = 0, 0
        while written < lines:
            number += 1
            member = rnd.randint(1, members)
            card = make_ean13("2992", member) if rnd.random() < 0.7 else ""
            day = f"{1 + number % 28:02d}.{1 + number % 11:02d}.2026"
            store = f"S0{1 + number % 2}"
            for _ in range(min(rnd.randint(1, 5), lines - written)):
                out.write(
                    f"B-{number};{store};{day} 12:{number % 60:02d};продажа;;{card};"
                    f"{rnd.choice(products)};;{rnd.randint(1, 3)};"
                    f"{rnd.randint(100, 9999)},00\r\n"
                )
                written += 1
    return number


def shell(odoo, script, options=None, kill_after=None):
    """Run a script in the Odoo shell; with ``kill_after`` (seconds) the process is
    killed (SIGKILL) meanwhile, as a crash would. Returns (output, seconds)."""
    env = dict(os.environ)
    if options is not None:
        env["CLUB_IMPORT_ARGS"] = json.dumps(options)
    start = time.monotonic()
    proc = subprocess.Popen(
        odoo,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    proc.stdin.write(script)
    proc.stdin.close()
    if kill_after:
        time.sleep(kill_after)
        os.killpg(proc.pid, signal.SIGKILL)
    output = proc.stdout.read()
    proc.wait()
    return output, time.monotonic() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--kill-after", type=float, default=0, help="s, 0: none")
    parser.add_argument("--dir", default="/tmp/club_import_bench")
    parser.add_argument("odoo", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    odoo = [a for a in args.odoo if a != "--"]
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    members, checks = folder / "members.csv", folder / "checks.csv"
    start = time.monotonic()
    write_members(members, args.members)
    count = write_checks(checks, args.lines, args.members)
    print(
        f"files: {args.members} members, {args.lines} lines in {count} checks "
        f"({time.monotonic() - start:.0f} s)",
        flush=True,
    )
    output, _s = shell(odoo, SETUP)
    program = re.search(r"PROGRAM (\d+)", output)
    if not program:
        raise SystemExit(output[-3000:])
    script = (ROOT / "tools" / "club_import.py").read_text(encoding="utf-8")
    base = {
        "program": int(program.group(1)),
        "batch_size": args.batch_size,
        "date": "2026-12-01",
        "fresh": False,
    }
    runs = [("members", members, {"template": "Bench 1C"})]
    runs.append(("checks", checks, {}))
    for kind, path, extra in runs:
        options = dict(base, file=str(path), kind=kind, **extra)
        if kind == "members" and args.kill_after:
            out, seconds = shell(odoo, script, options, kill_after=args.kill_after)
            print(f"--- {kind}: killed after {seconds:.0f} s\n{_tail(out)}", flush=True)
        out, seconds = shell(odoo, script, options)
        print(f"--- {kind}: {seconds:.0f} s\n{_tail(out)}", flush=True)


def _tail(output):
    keep = [
        line
        for line in output.splitlines()
        if line.startswith(("dry run", "imported", "resuming", "stopped", "import "))
        or "rows/s" in line
        and line.startswith("batch")
        and line.split("/")[0].endswith(("0", "5"))
    ]
    return "\n".join(keep[-12:])


if __name__ == "__main__":
    main()
