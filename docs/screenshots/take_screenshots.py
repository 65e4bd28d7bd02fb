"""Screenshots of the club's analytics for the README, from a running Odoo.

Logs in through /web/session/authenticate, hands the session cookie to a headless
Chromium over the DevTools protocol, opens each page, waits for a selector and
saves a PNG next to this file.

    python docs/screenshots/take_screenshots.py --url http://127.0.0.1:8069 \
        --db loyalty_club --login admin --password admin \
        [--only analytics_dashboard.png]
"""

import argparse
import base64
import json
import shutil
import subprocess
import tempfile
import time
import urllib.parse
from pathlib import Path

import requests
import websocket

HERE = Path(__file__).resolve().parent
# file, page, what shows it is drawn, window height (the dashboard's scorecards,
# charts and tables are taller than a screen)
PAGES = [
    (
        "analytics_dashboard.png",
        "/odoo/action-spreadsheet_dashboard.ir_actions_dashboard_action"
        "?dashboard_id={dashboard_id}",
        ".o_renderer .o-figure canvas",
        1480,
    ),
    (
        "analytics_map.png",
        "/odoo/action-loyalty_club_reports.loyalty_club_geo_map_action",
        ".o_club_geo_city circle",
        900,
    ),
    (
        "analytics_cohorts.png",
        "/odoo/action-loyalty_club_reports.loyalty_club_cohort_report_action",
        ".o_pivot table",
        900,
    ),
]


def login(url, db, user, password):
    session = requests.Session()
    reply = session.post(
        f"{url}/web/session/authenticate",
        json={"params": {"db": db, "login": user, "password": password}},
        timeout=60,
    ).json()
    if reply.get("error"):
        raise SystemExit(reply["error"]["data"]["message"])
    dashboard = session.post(
        f"{url}/web/dataset/call_kw/ir.model.data/check_object_reference",
        json={
            "params": {
                "model": "ir.model.data",
                "method": "check_object_reference",
                "args": [
                    "loyalty_club_reports",
                    "spreadsheet_dashboard_loyalty_club",
                ],
                "kwargs": {},
            }
        },
        timeout=60,
    ).json()["result"][1]
    return session.cookies["session_id"], dashboard


class Browser:
    def __init__(self, port=9322, width=1440, height=900):
        self.width = width
        self.profile = tempfile.mkdtemp(prefix="club-shots-")
        binary = shutil.which("chromium") or shutil.which("google-chrome")
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _attempt in range(100):
            try:
                targets = requests.get(
                    f"http://127.0.0.1:{port}/json", timeout=2
                ).json()
                page = next(t for t in targets if t["type"] == "page")
                break
            except (requests.ConnectionError, StopIteration):
                time.sleep(0.2)
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.ids = 0
        self.send("Page.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
        )

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
            {
                "width": self.width,
                "height": height,
                "deviceScaleFactor": 1,
                "mobile": False,
            },
        )

    def wait_for(self, selector, timeout=60):
        started = time.time()
        expression = f"!!document.querySelector({json.dumps(selector)})"
        while time.time() - started < timeout:
            result = self.send("Runtime.evaluate", {"expression": expression})
            if result.get("result", {}).get("value"):
                return
            time.sleep(0.5)
        raise TimeoutError(selector)

    def close(self):
        self.ws.close()
        self.proc.terminate()
        self.proc.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--out", default=str(HERE))
    parser.add_argument(
        "--only", nargs="*", help="file names to take (all of them by default)"
    )
    args = parser.parse_args()
    cookie, dashboard_id = login(args.url, args.db, args.login, args.password)
    host = urllib.parse.urlparse(args.url).hostname
    browser = Browser()
    try:
        browser.send(
            "Network.setCookie",
            {"name": "session_id", "value": cookie, "domain": host, "path": "/"},
        )
        for name, path, selector, height in PAGES:
            if args.only and name not in args.only:
                continue
            browser.resize(height)
            browser.send(
                "Page.navigate",
                {"url": args.url + path.format(dashboard_id=dashboard_id)},
            )
            browser.wait_for(selector)
            time.sleep(3)  # charts and fonts settle
            shot = browser.send("Page.captureScreenshot", {"format": "png"})
            Path(args.out, name).write_bytes(base64.b64decode(shot["data"]))
            print("saved", Path(args.out, name))
    finally:
        browser.close()


if __name__ == "__main__":
    main()
