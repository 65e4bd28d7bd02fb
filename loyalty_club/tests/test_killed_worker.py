"""A worker killed in the middle of a sale, and the channel retrying with the
same Idempotency-Key: exactly one effect, whichever side of the commit the
worker died on.

The worker is a real separate Odoo process on the same database (``odoo-bin
shell``), killed with SIGKILL as an OOM killer or a container restart would:
before its commit PostgreSQL throws its transaction away and the retry books
the sale; after its commit (the answer never left) the retry is answered from
the check it stored, and nothing is booked twice.
"""

import os
import signal
import subprocess
import sys
import textwrap

import odoo
from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import config

from .common import CommittedMember

WORKER = """
import sys, time
payload = {payload!r}
env["loyalty.club.service"].sudo().confirm(payload, {key!r})
if {commit!r}:
    env.cr.commit()
print("booked", flush=True)
time.sleep(60)  # killed here: the answer never leaves
"""


@tagged("post_install", "-at_install")
class TestKilledWorker(CommittedMember, TransactionCase):
    def _payload(self):
        return {
            "program_id": self.program_id,
            "wallet_id": self.wallet_id,
            "lines": [{"amount": "1000.00"}],
            "burn": 300,
            "strict": True,
        }

    def _worker(self, key, commit):
        """Start a worker that books the sale and dies on SIGKILL after it
        said "booked" (before or after its commit)."""
        odoo_bin = os.path.join(os.path.dirname(odoo.__path__[0]), "odoo-bin")
        args = [
            sys.executable,
            odoo_bin,
            "shell",
            "--no-http",
            "--log-level=warn",
            f"--addons-path={config['addons_path']}",
            f"--data-dir={config['data_dir']}",
            "-d",
            self.dbname,
        ]
        for option in ("db_host", "db_port", "db_user", "db_password"):
            if config[option]:
                args.append(f"--{option}={config[option]}")
        script = textwrap.dedent(
            WORKER.format(payload=self._payload(), key=key, commit=commit)
        )
        worker = subprocess.Popen(  # noqa: S603 - our own Odoo, fixed arguments
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        )
        self.addCleanup(lambda: worker.poll() is None and worker.kill())
        worker.stdin.write(script)
        worker.stdin.close()
        for line in worker.stdout:  # the shell's banner, then the script's
            if line.strip() == "booked":
                break
        else:
            self.fail("the worker stopped before booking the sale")
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(30)

    def _retry(self, key):
        with self.registry.cursor() as cr:
            cr.transaction = api.Transaction(self.registry)
            env = api.Environment(cr, SUPERUSER_ID, {})
            answer = env["loyalty.club.service"].confirm(self._payload(), key)
        return answer

    def _effects(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT kind, count(*), sum(amount_minor) FROM loyalty_club_ledger "
                "WHERE wallet_id = %s AND kind IN ('earn', 'burn') GROUP BY kind",
                [self.wallet_id],
            )
            ledger = {kind: (count, total) for kind, count, total in cr.fetchall()}
            cr.execute(
                "SELECT count(*) FROM loyalty_club_transaction WHERE wallet_id = %s",
                [self.wallet_id],
            )
            checks = cr.fetchone()[0]
            cr.execute(
                "SELECT available_minor FROM loyalty_club_wallet WHERE id = %s",
                [self.wallet_id],
            )
            available = cr.fetchone()[0]
        return ledger, checks, available

    def test_killed_before_its_commit_the_retry_books_once(self):
        self._worker("killed-before-commit", commit=False)
        ledger, checks, _available = self._effects()
        self.assertEqual((ledger, checks), ({}, 0), "the dead transaction is gone")
        answer = self._retry("killed-before-commit")
        self.assertFalse(answer["replayed"])
        ledger, checks, available = self._effects()
        self.assertEqual(ledger["burn"], (1, -30000))
        self.assertEqual(ledger["earn"], (1, 7000), "10% of the 700 paid")
        self.assertEqual(checks, 1)
        self.assertEqual(available, 100000 - 30000 + 7000)

    def test_killed_after_its_commit_the_retry_is_answered_once(self):
        self._worker("killed-after-commit", commit=True)
        booked = self._effects()
        self.assertEqual(booked[0]["burn"], (1, -30000), "the sale was committed")
        answer = self._retry("killed-after-commit")
        self.assertTrue(answer["replayed"], "answered from the stored check")
        self.assertEqual(answer["burn"], 300.0)
        self.assertEqual(self._effects(), booked, "nothing booked twice")
