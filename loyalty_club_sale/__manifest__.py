# Copyright 2026 Loyalty Club Engineers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Loyalty Club Sales Orders",
    "summary": "Back-office sales orders in the club: the member's balance and the "
    "order's cap on a quotation, bonuses held then spent when the invoice is "
    "paid, earn on payment, credit notes reversed in proportion",
    "version": "18.0.1.0.0",
    "category": "Sales/Loyalty",
    "license": "LGPL-3",
    "author": "Loyalty Club Engineers",
    "website": "https://github.com/loyalty-club/loyalty-club",
    "depends": ["sale", "loyalty_club"],
    "data": [
        "security/ir.model.access.csv",
        "data/product_data.xml",
        "views/sale_order_views.xml",
        "views/loyalty_club_sale_apply_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "loyalty_club_sale/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
