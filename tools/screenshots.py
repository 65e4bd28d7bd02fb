"""Screenshots of the demo chain for the README, taken from a running Odoo.

Needs the demo (``loyalty_club_demo``, which ``./club run`` installs) and
Chromium. Each picture is taken as the user who sees that screen: the Хрещатик
till as its cashier ``kroky.k01`` (Ukrainian) with a Gold member identified by
card, the member's form, the club dashboard and the members map as ``admin``,
the member's cabinet ``/my/club`` as ``kroky.member``. The session logs in over
JSON-RPC and hands its cookie to a headless Chromium driven over the DevTools
protocol (``websocket-client`` and ``requests`` come with Odoo); each page is
saved once no spinner is left.

    .local/venv/bin/python tools/screenshots.py [--url http://127.0.0.1:8069]
        [--db loyalty_club] [--out docs/screenshots] [--only demo_pos.png ...]

Opening the till opens its POS session (as a cashier would); the order typed
there stays a draft in the browser, nothing is sold.
"""

import argparse
import base64
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import requests
import websocket

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
WIDTH, HEIGHT = 1400, 900
# what is still loading: Odoo's busy indicator, spinners, the POS's loader
BUSY = (
    ".o_loading_indicator, .o_blockUI, .fa-spin, .o_spinner, .o-spinner, "
    ".pos-loader:not(.d-none), .o_loading"
)
# the Хрещатик store of the demo chain, and the cashiers' and member's logins
STORE_CODE = "K01"
CASHIER = "kroky.k01"
PORTAL = "kroky.member"
TIMEZONE = "Europe/Kyiv"


class Odoo:
    """A JSON-RPC session of one user."""

    def __init__(self, url, db, login, password):
        self.url = url
        self.http = requests.Session()
        try:
            reply = self.http.post(
                f"{url}/web/session/authenticate",
                json={"params": {"db": db, "login": login, "password": password}},
                timeout=120,
            ).json()
        except (requests.ConnectionError, ValueError) as exc:
            raise SystemExit(
                f"no Odoo answers at {url} ({exc.__class__.__name__}): start it "
                "with ./club run (or give --url and --db)"
            ) from exc
        if reply.get("error") or not (reply.get("result") or {}).get("uid"):
            message = (reply.get("error") or {}).get("data", {}).get("message")
            raise SystemExit(
                f"cannot log in to {url} (database {db!r}) as {login!r}: "
                f"{message or 'wrong login or password'}"
            )
        self.cookie = self.http.cookies["session_id"]

    def call(self, model, method, *args, **kwargs):
        reply = self.http.post(
            f"{self.url}/web/dataset/call_kw/{model}/{method}",
            json={
                "params": {
                    "model": model,
                    "method": method,
                    "args": list(args),
                    "kwargs": kwargs,
                }
            },
            timeout=120,
        ).json()
        if reply.get("error"):
            raise SystemExit(f"{model}.{method}: {reply['error']['data']['message']}")
        return reply["result"]

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        return self.call("ir.model.data", "check_object_reference", module, name)[1]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Browser:
    """A headless Chromium with one page, driven over the DevTools protocol."""

    def __init__(self, binary):
        port = free_port()
        self.profile = tempfile.mkdtemp(prefix="club-shots-")
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--no-first-run",
                "--lang=en-US",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        page = None
        for _attempt in range(150):
            try:
                targets = requests.get(
                    f"http://127.0.0.1:{port}/json", timeout=2
                ).json()
                page = next(t for t in targets if t["type"] == "page")
                break
            except (requests.ConnectionError, StopIteration):
                time.sleep(0.2)
        if page is None:
            self.close()
            raise SystemExit(f"{binary} did not start its DevTools endpoint")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=120)
        self.ids = 0
        self.send("Page.enable")
        self.send("Network.enable")
        # the chain's clock: the web client shows times in the browser's zone
        self.send("Emulation.setTimezoneOverride", {"timezoneId": TIMEZONE})
        self.resize(HEIGHT)

    def send(self, method, params=None):
        self.ids += 1
        self.ws.send(
            json.dumps({"id": self.ids, "method": method, "params": params or {}})
        )
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.ids:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def resize(self, height):
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": WIDTH, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
        )
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"].get("text", expression))
        return result.get("result", {}).get("value")

    def open(self, url, cookie):
        """Go to ``url`` as the user whose session cookie is given."""
        host = urllib.parse.urlparse(url).hostname
        self.send("Network.clearBrowserCookies")
        self.send(
            "Network.setCookie",
            {"name": "session_id", "value": cookie, "domain": host, "path": "/"},
        )
        self.send("Page.navigate", {"url": url})

    def wait_for(self, selector, timeout=120):
        expression = f"!!document.querySelector({json.dumps(selector)})"
        started = time.time()
        while time.time() - started < timeout:
            if self.evaluate(expression):
                return
            time.sleep(0.5)
        raise TimeoutError(f"{selector!r} did not appear in {timeout} s")

    def click(self, selector, timeout=120):
        self.wait_for(selector, timeout)
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    def type(self, selector, text):
        """Type into an input as the keyboard would (OWL's t-model follows)."""
        self.wait_for(selector)
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.send("Input.insertText", {"text": text})

    def settle(self, timeout=120, quiet=1.5):
        """Wait until nothing visible is loading, then a moment for charts."""
        expression = (
            f"[...document.querySelectorAll({json.dumps(BUSY)})]"
            ".some(el => el.offsetParent !== null)"
        )
        started = time.time()
        while time.time() - started < timeout:
            if not self.evaluate(expression):
                break
            time.sleep(0.5)
        self.evaluate("document.fonts.ready.then(() => true)")
        time.sleep(quiet)

    def save(self, path):
        shot = self.send("Page.captureScreenshot", {"format": "png"})
        path.write_bytes(base64.b64decode(shot["data"]))
        print("saved", path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    def close(self):
        if getattr(self, "ws", None):
            self.ws.close()
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


# ---------------------------------------------------------------- the pictures
def demo_facts(admin):
    """The till of the Хрещатик store and a Gold member with a physical card."""
    configs = admin.call(
        "pos.config",
        "search_read",
        [("club_store_id.code", "=", STORE_CODE)],
        ["id", "club_program_id"],
        limit=1,
    )
    if not configs:
        raise SystemExit(
            f"no till of the store {STORE_CODE}: is loyalty_club_demo installed?"
        )
    program = configs[0]["club_program_id"][0]
    gold = admin.call(
        "loyalty.club.tier",
        "search_read",
        [("program_id", "=", program)],
        ["id"],
        order="threshold desc",
        limit=1,
    )
    wallets = admin.call(
        "loyalty.club.wallet",
        "search_read",
        [("program_id", "=", program), ("tier_id", "=", gold[0]["id"])],
        ["partner_id"],
        order="balance_available desc",
        limit=50,
    )
    partners = [wallet["partner_id"][0] for wallet in wallets]
    cards = {
        card["partner_id"][0]: card["code"]
        for card in admin.call(
            "loyalty.club.card",
            "search_read",
            [
                ("program_id", "=", program),
                ("partner_id", "in", partners),
                ("state", "=", "active"),
                ("kind", "=", "physical"),
            ],
            ["partner_id", "code"],
        )
    }
    member = next((p for p in partners if p in cards), None)
    if member is None:
        raise SystemExit("the demo has no Gold member with a plastic card")
    return {
        "config": configs[0]["id"],
        "member": member,
        "card": cards[member],
    }


def open_register(browser, timeout=180):
    """The cashier opens the register; the session's first opening asks for the
    cash in the drawer."""
    started = time.time()
    while not browser.evaluate(
        "!!document.querySelector('.product-list') && !document.querySelector('.modal')"
    ):
        if time.time() - started > timeout:
            raise TimeoutError(f"the till did not open in {timeout} s")
        if browser.evaluate("!!document.querySelector('.modal .opening-notes')"):
            browser.click(".modal .modal-footer .btn-primary")
        elif browser.evaluate(
            "!!document.querySelector('.screen-login .open-register-btn')"
        ):
            browser.click(".screen-login .open-register-btn")
        time.sleep(1)


def shot_pos(browser, url, cashier, facts):
    """The Хрещатик till: two pairs of shoes and a jacket, the member found by card."""
    browser.open(f"{url}/pos/ui?config_id={facts['config']}", cashier.cookie)
    open_register(browser)
    browser.settle()
    # two pairs of shoes (the running promotion's ×3) and a piece of clothing;
    # variants go on directly, without the configurator
    browser.evaluate(
        """(async () => {
            const pos = window.posmodel;
            const seen = new Set();
            // the first variant of each article of the chain's own categories
            const articles = pos.models["product.product"].getAll().filter((p) => {
                const first = !seen.has(p.raw.product_tmpl_id);
                seen.add(p.raw.product_tmpl_id);
                return first && p.lst_price > 0;
            });
            const inCategory = (name) => articles.filter(
                (p) => p.pos_categ_ids.some((c) => c.name === name));
            const picked = [
                ...inCategory("Взуття").slice(-2),
                ...inCategory("Одяг").slice(0, 1),
            ];
            for (const product of picked) {
                await pos.addLineToCurrentOrder({ product_id: product }, {}, false);
            }
            // the shelf of shoes, as the cashier left it
            const shoes = pos.models["pos.category"].find((c) => c.name === "Взуття");
            if (shoes) {
                pos.setSelectedCategory(shoes.id);
            }
            return picked.length;
        })()"""
    )
    browser.click(".control-buttons .club-button")
    browser.type(".modal .club-identifier-input", facts["card"])
    browser.click(".modal .club-find")
    browser.wait_for(".club-panel .club-earn")
    browser.settle()


def shot_member(browser, url, admin, facts):
    browser.open(
        f"{url}/odoo/action-loyalty_club.res_partner_action_members/{facts['member']}",
        admin.cookie,
    )
    # the club's tab, scrolled up under the breadcrumb that names the member
    browser.click('.o_notebook .nav-link[name="loyalty_club"]')
    browser.wait_for(".o_notebook .tab-pane.active .o_field_widget")
    browser.evaluate("document.querySelector('.o_notebook').scrollIntoView()")
    browser.settle()


def shot_dashboard(browser, url, admin, _facts):
    dashboard = admin.ref("loyalty_club_reports.spreadsheet_dashboard_loyalty_club")
    browser.open(
        f"{url}/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action"
        f"?dashboard_id={dashboard}",
        admin.cookie,
    )
    browser.wait_for(".o_renderer .o-figure canvas")
    browser.settle(quiet=3)


def shot_map(browser, url, admin, _facts):
    browser.open(
        f"{url}/odoo/action-loyalty_club_reports.loyalty_club_geo_map_action",
        admin.cookie,
    )
    browser.wait_for(".o_club_geo_city circle")
    browser.settle()


def shot_cohorts(browser, url, admin, _facts):
    browser.open(
        f"{url}/odoo/action-loyalty_club_reports.loyalty_club_cohort_report_action",
        admin.cookie,
    )
    browser.wait_for(".o_pivot table")
    browser.settle()


def shot_portal(browser, url, member, _facts):
    browser.open(f"{url}/my/club", member.cookie)
    browser.wait_for(".o_club_next_tier, #wrap .card")
    browser.settle()


# file, who takes it, how
SHOTS = [
    ("demo_pos.png", "cashier", shot_pos),
    ("demo_member.png", "admin", shot_member),
    ("demo_dashboard.png", "admin", shot_dashboard),
    ("demo_map.png", "admin", shot_map),
    ("demo_portal.png", "member", shot_portal),
    # docs/analytics.md shows the dashboard, the map and this one
    ("analytics_cohorts.png", "admin", shot_cohorts),
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="loyalty_club")
    parser.add_argument("--out", default=str(OUT), help="folder of the PNGs")
    parser.add_argument(
        "--admin", default="admin:admin", help="the back office's login:password"
    )
    parser.add_argument(
        "--only", nargs="*", metavar="FILE", help="take only these pictures"
    )
    parser.add_argument(
        "--chromium",
        default=shutil.which("chromium") or shutil.which("google-chrome"),
        help="the browser's binary",
    )
    args = parser.parse_args(argv)
    if not args.chromium:
        raise SystemExit("no chromium found: install it or give --chromium")
    url = args.url.rstrip("/")
    login, _sep, password = args.admin.partition(":")
    users = {"admin": Odoo(url, args.db, login, password)}
    facts = demo_facts(users["admin"])
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    browser = Browser(args.chromium)
    try:
        for name, who, take in SHOTS:
            if args.only and name not in args.only:
                continue
            if who not in users:
                user = CASHIER if who == "cashier" else PORTAL
                users[who] = Odoo(url, args.db, user, user)
            try:
                take(browser, url, users[who], facts)
            except (TimeoutError, RuntimeError) as exc:
                failed = out / name.replace(".png", ".failed.png")
                browser.save(failed)
                raise SystemExit(
                    f"{name}: {exc} (the page as it was: {failed})"
                ) from exc
            browser.save(out / name)
    finally:
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
