# Copyright 2026 Loyalty Club Engineers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Loyalty Club POS",
    "summary": "The cashier's side of the club: identify, earn, spend, refunds",
    "version": "18.0.1.1.0",
    "category": "Sales/Point of Sale",
    "license": "LGPL-3",
    "author": "Loyalty Club Engineers",
    "website": "https://github.com/loyalty-club/loyalty-club",
    "depends": ["loyalty_club", "point_of_sale"],
    "data": [
        "security/ir.model.access.csv",
        "data/barcode_rule_data.xml",
        "data/product_data.xml",
        "data/promotion_product_data.xml",
        "views/pos_config_views.xml",
    ],
    "demo": ["demo/loyalty_club_pos_demo.xml"],
    "assets": {
        "point_of_sale._assets_pos": [
            "loyalty_club_pos/static/src/**/*",
        ],
        "web.assets_tests": [
            "loyalty_club_pos/static/tests/tours/**/*",
        ],
    },
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
    "installable": True,
}
