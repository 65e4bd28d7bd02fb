"""Marketing messages in the club's outbox: campaigns and trigger chains.

They are queued set-based (one ``INSERT ... SELECT ... ON CONFLICT (event_key)
DO NOTHING`` per launch or daily run) with the frequency caps decided in the
same statement, in the members' place order (the core's ``campaigns.plan``):
a member's weekly cap per channel, the club's daily cap, the campaign's
budget. What a cap or a missing consent suppressed is a skipped row with its
reason, so it is recorded and counted. The outbox's job then sends the rest as
any message: consent checked again, quiet hours, retries.
"""

from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.loyalty_club.domain import campaigns as core_campaigns

MARKETING = ("campaign", "chain")
LIVE_STATES = ("queued", "held", "sending", "sent")


class LoyaltyClubMessage(models.Model):
    _inherit = "loyalty.club.message"

    event = fields.Selection(
        selection_add=[("campaign", "Campaign"), ("chain", "Trigger chain")],
        ondelete={"campaign": "cascade", "chain": "cascade"},
    )
    reason = fields.Selection(
        selection_add=[
            ("campaign", "The campaign ended or was cancelled, or its coupon was used"),
            ("chain", "The chain is off or its occasion passed"),
            ("cap_member", "Frequency cap: the member's messages this week"),
            ("cap_global", "Frequency cap: the club's messages today"),
            ("budget", "The campaign's budget was spent"),
        ],
        ondelete={
            "campaign": "set null",
            "chain": "set null",
            "cap_member": "set null",
            "cap_global": "set null",
            "budget": "set null",
        },
    )
    campaign_id = fields.Many2one(
        "loyalty.club.campaign",
        readonly=True,
        ondelete="cascade",
        index="btree_not_null",
    )
    chain_id = fields.Many2one(
        "loyalty.club.chain",
        readonly=True,
        ondelete="cascade",
        index="btree_not_null",
    )
    campaign_text = fields.Text(compute="_compute_campaign_text")
    campaign_subject = fields.Char(compute="_compute_campaign_text")
    campaign_html = fields.Html(compute="_compute_campaign_text", sanitize=False)

    @api.depends(
        "campaign_id.sms_text",
        "campaign_id.email_subject",
        "campaign_id.email_body",
        "chain_id.sms_text",
        "chain_id.email_subject",
        "chain_id.email_body",
        "figures",
    )
    @api.depends_context("lang")
    def _compute_campaign_text(self):
        """The marketer's texts with this member's values, in the rendering's
        language (the placeholders of the core's ``campaigns.fill``)."""
        for message in self:
            source = message.campaign_id or message.chain_id
            values = {
                "name": message.member_name,
                "coupon": message.coupon_code,
                "offer": message.offer_name,
                "valid_until": message.valid_until,
                "program": message.program_name,
                "expiring": message.expiring,
                "expiry_date": message.expiry_date,
            }
            message.campaign_text = core_campaigns.fill(source.sms_text, values)
            message.campaign_subject = core_campaigns.fill(source.email_subject, values)
            safe = {key: escape(value or "") for key, value in values.items()}
            message.campaign_html = Markup(
                core_campaigns.fill(str(source.email_body or ""), safe)
            )

    def mail_allowed_qweb_expressions(self):
        return (
            *super().mail_allowed_qweb_expressions(),
            "object.campaign_text",
            "object.campaign_subject",
            "object.campaign_html",
        )

    # ============================================================= outbox hooks
    def _off(self):
        self.ensure_one()
        if self.event == "campaign":
            return self.campaign_id.state not in ("launched", "done")
        if self.event == "chain":
            return not self.chain_id.active
        return super()._off()

    def _gone(self):
        """A campaign's message after its end or with its coupon used, a
        chain's reminder after its occasion: the event is the reason."""
        self.ensure_one()
        if self.event in MARKETING:
            today = fields.Date.context_today(self)
            if self.coupon_id and self.coupon_id.state != "valid":
                return self.event
            if self.event == "campaign":
                end = self.campaign_id.date_end
                return self.event if end and end < today else False
            return self.event if self.chain_id._occasion_passed(self, today) else False
        return super()._gone()

    def _template(self, channel, event):
        if event in MARKETING:
            model = "sms.template" if channel == "sms" else "mail.template"
            template = self.env.ref(
                f"loyalty_club_campaign.{model.split('.')[0]}_template_marketing",
                raise_if_not_found=False,
            )
            return template.sudo() if template else self.env[model]
        return super()._template(channel, event)

    # ================================================================= queue
    @api.model
    def _marketing_day_left(self, program, now):
        """How many more marketing messages the program's company may send
        today (``None``: no daily cap)."""
        if not program.cap_day:
            return None
        self.flush_model()
        self.env.cr.execute(
            "SELECT count(*) FROM loyalty_club_message WHERE company_id = %s "
            "AND event IN %s AND state IN %s AND create_date >= %s",
            [
                program.company_id.id,
                MARKETING,
                LIVE_STATES,
                now.replace(hour=0, minute=0, second=0, microsecond=0),
            ],
        )
        return max(program.cap_day - self.env.cr.fetchone()[0], 0)

    @api.model
    def _queue_marketing(
        self, event, program, candidates, channels, link, budget=None, costs=None
    ):
        """Queue ``event`` messages for ``candidates`` (an SQL giving
        ``partner_id, place, key, figures, coupon_id``, one row per member,
        ``place`` a number: lower first under the caps) by ``channels``; ``link`` is
        (field, id) of the campaign or chain. Returns the rows inserted.

        Unreachable messages (no consent, phone or e-mail) and the capped ones
        are inserted as skipped with their reason; the caps follow the core's
        ``campaigns.plan``: weekly per member and channel, then the company's
        daily cap, then the budget (minor units, ``costs`` per channel).
        """
        if not channels:
            return 0
        now = fields.Datetime.now()
        self.env.flush_all()
        # one launch at a time per company, or two would share the day's cap
        self.env.cr.execute(
            "SELECT pg_advisory_xact_lock(hashtext('loyalty_club_marketing'), %s)",
            [program.company_id.id],
        )
        caps = program._week_caps()
        costs = costs or {}
        day_left = self._marketing_day_left(program, now)
        field, ref_id = link
        self.env.cr.execute(
            SQL(
                """
                WITH cand AS MATERIALIZED (%(candidates)s),
                msgs AS (
                    SELECT cand.partner_id, cand.place, cand.key, cand.figures,
                           cand.coupon_id, ch.channel,
                           (SELECT c.granted FROM loyalty_club_consent c
                             WHERE c.partner_id = cand.partner_id
                               AND c.channel = ch.channel
                             ORDER BY c.date DESC, c.id DESC LIMIT 1) AS consent,
                           p.club_phone, p.email,
                           COALESCE(p.club_marketing_per_week, 0) AS own_cap
                      FROM cand
                      JOIN res_partner p ON p.id = cand.partner_id
                     CROSS JOIN unnest(%(channels)s::varchar[]) AS ch(channel)
                ),
                week AS (
                    SELECT m.partner_id, m.channel, count(*) AS sent
                      FROM loyalty_club_message m
                     WHERE m.event IN %(marketing)s AND m.state IN %(live)s
                       AND m.create_date >= %(week_ago)s
                       AND m.partner_id IN (SELECT partner_id FROM cand)
                     GROUP BY m.partner_id, m.channel
                ),
                judged AS (
                    SELECT msgs.*,
                           CASE
                               WHEN msgs.consent IS NOT TRUE THEN 'no_consent'
                               WHEN msgs.channel = 'sms' AND msgs.club_phone IS NULL
                                   THEN 'no_phone'
                               WHEN msgs.channel = 'email'
                                    AND COALESCE(msgs.email, '') = '' THEN 'no_email'
                               WHEN caps.cap > 0 AND COALESCE(w.sent, 0) >= caps.cap
                                   THEN 'cap_member'
                           END AS pre
                      FROM msgs
                      -- the club's weekly cap, or the member's own where lower
                      -- (the core's campaigns.member_cap)
                     CROSS JOIN LATERAL (
                        SELECT CASE
                            WHEN msgs.own_cap > 0 AND (club.cap = 0
                                 OR msgs.own_cap < club.cap) THEN msgs.own_cap
                            ELSE club.cap END AS cap
                          FROM (SELECT CASE msgs.channel WHEN 'sms' THEN %(cap_sms)s
                                       ELSE %(cap_email)s END AS cap) AS club
                     ) AS caps
                      LEFT JOIN week w ON w.partner_id = msgs.partner_id
                                      AND w.channel = msgs.channel
                ),
                placed AS (
                    SELECT judged.*,
                           row_number() OVER (
                               PARTITION BY judged.pre IS NULL
                               ORDER BY judged.place, judged.channel COLLATE "C"
                           ) AS day_place
                      FROM judged
                ),
                capped AS (
                    SELECT placed.*,
                           CASE
                               WHEN placed.pre IS NOT NULL THEN placed.pre
                               WHEN %(day_left)s::int IS NOT NULL
                                    AND placed.day_place > %(day_left)s::int
                                   THEN 'cap_global'
                           END AS capped
                      FROM placed
                ),
                costed AS (
                    SELECT capped.*,
                           sum(CASE capped.channel WHEN 'sms' THEN %(cost_sms)s
                               ELSE %(cost_email)s END) OVER (
                               PARTITION BY capped.capped IS NULL
                               ORDER BY capped.place, capped.channel COLLATE "C"
                               ROWS UNBOUNDED PRECEDING
                           ) AS running
                      FROM capped
                ),
                decided AS (
                    SELECT costed.*,
                           COALESCE(costed.capped, CASE
                               WHEN %(budget)s::bigint IS NOT NULL
                                    AND costed.running > %(budget)s::bigint
                                   THEN 'budget' END) AS why
                      FROM costed
                )
                INSERT INTO loyalty_club_message (event, channel, event_key,
                    partner_id, coupon_id, program_id, company_id, figures, state,
                    reason,
                    attempts, next_attempt, %(field)s, create_uid, write_uid,
                    create_date, write_date)
                SELECT %(event)s, d.channel, d.key || ':' || d.channel,
                       d.partner_id, d.coupon_id, %(program)s, %(company)s,
                       d.figures,
                       CASE WHEN d.why IS NULL THEN 'queued' ELSE 'skipped' END,
                       d.why, 0, CASE WHEN d.why IS NULL THEN %(now)s::timestamp END,
                       %(ref)s, %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM decided d
                ON CONFLICT (event_key) DO NOTHING
                """,
                candidates=candidates,
                channels=list(channels),
                marketing=MARKETING,
                live=LIVE_STATES,
                week_ago=now - timedelta(days=7),
                cap_sms=caps.get("sms", 0),
                cap_email=caps.get("email", 0),
                day_left=day_left,
                cost_sms=costs.get("sms", 0),
                cost_email=costs.get("email", 0),
                budget=budget,
                field=SQL.identifier(field),
                event=event,
                program=program.id,
                company=program.company_id.id,
                ref=ref_id,
                uid=self.env.uid,
                now=now,
            )
        )
        inserted = self.env.cr.rowcount
        self.invalidate_model()
        self._trigger_send()
        return inserted
