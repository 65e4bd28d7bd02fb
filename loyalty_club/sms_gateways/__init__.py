"""SMS gateway adapters (plain Python, no Odoo import): see ``base``.

``adapter_for(provider, config)`` gives the adapter of a provider key
(``generic``, ``smsru``, ``smsc``, ``turbosms``) configured by a ``Config``.
"""

from .base import (
    DELIVERED,
    DELIVERY_FAILURES,
    FAILED,
    PENDING,
    REASON_CONNECTION,
    REASON_GARBAGE,
    REASON_HTTP,
    REASON_NUMBER,
    REASON_PROVIDER,
    REASON_SKIPPED,
    REASON_TIMEOUT,
    REASON_UNSUPPORTED,
    SEND_FAILURES,
    Adapter,
    Balance,
    Config,
    GatewayError,
    Message,
    Result,
    Status,
    normalize_number,
)
from .generic import GenericAdapter
from .smsc import SmscAdapter
from .smsru import SmsRuAdapter
from .turbosms import TurboSmsAdapter

ADAPTERS = {
    adapter.provider: adapter
    for adapter in (GenericAdapter, SmsRuAdapter, SmscAdapter, TurboSmsAdapter)
}


def adapter_for(provider, config, session=None):
    return ADAPTERS[provider](config, session=session)
