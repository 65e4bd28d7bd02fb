# Copyright 2026 Loyalty Club Engineers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Loyalty Club Demo Chain",
    "summary": "A Ukrainian fashion-and-shoes chain to try the club on: stores and "
    "tills, a web shop, members, months of POS orders, postings done",
    "version": "18.0.1.0.0",
    "category": "Sales/Loyalty",
    "license": "LGPL-3",
    "author": "Loyalty Club Engineers",
    "website": "https://github.com/loyalty-club/loyalty-club",
    "depends": [
        "l10n_ua",
        "loyalty_club_pos",
        "loyalty_club_reports",
        "loyalty_club_nps",
        "loyalty_club_campaign",
        "loyalty_club_website",
        "loyalty_club_pos_sale",
        "payment_demo",
    ],
    "data": [],
    "demo": ["demo/loyalty_club_demo_chain.xml"],
    "installable": True,
}
