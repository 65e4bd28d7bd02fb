"""SMS gateway adapters without Odoo: parsers, code tables, and each adapter
against the fake gateway (loyalty_club/tests/fake_sms_gateway.py) over real
HTTP on 127.0.0.1."""

import importlib.util
import time
from pathlib import Path

import pytest

from loyalty_club import sms_gateways as gw
from loyalty_club.sms_gateways import base, smsc, smsru, turbosms

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location(
    "fake_sms_gateway", ROOT / "loyalty_club" / "tests" / "fake_sms_gateway.py"
)
fake_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fake_module)
FakeSmsGateway = fake_module.FakeSmsGateway


@pytest.fixture
def fake():
    with FakeSmsGateway(status="pending") as server:
        yield server


def adapter(provider, fake, **settings):
    defaults = {
        "smsru": {"api_id": "test-api-id"},
        "smsc": {"login": "club", "password": "secret"},
        "turbosms": {"token": "test-token"},
        "generic": {
            "base_url": fake.url + "/generic/send",
            "success_regex": r"^OK",
            "message_id_regex": r"id=(\w+)",
            "status_url": fake.url + "/generic/status",
            "delivered_regex": "DELIVERED",
            "failed_regex": "UNDELIVERED|EXPIRED|REJECTED",
        },
    }[provider]
    config = gw.Config(
        **{"base_url": fake.url, "sender": "Club", "timeout": 2, **defaults, **settings}
    )
    return gw.adapter_for(provider, config)


def messages(*numbers, text="Hello from the club"):
    return [gw.Message(index, number, text) for index, number in enumerate(numbers)]


# ------------------------------------------------------------------ numbers


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("+7 (925) 123-45-67", "79251234567"),
        ("0079251234567", "79251234567"),
        ("380671234567", "380671234567"),
        ("+7 925 ABC 45 67", ""),
        ("123", ""),
        ("+1234567890123456", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_number(raw, expected):
    assert gw.normalize_number(raw) == expected


def test_code_tables_use_odoo_failure_types():
    known = set(base.SEND_FAILURES) | set(base.DELIVERY_FAILURES)
    tables = [
        smsru.FAILURE_CODES,
        smsc.FAILURE_CODES,
        turbosms.FAILURE_CODES,
        turbosms.FAILURE_STATUSES,
    ]
    for table in tables:
        assert set(table.values()) <= known
    for delivery in (smsru.DELIVERY, smsc.DELIVERY, turbosms.DELIVERY):
        for state, failure in delivery.values():
            assert state in (base.PENDING, base.DELIVERED, base.FAILED)
            assert (state == base.FAILED) == bool(failure)
            assert not failure or failure in base.DELIVERY_FAILURES


def test_smsru_codes():
    a = gw.SmsRuAdapter(gw.Config())
    assert a.failure_for(201) == "sms_credit"
    assert a.failure_for(202) == "sms_number_format"
    assert a.failure_for(207) == "sms_country_not_supported"
    assert a.failure_for(209) == "sms_blacklist"
    assert a.failure_for(200) == "sms_acc"
    assert a.failure_for(12345) == "unknown"
    assert smsru.delivery(103) == ("sent", "")
    assert smsru.delivery(104) == ("error", "sms_expired")
    assert smsru.delivery(102) == ("pending", "")


def test_turbosms_maps_by_status_name_first():
    a = gw.TurboSmsAdapter(gw.Config())
    assert (
        a.failure_for(406, "NOT_ALLOWED_RECIPIENT_COUNTRY")
        == "sms_country_not_supported"
    )
    assert a.failure_for(1234, "REQUIRED_BALANCE") == "sms_credit"
    assert a.failure_for(103) == "sms_acc"
    assert a.failure_for(1234, "SOMETHING_NEW") == "unknown"


def test_smsru_callback_parser():
    a = gw.SmsRuAdapter(gw.Config())
    statuses = a.parse_callback(
        [
            ("data[0]", "sms_status\n000001-1000001\n103\n1700000000"),
            ("data[1]", "sms_status\r\n000002-1000002\r\n104\r\n1700000000"),
            ("data[2]", "callback_check\nwhatever"),
            ("other", "sms_status\nx\n103"),
            ("data[3]", "sms_status\n000003-1000003\nnot-a-code"),
        ]
    )
    assert [(s.provider_id, s.state, s.failure) for s in statuses] == [
        ("000001-1000001", "sent", ""),
        ("000002-1000002", "error", "sms_expired"),
    ]


def test_chunks_keep_numbers_distinct_and_group_texts():
    a = gw.SmsRuAdapter(gw.Config())
    batch = [
        gw.Message(1, "79250000001", "A"),
        gw.Message(2, "79250000002", "B"),
        gw.Message(3, "79250000001", "A"),
        gw.Message(4, "79250000003", "A"),
    ]
    chunks = [[m.key for m in chunk] for chunk in a._chunks(batch)]
    assert chunks == [[1, 4], [3], [2]]


# ------------------------------------------------------- against the fake


@pytest.mark.parametrize("provider", ["smsru", "smsc", "turbosms", "generic"])
def test_send_and_poll_delivery(fake, provider):
    a = adapter(provider, fake)
    results = a.send(messages("+79251234567", "+380671234567"))
    assert [r.ok for r in results] == [True, True], results
    assert all(r.provider_id for r in results)
    assert [m["phone"] for m in fake.messages] == ["79251234567", "380671234567"]
    assert {m["text"] for m in fake.messages} == {"Hello from the club"}
    assert {m["sender"] for m in fake.messages} == {"Club"}
    items = [(r.provider_id, r.number) for r in results]

    assert {s.state for s in a.status(items)} == {"pending"}
    fake.set_status("delivered", ids=[results[0].provider_id])
    fake.set_status("expired", ids=[results[1].provider_id])
    states = {s.provider_id: (s.state, s.failure) for s in a.status(items)}
    assert states[results[0].provider_id] == ("sent", "")
    expected = "sms_not_delivered" if provider == "generic" else "sms_expired"
    assert states[results[1].provider_id] == ("error", expected)


def test_smsru_callback_from_the_fake(fake):
    """The fake's callbacks are what the parser reads."""
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer
    from urllib.parse import parse_qsl

    received = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received.extend(parse_qsl(self.rfile.read(length).decode()))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"100")

        def log_message(self, *args):
            return None

    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        a = adapter("smsru", fake)
        sent = a.send(messages("79251234567"))[0]
        fake.set_status("delivered")
        answer = fake.deliver_callbacks(f"http://127.0.0.1:{server.server_port}/cb")
    finally:
        server.shutdown()
        server.server_close()
    assert answer == (200, "100")
    statuses = a.parse_callback(received)
    assert [(s.provider_id, s.state) for s in statuses] == [(sent.provider_id, "sent")]
    with pytest.raises(ValueError):
        fake.deliver_callbacks("http://example.com/cb")


@pytest.mark.parametrize(
    "provider, code, failure",
    [
        ("smsru", 201, "sms_credit"),
        ("smsru", 207, "sms_country_not_supported"),
        ("smsc", 7, "sms_number_format"),
        ("smsc", 3, "sms_credit"),
        ("turbosms", 406, "sms_country_not_supported"),
        ("turbosms", "REQUIRED_BALANCE", "sms_credit"),
        ("generic", 402, "sms_credit"),
        ("generic", 401, "sms_acc"),
    ],
)
def test_provider_error_codes(fake, provider, code, failure):
    fake.fail_next(code=code)
    result = adapter(provider, fake).send(messages("79251234567"))[0]
    assert not result.ok
    assert result.failure == failure
    assert result.reason == "provider"
    assert str(code) in result.detail
    assert not fake.messages


def test_account_refusal_stops_the_batch(fake):
    """No credit: the other chunks are not tried, and fail the same way."""
    fake.fail_next(code=3)
    results = adapter("smsc", fake).send(messages("79250000001", "79250000002"))
    assert [r.failure for r in results] == ["sms_credit", "sms_credit"]
    assert [r.reason for r in results] == ["provider", "skipped"]
    assert len([r for r in fake.requests if r["path"] == "/sys/send.php"]) == 1


@pytest.mark.parametrize(
    "provider, empty",
    [
        ("smsru", {"api_id": ""}),
        ("smsc", {"login": "", "password": ""}),
        ("turbosms", {"token": ""}),
    ],
)
def test_missing_credentials_are_the_account(fake, provider, empty):
    result = adapter(provider, fake, **empty).send(messages("79251234567"))[0]
    assert (result.ok, result.failure) == (False, "sms_acc")


@pytest.mark.parametrize("provider", ["smsru", "smsc", "turbosms", "generic"])
def test_down_slow_garbage_and_bad_numbers(fake, provider):
    a = adapter(provider, fake, timeout=0.5)

    bad = a.send(messages("not a phone", ""))
    assert [r.failure for r in bad] == ["sms_number_format", "sms_number_missing"]
    assert not fake.requests

    fake.garbage_next()
    garbage = a.send(messages("79251234567"))[0]
    assert (garbage.ok, garbage.failure, garbage.reason) == (
        False,
        "sms_server",
        "garbage",
    )
    assert not fake.messages

    fake.slow_next(1.5)
    started = time.monotonic()
    slow = a.send(messages("79251234567", "79251234568", text="slow"))
    assert time.monotonic() - started < 1.4, "one timeout for the whole batch"
    assert slow[0].reason == "timeout" and slow[0].failure == "sms_server"
    if a.max_numbers == 1:
        assert slow[1].reason == "skipped"
    assert len(fake.messages) == (1 if a.max_numbers == 1 else 2)

    fake.down = True
    down = a.send(messages("79251234567"))[0]
    assert (down.ok, down.failure, down.reason) == (False, "sms_server", "connection")
    fake.down = False
    assert a.send(messages("79251234567", text="back"))[0].ok


def test_http_error_page_is_readable(fake):
    fake.fail_next()  # HTTP 500, plain text
    result = adapter("turbosms", fake).send(messages("79251234567"))[0]
    assert (result.failure, result.reason) == ("sms_server", "http")
    assert "HTTP 500" in result.detail


@pytest.mark.parametrize(
    "provider, currency", [("smsru", "RUB"), ("smsc", "RUB"), ("turbosms", "UAH")]
)
def test_balance(fake, provider, currency):
    balance = adapter(provider, fake).balance_safely()
    assert balance.ok and balance.amount == 100.0 and balance.currency == currency
    fake.garbage_next(kind="balance")
    broken = adapter(provider, fake).balance_safely()
    assert (broken.ok, broken.reason) == (False, "garbage")
    generic = adapter("generic", fake).balance_safely()
    assert (generic.ok, generic.reason) == (False, "unsupported")


def test_smsc_reports_cost_and_smsru_status_cost(fake):
    sent = adapter("smsc", fake).send(messages("79251234567"))[0]
    assert sent.cost == 1.5
    a = adapter("smsru", fake)
    sent = a.send(messages("79251234567"))[0]
    assert sent.cost is None
    assert a.status([(sent.provider_id, sent.number)])[0].cost == 1.5


def test_generic_auth_variants(fake):
    adapter("generic", fake, auth="param", auth_param="token", token="t1").send(
        messages("79251234567")
    )
    adapter("generic", fake, auth="bearer", token="t2", method="GET").send(
        messages("79251234567")
    )
    assert [m["auth"] for m in fake.messages] == [
        {"token": "t1"},
        {"authorization": "Bearer t2"},
    ]
    assert [r["method"] for r in fake.requests] == ["POST", "GET"]
