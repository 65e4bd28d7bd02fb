"""The next months of a program from its ledger's history: redemption and
expiry curves by months since accrual (the core's ``economics``), applied to
what each month's accruals still hold and to the accruals the trend expects;
a band from the curves' spread; the same forecast made in past months against
what happened (the backtest)."""

from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import UserError

from odoo.addons.loyalty_club import edge
from odoo.addons.loyalty_club.domain import economics

# what each month's credits of the program's member wallets were, then what
# left them by month and by kind (stored, ``loyalty.club.cohort.flow``)
COHORTS = """
SELECT cohort, month, kind, amount::bigint
  FROM loyalty_club_cohort_flow
 WHERE program_id = %(program)s
"""


class LoyaltyClubEconomicsForecast(models.TransientModel):
    _name = "loyalty.club.economics.forecast"
    _description = "Club Economics Forecast"

    program_id = fields.Many2one(
        "loyalty.club.program",
        required=True,
        ondelete="cascade",
        domain="[('company_id', 'in', allowed_company_ids)]",
    )
    currency_id = fields.Many2one(related="program_id.currency_id")
    months = fields.Integer("Months Ahead", default=12)
    line_ids = fields.One2many(
        "loyalty.club.economics.forecast.line", "forecast_id", readonly=True
    )
    forecast_line_ids = fields.One2many(
        "loyalty.club.economics.forecast.line",
        "forecast_id",
        domain=[("kind", "=", "forecast")],
        readonly=True,
    )
    backtest_line_ids = fields.One2many(
        "loyalty.club.economics.forecast.line",
        "forecast_id",
        domain=[("kind", "=", "backtest")],
        readonly=True,
    )
    curve_line_ids = fields.One2many(
        "loyalty.club.economics.forecast.line",
        "forecast_id",
        domain=[("kind", "=", "curve")],
        readonly=True,
    )
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    liability_now = fields.Monetary("Owed at the Start", readonly=True)
    expected_cost = fields.Monetary(readonly=True, help="Bonuses expected to be spent.")
    expected_breakage = fields.Monetary(
        readonly=True,
        help="Bonuses expected to expire unspent: an income of the club.",
    )
    breakage_rate = fields.Float(
        "Breakage Realised (%)",
        readonly=True,
        digits=(16, 2),
        help="Expired as a share of what was credited, over the accrual months "
        "nothing is open of any more.",
    )
    mean_months_to_spend = fields.Float(
        "Months from Earn to Spend",
        readonly=True,
        digits=(16, 1),
        help="On average, weighted by the amounts spent.",
    )
    backtest_redemption_error = fields.Float(
        "Backtest Error, Spending (%)",
        readonly=True,
        digits=(16, 1),
        help="The forecasts made in the past months for the three months after "
        "them, against what was spent: the sum of the absolute errors over the "
        "sum of what happened.",
    )
    backtest_liability_error = fields.Float(
        "Backtest Error, Owed (%)", readonly=True, digits=(16, 1)
    )

    def _cohorts(self):
        program = self.program_id
        # what the hourly job has not added yet (older than its two hours)
        self.env["loyalty.club.cohort.flow"].sudo()._refresh()
        self.env.cr.execute(COHORTS, {"program": program.id})
        accrued, flows = {}, defaultdict(lambda: defaultdict(dict))
        for cohort, month, kind, amount in self.env.cr.fetchall():
            index = economics.month_index(cohort)
            if kind == "accrued":
                accrued[index] = int(amount)
            else:
                age = economics.month_index(month) - index
                flows[index][kind][age] = flows[index][kind].get(age, 0) + int(amount)
        return [
            economics.Cohort(
                month,
                amount,
                dict(flows[month]["redeemed"]),
                dict(flows[month]["expired"]),
                dict(flows[month]["withdrawn"]),
            )
            for month, amount in sorted(accrued.items())
            if amount > 0
        ]

    def action_compute(self):
        self.ensure_one()
        program = self.program_id
        if not 1 <= self.months <= 36:
            raise UserError(self.env._("Forecast between 1 and 36 months ahead."))
        cohorts = self._cohorts()
        if not cohorts:
            raise UserError(
                self.env._(
                    "Program %(program)s has credited no bonuses yet: there is no "
                    "history to forecast from.",
                    program=program.name,
                )
            )
        today = edge.club_today(self)
        start = economics.month_index(today)
        curves = economics.estimate_curves(cohorts, start)
        held = economics.held_at(cohorts, start)
        history = {c.month: c.accrued for c in cohorts}
        rows = economics.forecast(curves, held, history, start, self.months)
        test = economics.backtest(cohorts, start)
        policy = program._policy()
        units = lambda minor: float(program.from_minor(int(minor)))  # noqa: E731
        cash = lambda points: float(  # noqa: E731
            program.money_from_minor(policy.points_to_money(int(points)))
        )
        month = lambda index: economics.month_start(index)  # noqa: E731
        vals = [
            {
                "forecast_id": self.id,
                "kind": "forecast",
                "month": month(r.month),
                "accrual": units(r.accrual),
                "redemption": units(r.redemption),
                "redemption_low": units(r.redemption_low),
                "redemption_high": units(r.redemption_high),
                "expiry": units(r.expiry),
                "expiry_low": units(r.expiry_low),
                "expiry_high": units(r.expiry_high),
                "liability": units(r.liability),
                "liability_low": units(r.liability_low),
                "liability_high": units(r.liability_high),
                "cost": cash(r.redemption),
            }
            for r in rows
        ]
        vals += [
            {
                "forecast_id": self.id,
                "kind": "backtest",
                "month": month(r.month),
                "origin": month(r.origin),
                "redemption": units(r.forecast_redemption),
                "actual_redemption": units(r.actual_redemption),
                "expiry": units(r.forecast_expiry),
                "actual_expiry": units(r.actual_expiry),
                "liability": units(r.forecast_liability),
                "actual_liability": units(r.actual_liability),
            }
            for r in test.rows
        ]
        spent = curves.survival("redeem")
        expired = curves.survival("expire")
        vals += [
            {
                "forecast_id": self.id,
                "kind": "curve",
                "age": rates.age,
                "redeem_rate": float(rates.redeem * 100),
                "expire_rate": float(rates.expire * 100),
                "redeem_low": float(rates.redeem_low * 100),
                "redeem_high": float(rates.redeem_high * 100),
                "spent_share": float(spent[n] * 100),
                "expired_share": float(expired[n] * 100),
                "cohorts": rates.cohorts,
            }
            for n, rates in enumerate(curves.ages)
        ]
        settled = [b for b in economics.breakage(cohorts) if b.settled]
        settled_accrued = sum(b.accrued for b in settled)
        mean_age = economics.mean_redemption_age(cohorts)
        pct = lambda rate: float(rate * 100) if rate is not None else 0.0  # noqa: E731
        self.line_ids.unlink()
        self.env["loyalty.club.economics.forecast.line"].create(vals)
        self.write(
            {
                "state": "done",
                "liability_now": cash(sum(held.values())),
                "expected_cost": cash(sum(r.redemption for r in rows)),
                "expected_breakage": cash(sum(r.expiry for r in rows)),
                "breakage_rate": 100.0
                * sum(b.expired for b in settled)
                / settled_accrued
                if settled_accrued
                else 0.0,
                "mean_months_to_spend": float(mean_age or 0),
                "backtest_redemption_error": pct(test.redemption_error),
                "backtest_liability_error": pct(test.liability_error),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Forecast"),
        }
