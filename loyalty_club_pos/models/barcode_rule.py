"""Club card numbers reach the till through the barcode nomenclature.

One rule of type *Club card* per card prefix in use (the programs' card prefix
and the prefixes of emitted batches), kept in step whenever a program or an
emission batch is saved: a batch emitted with another prefix still scans. One
more rule reads the QR code of a virtual card (its ``LCLUB:`` payload).
"""

import re

from odoo import api, fields, models

EAN13_LENGTH = 13
# the shape of the rules this module makes: digits, then one dot per digit left
CLUB_PATTERN = re.compile(r"^(\d{1,11})\.+$")
# a virtual card's QR code ("LCLUB:" and the card number), read by the scanner
QR_PATTERN = "LCLUB:|lclub:"


def club_card_pattern(prefix):
    return prefix + "." * (EAN13_LENGTH - len(prefix))


def clean_prefix(prefix):
    prefix = (prefix or "").strip()
    return prefix if prefix.isdigit() and 1 <= len(prefix) <= 11 else ""


class BarcodeRule(models.Model):
    _inherit = "barcode.rule"

    type = fields.Selection(
        selection_add=[("club_card", "Club card")],
        ondelete={"club_card": "set default"},
    )

    @api.model
    def _club_card_prefixes(self):
        """Every card prefix of the club's programs and emitted batches."""
        programs = (
            self.env["loyalty.club.program"]
            .sudo()
            .with_context(active_test=False)
            .search([])
        )
        batches = self.env["loyalty.club.emission"].sudo().search([])
        prefixes = {clean_prefix(p) for p in programs.mapped("card_prefix")}
        prefixes |= {clean_prefix(p) for p in batches.mapped("prefix")}
        prefixes.discard("")
        return prefixes

    @api.model
    def _club_sync_rules(self):
        """One club_card rule per prefix in every (non GS1) nomenclature."""
        Rule = self.sudo().with_context(active_test=False)
        Nomenclature = self.env["barcode.nomenclature"].sudo()
        domain = []
        if "is_gs1_nomenclature" in Nomenclature._fields:
            domain = [("is_gs1_nomenclature", "=", False)]
        wanted = {club_card_pattern(p): p for p in self._club_card_prefixes()}
        for nomenclature in Nomenclature.search(domain):
            rules = Rule.search(
                [
                    ("barcode_nomenclature_id", "=", nomenclature.id),
                    ("type", "=", "club_card"),
                ]
            )
            have = set(rules.mapped("pattern"))
            Rule.create(
                [
                    {
                        "name": self.env._("Club cards %(prefix)s", prefix=prefix),
                        "barcode_nomenclature_id": nomenclature.id,
                        "sequence": 12,
                        "type": "club_card",
                        "encoding": "ean13",
                        "pattern": pattern,
                    }
                    for pattern, prefix in sorted(wanted.items())
                    if pattern not in have
                ]
            )
            if not Rule.search_count(
                [
                    ("barcode_nomenclature_id", "=", nomenclature.id),
                    ("type", "=", "club_card"),
                    ("pattern", "=", QR_PATTERN),
                ],
                limit=1,
            ):
                Rule.create(
                    {
                        "name": self.env._("Club virtual card QR codes"),
                        "barcode_nomenclature_id": nomenclature.id,
                        "sequence": 11,
                        "type": "club_card",
                        "encoding": "any",
                        "pattern": QR_PATTERN,
                    }
                )
            # rules of a prefix no longer in use; a rule shaped by hand is kept
            rules.filtered(
                lambda r: r.pattern not in wanted and CLUB_PATTERN.match(r.pattern)
            ).unlink()
        return True
