"""One-off campaigns to a segment: a random draw, a seeded control group, a
personal coupon per member, caps and a budget, and the uplift afterwards.

Launch, set-based from start to end (no member is read into Python):

    seed (recorded) -> the segment's members, drawn and split in SQL by
    md5(seed:draw:id) and md5(seed:control:id) (the core's ``campaigns.split``)
    -> campaign members with their group and, for the target group, a
    personal coupon each (codes drawn in SQL, the same statement) -> the
    target's messages with their codes and the caps decided in the INSERT
    (``loyalty.club.message._queue_marketing``).
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.loyalty_club.domain import campaigns as core_campaigns
from odoo.addons.loyalty_club.domain.errors import DomainError

STATES = [
    ("draft", "Draft"),
    ("launched", "Launched"),
    ("done", "Ended"),
    ("cancelled", "Cancelled"),
]
CODE_LENGTH = 12
PERIODS = {"weekly": relativedelta(weeks=1), "monthly": relativedelta(months=1)}
# a coupon code drawn by the database: 12 characters of a random UUID, upper
# case, 0 and 1 read as G and H (all in the club's code alphabet)
CODE_SQL = SQL(
    "translate(upper(substr(replace(gen_random_uuid()::text, '-', ''), 1, %s)), "
    "'01', 'GH')",
    CODE_LENGTH,
)


class LoyaltyClubCampaign(models.Model):
    _name = "loyalty.club.campaign"
    _description = "Club Campaign"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    state = fields.Selection(
        STATES, default="draft", required=True, readonly=True, tracking=True
    )
    program_id = fields.Many2one(
        "loyalty.club.program",
        required=True,
        check_company=True,
        default=lambda self: self.env["loyalty.club.program"].search(
            [("company_id", "in", self.env.companies.ids)], limit=1
        ),
    )
    company_id = fields.Many2one(
        related="program_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="program_id.currency_id")
    segment_id = fields.Many2one(
        "loyalty.club.segment",
        required=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    segment_count = fields.Integer(
        "Members in the Segment", related="segment_id.member_count"
    )
    send_sms = fields.Boolean("By SMS", default=True)
    send_email = fields.Boolean("By E-mail")
    sms_text = fields.Text(
        "SMS Text",
        translate=True,
        help="Placeholders: {name}, {coupon}, {offer}, {valid_until}, {program}.",
    )
    email_subject = fields.Char(translate=True)
    email_body = fields.Html(
        "E-mail Text",
        translate=True,
        help="Placeholders: {name}, {coupon}, {offer}, {valid_until}, {program}.",
    )
    promotion_id = fields.Many2one(
        "loyalty.club.promotion",
        "Coupon Offer",
        check_company=True,
        domain="[('program_id', '=', program_id), ('requires_coupon', '=', True)]",
        help="Each member of the target group gets a personal coupon of this "
        "promotion (one that applies only with a coupon), valid until the end.",
    )
    draw_size = fields.Integer(
        "Random Draw (Members)",
        help="Draw this many members of the segment at random (0: the whole "
        "segment).",
    )
    control_percent = fields.Float(
        "Control Group (%)",
        default=10.0,
        digits=(5, 2),
        help="This share of the members is held out at random: they get nothing, "
        "and the uplift compares the others with them.",
    )
    seed = fields.Char(
        copy=False,
        help="Draw and control group follow from it: the same seed gives the same "
        "members and groups. Chosen at launch when empty.",
    )
    date_end = fields.Date(
        "Ends on",
        required=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=30),
        help="The coupons are valid until this day; the uplift window closes at "
        "its end and messages not sent by then are dropped.",
    )
    budget = fields.Monetary(
        help="The most the messages may cost (0: no budget); members beyond it "
        "are recorded as not sent for the budget."
    )
    sms_cost = fields.Monetary("Cost of an SMS")
    email_cost = fields.Monetary("Cost of an E-mail")
    recurrence = fields.Selection(
        [("none", "Once"), ("weekly", "Every week"), ("monthly", "Every month")],
        default="none",
        required=True,
        help="A recurring campaign is sent again every period until it ends: each "
        "send is a campaign of its own, with a new seed, control group, coupons "
        "and uplift.",
    )
    next_run = fields.Date(
        readonly=True, copy=False, help="The day the next send is launched."
    )
    parent_id = fields.Many2one(
        "loyalty.club.campaign",
        "Repeat of",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    child_ids = fields.One2many("loyalty.club.campaign", "parent_id", "Repeats")
    launched_at = fields.Datetime(readonly=True, copy=False)
    launched_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    batch_id = fields.Many2one(
        "loyalty.club.coupon.batch", "Coupons", readonly=True, copy=False
    )
    member_ids = fields.One2many("loyalty.club.campaign.member", "campaign_id")
    result_ids = fields.One2many("loyalty.club.campaign.result", "campaign_id")
    target_count = fields.Integer(compute="_compute_counts")
    control_count = fields.Integer(compute="_compute_counts")
    queued_count = fields.Integer("Messages Queued or Sent", compute="_compute_counts")
    sent_count = fields.Integer("Messages Sent", compute="_compute_counts")
    no_consent_count = fields.Integer("Without Consent", compute="_compute_counts")
    cap_member_count = fields.Integer(
        "Suppressed: Member Cap", compute="_compute_counts"
    )
    cap_global_count = fields.Integer(
        "Suppressed: Daily Cap", compute="_compute_counts"
    )
    budget_count = fields.Integer("Suppressed: Budget", compute="_compute_counts")
    coupons_used = fields.Integer("Coupons Redeemed", compute="_compute_counts")

    @api.constrains("control_percent", "draw_size", "budget", "sms_cost", "email_cost")
    def _check_numbers(self):
        for campaign in self:
            if not 0 <= campaign.control_percent < 100:
                raise ValidationError(
                    self.env._("The control group is 0 to under 100 percent.")
                )
            if (
                min(
                    campaign.draw_size,
                    campaign.budget,
                    campaign.sms_cost,
                    campaign.email_cost,
                )
                < 0
            ):
                raise ValidationError(
                    self.env._("A draw, a budget and costs cannot be negative.")
                )

    @api.constrains("seed")
    def _check_seed(self):
        for campaign in self.filtered("seed"):
            try:
                core_campaigns.check_seed(campaign.seed)
            except DomainError as exc:
                raise ValidationError(
                    self.env._(
                        "A seed is 1 to %(max)s letters, digits, '_' or '-'.",
                        max=exc.params.get("max"),
                    )
                ) from exc

    def _compute_counts(self):
        for campaign in self:
            campaign.update(campaign._counts())

    def _counts(self):
        self.ensure_one()
        counts = dict.fromkeys(
            (
                "target_count",
                "control_count",
                "queued_count",
                "sent_count",
                "no_consent_count",
                "cap_member_count",
                "cap_global_count",
                "budget_count",
                "coupons_used",
            ),
            0,
        )
        if not self.id or self.state == "draft":
            return counts
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT member_group, count(*) FROM loyalty_club_campaign_member "
            "WHERE campaign_id = %s GROUP BY member_group",
            [self.id],
        )
        for group, count in self.env.cr.fetchall():
            counts[f"{group}_count"] = count
        self.env.cr.execute(
            "SELECT count(*) FILTER (WHERE state IN ('queued', 'held', 'sending', "
            "'sent')), count(*) FILTER (WHERE state = 'sent'), "
            "count(*) FILTER (WHERE reason = 'no_consent'), "
            "count(*) FILTER (WHERE reason = 'cap_member'), "
            "count(*) FILTER (WHERE reason = 'cap_global'), "
            "count(*) FILTER (WHERE reason = 'budget') "
            "FROM loyalty_club_message WHERE campaign_id = %s",
            [self.id],
        )
        (
            counts["queued_count"],
            counts["sent_count"],
            counts["no_consent_count"],
            counts["cap_member_count"],
            counts["cap_global_count"],
            counts["budget_count"],
        ) = self.env.cr.fetchone()
        if self.batch_id:
            self.env.cr.execute(
                "SELECT count(*) FROM loyalty_club_coupon "
                "WHERE batch_id = %s AND state = 'used'",
                [self.batch_id.id],
            )
            counts["coupons_used"] = self.env.cr.fetchone()[0]
        return counts

    # ================================================================ launch
    def _check_launch(self):
        """Why the campaign cannot be launched, as a UserError."""
        self.ensure_one()
        _ = self.env._
        if self.state != "draft":
            raise UserError(_("Only a draft campaign can be launched."))
        if not (self.send_sms or self.send_email):
            raise UserError(_("Choose SMS, e-mail or both."))
        if self.send_sms and not (self.sms_text or "").strip():
            raise UserError(_("Write the SMS text."))
        if self.send_email and not (
            (self.email_subject or "").strip() and self.email_body
        ):
            raise UserError(_("Write the e-mail's subject and text."))
        if self.date_end < fields.Date.context_today(self):
            raise UserError(_("The campaign's end is in the past."))
        promotion = self.promotion_id
        if promotion:
            if not promotion.exists() or not promotion.active:
                raise UserError(
                    _(
                        "The coupon offer %(offer)s is archived: choose another.",
                        offer=promotion.name,
                    )
                )
            if promotion.program_id != self.program_id:
                raise UserError(_("The coupon offer belongs to another program."))
            if promotion.date_to and promotion.date_to < self.date_end:
                raise UserError(
                    _(
                        "The coupon offer ends on %(date)s, before the campaign.",
                        date=promotion.date_to,
                    )
                )
        if self.segment_id.company_id and self.segment_id.company_id != (
            self.company_id
        ):
            raise UserError(_("The segment belongs to another company."))

    def action_launch(self):
        for campaign in self:
            campaign._launch()
        return True

    def _launch(self):
        self.ensure_one()
        self.env["loyalty.club.service"]._check_manager()
        # one launch: a second click waits here, then finds it launched
        self.env.cr.execute(
            "SELECT id FROM loyalty_club_campaign WHERE id = %s FOR UPDATE", [self.id]
        )
        self.invalidate_recordset(["state"])
        self._check_launch()
        seed = self.seed or core_campaigns.new_seed()
        members = self.segment_id.sudo()._member_ids_sql(program=self.program_id)
        self.env.cr.execute(SQL("SELECT count(*) FROM (%s) AS seg", members))
        total = self.env.cr.fetchone()[0]
        if not total:
            raise UserError(
                self.env._(
                    "The segment %(segment)s has no members now.",
                    segment=self.segment_id.name,
                )
            )
        today = fields.Date.context_today(self)
        self.write(
            {
                "seed": seed,
                "state": "launched",
                "launched_at": fields.Datetime.now(),
                "launched_by_id": self.env.uid,
                "next_run": today + PERIODS[self.recurrence]
                if self.recurrence != "none"
                else False,
            }
        )
        batch = self._coupon_batch() if self.promotion_id else None
        self._insert_members(members, min(total, self.draw_size or total), batch)
        if batch:
            self._fill_coupons(batch)
        self._queue_messages()
        self.message_post(
            body=self.env._(
                "Launched with seed %(seed)s: %(target)s members in the target "
                "group, %(control)s held out.",
                seed=seed,
                target=self.target_count,
                control=self.control_count,
            )
        )
        return True

    def _insert_members(self, members, total, batch=None):
        """The drawn members (``total`` of the segment's ``members``) with their
        group, and with ``batch`` a personal coupon for each target member, in
        one statement (codes drawn in SQL from ``gen_random_uuid()``: 12
        characters of the club's code alphabet; a code already taken leaves its
        member for ``_fill_coupons``); returns how many members."""
        held = core_campaigns.control_count(total, str(self.control_percent))
        now = fields.Datetime.now()
        self.env.cr.execute(
            SQL(
                """
                WITH drawn AS (
                    SELECT seg.id AS partner_id
                      FROM (%(members)s) AS seg
                     ORDER BY md5(%(seed)s || ':draw:' || seg.id) COLLATE "C"
                     LIMIT %(limit)s
                ), ranked AS (
                    SELECT partner_id,
                           row_number() OVER (
                               ORDER BY md5(%(seed)s || ':control:' || partner_id)
                               COLLATE "C") AS place
                      FROM drawn
                ), coupons AS (
                    INSERT INTO loyalty_club_coupon (code, batch_id, promotion_id,
                        company_id, partner_id, state, date_from, date_to,
                        create_uid, create_date, write_uid, write_date)
                    SELECT %(code)s, %(batch)s, %(promotion)s, %(company)s,
                           r.partner_id, 'valid', %(date_from)s, %(date_to)s,
                           %(uid)s, %(now)s, %(uid)s, %(now)s
                      FROM ranked r
                     WHERE %(batch)s::int IS NOT NULL AND r.place > %(held)s
                    ON CONFLICT (code) DO NOTHING
                    RETURNING id, partner_id
                )
                INSERT INTO loyalty_club_campaign_member (campaign_id, company_id,
                    partner_id, member_group, place, coupon_id, create_uid,
                    write_uid, create_date, write_date)
                SELECT %(campaign)s, %(company)s, r.partner_id,
                       CASE WHEN r.place <= %(held)s THEN 'control' ELSE 'target' END,
                       r.place, c.id, %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM ranked r
                  LEFT JOIN coupons c ON c.partner_id = r.partner_id
                """,
                members=members,
                seed=self.seed,
                limit=self.draw_size or None,
                code=CODE_SQL,
                batch=batch.id if batch else None,
                promotion=self.promotion_id.id or None,
                date_from=None,
                date_to=self.date_end,
                campaign=self.id,
                company=self.company_id.id,
                held=held,
                uid=self.env.uid,
                now=now,
            )
        )
        self.env["loyalty.club.campaign.member"].invalidate_model()
        self.env["loyalty.club.coupon"].invalidate_model()
        return self.env.cr.rowcount

    def _queue_messages(self):
        channels = [
            channel
            for channel, wanted in (("sms", self.send_sms), ("email", self.send_email))
            if wanted
        ]
        program = self.program_id
        candidates = SQL(
            "SELECT m.partner_id, m.place, "
            "'campaign:' || m.campaign_id || ':' || m.partner_id AS key, "
            "CASE WHEN c.id IS NULL THEN '{}'::jsonb ELSE jsonb_build_object("
            "'coupon_code', c.code, 'valid_until', c.date_to) END AS figures, "
            "m.coupon_id "
            "FROM loyalty_club_campaign_member m "
            "LEFT JOIN loyalty_club_coupon c ON c.id = m.coupon_id "
            "WHERE m.campaign_id = %s AND m.member_group = 'target'",
            self.id,
        )
        self.env["loyalty.club.message"].sudo()._queue_marketing(
            "campaign",
            program,
            candidates,
            channels,
            ("campaign_id", self.id),
            budget=program.money_to_minor(self.budget) if self.budget else None,
            costs={
                "sms": program.money_to_minor(self.sms_cost),
                "email": program.money_to_minor(self.email_cost),
            },
        )

    def _coupon_batch(self):
        batch = (
            self.env["loyalty.club.coupon.batch"]
            .sudo()
            .create(
                {
                    "name": self.name,
                    "promotion_id": self.promotion_id.id,
                    "kind": "personal",
                    "notify_members": False,
                    # valid from the launch on, whatever the day in any time zone
                    "date_from": False,
                    "date_to": self.date_end,
                }
            )
        )
        self.batch_id = batch
        self.env.flush_all()
        return batch

    def _fill_coupons(self, batch):
        """A coupon for each target member whose drawn code was taken (rare):
        drawn again until none is left."""
        for _attempt in range(10):
            self.env.cr.execute(
                "SELECT count(*) FROM loyalty_club_campaign_member "
                "WHERE campaign_id = %s AND member_group = 'target' "
                "AND coupon_id IS NULL",
                [self.id],
            )
            if not self.env.cr.fetchone()[0]:
                break
            self.env.cr.execute(
                SQL(
                    """
                    WITH new AS (
                        INSERT INTO loyalty_club_coupon (code, batch_id,
                            promotion_id, company_id, partner_id, state,
                            date_from, date_to, create_uid, create_date,
                            write_uid, write_date)
                        SELECT %(code)s, %(batch)s, %(promotion)s, %(company)s,
                               m.partner_id, 'valid', %(date_from)s, %(date_to)s,
                               %(uid)s, %(now)s, %(uid)s, %(now)s
                          FROM loyalty_club_campaign_member m
                         WHERE m.campaign_id = %(campaign)s
                           AND m.member_group = 'target' AND m.coupon_id IS NULL
                        ON CONFLICT (code) DO NOTHING
                        RETURNING id, partner_id
                    )
                    UPDATE loyalty_club_campaign_member m SET coupon_id = new.id
                      FROM new
                     WHERE m.campaign_id = %(campaign)s
                       AND m.partner_id = new.partner_id
                    """,
                    code=CODE_SQL,
                    batch=batch.id,
                    promotion=self.promotion_id.id,
                    company=self.company_id.id,
                    date_from=None,
                    date_to=self.date_end,
                    uid=self.env.uid,
                    now=fields.Datetime.now(),
                    campaign=self.id,
                )
            )
        else:
            raise UserError(
                self.env._("Could not draw unique coupon codes; try again.")
            )
        self.env["loyalty.club.coupon"].invalidate_model()
        self.env["loyalty.club.campaign.member"].invalidate_model()

    # =============================================================== actions
    def action_cancel(self):
        """Stop: messages not sent yet are not sent, unused coupons cancelled."""
        self.env["loyalty.club.service"]._check_manager()
        for campaign in self.filtered(lambda c: c.state in ("draft", "launched")):
            campaign.state = "cancelled"
            campaign.batch_id.coupon_ids.filtered(
                lambda c: c.state == "valid"
            ).action_cancel()
        return True

    def action_draft(self):
        self.filtered(lambda c: c.state == "cancelled" and not c.launched_at).write(
            {"state": "draft"}
        )
        return True

    def unlink(self):
        if any(campaign.launched_at for campaign in self):
            raise UserError(
                self.env._("A launched campaign is kept: cancel it instead.")
            )
        return super().unlink()

    @api.model
    def _cron_recur(self, today=None):
        """Launch the next send of each recurring campaign that is due: a copy
        with a new seed, linked to the campaign it repeats. Returns them."""
        today = today or fields.Date.context_today(self)
        due = self.search(
            [
                ("state", "=", "launched"),
                ("recurrence", "!=", "none"),
                ("next_run", "<=", today),
                ("date_end", ">=", today),
            ]
        )
        repeats = self.browse()
        for campaign in due:
            repeat = campaign.copy(
                {
                    "name": self.env._(
                        "%(campaign)s (%(date)s)", campaign=campaign.name, date=today
                    ),
                    "parent_id": campaign.id,
                    "recurrence": "none",
                    "state": "draft",
                    "seed": False,
                }
            )
            campaign.next_run = today + PERIODS[campaign.recurrence]
            try:
                with self.env.cr.savepoint():
                    repeat._launch()
            except UserError as exc:
                repeat.state = "cancelled"
                repeat.message_post(body=str(exc))
            repeats |= repeat
        return repeats

    @api.model
    def _cron_close(self):
        """Recurring campaigns send again when due; campaigns past their end are
        ended, their uplift computed once more."""
        self._cron_recur()
        today = fields.Date.context_today(self)
        for campaign in self.search([("state", "=", "launched")]):
            campaign._compute_results()
            if campaign.date_end < today:
                campaign.state = "done"

    def action_open_members(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Campaign members"),
            "res_model": "loyalty.club.campaign.member",
            "view_mode": "list",
            "domain": [("campaign_id", "=", self.id)],
            "context": {"search_default_group_by_member_group": 1},
        }

    def action_open_messages(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Campaign messages"),
            "res_model": "loyalty.club.message",
            "view_mode": "list,form",
            "domain": [("campaign_id", "=", self.id)],
        }

    def action_open_uplift(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Uplift: %(campaign)s", campaign=self.name),
            "res_model": "loyalty.club.campaign.uplift",
            "view_mode": "pivot,graph,list",
            "domain": [("campaign_id", "=", self.id)],
        }

    def action_compute_uplift(self):
        for campaign in self:
            if campaign.state == "draft":
                raise UserError(
                    self.env._("The uplift is measured once the campaign is launched.")
                )
            campaign._compute_results()
        return True

    def _compute_results(self):
        self.env["loyalty.club.campaign.result"]._compute_for(self)
