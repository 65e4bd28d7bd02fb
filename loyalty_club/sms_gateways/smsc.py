"""SMSC (https://smsc.ru/api/http/, also smsc.ua and smsc.kz): send, status, balance.

Wire format (``fmt=3``: JSON): ``/sys/send.php`` with ``login`` + ``psw`` (or
``apikey``), ``phones``, ``mes``, ``sender``, ``charset=utf-8`` and ``cost=3``
(send, and answer the cost): ``{"id", "cnt", "cost", "balance"}`` or
``{"error", "error_code"}``. ``/sys/status.php?phone=&id=`` answers a delivery
``status`` (1 delivered, 3 expired, 20 impossible...). ``/sys/balance.php``
answers ``balance`` and ``currency``. SMSC calls back only to an address set in
the account, so delivery is polled. One number a request: the message id is
then the message's own and its cost is the message's cost.
"""

from .base import (
    ACCOUNT,
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

# Error codes of send.php ("Ответ сервера и коды ошибок").
FAILURE_CODES = {
    1: SERVER,  # error in the parameters
    2: ACCOUNT,  # wrong login or password
    3: CREDIT,  # not enough money on the account
    4: SERVER,  # IP address temporarily blocked after frequent errors
    5: SERVER,  # wrong date format
    6: REGISTRATION,  # message forbidden (by its text or the sender name)
    7: NUMBER_FORMAT,  # wrong phone number format
    8: COUNTRY,  # the message cannot be delivered to this number
    9: DUPLICATE,  # the same request sent more than once
}
DESCRIPTIONS = {
    1: "error in the parameters",
    2: "wrong login or password",
    3: "not enough money on the account",
    4: "IP address temporarily blocked",
    5: "wrong date format",
    6: "message forbidden (text or sender name)",
    7: "wrong phone number format",
    8: "cannot be delivered to this number",
    9: "the same request sent more than once",
}

# Delivery statuses of status.php.
DELIVERY = {
    -3: (PENDING, ""),  # not found (yet)
    -1: (PENDING, ""),  # waiting to be sent
    0: (PENDING, ""),  # passed to the operator
    1: (DELIVERED, ""),
    2: (DELIVERED, ""),  # read
    3: (FAILED, EXPIRED),
    4: (DELIVERED, ""),  # link clicked
    20: (FAILED, NOT_DELIVERED),  # impossible to deliver
    22: (FAILED, INVALID_DESTINATION),  # wrong number
    23: (FAILED, REJECTED),  # forbidden
    24: (FAILED, NOT_DELIVERED),  # not enough money
    25: (FAILED, NOT_DELIVERED),  # unavailable number
}


class SmscAdapter(Adapter):
    provider = "smsc"
    label = "SMSC"
    default_url = "https://smsc.ru"
    currency = "RUB"
    max_numbers = 1
    failure_codes = FAILURE_CODES
    descriptions = DESCRIPTIONS

    def _auth(self):
        if self.config.token:
            auth = {"apikey": self.config.token}
        else:
            auth = {"login": self.config.login, "psw": self.config.password}
        return {**auth, "fmt": "3", "charset": "utf-8"}

    def _checked(self, response):
        body = self.json(response)
        if not isinstance(body, dict):
            raise GatewayError(REASON_GARBAGE, excerpt(response.text))
        if "error_code" in body or "error" in body:
            code = to_int(body.get("error_code"))
            raise GatewayError(
                REASON_PROVIDER,
                self.describe(code, body.get("error")),
                failure=self.failure_for(code),
                raw=response.text[:2000],
            )
        return body

    def _send_chunk(self, chunk):
        message = chunk[0]
        data = {
            **self._auth(),
            "phones": message.number,
            "mes": message.text,
            "cost": "3",
        }
        if self.config.sender:
            data["sender"] = self.config.sender
        response = self.http("POST", self.url("/sys/send.php"), data=data)
        body = self._checked(response)
        provider_id = body.get("id")
        if provider_id in (None, ""):
            raise GatewayError(REASON_GARBAGE, excerpt(response.text))
        return [
            Result(
                message.key,
                message.number,
                True,
                provider_id=str(provider_id),
                cost=to_float(body.get("cost")),
                raw=excerpt(response.text, 500),
            )
        ]

    def status(self, items):
        statuses = []
        for provider_id, number in items:
            response = self.http(
                "GET",
                self.url("/sys/status.php"),
                params={**self._auth(), "phone": number, "id": provider_id},
            )
            body = self._checked(response)
            code = to_int(body.get("status"))
            if code is None:
                raise GatewayError(REASON_GARBAGE, excerpt(response.text))
            state, failure = DELIVERY.get(code, (PENDING, ""))
            statuses.append(
                Status(
                    provider_id,
                    state,
                    failure,
                    detail=f"status {code}",
                    raw=excerpt(response.text, 500),
                )
            )
        return statuses

    def balance(self):
        response = self.http("GET", self.url("/sys/balance.php"), params=self._auth())
        body = self._checked(response)
        amount = to_float(body.get("balance"))
        if amount is None:
            raise GatewayError(REASON_GARBAGE, excerpt(response.text))
        currency = str(body.get("currency") or self.currency)
        return Balance(True, amount, "RUB" if currency == "RUR" else currency)
