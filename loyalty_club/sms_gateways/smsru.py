"""SMS.ru (https://sms.ru/api): send, status, callback, balance.

Wire format (``json=1``): ``POST /sms/send`` with ``api_id``, ``to`` (up to 100
numbers, comma separated), ``msg``, ``from``; the answer has a request-level
``status_code`` (100 = done) and, per number, ``status_code`` (100 = accepted)
with ``sms_id`` or ``status_text``. ``GET /sms/status?sms_id=a,b`` answers a
delivery code per id (103 delivered, 104 expired...) with its ``cost``. The
callback POSTs ``data[N]`` lines ``sms_status\\n<sms_id>\\n<code>`` and wants the
body ``100``. ``GET /my/balance`` answers ``balance`` in roubles.
"""

from .base import (
    ACCOUNT,
    BLACKLIST,
    COUNTRY,
    CREDIT,
    DELIVERED,
    DUPLICATE,
    EXPIRED,
    FAILED,
    INVALID_DESTINATION,
    NOT_DELIVERED,
    NUMBER_FORMAT,
    PENDING,
    REASON_GARBAGE,
    REASON_PROVIDER,
    REGISTRATION,
    REJECTED,
    SERVER,
    Adapter,
    Balance,
    GatewayError,
    Result,
    Status,
    excerpt,
    to_float,
    to_int,
)

OK = 100

# Request and per-number error codes (SMS.ru "Коды ошибок").
FAILURE_CODES = {
    200: ACCOUNT,  # wrong api_id
    201: CREDIT,  # not enough money on the account
    202: NUMBER_FORMAT,  # wrong recipient number, or no route to it
    203: SERVER,  # no text
    204: REGISTRATION,  # sender name not approved
    205: SERVER,  # message too long (over 8 SMS)
    206: SERVER,  # daily sending limit reached
    207: COUNTRY,  # no delivery route to this number
    208: SERVER,  # wrong "time"
    209: BLACKLIST,  # number in the account's stop list
    210: SERVER,  # GET used where POST is required
    211: SERVER,  # method not found
    212: SERVER,  # text not in UTF-8
    213: SERVER,  # more than 100 numbers
    220: SERVER,  # service temporarily unavailable
    230: SERVER,  # daily limit of messages to this number
    231: DUPLICATE,  # same message to this number within a minute
    232: DUPLICATE,  # same message to this number within a day
    233: DUPLICATE,  # repeated code messages to this number
    300: ACCOUNT,  # wrong token
    301: ACCOUNT,  # wrong api_id or login/password
    302: ACCOUNT,  # account not confirmed
    500: SERVER,  # server error, retry
}
DESCRIPTIONS = {
    200: "wrong api_id",
    201: "not enough money on the account",
    202: "wrong recipient number",
    204: "sender name not approved",
    207: "no delivery route to this number",
    209: "number in the stop list",
    220: "service temporarily unavailable",
    231: "same message to this number within a minute",
    301: "wrong api_id or password",
    500: "server error",
}

# Delivery codes of /sms/status and the callback.
DELIVERY = {
    -1: (PENDING, ""),  # not found (yet)
    100: (PENDING, ""),  # queued
    101: (PENDING, ""),  # being passed to the operator
    102: (PENDING, ""),  # sent, on its way
    103: (DELIVERED, ""),
    104: (FAILED, EXPIRED),  # not delivered: lifetime expired
    105: (FAILED, NOT_DELIVERED),  # deleted by the operator
    106: (FAILED, NOT_DELIVERED),  # phone failure
    107: (FAILED, NOT_DELIVERED),  # unknown reason
    108: (FAILED, REJECTED),  # rejected
    110: (DELIVERED, ""),  # read (messengers)
    150: (FAILED, INVALID_DESTINATION),  # no route to the number
}


def delivery(code):
    return DELIVERY.get(code, (PENDING, ""))


class SmsRuAdapter(Adapter):
    provider = "smsru"
    label = "SMS.ru"
    default_url = "https://sms.ru"
    currency = "RUB"
    max_numbers = 100
    failure_codes = FAILURE_CODES
    descriptions = DESCRIPTIONS

    def _auth(self):
        return {"api_id": self.config.api_id, "json": "1"}

    def _checked(self, response):
        body = self.json(response)
        if not isinstance(body, dict):
            raise GatewayError(REASON_GARBAGE, excerpt(response.text))
        code = to_int(body.get("status_code"))
        if code is None:
            raise GatewayError(REASON_GARBAGE, excerpt(response.text))
        if code != OK:
            raise GatewayError(
                REASON_PROVIDER,
                self.describe(code, body.get("status_text")),
                failure=self.failure_for(code),
                raw=response.text[:2000],
            )
        return body

    def _send_chunk(self, chunk):
        data = {
            **self._auth(),
            "to": ",".join(message.number for message in chunk),
            "msg": chunk[0].text,
        }
        if self.config.sender:
            data["from"] = self.config.sender
        response = self.http("POST", self.url("/sms/send"), data=data)
        body = self._checked(response)
        per_number = body.get("sms")
        if not isinstance(per_number, dict):
            raise GatewayError(REASON_GARBAGE, excerpt(response.text))
        results = []
        for message in chunk:
            item = per_number.get(message.number)
            if not isinstance(item, dict):
                results.append(
                    self._failed(message, REASON_GARBAGE, "no answer for this number")
                )
                continue
            code = to_int(item.get("status_code"))
            if code == OK and item.get("sms_id"):
                results.append(
                    Result(
                        message.key,
                        message.number,
                        True,
                        provider_id=str(item["sms_id"]),
                        cost=to_float(item.get("cost")),
                        raw=excerpt(item, 500),
                    )
                )
            else:
                results.append(
                    self._refused(message, code, item.get("status_text"), str(item))
                )
        return results

    def status(self, items):
        statuses = []
        ids = [provider_id for provider_id, _number in items]
        for start in range(0, len(ids), 100):
            chunk = ids[start : start + 100]
            response = self.http(
                "GET",
                self.url("/sms/status"),
                params={**self._auth(), "sms_id": ",".join(chunk)},
            )
            per_id = self._checked(response).get("sms")
            if not isinstance(per_id, dict):
                raise GatewayError(REASON_GARBAGE, excerpt(response.text))
            for provider_id in chunk:
                item = per_id.get(provider_id)
                if not isinstance(item, dict):
                    continue
                code = to_int(item.get("status_code"))
                state, failure = delivery(code)
                statuses.append(
                    Status(
                        provider_id,
                        state,
                        failure,
                        cost=to_float(item.get("cost")),
                        detail=self.describe(code, item.get("status_text")),
                        raw=excerpt(item, 500),
                    )
                )
        return statuses

    def parse_callback(self, pairs):
        """``data[0]=sms_status\\n<sms_id>\\n<code>\\n<time>`` lines; others ignored."""
        statuses = []
        for name, value in pairs:
            if name != "data" and not name.startswith("data["):
                continue
            lines = [line.strip() for line in str(value).splitlines()]
            if len(lines) < 3 or lines[0] != "sms_status" or not lines[1]:
                continue
            code = to_int(lines[2])
            if code is None:
                continue
            state, failure = delivery(code)
            statuses.append(
                Status(lines[1], state, failure, detail=self.describe(code), raw=value)
            )
        return statuses

    def balance(self):
        response = self.http("GET", self.url("/my/balance"), params=self._auth())
        amount = to_float(self._checked(response).get("balance"))
        if amount is None:
            raise GatewayError(REASON_GARBAGE, excerpt(response.text))
        return Balance(True, amount, self.currency)
