"""Any HTTP SMS gateway described by its settings.

One request per message to ``base_url`` (GET query or POST form) with the
number (international, digits only), the text and the sender under the
parameter names configured; authentication none, HTTP basic (login and
password), a bearer token or the token as a parameter. The message is accepted
when the HTTP status is below 400 and the success pattern (when set) is found in
the answer; the message-id pattern's first group (or whole match) is the
provider's id. HTTP 401/403 mean the account is refused, 402 that the credit is
out; any other refusal is a server error with the answer's start as its text.
Delivery is polled at ``status_url`` with the id under ``status_id_param``: the
delivered pattern makes it delivered, the failed pattern not delivered.
"""

import re

from .base import (
    ACCOUNT,
    CREDIT,
    DELIVERED,
    FAILED,
    NOT_DELIVERED,
    PENDING,
    REASON_GARBAGE,
    REASON_PROVIDER,
    SERVER,
    Adapter,
    GatewayError,
    Result,
    Status,
    excerpt,
)

HTTP_FAILURES = {401: ACCOUNT, 403: ACCOUNT, 402: CREDIT}


def _search(pattern, text):
    """``re.search`` that treats a broken pattern as no match."""
    try:
        return re.search(pattern, text)
    except re.error:
        return None


class GenericAdapter(Adapter):
    provider = "generic"
    label = "HTTP"
    max_numbers = 1
    failure_codes = HTTP_FAILURES

    def _request(self, url, params):
        config = self.config
        kwargs = {}
        params = dict(params)
        if config.auth == "basic":
            kwargs["auth"] = (config.login, config.password)
        elif config.auth == "bearer":
            kwargs["headers"] = {"Authorization": f"Bearer {config.token}"}
        elif config.auth == "param":
            params[config.auth_param or "token"] = config.token
        method = (config.method or "POST").upper()
        if method == "GET":
            kwargs["params"] = params
        else:
            kwargs["data"] = params
        return self.http(method, url, **kwargs)

    def _send_chunk(self, chunk):
        message = chunk[0]
        config = self.config
        params = {
            config.phone_param or "phone": message.number,
            config.text_param or "text": message.text,
        }
        if config.sender and config.sender_param:
            params[config.sender_param] = config.sender
        response = self._request(config.base_url, params)
        text = response.text or ""
        if response.status_code >= 400:
            code = response.status_code
            raise GatewayError(
                REASON_PROVIDER,
                f"HTTP {code}: {excerpt(text, 120)}",
                failure=HTTP_FAILURES.get(code, SERVER),
                raw=text[:2000],
            )
        if config.success_regex and not _search(config.success_regex, text):
            raise GatewayError(
                REASON_GARBAGE, excerpt(text) or "empty", raw=text[:2000]
            )
        provider_id = ""
        if config.message_id_regex:
            found = _search(config.message_id_regex, text)
            if found is None:
                raise GatewayError(
                    REASON_GARBAGE, excerpt(text) or "empty", raw=text[:2000]
                )
            provider_id = found.group(1) if found.groups() else found.group(0)
        return [
            Result(
                message.key,
                message.number,
                True,
                provider_id=provider_id,
                raw=excerpt(text, 500),
            )
        ]

    def status(self, items):
        config = self.config
        if not config.status_url:
            return []
        statuses = []
        for provider_id, _number in items:
            response = self._request(
                config.status_url, {config.status_id_param or "id": provider_id}
            )
            text = response.text or ""
            if response.status_code >= 400:
                raise GatewayError(
                    REASON_PROVIDER, f"HTTP {response.status_code}", raw=text[:2000]
                )
            if config.delivered_regex and _search(config.delivered_regex, text):
                state, failure = DELIVERED, ""
            elif config.failed_regex and _search(config.failed_regex, text):
                state, failure = FAILED, NOT_DELIVERED
            else:
                state, failure = PENDING, ""
            statuses.append(
                Status(provider_id, state, failure, detail=excerpt(text, 120))
            )
        return statuses
