"""A member's answer to the NPS survey, linked to the check it was asked about;
the score and its group are kept on the answer when it is completed."""

from odoo import fields, models

from odoo.addons.loyalty_club.domain import nps as core_nps

NPS_GROUPS = [
    ("promoter", "Promoter (9-10)"),
    ("passive", "Passive (7-8)"),
    ("detractor", "Detractor (0-6)"),
]


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    club_transaction_id = fields.Many2one(
        "loyalty.club.transaction",
        "Club Check",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
    )
    club_store_id = fields.Many2one("loyalty.club.store", "Store", readonly=True)
    club_cashier_id = fields.Many2one("res.users", "Cashier", readonly=True)
    club_nps_score = fields.Integer("NPS Score", readonly=True)
    club_nps_group = fields.Selection(NPS_GROUPS, "NPS Group", readonly=True)
    club_nps_comment = fields.Text("NPS Comment", readonly=True)

    def _mark_done(self):
        result = super()._mark_done()
        self.filtered("club_transaction_id")._club_nps_record()
        return result

    def _club_nps_record(self):
        """The score (the first answered 0-10 scale question), its group and the
        comment; a detractor's answer opens a to-do for the store's manager."""
        for answer in self:
            lines = answer.user_input_line_ids.filtered(lambda line: not line.skipped)
            scale = lines.filtered(lambda line: line.answer_type == "scale")[:1]
            if not scale:
                continue
            group = core_nps.group(scale.value_scale)
            comment = lines.filtered(lambda line: line.answer_type == "text_box")[:1]
            answer.sudo().write(
                {
                    "club_nps_score": scale.value_scale,
                    "club_nps_group": group,
                    "club_nps_comment": comment.value_text_box or False,
                }
            )
            if group == "detractor":
                answer._club_nps_todo()

    def _club_nps_todo(self):
        self.ensure_one()
        user = (
            self.club_store_id.manager_id
            or self.survey_id.user_id
            or self.env.ref("base.user_admin")
        )
        store = self.club_store_id.name or self.env._("no store")
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            summary=self.env._(
                "Detractor at %(store)s: %(score)s/10",
                store=store,
                score=self.club_nps_score,
            ),
            note=self.env._(
                "%(member)s gave %(score)s/10 after check %(check)s. Comment: "
                "%(comment)s",
                member=self.partner_id.name or "",
                score=self.club_nps_score,
                check=self.club_transaction_id.ref or "",
                comment=self.club_nps_comment or "-",
            ),
        )
