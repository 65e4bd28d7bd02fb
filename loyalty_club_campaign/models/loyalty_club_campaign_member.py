"""A member drawn into a campaign, with the group the seed put them in."""

from odoo import fields, models

GROUPS = [("target", "Target"), ("control", "Control (held out)")]


class LoyaltyClubCampaignMember(models.Model):
    _name = "loyalty.club.campaign.member"
    _description = "Club Campaign Member"
    _order = "campaign_id, place"
    _rec_name = "partner_id"

    campaign_id = fields.Many2one(
        "loyalty.club.campaign", required=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="campaign_id.company_id", store=True)
    partner_id = fields.Many2one(
        "res.partner", "Member", required=True, readonly=True, index=True
    )
    member_group = fields.Selection(GROUPS, "Group", required=True, readonly=True)
    place = fields.Integer(
        readonly=True,
        help="The member's place by md5(seed:control:member id): the first places "
        "are the control group.",
    )
    coupon_id = fields.Many2one(
        "loyalty.club.coupon", readonly=True, ondelete="set null"
    )

    _sql_constraints = [
        (
            "member_uniq",
            "unique(campaign_id, partner_id)",
            "A member is drawn into a campaign once.",
        ),
    ]
