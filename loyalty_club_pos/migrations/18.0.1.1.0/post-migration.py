"""18.0.1.1.0 reads a virtual card's QR code (``LCLUB:`` and the number) through
the barcode nomenclature: an upgraded database gets the rule a new one makes at
install."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["barcode.rule"]._club_sync_rules()
