"""Figures to tables: percentiles, goals and the Markdown of results/latest.md.

Plain Python (standard library only): ``run.py`` uses it outside Odoo, the
Odoo-free tests import it, the driver stores raw figures and never formats.
"""

import os
import platform
import re

# the markers of the generated block in docs/benchmarks.md
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
VARIANTS = {
    "plain": "plain POS",
    "club": "ours (loyalty_club_pos)",
    "club_sms": "ours, purchase SMS on",
    "club_bonus": "ours, part paid with bonuses",
    "loyalty": "Odoo pos_loyalty",
}
GOAL_LEVEL = 1_000_000  # goals speak of 1M members, lots and cards


def shared(machine):
    """True when others loaded the machine: the run itself keeps about one core
    busy (Odoo's process and its PostgreSQL backend)."""
    load = machine.get("load_max")
    return bool(load) and load > (machine.get("cores") or 1) + 1


def percentile(samples, q):
    """Linear-interpolated percentile (q in 0..100) of a non-empty sample."""
    data = sorted(samples)
    if not data:
        raise ValueError("no samples")
    pos = (len(data) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (pos - low)


def summarize(samples, prefix, figures):
    """Store n, mean, p50, p95 and p99 of ``samples`` under ``prefix``."""
    figures[f"{prefix}.n"] = len(samples)
    figures[f"{prefix}.mean"] = sum(samples) / len(samples)
    for q in (50, 95, 99):
        figures[f"{prefix}.p{q}"] = percentile(samples, q)


def ms(seconds):
    return "n/a" if seconds is None else f"{seconds * 1000:,.1f} ms"


def secs(seconds):
    return "n/a" if seconds is None else f"{seconds:,.1f} s"


def size(nbytes):
    return "n/a" if nbytes is None else f"{nbytes / 1e6:,.2f} MB"


def ratio(value, base):
    if value is None or not base:
        return "n/a"
    return f"{value / base:.2f}x"


def count(n):
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return f"{n:,}"


def machine():
    """CPU model, cores, RAM and OS of this machine (Linux /proc when present)."""
    cpu, ram = platform.processor() or platform.machine(), None
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("MemTotal"):
                    ram = int(line.split()[1]) * 1024
                    break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram_gb": round(ram / 2**30, 1) if ram else None,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def replace_block(text, block):
    """``text`` with what lies between the bench markers replaced by ``block``."""
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise ValueError(f"no {START} ... {END} block in the text")
    return pattern.sub(lambda _m: f"{START}\n{block.strip()}\n{END}", text, count=1)
