# Copyright 2026 Loyalty Club Engineers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Loyalty Club Campaigns",
    "summary": "Marketing on consent: live segments, campaigns with a control group "
    "and uplift, frequency caps, STOP replies, trigger chains",
    "version": "18.0.1.0.0",
    "category": "Sales/Loyalty",
    "license": "LGPL-3",
    "author": "Loyalty Club Engineers",
    "website": "https://github.com/loyalty-club/loyalty-club",
    "depends": ["loyalty_club", "loyalty_club_reports"],
    "data": [
        "security/ir.model.access.csv",
        "security/loyalty_club_campaign_rules.xml",
        "data/loyalty_club_rfm_cell_data.xml",
        "data/loyalty_club_campaign_templates.xml",
        "data/ir_cron_data.xml",
        "views/loyalty_club_segment_views.xml",
        "views/loyalty_club_campaign_views.xml",
        "views/loyalty_club_campaign_uplift_views.xml",
        "views/loyalty_club_chain_views.xml",
        "views/loyalty_club_program_views.xml",
        "views/res_partner_views.xml",
        "views/loyalty_club_campaign_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "loyalty_club_campaign/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
