"""Shared ground of ./club: paths, errors, running commands, system packages."""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCAL = ROOT / ".local"
VENV = LOCAL / "venv"
ODOO_LINK = LOCAL / "odoo"
DEFAULT_ARCHIVE = ROOT.parent / "shared" / "odoo" / "odoo-18.0.tar.xz"
CONF = ROOT / "odoo.conf"
ADDONS = [
    "loyalty_club",
    "loyalty_club_pos",
    "loyalty_club_reports",
    "loyalty_club_nps",
    "loyalty_club_campaign",
    "loyalty_club_sale",
    "loyalty_club_website",
    "loyalty_club_pos_sale",
    "loyalty_club_pos_loyalty",
]
# installs itself beside Odoo's pos_loyalty, which the demo chain has not
POS_LOYALTY_BRIDGE = "loyalty_club_pos_loyalty"
# the demo chain (l10n_ua): what ./club run shows; tested in a database of its own
DEMO_ADDON = "loyalty_club_demo"
RUN_ADDONS = [*(a for a in ADDONS if a != POS_LOYALTY_BRIDGE), DEMO_ADDON]
DB_DEMO_TEST = "loyalty_club_demo_test"
DB_RUN = "loyalty_club"
DB_TEST = "loyalty_club_test"
PG_OS_USER = "loyaltyclub"
PG_ROLE = PG_PASSWORD = "odoo"
PG_PORT = int(os.environ.get("CLUB_PG_PORT", "5432"))
HTTP_PORT = 8069
TEST_HTTP_PORT = 8169
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


class ClubError(Exception):
    """A problem the user can fix; printed as one sentence."""


def say(msg):
    print(f"club: {msg}", flush=True)


def _last_started(log):
    """The last test a log says was started ('' if none): where a hang sits."""
    started = ""
    if log:
        with open(log, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if ": Starting " in line:
                    started = line.split(": Starting ", 1)[1].strip()
    return started


def run(cmd, log=None, check=True, env=None, timeout=None, **kw):
    """Run a command; with ``log`` its output goes to that file.

    ``timeout`` (seconds): a command still running then is killed and reported,
    so a hung test fails the run instead of eating CI's whole time budget.
    """
    cmd = [str(c) for c in cmd]
    try:
        if log:
            with open(log, "a", encoding="utf-8") as fh:
                fh.write(f"\n$ {' '.join(cmd)}\n")
                fh.flush()
                proc = subprocess.run(
                    cmd,
                    stdout=fh,
                    stderr=subprocess.STDOUT,
                    env=env,
                    check=False,
                    timeout=timeout,
                    **kw,
                )
        else:
            proc = subprocess.run(cmd, env=env, check=False, timeout=timeout, **kw)
    except subprocess.TimeoutExpired as exc:
        where = _last_started(log)
        where = f"; the last test started was {where}" if where else ""
        raise ClubError(
            f"`{' '.join(cmd[:4])} ...` did not finish within {timeout // 60} "
            f"minutes and was stopped{where} (see {log})."
        ) from exc
    if check and proc.returncode:
        where = f" (see {log})" if log else ""
        raise ClubError(f"`{' '.join(cmd[:4])} ...` failed{where}.")
    return proc


# ---------------------------------------------------------------- system packages


APT_FOR = {
    "build": ["libldap2-dev", "libsasl2-dev", "libpq-dev"],
    "postgres": ["postgresql"],
    "browser": ["chromium"],
    "pdf": ["wkhtmltopdf"],
}


def _deb_installed(name):
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", name],
        capture_output=True,
        text=True,
        check=False,
    )
    return "install ok installed" in out.stdout


def ensure_system(needs):
    if not shutil.which("dpkg-query"):
        return  # not Debian: the user installs the packages README lists
    missing = [p for need in needs for p in APT_FOR[need] if not _deb_installed(p)]
    has_pg = any(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")) or shutil.which(
        "pg_ctl"
    )
    if "postgres" in needs and has_pg:
        missing = [p for p in missing if p != "postgresql"]
    if not missing:
        return
    if not (IS_ROOT and shutil.which("apt-get")):
        raise ClubError(
            f"missing system packages: {' '.join(missing)}; install them "
            f"(sudo apt-get install {' '.join(missing)}) and retry."
        )
    say(f"installing system packages: {' '.join(missing)} ...")
    log = LOCAL / "apt.log"
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], log=log, env=env)
    run(["apt-get", "install", "-y", "-qq", *missing], log=log, env=env)
