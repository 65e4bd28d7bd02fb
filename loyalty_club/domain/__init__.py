"""Plain-Python core of the loyalty club: no Odoo import, stdlib only."""

from . import cards, errors, fraud, ledger, money, rfm, rules

__all__ = ["cards", "errors", "fraud", "ledger", "money", "rfm", "rules"]
