"""NPS answers for analysis: one row per completed answer with its store,
cashier, member, program and date. ``nps`` is each answer's contribution
(promoter 100, passive 0, detractor -100): its average is the NPS of any cell."""

from odoo import fields, models
from odoo.tools import SQL

from ..models.survey_user_input import NPS_GROUPS


class LoyaltyClubNpsReport(models.Model):
    _name = "loyalty.club.nps.report"
    _inherit = "loyalty.club.sql.report"
    _description = "Club NPS Analysis"
    _auto = False
    _order = "date desc"
    _rec_name = "partner_id"

    date = fields.Datetime("Answered on", readonly=True)
    check_date = fields.Datetime("Purchase", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    program_id = fields.Many2one("loyalty.club.program", readonly=True)
    store_id = fields.Many2one("loyalty.club.store", readonly=True)
    cashier_id = fields.Many2one("res.users", readonly=True)
    partner_id = fields.Many2one("res.partner", "Member", readonly=True)
    transaction_id = fields.Many2one("loyalty.club.transaction", "Check", readonly=True)
    survey_id = fields.Many2one("survey.survey", readonly=True)
    score = fields.Float("Average Score", readonly=True, aggregator="avg")
    nps_group = fields.Selection(NPS_GROUPS, "Group", readonly=True)
    nps = fields.Float("NPS", readonly=True, aggregator="avg", digits=(16, 1))
    answers = fields.Integer(readonly=True)
    promoters = fields.Integer(readonly=True)
    detractors = fields.Integer(readonly=True)
    comment = fields.Text(readonly=True)

    def _select(self):
        return SQL(
            """
            a.id, a.end_datetime AS date, t.date AS check_date, t.company_id,
            t.program_id, a.club_store_id AS store_id,
            a.club_cashier_id AS cashier_id, a.partner_id,
            a.club_transaction_id AS transaction_id, a.survey_id,
            a.club_nps_score AS score, a.club_nps_group AS nps_group,
            CASE a.club_nps_group WHEN 'promoter' THEN 100
                 WHEN 'detractor' THEN -100 ELSE 0 END AS nps,
            1 AS answers, (a.club_nps_group = 'promoter')::int AS promoters,
            (a.club_nps_group = 'detractor')::int AS detractors,
            a.club_nps_comment AS comment
            """
        )

    def _from(self):
        return SQL(
            "survey_user_input a "
            "JOIN loyalty_club_transaction t ON t.id = a.club_transaction_id"
        )

    def _where(self):
        return SQL("a.state = 'done' AND a.club_nps_group IS NOT NULL")
