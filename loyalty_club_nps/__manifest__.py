# Copyright 2026 Loyalty Club Engineers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Loyalty Club NPS",
    "summary": "Net Promoter Score after a purchase: Odoo surveys sent to members, "
    "NPS by store, cashier and period, a to-do for each detractor",
    "version": "18.0.1.0.0",
    "category": "Sales/Loyalty",
    "license": "LGPL-3",
    "author": "Loyalty Club Engineers",
    "website": "https://github.com/loyalty-club/loyalty-club",
    "depends": ["loyalty_club_reports", "survey"],
    "data": [
        "security/ir.model.access.csv",
        "security/loyalty_club_nps_rules.xml",
        "data/loyalty_club_nps_survey.xml",
        "data/loyalty_club_nps_templates.xml",
        "views/loyalty_club_program_views.xml",
        "views/loyalty_club_store_views.xml",
        "views/loyalty_club_nps_report_views.xml",
        "data/dashboards.xml",
    ],
    "demo": ["demo/loyalty_club_nps_demo.xml"],
    "installable": True,
}
