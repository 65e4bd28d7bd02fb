"""A fake SMS gateway on 127.0.0.1 for the tests and the demo (standard library only).

It speaks the wire formats of the providers loyalty_club's adapters talk to, so
the real client code is exercised over real HTTP, and nothing ever leaves the
machine:

- SMS.ru: ``/sms/send``, ``/sms/status``, ``/my/balance`` (``json=1``), and
  ``deliver_callbacks(url)`` POSTs SMS.ru-style ``data[N]`` delivery reports;
- SMSC: ``/sys/send.php``, ``/sys/status.php``, ``/sys/balance.php`` (``fmt=3``);
- TurboSMS: ``/message/send.json``, ``/message/status.json``,
  ``/user/balance.json`` (JSON bodies, bearer token);
- a generic form: ``/generic/send`` (``phone``, ``text``, ``sender``; answers
  ``OK id=G1``), ``/generic/status?id=G1`` (answers ``STATUS=DELIVERED``).

In a test::

    with FakeSmsGateway(status="pending") as fake:
        gateway.base_url = fake.url
        fake.fail_next(code=201)        # the next send answers SMS.ru's 201
        fake.slow_next(2)               # the next send answers after 2 s
        fake.garbage_next()             # the next send answers an HTML page
        fake.down = True                # nothing listens any more (refused)
        fake.set_status("delivered")    # what status requests now answer
        fake.messages                   # what arrived: provider, phone, text...

As a script, for ``./club run``'s demo::

    python3 loyalty_club/tests/fake_sms_gateway.py --port 8079 --watch-pid 1234

Each mode is used by the next request of its kind (``send`` unless told
``status``, ``balance`` or ``any``), in the order the modes were set.
"""

import argparse
import itertools
import json
import os
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.error import HTTPError
from urllib.parse import parse_qsl, urlencode, urlsplit
from urllib.request import Request, urlopen

HOST = "127.0.0.1"
STATES = ("pending", "delivered", "not_delivered", "expired", "rejected")

SMSRU_DELIVERY = {
    "pending": (102, "Сообщение отправлено (в пути)"),
    "delivered": (103, "Сообщение доставлено"),
    "expired": (104, "Не может быть доставлено: время жизни истекло"),
    "not_delivered": (107, "Не может быть доставлено: неизвестная причина"),
    "rejected": (108, "Не может быть доставлено: отклонено"),
}
SMSRU_ERRORS = {
    200: "Неправильный api_id",
    201: "Не хватает средств на лицевом счету",
    202: "Неправильно указан номер телефона получателя",
    204: "Имя отправителя не согласовано с администрацией",
    207: "На этот номер нет маршрута для доставки сообщений",
    209: "Номер в стоп-листе",
    220: "Сервис временно недоступен, попробуйте чуть позже",
    500: "Ошибка на сервере. Повторите запрос.",
}
# codes SMS.ru gives for the whole request; the others are given per number
SMSRU_REQUEST_CODES = {200, 201, 204, 210, 211, 212, 213, 220, 300, 301, 302, 500}

SMSC_DELIVERY = {
    "pending": 0,
    "delivered": 1,
    "expired": 3,
    "not_delivered": 20,
    "rejected": 23,
}
SMSC_ERRORS = {
    1: "parameters error",
    2: "authorise error",
    3: "no money",
    4: "IP is blocked",
    6: "message is denied",
    7: "invalid number",
    8: "cannot deliver",
    9: "duplicate request, wait a minute",
}

TURBO_DELIVERY = {
    "pending": "Sent",
    "delivered": "Delivered",
    "expired": "Expired",
    "not_delivered": "Undelivered",
    "rejected": "Rejected",
}
TURBO_CODES = {
    103: "REQUIRED_TOKEN",
    203: "REQUIRED_BALANCE",
    305: "INVALID_PHONE",
    404: "NOT_ALLOWED_NUMBER_STOPLIST",
    406: "NOT_ALLOWED_RECIPIENT_COUNTRY",
    999: "FATAL_ERROR",
}
TURBO_PER_RECIPIENT = {305, 404, 406}

GENERIC_DELIVERY = {
    "pending": "PENDING",
    "delivered": "DELIVERED",
    "expired": "EXPIRED",
    "not_delivered": "UNDELIVERED",
    "rejected": "REJECTED",
}

GARBAGE = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"

ROUTES = {
    "/sms/send": ("send", "_smsru_send"),
    "/sms/status": ("status", "_smsru_status"),
    "/my/balance": ("balance", "_smsru_balance"),
    "/sys/send.php": ("send", "_smsc_send"),
    "/sys/status.php": ("status", "_smsc_status"),
    "/sys/balance.php": ("balance", "_smsc_balance"),
    "/message/send.json": ("send", "_turbo_send"),
    "/message/status.json": ("status", "_turbo_status"),
    "/user/balance.json": ("balance", "_turbo_balance"),
    "/generic/send": ("send", "_generic_send"),
    "/generic/status": ("status", "_generic_status"),
}


def _digits(number):
    return number.isascii() and number.isdigit() and 8 <= len(number) <= 15


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeSmsGateway/1.0"

    def do_GET(self):
        self._handle()

    def do_POST(self):
        self._handle()

    def log_message(self, format, *args):  # noqa: A002 - the base's signature
        """No access log: the gateway logs what arrives instead."""

    def _handle(self):
        gateway = self.server.gateway
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        body = None
        if "json" in (self.headers.get("Content-Type") or ""):
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                body = ValueError
        elif raw:
            text = raw.decode("utf-8", "replace")
            params.update(parse_qsl(text, keep_blank_values=True))
        request = {
            "method": self.command,
            "path": parts.path,
            "params": params,
            "json": body,
            "headers": dict(self.headers.items()),
        }
        route = ROUTES.get(parts.path)
        gateway._record_request(request)
        if route is None:
            self._reply(404, "text/plain", "not found")
            return
        kind, method = route
        mode = gateway._take_mode(kind)
        if mode.get("garbage"):
            gateway._pause(mode.get("slow", 0))
            self._reply(200, "text/html", GARBAGE)
            return
        status, ctype, payload = getattr(gateway, method)(request, mode.get("fail"))
        gateway._pause(mode.get("slow", 0))
        self._reply(status, ctype, payload)

    def _reply(self, status, ctype, payload):
        if not isinstance(payload, str):
            payload = json.dumps(payload, ensure_ascii=False)
            ctype = "application/json"
        data = payload.encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", f"{ctype}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (its timeout): nothing to answer
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class FakeSmsGateway:
    """The fake gateway; a context manager that starts and stops it."""

    def __init__(self, port=0, status="delivered", cost=1.5, balance=100.0, log=None):
        assert status in STATES, status
        self.port = port
        self.status = status
        self.cost = cost
        self.balance = balance
        self.messages = []
        self.requests = []
        self.callbacks = []
        self._log = log
        self._lock = threading.Lock()
        self._modes = []
        self._ids = itertools.count(1)
        self._wake = threading.Event()
        self._server = None
        self._thread = None

    # ------------------------------------------------------------- lifecycle

    def start(self):
        self._wake.clear()
        self._open()
        return self

    def stop(self):
        self._wake.set()
        self._close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def url(self):
        return f"http://{HOST}:{self.port}"

    @property
    def down(self):
        return self._server is None

    @down.setter
    def down(self, value):
        if value:
            self._close()
        elif self._server is None:
            self._open()

    def _open(self):
        self._server = _Server((HOST, self.port), _Handler)
        self._server.gateway = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"fake-sms-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def _close(self):
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
            self._thread.join(5)

    def _pause(self, seconds):
        if seconds:
            self._wake.wait(seconds)

    def log(self, line):
        if self._log:
            self._log(line)

    # ----------------------------------------------------------------- modes

    def fail_next(self, n=1, code=None, kind="send"):
        """The next ``n`` requests answer the provider's error ``code`` (None:
        HTTP 500 with a plain text page)."""
        self._add_modes(n, kind, fail=code if code is not None else "http500")

    def slow_next(self, seconds, n=1, kind="send"):
        """The next ``n`` requests answer after ``seconds`` (what arrives is kept)."""
        self._add_modes(n, kind, slow=seconds)

    def garbage_next(self, n=1, kind="send"):
        """The next ``n`` requests answer an HTML error page (nothing kept)."""
        self._add_modes(n, kind, garbage=True)

    def set_status(self, status, ids=None):
        """What status requests and callbacks answer, for ``ids`` or for all
        messages so far and to come."""
        assert status in STATES, status
        with self._lock:
            if ids is None:
                self.status = status
            for message in self.messages:
                if ids is None or message["id"] in ids:
                    message["status"] = status

    def reset(self):
        with self._lock:
            self.messages.clear()
            self.requests.clear()
            self.callbacks.clear()
            self._modes.clear()

    def _add_modes(self, n, kind, **mode):
        assert kind in ("send", "status", "balance", "any"), kind
        with self._lock:
            self._modes.extend(dict(mode, kind=kind) for _ in range(n))

    def _take_mode(self, kind):
        with self._lock:
            for index, mode in enumerate(self._modes):
                if mode["kind"] in (kind, "any"):
                    return self._modes.pop(index)
        return {}

    def _record_request(self, request):
        with self._lock:
            self.requests.append(request)

    def _keep(self, provider, phone, text, sender, auth, message_id=None):
        with self._lock:
            message = {
                "provider": provider,
                "id": message_id or str(next(self._ids)),
                "phone": phone,
                "text": text,
                "sender": sender,
                "auth": auth,
                "status": self.status,
                "time": time.time(),
            }
            self.messages.append(message)
            self.balance -= self.cost
        self.log(f"{provider} -> {phone} ({sender or '-'}): {text}")
        return message

    def _find(self, provider, message_id, phone=None):
        with self._lock:
            for message in self.messages:
                if message["provider"] != provider or message["id"] != message_id:
                    continue
                if phone is None or message["phone"] == phone:
                    return message
        return None

    # ---------------------------------------------------------------- SMS.ru

    def _smsru_send(self, request, fail):
        params = request["params"]
        if fail == "http500":
            return 500, "text/plain", "Internal Server Error"
        if not params.get("api_id"):
            fail = 200
        if fail in SMSRU_REQUEST_CODES:
            return 200, "", self._smsru_error(fail)
        per_number = {}
        for phone in [p for p in (params.get("to") or "").split(",") if p]:
            if fail is not None or not _digits(phone):
                code = fail if fail is not None else 202
                per_number[phone] = {
                    "status": "ERROR",
                    "status_code": code,
                    "status_text": SMSRU_ERRORS.get(code, "Ошибка"),
                }
                continue
            serial = next(self._ids)
            message_id = f"{serial:06d}-{1000000 + serial}"
            self._keep(
                "smsru",
                phone,
                params.get("msg", ""),
                params.get("from", ""),
                {"api_id": params["api_id"]},
                message_id,
            )
            per_number[phone] = {
                "status": "OK",
                "status_code": 100,
                "sms_id": message_id,
            }
        return (
            200,
            "",
            {
                "status": "OK",
                "status_code": 100,
                "sms": per_number,
                "balance": round(self.balance, 2),
            },
        )

    @staticmethod
    def _smsru_error(code):
        return {
            "status": "ERROR",
            "status_code": code,
            "status_text": SMSRU_ERRORS.get(code, "Ошибка"),
        }

    def _smsru_status(self, request, fail):
        params = request["params"]
        if fail == "http500":
            return 500, "text/plain", "Internal Server Error"
        if not params.get("api_id"):
            return 200, "", self._smsru_error(200)
        if fail is not None:
            return 200, "", self._smsru_error(fail)
        per_id = {}
        for message_id in [i for i in (params.get("sms_id") or "").split(",") if i]:
            message = self._find("smsru", message_id)
            if message is None:
                per_id[message_id] = {
                    "status": "ERROR",
                    "status_code": -1,
                    "status_text": "Сообщение не найдено",
                }
                continue
            code, text = SMSRU_DELIVERY[message["status"]]
            per_id[message_id] = {
                "status": "OK",
                "status_code": code,
                "status_text": text,
                "cost": self.cost,
            }
        return 200, "", {"status": "OK", "status_code": 100, "sms": per_id}

    def _smsru_balance(self, request, fail):
        if not request["params"].get("api_id"):
            return 200, "", self._smsru_error(200)
        if fail is not None and fail != "http500":
            return 200, "", self._smsru_error(fail)
        if fail == "http500":
            return 500, "text/plain", "Internal Server Error"
        return (
            200,
            "",
            {"status": "OK", "status_code": 100, "balance": round(self.balance, 2)},
        )

    def deliver_callbacks(self, url, ids=None, timeout=10):
        """POST SMS.ru-style delivery reports of the SMS.ru messages (or of
        ``ids``) to ``url`` on 127.0.0.1; the (HTTP status, body) answered."""
        if urlsplit(url).hostname not in (HOST, "localhost"):
            raise ValueError(f"callbacks go to {HOST} only, not {url}")
        with self._lock:
            messages = [
                m
                for m in self.messages
                if m["provider"] == "smsru" and (ids is None or m["id"] in ids)
            ]
        lines = [
            f"sms_status\n{m['id']}\n{SMSRU_DELIVERY[m['status']][0]}\n{int(m['time'])}"
            for m in messages
        ]
        data = urlencode({f"data[{i}]": line for i, line in enumerate(lines)})
        request = Request(
            url,
            data=data.encode(),
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        try:
            with urlopen(request, timeout=timeout) as response:  # noqa: S310
                answer = response.status, response.read().decode()
        except HTTPError as error:
            answer = error.code, error.read().decode()
        self.callbacks.append({"url": url, "lines": lines, "answer": answer})
        return answer

    # ------------------------------------------------------------------ SMSC

    @staticmethod
    def _smsc_error(code, **extra):
        return {"error": SMSC_ERRORS.get(code, "error"), "error_code": code, **extra}

    @staticmethod
    def _smsc_authorised(params):
        return bool(params.get("apikey") or (params.get("login") and params.get("psw")))

    def _smsc_send(self, request, fail):
        params = request["params"]
        if fail == "http500":
            return 500, "text/plain", "Internal Server Error"
        if not self._smsc_authorised(params):
            return 200, "", self._smsc_error(2)
        phones = [p for p in (params.get("phones") or "").replace(";", ",").split(",")]
        phones = [p.strip().lstrip("+") for p in phones if p.strip()]
        if fail is None and (not phones or not all(_digits(p) for p in phones)):
            fail = 7
        serial = next(self._ids)
        if fail is not None:
            extra = {"id": serial} if fail in (3, 6, 7, 8) else {}
            return 200, "", self._smsc_error(fail, **extra)
        auth = {k: params[k] for k in ("login", "psw", "apikey") if params.get(k)}
        for phone in phones:
            self._keep(
                "smsc",
                phone,
                params.get("mes", ""),
                params.get("sender", ""),
                auth,
                str(serial),
            )
        answer = {"id": serial, "cnt": len(phones)}
        if params.get("cost") in ("2", "3"):
            answer["cost"] = f"{self.cost * len(phones):.2f}"
        if params.get("cost") in ("3", "4"):
            answer["balance"] = f"{self.balance:.2f}"
        return 200, "", answer

    def _smsc_status(self, request, fail):
        params = request["params"]
        if fail == "http500":
            return 500, "text/plain", "Internal Server Error"
        if not self._smsc_authorised(params):
            return 200, "", self._smsc_error(2)
        if fail is not None:
            return 200, "", self._smsc_error(fail)
        phone = (params.get("phone") or "").lstrip("+")
        message = self._find("smsc", params.get("id") or "", phone)
        if message is None:
            return 200, "", {"status": -3, "last_date": "", "last_timestamp": 0}
        return (
            200,
            "",
            {
                "status": SMSC_DELIVERY[message["status"]],
                "last_date": time.strftime("%d.%m.%Y %H:%M:%S"),
                "last_timestamp": int(time.time()),
                "err": 0,
            },
        )

    def _smsc_balance(self, request, fail):
        params = request["params"]
        if fail == "http500":
            return 500, "text/plain", "Internal Server Error"
        if not self._smsc_authorised(params) or fail is not None:
            return 200, "", self._smsc_error(fail or 2)
        return 200, "", {"balance": f"{self.balance:.2f}", "currency": "RUR"}

    # -------------------------------------------------------------- TurboSMS

    @staticmethod
    def _turbo(code, status, result=None):
        return {
            "response_code": code,
            "response_status": status,
            "response_result": result,
        }

    @staticmethod
    def _turbo_code(fail):
        if isinstance(fail, str):
            names = {name: code for code, name in TURBO_CODES.items()}
            return names.get(fail, 999), fail
        return fail, TURBO_CODES.get(fail, "FATAL_ERROR")

    def _turbo_token(self, request):
        header = request["headers"].get("Authorization") or ""
        token = (
            header.removeprefix("Bearer ").strip()
            if header.startswith("Bearer ")
            else ""
        )
        return token or request["params"].get("token", "")

    def _turbo_send(self, request, fail):
        if fail == "http500":
            return 500, "text/plain", "Internal Server Error"
        token = self._turbo_token(request)
        if not token:
            return 200, "", self._turbo(103, "REQUIRED_TOKEN")
        body = request["json"]
        if not isinstance(body, dict) or not isinstance(body.get("sms"), dict):
            return 200, "", self._turbo(202, "INVALID_REQUEST")
        code, name = self._turbo_code(fail) if fail is not None else (None, None)
        if code is not None and code not in TURBO_PER_RECIPIENT:
            return 200, "", self._turbo(code, name)
        sms = body["sms"]
        results = []
        for phone in body.get("recipients") or []:
            phone = str(phone).lstrip("+")
            if code is None and not _digits(phone):
                code_one, name_one = 305, "INVALID_PHONE"
            else:
                code_one, name_one = code, name
            if code_one is not None:
                results.append(
                    {
                        "phone": phone,
                        "response_code": code_one,
                        "message_id": None,
                        "response_status": name_one,
                    }
                )
                continue
            message = self._keep(
                "turbosms",
                phone,
                sms.get("text", ""),
                sms.get("sender", ""),
                {"token": token},
                str(uuid.uuid4()),
            )
            results.append(
                {
                    "phone": phone,
                    "response_code": 0,
                    "message_id": message["id"],
                    "response_status": "OK",
                }
            )
        accepted = sum(1 for r in results if r["response_code"] == 0)
        if accepted == len(results):
            return 200, "", self._turbo(800, "SUCCESS_MESSAGE_ACCEPTED", results)
        return 200, "", self._turbo(802, "SUCCESS_MESSAGE_PARTIAL_ACCEPTED", results)

    def _turbo_status(self, request, fail):
        if fail == "http500":
            return 500, "text/plain", "Internal Server Error"
        if not self._turbo_token(request):
            return 200, "", self._turbo(103, "REQUIRED_TOKEN")
        if fail is not None:
            return 200, "", self._turbo(*self._turbo_code(fail))
        body = request["json"] if isinstance(request["json"], dict) else {}
        results = []
        for message_id in body.get("messages") or []:
            message = self._find("turbosms", str(message_id))
            if message is None:
                results.append(
                    {
                        "message_id": message_id,
                        "response_code": 204,
                        "response_status": "INVALID_MESSAGE_ID",
                    }
                )
                continue
            results.append(
                {
                    "message_id": message_id,
                    "response_code": 0,
                    "response_status": "OK",
                    "recipient": message["phone"],
                    "sent": time.strftime("%Y-%m-%d %H:%M:%S"),
                    "updated": time.strftime("%Y-%m-%d %H:%M:%S"),
                    "status": TURBO_DELIVERY[message["status"]],
                    "type": "sms",
                    "rejected_status": None,
                }
            )
        return 200, "", self._turbo(0, "OK", results)

    def _turbo_balance(self, request, fail):
        if fail == "http500":
            return 500, "text/plain", "Internal Server Error"
        if not self._turbo_token(request):
            return 200, "", self._turbo(103, "REQUIRED_TOKEN")
        if fail is not None:
            return 200, "", self._turbo(*self._turbo_code(fail))
        return 200, "", self._turbo(0, "OK", {"balance": round(self.balance, 2)})

    # --------------------------------------------------------------- generic

    def _generic_send(self, request, fail):
        params = request["params"]
        if fail is not None:
            code = 500 if fail == "http500" else int(fail)
            return code, "text/plain", f"ERROR {code}"
        phone = (params.get("phone") or "").lstrip("+")
        if not _digits(phone):
            return 400, "text/plain", "ERROR invalid phone"
        auth = {
            k: v
            for k, v in {
                "authorization": request["headers"].get("Authorization"),
                "token": params.get("token"),
            }.items()
            if v
        }
        message = self._keep(
            "generic",
            phone,
            params.get("text", ""),
            params.get("sender", ""),
            auth,
            f"G{next(self._ids)}",
        )
        return 200, "text/plain", f"OK id={message['id']}"

    def _generic_status(self, request, fail):
        if fail is not None:
            code = 500 if fail == "http500" else int(fail)
            return code, "text/plain", f"ERROR {code}"
        message = self._find("generic", request["params"].get("id") or "")
        if message is None:
            return 404, "text/plain", "ERROR unknown id"
        return 200, "text/plain", f"STATUS={GENERIC_DELIVERY[message['status']]}"


def start_fake_sms_gateway(case, **vals):
    """For an Odoo test class: a fake SMS.ru on 127.0.0.1 for the class, and the
    company's default gateway pointing at it (the demo's one put aside).
    ``vals`` adds to the gateway record. Returns the fake."""
    fake = FakeSmsGateway()
    fake.start()
    case.addClassCleanup(fake.stop)
    Gateway = case.env["loyalty.club.sms.gateway"]
    Gateway.search([]).active = False
    case.sms_gateway = Gateway.create(
        {
            "name": "Fake SMS.ru",
            "provider": "smsru",
            "base_url": fake.url,
            "api_id": "test-api-id",
            "is_default": True,
            "timeout": 1.0,
            **vals,
        }
    )
    return fake


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8079)
    parser.add_argument("--status", choices=STATES, default="delivered")
    parser.add_argument(
        "--watch-pid", type=int, help="stop when this process is gone (Odoo's)"
    )
    parser.add_argument("--quiet", action="store_true", help="do not log messages")
    args = parser.parse_args(argv)

    def say(line):
        sys.stderr.write(f"fake-sms: {line}\n")
        sys.stderr.flush()

    fake = FakeSmsGateway(
        port=args.port, status=args.status, log=None if args.quiet else say
    )
    try:
        fake.start()
    except OSError as error:
        say(f"cannot listen on {HOST}:{args.port}: {error}")
        return 1
    say(f"listening on {fake.url} (SMS.ru, SMSC, TurboSMS, generic)")
    try:
        while True:
            time.sleep(1)
            if args.watch_pid:
                try:
                    os.kill(args.watch_pid, 0)
                except ProcessLookupError:
                    say(f"process {args.watch_pid} is gone: stopping")
                    break
                except PermissionError:
                    continue
    except KeyboardInterrupt:
        say("interrupted: stopping")
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
