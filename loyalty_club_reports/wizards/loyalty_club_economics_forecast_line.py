from odoo import fields, models


class LoyaltyClubEconomicsForecastLine(models.TransientModel):
    """A month of the forecast, a month of the backtest or an age of the
    curves. Bonuses in the program's unit, the cost in money."""

    _name = "loyalty.club.economics.forecast.line"
    _description = "Club Economics Forecast Line"
    _order = "kind, origin, month, age"

    forecast_id = fields.Many2one(
        "loyalty.club.economics.forecast", required=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="forecast_id.currency_id")
    kind = fields.Selection(
        [("forecast", "Forecast"), ("backtest", "Backtest"), ("curve", "Curve")],
        required=True,
    )
    month = fields.Date()
    origin = fields.Date("Forecast Made in", help="Backtest: with the history before.")
    age = fields.Integer("Months since Accrual")
    accrual = fields.Float("Expected Accruals", digits=(16, 2))
    redemption = fields.Float("Spent", digits=(16, 2))
    redemption_low = fields.Float("Spent, Low", digits=(16, 2))
    redemption_high = fields.Float("Spent, High", digits=(16, 2))
    expiry = fields.Float("Expired (Breakage)", digits=(16, 2))
    expiry_low = fields.Float("Expired, Low", digits=(16, 2))
    expiry_high = fields.Float("Expired, High", digits=(16, 2))
    liability = fields.Float("Owed at the End", digits=(16, 2))
    liability_low = fields.Float("Owed, Low", digits=(16, 2))
    liability_high = fields.Float("Owed, High", digits=(16, 2))
    cost = fields.Monetary("Expected Cost", help="What the spent bonuses pay.")
    actual_redemption = fields.Float("Spent, Actual", digits=(16, 2))
    actual_expiry = fields.Float("Expired, Actual", digits=(16, 2))
    actual_liability = fields.Float("Owed, Actual", digits=(16, 2))
    redeem_rate = fields.Float("Spent in the Month (%)", digits=(16, 2))
    redeem_low = fields.Float("Spent, Low (%)", digits=(16, 2))
    redeem_high = fields.Float("Spent, High (%)", digits=(16, 2))
    expire_rate = fields.Float("Expired in the Month (%)", digits=(16, 2))
    spent_share = fields.Float("Spent by Then (%)", digits=(16, 2))
    expired_share = fields.Float("Expired by Then (%)", digits=(16, 2))
    cohorts = fields.Integer("Accrual Months Seen")
