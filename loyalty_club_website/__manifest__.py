# Copyright 2026 Loyalty Club Engineers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Loyalty Club Web Shop",
    "summary": "The club in the Odoo web shop: balance and the cart's quote, "
    "bonuses and gift cards at checkout, earning on the paid order",
    "version": "18.0.1.0.0",
    "category": "Website/eCommerce",
    "license": "LGPL-3",
    "author": "Loyalty Club Engineers",
    "website": "https://github.com/loyalty-club/loyalty-club",
    "depends": ["website_sale", "loyalty_club_sale"],
    "data": [
        "data/product_data.xml",
        "views/website_sale_templates.xml",
        "views/portal_templates.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "loyalty_club_website/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
