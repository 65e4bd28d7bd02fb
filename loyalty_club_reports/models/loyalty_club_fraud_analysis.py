"""Anti-fraud on cashiers: the analysis of a period (button and weekly job) that
scores cashiers and stores and opens cases for the club manager.

The database sums the period's checks per cashier and store, set-based (a few
statements over ``loyalty_club_transaction``, cards and members, and the
one-time codes the cashiers asked, ``loyalty_club_code``); the domain
core (``domain.fraud``) turns the sums into signals with evidence and scores.
Thresholds and weights are ``loyalty.club.fraud.rule`` records per company.
"""

import json
from datetime import datetime, time, timedelta

import pytz

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.loyalty_club.domain import fraud as core_fraud


class LoyaltyClubFraudAnalysis(models.TransientModel):
    """Run the analysis of a period (button) and the weekly job."""

    _name = "loyalty.club.fraud.analysis"
    _inherit = "loyalty.club.report.period"
    _description = "Club Anti-fraud Analysis"

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    reviewer_id = fields.Many2one(
        "res.users",
        "Anti-fraud reviewer",
        default=lambda self: self.env.company.club_fraud_reviewer_id,
        help="Gets a to-do for each new case; kept on the company for the "
        "scheduled job.",
    )

    def _default_date_from(self):
        """The last 30 full days, as the weekly job analyses them."""
        return fields.Date.context_today(self) - timedelta(days=30)

    def _default_date_to(self):
        return fields.Date.context_today(self) - timedelta(days=1)

    def action_run(self):
        self.ensure_one()
        if self.reviewer_id != self.company_id.club_fraud_reviewer_id:
            # an anti-fraud setting of the club: its managers keep it
            self.company_id.sudo().club_fraud_reviewer_id = self.reviewer_id
        self._analyse(self.company_id, self.date_from, self.date_to)
        return {
            "type": "ir.actions.act_window",
            "name": _("Anti-fraud scores"),
            "res_model": "loyalty.club.fraud.score",
            "view_mode": "list,pivot,graph",
            "domain": [
                ("company_id", "=", self.company_id.id),
                ("date_from", "=", self.date_from),
                ("date_to", "=", self.date_to),
            ],
        }

    @api.model
    def _cron_analyse(self):
        """The last 30 full days, for every company with club checks."""
        date_from, date_to = self._default_date_from(), self._default_date_to()
        for company in self.env["res.company"].search([]):
            self._analyse(company, date_from, date_to)

    # -- the analysis -------------------------------------------------------

    @api.model
    def _analyse(self, company, date_from, date_to):
        """Score every cashier and store of ``company`` over the period (dates
        inclusive), open or refresh cases and alert the club manager.

        Returns ``{(user_id, store_id): (score, signals)}``: the score is 0
        unless the cashier has a case (a rule fired, or weak signals added up).
        """
        if date_from > date_to:
            raise UserError(_("The period ends before it starts."))
        if not self.env.user.has_group("loyalty_club.group_club_manager"):
            raise UserError(_("Only club managers run the anti-fraud analysis."))
        config = self.env["loyalty.club.fraud.rule"].sudo()._config(company)
        self.env.flush_all()
        stats = self._aggregate(company, date_from, date_to, config)
        results = {}
        for key, cashier_stats in stats.items():
            signals = core_fraud.evaluate(cashier_stats, config)
            verdict = core_fraud.verdict(signals, config)
            results[key] = (verdict, signals, cashier_stats.all_checks)
        self._store_results(company, date_from, date_to, config, results)
        return {key: (v.score, signals) for key, (v, signals, _n) in results.items()}

    def _local_bounds(self, company, date_from, date_to):
        """``(start, end)`` in UTC of the days from ``date_from`` to ``date_to``
        (both included) in the company's time zone: local midnights."""
        tz = pytz.timezone(company.partner_id.tz or "UTC")

        def midnight(day):
            local = tz.localize(datetime.combine(day, time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return midnight(date_from), midnight(date_to + timedelta(days=1))

    def _cashier_identities(self, company, start, end):
        """``(users, partners, phones)``: arrays pairing each cashier with the
        period's checks to the contacts (the user's, its contacts', the
        employee's) and the phones (E.164) that are the cashier's own: a card
        of one of those contacts, or of a member with one of those phones, is
        the cashier's own card."""
        self.env.cr.execute(
            """SELECT DISTINCT user_id FROM loyalty_club_transaction
                WHERE company_id = %s AND date >= %s AND date < %s
                  AND user_id IS NOT NULL""",
            [company.id, start, end],
        )
        users = (
            self.env["res.users"].sudo().browse(r[0] for r in self.env.cr.fetchall())
        )
        Partner = self.env["res.partner"].sudo().with_company(company)
        # the contacts' phones in a few queries, not one per cashier
        (users.partner_id | users.partner_id.child_ids).fetch(["phone", "mobile"])
        partner_pairs, phone_pairs = set(), set()
        for user in users:
            contacts = user.partner_id | user.partner_id.child_ids
            numbers = [n for c in contacts for n in (c.phone, c.mobile)]
            if "employee_ids" in user._fields:
                for employee in user.employee_ids:
                    contacts |= employee.work_contact_id
                    numbers += [
                        employee[name]
                        for name in ("mobile_phone", "work_phone", "private_phone")
                        if name in employee._fields
                    ]
            partner_pairs.update((user.id, c.id) for c in contacts)
            for number in numbers:
                e164 = number and Partner._club_normalize_phone(number, strict=False)
                if e164:
                    phone_pairs.add((user.id, e164))
        return sorted(partner_pairs), sorted(phone_pairs)

    def _aggregate(self, company, date_from, date_to, config):
        start, end = self._local_bounds(company, date_from, date_to)
        own_partners, own_phones = self._cashier_identities(company, start, end)
        params = {
            "company": company.id,
            "start": start,
            "end": end,
            "date_from": date_from,
            "date_to": date_to,
            "tz": company.partner_id.tz or "UTC",
        }
        stats = {}

        def rows(query, **extra):
            self.env.cr.execute(SQL(query, **params, **extra))
            for row in self.env.cr.dictfetchall():
                key = (row.pop("user_id"), row.pop("store_id"))
                item = stats.setdefault(key, core_fraud.CashierStats())
                for name, value in row.items():
                    setattr(item, name, value if value is not None else "")

        period = """t.company_id = %(company)s AND t.date >= %(start)s
                    AND t.date < %(end)s AND t.user_id IS NOT NULL"""
        # 1. volumes, typed cards, own card (by the cashier's contacts and
        # phones), checks paid with bonuses, checks outside the store's hours
        # of that weekday beyond the grace period (local time)
        rows(
            f"""
            WITH ident AS (
                SELECT i.u, i.p
                  FROM unnest(%(own_users)s::int[], %(own_partners)s::int[])
                       AS i(u, p)
                 UNION
                SELECT i.u, rp.id
                  FROM unnest(%(phone_users)s::int[], %(phones)s::varchar[])
                       AS i(u, ph)
                  JOIN res_partner rp ON rp.club_phone = i.ph
            ), t AS (
                SELECT t.*, (t.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)
                            AS local_at
                  FROM loyalty_club_transaction t
                 WHERE {period}
            ), o AS (
                SELECT t.*,
                       NOT COALESCE(s.fraud_open_24h, false) AND (
                           extract(epoch FROM t.local_at::time) / 60
                               < COALESCE(h.open_hour, s.fraud_open_hour, 8) * 60
                                 - %(grace)s
                        OR extract(epoch FROM t.local_at::time) / 60
                               >= COALESCE(h.close_hour, s.fraud_close_hour, 22)
                                  * 60 + %(grace)s
                       ) AS off,
                       ident.u IS NOT NULL AS own
                  FROM t
                  LEFT JOIN ident ON ident.u = t.user_id AND ident.p = t.partner_id
                  LEFT JOIN loyalty_club_store s ON s.id = t.store_id
                  LEFT JOIN loyalty_club_fraud_hours h
                         ON h.store_id = t.store_id
                        AND h.weekday = (extract(isodow FROM t.local_at)::int - 1)
                                        ::varchar
            )
            SELECT user_id, store_id,
                   count(*) FILTER (WHERE kind = 'sale' AND wallet_id IS NOT NULL)
                       AS checks,
                   count(*) FILTER (WHERE kind = 'sale' AND wallet_id IS NOT NULL
                                      AND entry_method = 'typed') AS typed_checks,
                   count(*) FILTER (WHERE kind = 'sale' AND own) AS own_card_checks,
                   min(ref) FILTER (WHERE kind = 'sale' AND own) AS own_card_ref,
                   count(*) FILTER (WHERE kind = 'sale' AND burn_minor > 0)
                       AS burn_checks,
                   count(*) AS all_checks,
                   count(*) FILTER (WHERE off) AS off_hours_checks,
                   min(ref) FILTER (WHERE off) AS off_hours_ref
              FROM o
             GROUP BY user_id, store_id
            """,
            own_users=[u for u, _p in own_partners],
            own_partners=[p for _u, p in own_partners],
            phone_users=[u for u, _p in own_phones],
            phones=[p for _u, p in own_phones],
            grace=config["off_hours"].grace,
        )
        # 2. the card a cashier used most (the period's window of accruals)
        rows(
            f"""
            SELECT DISTINCT ON (c.user_id, c.store_id) c.user_id, c.store_id,
                   c.n AS top_card_checks, COALESCE(p.name, '') AS top_card_ref
              FROM (SELECT t.user_id, t.store_id, t.partner_id, count(*) AS n
                      FROM loyalty_club_transaction t
                     WHERE {period} AND t.kind = 'sale' AND t.wallet_id IS NOT NULL
                     GROUP BY 1, 2, 3) c
              LEFT JOIN res_partner p ON p.id = c.partner_id
             ORDER BY c.user_id, c.store_id, c.n DESC, c.partner_id
            """
        )
        # 3. accruals to one card by one cashier over sliding windows: the
        # hour and the 24 hours after each accrual
        rows(
            f"""
            WITH w AS (
                SELECT t.user_id, t.store_id, t.wallet_id, t.date,
                       count(*) OVER (
                           PARTITION BY t.user_id, t.store_id, t.wallet_id
                           ORDER BY t.date
                           RANGE BETWEEN CURRENT ROW AND INTERVAL '1 hour' FOLLOWING
                       ) AS n,
                       count(*) OVER (
                           PARTITION BY t.user_id, t.store_id, t.wallet_id
                           ORDER BY t.date
                           RANGE BETWEEN CURRENT ROW AND INTERVAL '24 hours'
                                 FOLLOWING
                       ) AS nd
                  FROM loyalty_club_transaction t
                 WHERE {period} AND t.kind = 'sale' AND t.earn_minor > 0
                   AND t.wallet_id IS NOT NULL
            )
            SELECT user_id, store_id,
                   count(DISTINCT (wallet_id,
                                   (date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date))
                       FILTER (WHERE n >= %(burst)s) AS bursts,
                   max(n) AS max_accruals_hour,
                   max(nd) AS max_accruals_day,
                   min(date::text) FILTER (WHERE n >= %(burst)s OR nd >= %(day)s)
                       AS burst_ref
              FROM w
             GROUP BY user_id, store_id
            """,
            burst=int(config["accrual_burst"].limit),
            day=config["accrual_burst"].count_limit or 10**9,
        )
        # 4. spending right after an earn on the same card by the same cashier
        # or at the same till (a check of the POS knows its till)
        rows(
            """
            WITH x AS (
                SELECT t.id, t.user_id, t.store_id, t.wallet_id, t.date, t.ref,
                       t.earn_minor, t.burn_minor, po.config_id AS till
                  FROM loyalty_club_transaction t
                  LEFT JOIN pos_order po
                         ON t.origin_model = 'pos.order' AND po.id = t.origin_id
                 WHERE t.company_id = %(company)s
                   AND t.date >= %(start)s::timestamp
                                 - make_interval(mins => %(minutes)s)
                   AND t.date < %(end)s AND t.user_id IS NOT NULL
                   AND t.kind = 'sale' AND t.wallet_id IS NOT NULL
                   AND (t.earn_minor > 0 OR t.burn_minor > 0)
            )
            SELECT b.user_id, b.store_id, count(*) AS quick_burns,
                   min(b.ref) AS quick_burn_ref
              FROM x b
             WHERE b.burn_minor > 0 AND b.date >= %(start)s
               AND EXISTS (
                   SELECT 1 FROM x e
                    WHERE e.wallet_id = b.wallet_id AND e.id <> b.id
                      AND e.earn_minor > 0
                      AND e.date <= b.date
                      AND e.date >= b.date - make_interval(mins => %(minutes)s)
                      AND (e.user_id = b.user_id OR e.till = b.till))
             GROUP BY b.user_id, b.store_id
            """,
            minutes=int(config["quick_burn"].limit),
        )
        # 5. refunds (in the period) of checks paid with bonuses, counted
        # against the cashier who sold the check, whoever refunded it
        rows(
            f"""
            SELECT o.user_id, o.store_id, count(*) AS refunds_after_burn,
                   min(t.ref) AS refund_ref
              FROM loyalty_club_transaction t
              JOIN loyalty_club_transaction o ON o.id = t.refund_of_id
             WHERE {period} AND t.kind = 'refund' AND o.burn_minor > 0
               AND o.user_id IS NOT NULL
             GROUP BY o.user_id, o.store_id
            """
        )
        # 6. cards activated in the period on one phone, by the user who
        # activated them (at the till, the API or the back office; imports
        # and members joining on the portal left out), at the store of the act
        rows(
            """
            WITH per_phone AS (
                SELECT c.activated_by_id AS user_id,
                       COALESCE(c.activated_store_id, p.club_store_id) AS store_id,
                       p.club_phone, count(DISTINCT c.id) AS n
                  FROM loyalty_club_card c
                  JOIN res_partner p ON p.id = c.partner_id
                 WHERE c.company_id = %(company)s AND p.club_phone IS NOT NULL
                   AND c.activated_on >= %(date_from)s
                   AND c.activated_on <= %(date_to)s
                   AND c.activated_by_id IS NOT NULL
                   AND c.activated_channel IS DISTINCT FROM 'import'
                   AND c.activated_channel IS DISTINCT FROM 'portal'
                 GROUP BY 1, 2, 3
            )
            SELECT user_id, store_id,
                   count(*) FILTER (WHERE n >= %(cards)s) AS phones_many_cards,
                   max(n) AS max_cards_phone,
                   (array_agg(club_phone ORDER BY n DESC, club_phone))[1]
                       AS phone_ref
              FROM per_phone
             GROUP BY user_id, store_id
            """,
            cards=int(config["phone_cards"].limit),
        )
        # 7. one-time codes the cashier asked at a till (the store is the
        # till's) or in the back office (no store), and those ending wrong:
        # locked, or a wrong code typed and never used. Codes of the API are
        # left out: there the member types the code.
        rows(
            """
            WITH c AS (
                SELECT c.user_id, pc.club_store_id AS store_id, c.state,
                       c.attempts, c.create_date, c.phone,
                       c.state = 'locked' OR (c.attempts > 0 AND c.state <> 'used')
                           AS failed
                  FROM loyalty_club_code c
                  LEFT JOIN pos_config pc ON pc.id = c.pos_config_ref
                 WHERE c.company_id = %(company)s AND c.create_date >= %(start)s
                   AND c.create_date < %(end)s AND c.user_id IS NOT NULL
                   AND c.channel IS DISTINCT FROM 'api'
            )
            SELECT user_id, store_id, count(*) AS codes,
                   count(*) FILTER (WHERE failed) AS failed_codes,
                   count(*) FILTER (WHERE state = 'locked') AS locked_codes,
                   COALESCE(sum(attempts), 0)::int AS wrong_code_attempts,
                   min(to_char(create_date, 'YYYY-MM-DD HH24:MI') || ' ' || phone)
                       FILTER (WHERE failed) AS failed_code_ref
              FROM c
             GROUP BY user_id, store_id
            """
        )
        return stats

    def _store_results(self, company, date_from, date_to, config, results):
        Score = self.env["loyalty.club.fraud.score"].sudo()
        Case = self.env["loyalty.club.fraud.case"].sudo()
        Score.search(
            [
                ("company_id", "=", company.id),
                ("date_from", "=", date_from),
                ("date_to", "=", date_to),
            ]
        ).unlink()
        existing = {
            (c.user_id.id, c.store_id.id or None): c
            for c in Case.search(
                [
                    ("company_id", "=", company.id),
                    ("date_from", "=", date_from),
                    ("date_to", "=", date_to),
                ]
            )
        }
        score_vals = []
        new_cases = []  # (index in score_vals, case values, to-do note)
        by_store = {}
        reviewer = company.club_fraud_reviewer_id or self.env.user
        for (user_id, store_id), (verdict, signals, checks) in sorted(
            results.items(), key=lambda item: (item[0][0], item[0][1] or 0)
        ):
            by_store.setdefault(store_id, []).append(verdict.score)
            shown = [s for s in signals if s.contributes]
            fired = [s for s in shown if s.fired]
            weak = [s for s in shown if not s.fired]
            case = existing.get((user_id, store_id), Case)
            if verdict.case:
                lines = [
                    fields.Command.create(
                        {
                            "rule": s.rule,
                            "value": float(s.value),
                            "count": s.count,
                            "level": float(s.level),
                            "fired": s.fired,
                            "severity": float(s.severity),
                            "points": core_fraud.points(s, config),
                            "evidence": json.dumps(s.evidence, sort_keys=True),
                        }
                    )
                    for s in shown
                ]
                if not case:
                    labels = [core_fraud.RULE_LABELS[s.rule] for s in fired]
                    labels += [
                        self.env._(
                            "%(rule)s (weak)", rule=core_fraud.RULE_LABELS[s.rule]
                        )
                        for s in weak
                    ]
                    new_cases.append(
                        (
                            len(score_vals),
                            {
                                "company_id": company.id,
                                "user_id": user_id,
                                "store_id": store_id,
                                "date_from": date_from,
                                "date_to": date_to,
                                "score": verdict.score,
                                "signal_ids": lines,
                            },
                            _(
                                "Score %(score)s: %(rules)s",
                                score=verdict.score,
                                rules=", ".join(labels),
                            ),
                        )
                    )
                elif case.state in ("new", "review"):
                    case.write(
                        {
                            "score": verdict.score,
                            "signal_ids": [fields.Command.clear(), *lines],
                        }
                    )
            score_vals.append(
                {
                    "company_id": company.id,
                    "date_from": date_from,
                    "date_to": date_to,
                    "kind": "cashier",
                    "user_id": user_id,
                    "store_id": store_id,
                    "score": verdict.score,
                    "checks": checks,
                    "fired_rules": ", ".join(s.rule for s in fired),
                    "weak_rules": ", ".join(s.rule for s in weak),
                    "case_id": case.id or False,
                }
            )
        self._create_cases(new_cases, score_vals, reviewer)
        for store_id, scores in by_store.items():
            score_vals.append(
                {
                    "company_id": company.id,
                    "date_from": date_from,
                    "date_to": date_to,
                    "kind": "store",
                    "store_id": store_id,
                    "score": core_fraud.store_score(scores),
                    "checks": sum(
                        n for (_u, s), (_x, _y, n) in results.items() if s == store_id
                    ),
                    "fired_rules": "",
                }
            )
        Score.create(score_vals)

    def _create_cases(self, new_cases, score_vals, reviewer):
        """Create the new cases at once, link their scores and give the
        reviewer a to-do for each."""
        if not new_cases:
            return
        cases = (
            self.env["loyalty.club.fraud.case"]
            .sudo()
            .create([vals for _index, vals, _note in new_cases])
        )
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id("loyalty.club.fraud.case")
        today = fields.Date.context_today(self)
        activities = []
        for (index, _vals, note), case in zip(new_cases, cases, strict=True):
            score_vals[index]["case_id"] = case.id
            activities.append(
                {
                    "activity_type_id": todo.id,
                    "summary": _("Review the anti-fraud case"),
                    "automated": True,
                    "note": note,
                    "date_deadline": today,
                    "res_model_id": model_id,
                    "res_id": case.id,
                    "user_id": reviewer.id,
                }
            )
        self.env["mail.activity"].sudo().create(activities)
