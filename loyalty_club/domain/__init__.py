"""Plain-Python core of the loyalty club: no Odoo import, stdlib only."""

from . import breakage, cards, errors, fraud, ledger, money, rfm, rules

__all__ = ["breakage", "cards", "errors", "fraud", "ledger", "money", "rfm", "rules"]
