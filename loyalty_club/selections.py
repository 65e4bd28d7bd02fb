"""Selection lists that several models (and controllers) share.

Kept apart from the model files so that no model file imports another one; the
labels are translated through the fields that use them, as any selection.
"""

LEDGER_KINDS = [
    ("earn", "Earn"),
    ("burn", "Spend"),
    ("gift", "Gift bonus"),
    ("adjust", "Manual adjustment"),
    ("expire", "Expiry"),
    ("reversal", "Reversal"),
    ("transfer", "Transfer"),
    ("issue", "Gift-card sale"),
    ("opening", "Opening balance"),
]

# where a movement or a check came from
CHANNELS = [
    ("pos", "Point of sale"),
    ("api", "API"),
    ("backoffice", "Back office"),
    ("job", "Scheduled job"),
    ("import", "Import"),
    ("portal", "Portal"),
    ("sale", "Sales order"),
    ("website", "Web shop"),
]

# the systems an API key (and a webhook) is for
API_CHANNELS = [
    ("eshop", "E-shop"),
    ("app", "Mobile app"),
    ("kiosk", "Kiosk"),
    ("other", "Other"),
]

CONSENT_CHANNELS = [
    ("sms", "SMS"),
    ("email", "E-mail"),
    ("push", "Push"),
    ("personal_data", "Personal data processing"),
]
CONSENT_SOURCES = [
    ("pos", "Point of sale"),
    ("portal", "Portal"),
    ("import", "Import"),
    ("api", "API"),
    ("backoffice", "Back office"),
    ("unsubscribe", "Unsubscribe link"),
]

LIMIT_MODES = [("warn", "Warn"), ("block", "Block")]

POLICIES = [
    ("cost", "Cost: bonuses are a marketing expense"),
    ("ifrs15", "IFRS 15: part of the price is deferred"),
]
POSTING_MODES = [("daily", "Daily, per store"), ("manual", "Manual")]
GIFT_BREAKAGE_METHODS = [
    ("expiry", "At expiry"),
    ("proportional", "In proportion to use (IFRS 15 B46)"),
]

WEBHOOK_EVENTS = [
    ("earned", "Bonuses earned"),
    ("spent", "Bonuses spent"),
    ("tier_changed", "Tier changed"),
    ("bonuses_expiring", "Bonuses expiring"),
]

# the two liabilities the accounting reports tell apart
WALLET_KINDS = [("bonus", "Member bonus"), ("gift_card", "Gift card")]
