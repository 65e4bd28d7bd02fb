# Copyright 2026 Loyalty Club Engineers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Loyalty Club POS Sales Orders",
    "summary": "Orders collected in the store: the till settles a sales or web "
    "order, spends the bonuses held for it and earns once",
    "version": "18.0.1.0.0",
    "category": "Sales/Point of Sale",
    "license": "LGPL-3",
    "author": "Loyalty Club Engineers",
    "website": "https://github.com/loyalty-club/loyalty-club",
    "depends": ["loyalty_club_pos", "loyalty_club_sale", "pos_sale"],
    "data": ["views/sale_order_views.xml"],
    "assets": {
        "point_of_sale._assets_pos": [
            "loyalty_club_pos_sale/static/src/**/*",
        ],
        "web.assets_tests": [
            "loyalty_club_pos_sale/static/tests/tours/**/*",
        ],
    },
    "auto_install": True,
    "installable": True,
}
