"""Anti-fraud on cashiers: the analysis of a period (button and weekly job) that
scores cashiers and stores and opens cases for the club manager.

The database sums the period's checks per cashier and store, set-based (a few
statements over ``loyalty_club_transaction``, cards and members, and the
one-time codes the cashiers asked, ``loyalty_club_code``); the domain
core (``domain.fraud``) turns the sums into signals with evidence and scores.
Thresholds and weights are ``loyalty.club.fraud.rule`` records per company.
"""

import json
from datetime import timedelta

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

        Returns ``{(user_id, store_id): (score, signals)}``.
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
            score, _fired = core_fraud.cashier_score(signals, config)
            results[key] = (score, signals, cashier_stats.all_checks)
        self._store_results(company, date_from, date_to, config, results)
        return {key: (score, signals) for key, (score, signals, _n) in results.items()}

    def _aggregate(self, company, date_from, date_to, config):
        start, end = self._period_bounds(date_from, date_to)
        params = {
            "company": company.id,
            "start": start,
            "end": end,
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
        # 1. volumes, typed cards, own card, checks paid with bonuses, hours
        rows(
            f"""
            WITH t AS (
                SELECT t.*, (t.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::time
                            AS local_time
                  FROM loyalty_club_transaction t
                 WHERE {period}
            ), o AS (
                SELECT t.*, t.local_time < make_time(0, 0, 0)
                           + make_interval(mins => round(
                               COALESCE(s.fraud_open_hour, 8) * 60)::int)
                        OR (COALESCE(s.fraud_close_hour, 22) < 24
                            AND t.local_time >= make_time(0, 0, 0)
                           + make_interval(mins => round(
                               COALESCE(s.fraud_close_hour, 22) * 60)::int)) AS off,
                       t.partner_id = u.partner_id AS own
                  FROM t
                  JOIN res_users u ON u.id = t.user_id
                  LEFT JOIN loyalty_club_store s ON s.id = t.store_id
            )
            SELECT user_id, store_id,
                   count(*) FILTER (WHERE kind = 'sale' AND wallet_id IS NOT NULL)
                       AS checks,
                   count(*) FILTER (WHERE kind = 'sale' AND wallet_id IS NOT NULL
                                      AND entry_method = 'typed') AS typed_checks,
                   count(*) FILTER (WHERE kind = 'sale' AND own) AS own_card_checks,
                   count(*) FILTER (WHERE kind = 'sale' AND burn_minor > 0)
                       AS burn_checks,
                   count(*) AS all_checks,
                   count(*) FILTER (WHERE off) AS off_hours_checks,
                   min(ref) FILTER (WHERE off) AS off_hours_ref
              FROM o
             GROUP BY user_id, store_id
            """
        )
        # 2. the card a cashier used most
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
        # 3. accrual bursts: accruals on one card within the hour after each one
        rows(
            f"""
            WITH w AS (
                SELECT t.user_id, t.store_id, t.wallet_id, t.date,
                       count(*) OVER (
                           PARTITION BY t.user_id, t.store_id, t.wallet_id
                           ORDER BY t.date
                           RANGE BETWEEN CURRENT ROW AND INTERVAL '1 hour' FOLLOWING
                       ) AS n
                  FROM loyalty_club_transaction t
                 WHERE {period} AND t.kind = 'sale' AND t.earn_minor > 0
                   AND t.wallet_id IS NOT NULL
            )
            SELECT user_id, store_id,
                   count(DISTINCT (wallet_id, date::date))
                       FILTER (WHERE n >= %(burst)s) AS bursts,
                   max(n) AS max_accruals_hour,
                   min(date::text) FILTER (WHERE n >= %(burst)s) AS burst_ref
              FROM w
             GROUP BY user_id, store_id
            """,
            burst=int(config["accrual_burst"].limit),
        )
        # 4. spending right after earning on the same card
        rows(
            f"""
            SELECT t.user_id, t.store_id, count(*) AS quick_burns,
                   min(t.ref) AS quick_burn_ref
              FROM loyalty_club_transaction t
             WHERE {period} AND t.kind = 'sale' AND t.burn_minor > 0
               AND t.wallet_id IS NOT NULL
               AND EXISTS (
                   SELECT 1 FROM loyalty_club_transaction e
                    WHERE e.wallet_id = t.wallet_id AND e.id <> t.id
                      AND e.kind = 'sale' AND e.earn_minor > 0
                      AND e.date <= t.date
                      AND e.date >= t.date - make_interval(mins => %(minutes)s))
             GROUP BY t.user_id, t.store_id
            """,
            minutes=int(config["quick_burn"].limit),
        )
        # 5. refunds of checks paid with bonuses
        rows(
            f"""
            SELECT t.user_id, t.store_id, count(*) AS refunds_after_burn,
                   min(t.ref) AS refund_ref
              FROM loyalty_club_transaction t
              JOIN loyalty_club_transaction o ON o.id = t.refund_of_id
             WHERE {period} AND t.kind = 'refund' AND o.burn_minor > 0
             GROUP BY t.user_id, t.store_id
            """
        )
        # 6. cards activated in the period on members sharing one phone, by the
        # user who registered the members
        rows(
            """
            WITH per_phone AS (
                SELECT p.create_uid AS user_id, p.club_store_id AS store_id,
                       p.club_phone, count(DISTINCT c.id) AS n
                  FROM loyalty_club_card c
                  JOIN res_partner p ON p.id = c.partner_id
                 WHERE c.company_id = %(company)s AND p.club_phone IS NOT NULL
                   AND c.activated_on >= %(start)s::date
                   AND c.activated_on < %(end)s::date
                   AND p.create_uid IS NOT NULL
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
        by_store = {}
        reviewer = company.club_fraud_reviewer_id or self.env.user
        for (user_id, store_id), (score, signals, checks) in sorted(
            results.items(), key=lambda item: (item[0][0], item[0][1] or 0)
        ):
            by_store.setdefault(store_id, []).append(score)
            fired = [s for s in signals if s.fired]
            case = existing.get((user_id, store_id), Case)
            if fired:
                lines = [
                    fields.Command.create(
                        {
                            "rule": s.rule,
                            "value": float(s.value),
                            "count": s.count,
                            "severity": float(s.severity),
                            "points": int(
                                (config[s.rule].weight * s.severity).to_integral_value()
                            ),
                            "evidence": json.dumps(s.evidence, sort_keys=True),
                        }
                    )
                    for s in fired
                ]
                if not case:
                    case = Case.create(
                        {
                            "company_id": company.id,
                            "user_id": user_id,
                            "store_id": store_id,
                            "date_from": date_from,
                            "date_to": date_to,
                            "score": score,
                            "signal_ids": lines,
                        }
                    )
                    case.activity_schedule(
                        "mail.mail_activity_data_todo",
                        user_id=reviewer.id,
                        summary=_("Review the anti-fraud case"),
                        note=_(
                            "Score %(score)s: %(rules)s",
                            score=score,
                            rules=", ".join(
                                core_fraud.RULE_LABELS[s.rule] for s in fired
                            ),
                        ),
                    )
                elif case.state in ("new", "review"):
                    case.write(
                        {
                            "score": score,
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
                    "score": score,
                    "checks": checks,
                    "fired_rules": ", ".join(s.rule for s in fired),
                    "case_id": case.id or False,
                }
            )
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
