# Copyright 2026 Loyalty Club Engineers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Loyalty Club POS beside pos_loyalty",
    "summary": "A club till opens as fast at a million coupons of Odoo's "
    "pos_loyalty as at none",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "license": "LGPL-3",
    "author": "Loyalty Club Engineers",
    "website": "https://github.com/loyalty-club/loyalty-club",
    "depends": ["loyalty_club_pos", "pos_loyalty"],
    "data": [],
    "uninstall_hook": "uninstall_hook",
    "auto_install": True,
    "installable": True,
}
