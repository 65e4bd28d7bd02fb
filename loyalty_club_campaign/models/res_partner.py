"""Members: their RFM history, and the segments they are in (searchable in SQL)."""

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.loyalty_club.domain import campaigns as core_campaigns


class ResPartner(models.Model):
    _inherit = "res.partner"

    club_rfm_ids = fields.One2many(
        "loyalty.club.rfm",
        "partner_id",
        string="RFM History",
        help="The member's RFM scores and segment in every RFM run, newest first.",
    )
    club_segment_ids = fields.Many2many(
        "loyalty.club.segment",
        string="Segments",
        compute="_compute_club_segment_ids",
        search="_search_club_segment_ids",
        help="The club's segments the member is in now.",
    )

    def _compute_club_segment_ids(self):
        segments = self.env["loyalty.club.segment"].search([])
        for partner in self:
            inside = segments.browse()
            if partner.id:
                for segment in segments:
                    self.env.cr.execute(
                        SQL(
                            "SELECT EXISTS (SELECT 1 FROM (%s) AS seg "
                            "WHERE seg.id = %s)",
                            segment._member_ids_sql(),
                            partner.id,
                        )
                    )
                    if self.env.cr.fetchone()[0]:
                        inside |= segment
            partner.club_segment_ids = inside

    def _search_club_segment_ids(self, operator, value):
        if operator not in ("=", "in") or not value:
            raise UserError(self.env._("Search the members of one segment."))
        ids = [value] if isinstance(value, int) else list(value)
        segments = self.env["loyalty.club.segment"].browse(ids).exists()
        if not segments:
            return [("id", "=", 0)]
        query = SQL(" UNION ").join(s._member_ids_sql() for s in segments)
        return [("id", "in", SQL("(%s)", query))]

    def _club_sms_reply(self, phone, text):
        """A member's SMS reply: STOP withdraws the SMS consent of the members
        with this phone who have it (recorded as consent history); returns them."""
        if not (phone and core_campaigns.is_stop(text)):
            return self.browse()
        number = str(phone).strip()
        if number.isdigit():
            number = f"+{number}"
        e164 = self._club_normalize_phone(number, strict=False)
        if not e164:
            return self.browse()
        members = self.with_context(active_test=False).search(
            [("club_phone", "=", e164)]
        )
        stopped = members.filtered("club_consent_sms")
        stopped.club_set_consents(
            {"sms": False}, "sms_reply", wording=str(text).strip()[:200]
        )
        return stopped
