#!/usr/bin/env python3
"""A client of the Loyalty Club open API, with the standard library only.

It walks an e-shop's path through the API and prints every answer:

1. registers a member (or finds them by phone),
2. looks them up by phone,
3. quotes an order (what it earns, the most it may spend),
4. confirms it with an Idempotency-Key (sent twice: the retry changes nothing),
5. refunds it in full (the earned bonuses are reversed).

    python3 examples/api_client.py --key lck_... [--base-url http://127.0.0.1:8069]

Get a key in Loyalty Club > Configuration > Open API > API keys: open (or
create) a key allowed to register, look up, quote, confirm and refund, click
"Generate secret" and copy it; it is shown only once.
"""

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

API = "/api/loyalty/v1"


class ApiError(Exception):
    """An answer other than 2xx: its status and the API's {code, message}."""

    def __init__(self, status, body):
        super().__init__(f"{status} {body.get('code')}: {body.get('message')}")
        self.status, self.body = status, body


class Client:
    def __init__(self, base_url, key, language="en", timeout=30):
        self.root = base_url.rstrip("/") + API
        self.key, self.language, self.timeout = key, language, timeout
        self.last_headers = {}

    def call(self, method, path, body=None, query=None, idempotency_key=None):
        """The decoded JSON answer of one request (ApiError for 4xx and 5xx)."""
        url = self.root + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        headers = {
            "Authorization": f"Bearer {self.key}",
            "Accept": "application/json",
            "Accept-Language": self.language,
        }
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                self.last_headers = dict(response.headers)
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                answer = json.loads(raw)
            except ValueError:
                answer = {
                    "code": "http_error",
                    "message": raw[:200].decode(errors="replace"),
                }
            raise ApiError(exc.code, answer) from exc


def show(title, answer):
    print(f"== {title}")
    print(json.dumps(answer, indent=2, ensure_ascii=False))


def run(client, phone, name, order_ref, amount):
    member = client.call(
        "POST",
        "/members",
        {"name": name, "phone": phone, "consents": {"sms": True}},
    )
    show("Registered (or found by phone)", member)

    found = client.call("GET", "/members/lookup", query={"identifier": phone})
    show("Looked up by phone", found)

    order = {
        "identifier": phone,
        "lines": [
            {"sku": "EXAMPLE-1", "qty": 2, "unit_price": amount / 4},
            {"sku": "EXAMPLE-2", "qty": 1, "unit_price": amount / 2},
        ],
    }
    quote = client.call("POST", "/orders/quote", order)
    show("Quote (nothing recorded)", quote)

    confirm_key = f"{order_ref}-confirm"
    body = dict(order, external_ref=order_ref)
    confirmed = client.call("POST", "/orders", body, idempotency_key=confirm_key)
    show("Confirmed", confirmed)
    # a network retry with the same key answers the same and records nothing
    again = client.call("POST", "/orders", body, idempotency_key=confirm_key)
    show("Confirmed again with the same Idempotency-Key", again)
    print("Idempotent-Replayed:", client.last_headers.get("Idempotent-Replayed"))

    refund = client.call(
        "POST",
        f"/orders/{urllib.parse.quote(order_ref, safe='')}/refunds",
        {"amount": confirmed["totals"]["total"]},
        idempotency_key=f"{order_ref}-refund",
    )
    show("Refunded", refund)
    return {
        "member": member,
        "lookup": found,
        "quote": quote,
        "confirmed": confirmed,
        "refund": refund,
    }


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--base-url", default="http://127.0.0.1:8069", help="Odoo's address"
    )
    parser.add_argument("--key", required=True, help="API key (lck_...)")
    parser.add_argument("--phone", default="+79990001234", help="the member's phone")
    parser.add_argument("--name", default="Example Member")
    parser.add_argument(
        "--order-ref",
        default=None,
        help="external_ref of the order (default: a new one each run)",
    )
    parser.add_argument("--amount", type=float, default=1000.0, help="order total")
    parser.add_argument("--language", default="en", help="en, ru or uk")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    client = Client(args.base_url, args.key, args.language)
    order_ref = args.order_ref or f"example-{uuid.uuid4().hex[:12]}"
    try:
        run(client, args.phone, args.name, order_ref, args.amount)
    except ApiError as exc:
        show(f"Refused: HTTP {exc.status}", exc.body)
        return 1
    except urllib.error.URLError as exc:
        print(f"Cannot reach {args.base_url}: {exc.reason}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
