"""TurboSMS (https://turbosms.ua/api.html, Ukraine): send, status, balance.

Wire format: JSON bodies, ``Authorization: Bearer <token>``, every answer
``{"response_code", "response_status", "response_result"}`` with HTTP 200.
``POST /message/send.json`` ``{"recipients": [...], "sms": {"sender", "text"}}``
answers 0 or 800-803 (accepted, sent, partly accepted, partly sent) with one
``response_result`` item per recipient (``phone``, ``response_code``,
``response_status``, ``message_id``). ``POST /message/status.json``
``{"messages": [ids]}`` answers each message's ``status`` (Delivered,
Expired...). ``/user/balance.json`` answers ``{"balance"}`` in hryvnias. No
delivery callback for SMS: polled.
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
    NOT_DELIVERED,
    NUMBER_FORMAT,
    PENDING,
    REASON_GARBAGE,
    REASON_PROVIDER,
    REGISTRATION,
    REJECTED,
    SERVER,
    UNKNOWN,
    Adapter,
    Balance,
    GatewayError,
    Result,
    Status,
    excerpt,
    to_float,
    to_int,
)

SUCCESS_CODES = {0, 800, 801, 802, 803}

# The answer names its error in response_status; codes are the fallback.
FAILURE_STATUSES = {
    "REQUIRED_TOKEN": ACCOUNT,
    "REQUIRED_AUTH": ACCOUNT,
    "REQUIRED_ACTIVE_USER": ACCOUNT,
    "INVALID_TOKEN": ACCOUNT,
    "REQUIRED_BALANCE": CREDIT,
    "INVALID_PHONE": NUMBER_FORMAT,
    "REQUIRED_MESSAGE_RECIPIENT": NUMBER_FORMAT,
    "NOT_ALLOWED_RECIPIENT_COUNTRY": COUNTRY,
    "NOT_ALLOWED_NUMBER_STOPLIST": BLACKLIST,
    "NOT_ALLOWED_RECIPIENT_DUPLICATE": DUPLICATE,
    "REQUIRED_MESSAGE_SENDER": REGISTRATION,
    "INVALID_MESSAGE_SENDER": REGISTRATION,
    "NOT_ALLOWED_MESSAGE_SENDER": REGISTRATION,
    "NOT_ALLOWED_MESSAGE_SENDER_NOT_ACTIVE": REGISTRATION,
    "NOT_ALLOWED_MESSAGE_TRANSACTION_SENDER": REGISTRATION,
    "NOT_ALLOWED_RECIPIENTS_LIMIT": SERVER,
    "NOT_ALLOWED_MESSAGE_TEXT": SERVER,
    "NOT_ALLOWED_MESSAGE_TEXT_LENGTH": SERVER,
    "REQUIRED_MESSAGE_TEXT": SERVER,
    "REQUIRED_CONTENT": SERVER,
    "INVALID_REQUEST": SERVER,
    "INVALID_MESSAGE_TEXT": SERVER,
    "FAILED_PARSE_BODY": SERVER,
    "FAILED_SMS_SEND": SERVER,
    "FATAL_ERROR": SERVER,
}
FAILURE_CODES = {
    103: ACCOUNT,  # REQUIRED_TOKEN
    406: COUNTRY,  # NOT_ALLOWED_RECIPIENT_COUNTRY
    999: SERVER,  # FATAL_ERROR
}

DELIVERY = {
    "queued": (PENDING, ""),
    "accepted": (PENDING, ""),
    "sent": (PENDING, ""),
    "delivered": (DELIVERED, ""),
    "read": (DELIVERED, ""),
    "expired": (FAILED, EXPIRED),
    "undelivered": (FAILED, NOT_DELIVERED),
    "rejected": (FAILED, REJECTED),
    "unknown": (FAILED, NOT_DELIVERED),
    "failed": (FAILED, NOT_DELIVERED),
    "cancelled": (FAILED, NOT_DELIVERED),
}


class TurboSmsAdapter(Adapter):
    provider = "turbosms"
    label = "TurboSMS"
    default_url = "https://api.turbosms.ua"
    currency = "UAH"
    max_numbers = 100
    failure_codes = FAILURE_CODES

    def failure_for(self, code, status=""):
        failure = FAILURE_STATUSES.get(str(status or "").upper())
        return failure or self.failure_codes.get(code, UNKNOWN)

    def _post(self, path, payload):
        return self.http(
            "POST",
            self.url(path),
            json=payload,
            headers={"Authorization": f"Bearer {self.config.token}"},
        )

    def _checked(self, response):
        body = self.json(response)
        if not isinstance(body, dict) or "response_code" not in body:
            raise GatewayError(REASON_GARBAGE, excerpt(response.text))
        code = to_int(body.get("response_code"))
        if code not in SUCCESS_CODES:
            status = body.get("response_status") or ""
            raise GatewayError(
                REASON_PROVIDER,
                self.describe(code, status),
                failure=self.failure_for(code, status),
                raw=response.text[:2000],
            )
        return body

    def _send_chunk(self, chunk):
        sms = {"text": chunk[0].text}
        if self.config.sender:
            sms["sender"] = self.config.sender
        payload = {"recipients": [message.number for message in chunk], "sms": sms}
        response = self._post("/message/send.json", payload)
        items = self._checked(response).get("response_result")
        if not isinstance(items, list):
            raise GatewayError(REASON_GARBAGE, excerpt(response.text))
        by_phone = {}
        for index, item in enumerate(items):
            if isinstance(item, dict):
                by_phone[str(item.get("phone") or index)] = item
        results = []
        for index, message in enumerate(chunk):
            item = by_phone.get(message.number) or by_phone.get(str(index))
            if item is None:
                results.append(
                    self._failed(message, REASON_GARBAGE, "no answer for this number")
                )
                continue
            code = to_int(item.get("response_code"))
            if code == 0 and item.get("message_id"):
                results.append(
                    Result(
                        message.key,
                        message.number,
                        True,
                        provider_id=str(item["message_id"]),
                        raw=excerpt(item, 500),
                    )
                )
                continue
            status = item.get("response_status") or ""
            results.append(
                Result(
                    message.key,
                    message.number,
                    False,
                    failure=self.failure_for(code, status),
                    reason=REASON_PROVIDER,
                    detail=self.describe(code, status),
                    raw=excerpt(item, 500),
                )
            )
        return results

    def status(self, items):
        statuses = []
        ids = [provider_id for provider_id, _number in items]
        for start in range(0, len(ids), 100):
            response = self._post(
                "/message/status.json", {"messages": ids[start : start + 100]}
            )
            result = self._checked(response).get("response_result")
            if not isinstance(result, list):
                raise GatewayError(REASON_GARBAGE, excerpt(response.text))
            for item in result:
                if not isinstance(item, dict) or not item.get("message_id"):
                    continue
                if to_int(item.get("response_code")) not in SUCCESS_CODES:
                    continue
                status = str(item.get("status") or "")
                state, failure = DELIVERY.get(status.lower(), (PENDING, ""))
                statuses.append(
                    Status(
                        str(item["message_id"]),
                        state,
                        failure,
                        cost=to_float(item.get("cost")),
                        detail=status,
                        raw=excerpt(item, 500),
                    )
                )
        return statuses

    def balance(self):
        response = self._post("/user/balance.json", {})
        result = self._checked(response).get("response_result")
        amount = to_float(result.get("balance")) if isinstance(result, dict) else None
        if amount is None:
            raise GatewayError(REASON_GARBAGE, excerpt(response.text))
        return Balance(True, amount, self.currency)
