"""Posting rules: the journal entry lines each club ledger line books, by role.

The club's ledger records every movement of a wallet at its face value F
(``money_minor``, signed: positive when the wallet is credited). The general
ledger carries the club's liabilities at their *liability value* V (see
"Liability value" below). The rules here say which account *roles* a ledger
line debits and credits; each company maps the roles to its own accounts.

Account roles
-------------

* ``bonus_liability``: the bonuses owed to members (cost policy);
* ``deferred_revenue``: the contract liability for the bonuses (IFRS 15);
* ``gift_liability``: the money owed to gift-card holders (both policies);
* ``clearing``: the settlement account of the channels other than Odoo's POS
  (API, back office, imports): what they collected or paid for the club;
* ``bonus_expense``: bonuses given (cost policy: all of them; IFRS 15: the
  ones no sale paid for: gift bonuses, manual adjustments);
* ``revenue``: revenue allocated to the bonuses (IFRS 15);
* ``breakage``: bonuses that expired unused;
* ``gift_breakage``: gift-card money never to be used.

L below is the liability role of the wallet: ``gift_liability`` for gift cards,
``bonus_liability`` for bonuses under the cost policy, ``deferred_revenue``
under IFRS 15.

What a ledger line books
------------------------

Each rule is written for the usual direction of the line; a line of the
opposite sign (a negative adjustment, a reversal) books the same accounts the
other way round. s is the amount spent or expired (s = -F), v its liability
value (v = -V).

Bonuses:

* earn: cost policy Dr bonus expense / Cr L by F (V = F); IFRS 15 Dr revenue
  / Cr L by V, the part of the sale's price deferred;
* gift bonus, manual adjustment: Dr bonus expense / Cr L by V;
* spend: Dr L by v / Cr clearing by s; under IFRS 15 the difference s - v is
  debited to revenue (the channel's sale credited the face value to revenue);
* expiry: Dr L / Cr breakage by v;
* opening balance: Dr clearing / Cr L by V;
* transfer between cards: nothing (its two lines net out on L).

Gift cards (V = F unless breakage is recognised in proportion to use):

* sale (issue), opening balance: Dr clearing / Cr L by F, never revenue;
* use (spend): Dr L / Cr clearing by s;
* expiry: Dr L / Cr gift-card breakage by s;
* any other line (an adjustment): Dr bonus expense / Cr L by F;
* transfer: nothing;
* breakage in proportion to use (IFRS 15 B46): each line also books
  Dr L / Cr gift-card breakage by F - V, the breakage it brings (the reverse
  when it takes some back: a refund of a use, a use beyond the expected
  pattern, the expiry that releases the rest).

A reversal (a refund) follows the rule of the line it reverses, mirrored by its
sign (the service already reversed the points in proportion); without a
reversed line, a negative reversal follows the earn rule and a positive one
the spend rule.

Lines the POS session books
---------------------------

When the company's POS books the liability (``pos_settles``), the POS payment
methods for bonuses and gift cards debit L itself and a gift card sold at the
till is credited to L. Spending bonuses is not a discount: the sale keeps its
full price and so its full tax base, and the part paid with bonuses settles
what the club owes the member, exactly like a gift card. So the lines rung up
at the POS (channel ``pos``) are left to the session's entry, never booked
twice: a bonus spend books only Dr revenue / Cr L by s - v (nothing under the
cost policy), a gift-card sale or use books nothing but its breakage share.
Other channels have no such entry: their lines go through ``clearing``.

Liability value
---------------

* cost policy: V = F;
* IFRS 15 bonuses: V is the change a line makes to d(T), T the company's
  running total of bonus face value in ledger order and
  d(x) = x * SSP * expected redemption, rounded half up (``deferred_values``):
  whatever the order and the batches, the values sum to d(outstanding face
  value), rounding never creeps in;
* gift cards: V = F less the breakage the line brings (``gift_card_values``,
  from ``breakage``): the liability never turns into an asset, and over a
  card's life spent + breakage = what was loaded on it.

When the SSP or the expected redemption change, one remeasurement entry
(``remeasurement``) brings the contract liability to d(outstanding face value)
at the new rates: Dr revenue / Cr L (or the reverse).

Every entry balances: each rule debits what it credits. All amounts are integer
minor units of the company currency; rates are exact ratios (no floats).
"""

from collections import namedtuple
from dataclasses import dataclass
from decimal import Decimal

from . import breakage, money

COST = "cost"
IFRS15 = "ifrs15"
POLICIES = (COST, IFRS15)
EXPIRY = "expiry"
PROPORTIONAL = "proportional"
GIFT_BREAKAGE_METHODS = (EXPIRY, PROPORTIONAL)
BONUS = "bonus"
GIFT_CARD = "gift_card"
WALLET_KINDS = (BONUS, GIFT_CARD)

# role -> the res.company setting carrying its account, the type and
# reconciliation of the account made for it, its name
Role = namedtuple("Role", "field account_type reconcile name")
ACCOUNT_ROLES = {
    "bonus_liability": Role(
        "loyalty_club_bonus_liability_account_id",
        "liability_current",
        False,
        "Club bonus liability",
    ),
    "deferred_revenue": Role(
        "loyalty_club_deferred_revenue_account_id",
        "liability_current",
        False,
        "Contract liability: club bonuses (IFRS 15)",
    ),
    "gift_liability": Role(
        "loyalty_club_gift_liability_account_id",
        "liability_current",
        False,
        "Gift-card liability",
    ),
    "clearing": Role(
        "loyalty_club_clearing_account_id",
        "asset_current",
        True,
        "Club settlements through other channels",
    ),
    "bonus_expense": Role(
        "loyalty_club_bonus_expense_account_id",
        "expense",
        False,
        "Club bonus expense",
    ),
    "revenue": Role(
        "loyalty_club_revenue_account_id",
        "income",
        False,
        "Revenue allocated to club bonuses (IFRS 15)",
    ),
    "breakage": Role(
        "loyalty_club_breakage_account_id",
        "income_other",
        False,
        "Club bonus breakage",
    ),
    "gift_breakage": Role(
        "loyalty_club_gift_breakage_account_id",
        "income_other",
        False,
        "Gift-card breakage",
    ),
}
COMMON_ROLES = (
    "bonus_expense",
    "breakage",
    "gift_liability",
    "gift_breakage",
    "clearing",
)
# the roles a policy posts on: a company needs an account for each
POLICY_ROLES = {
    COST: ("bonus_liability",) + COMMON_ROLES,
    IFRS15: ("deferred_revenue", "revenue") + COMMON_ROLES,
}

# The liability roll-forward: opening + the MOVEMENTS = closing, each ledger
# kind in one bucket (a kind not listed counts as reversed).
ROLLFORWARD = (
    ("earned", ("earn", "gift", "issue", "opening")),
    ("spent", ("burn",)),
    ("expired", ("expire",)),
    ("adjusted", ("adjust", "transfer")),
    ("reversed", ("reversal",)),
)
MOVEMENTS = tuple(bucket for bucket, _kinds in ROLLFORWARD)

# labels of the lines that are not the ledger line's own movement (the others
# are labelled by the ledger kind)
BREAKAGE_LABEL = "proportional_breakage"
REMEASUREMENT_LABEL = "remeasurement"

Line = namedtuple("Line", "role debit credit label")
Line.__doc__ = """One entry line: debit and credit >= 0 in minor units, one of
them 0; ``label`` the ledger kind it comes from or one of the *_LABEL."""


def rollforward_bucket(kind):
    """The roll-forward bucket of a ledger kind."""
    for bucket, kinds in ROLLFORWARD:
        if kind in kinds:
            return bucket
    return "reversed"


def deferral_ratio(ssp_percent, redemption_percent):
    """IFRS 15 deferral per unit of face value (SSP x expected redemption, both
    in %) as an exact (numerator, denominator)."""
    share = (
        money.to_decimal(ssp_percent, "ssp_percent")
        * money.to_decimal(redemption_percent, "redemption_percent")
        / Decimal(10000)
    )
    return money.ratio(share)


@dataclass(frozen=True)
class Policy:
    """A company's accounting settings for the club (percentages as Decimal)."""

    name: str = COST
    pos_settles: bool = True
    ssp_percent: Decimal = Decimal(100)
    redemption_percent: Decimal = Decimal(80)
    gift_breakage: str = EXPIRY
    gift_breakage_percent: Decimal = Decimal(0)

    def __post_init__(self):
        if self.name not in POLICIES:
            raise ValueError(f"policy must be one of {POLICIES}, not {self.name!r}")
        if self.gift_breakage not in GIFT_BREAKAGE_METHODS:
            raise ValueError(
                f"gift-card breakage must be one of {GIFT_BREAKAGE_METHODS}, "
                f"not {self.gift_breakage!r}"
            )
        for name in ("ssp_percent", "redemption_percent", "gift_breakage_percent"):
            object.__setattr__(self, name, money.to_decimal(getattr(self, name), name))

    @property
    def deferral(self):
        """(num, den) of the IFRS 15 deferral per unit of face value."""
        return deferral_ratio(self.ssp_percent, self.redemption_percent)

    @property
    def breakage_rate(self):
        """Expected gift-card breakage recognised in proportion to use, exact;
        (0, 1) when breakage waits for the expiry."""
        if self.gift_breakage != PROPORTIONAL:
            return (0, 1)
        return breakage.rate_from_percent(self.gift_breakage_percent)

    def liability_role(self, wallet_kind=BONUS):
        return liability_role(self.name, wallet_kind)


def liability_role(policy_name, wallet_kind=BONUS):
    """The role carrying the liability of a wallet kind under a policy. It is
    also the account the POS payment method for that kind debits."""
    if wallet_kind == GIFT_CARD:
        return "gift_liability"
    return "deferred_revenue" if policy_name == IFRS15 else "bonus_liability"


@dataclass(frozen=True)
class Movement:
    """A ledger line as the posting sees it."""

    kind: str  # ledger kind: earn, burn, gift, adjust, expire, reversal, ...
    face: int  # money_minor: signed face value, company currency minor units
    wallet_kind: str = BONUS
    channel: str = "backoffice"
    reversed_kind: str | None = None  # kind of the line a reversal reverses

    def __post_init__(self):
        money.check_int(self.face, "face")
        if self.wallet_kind not in WALLET_KINDS:
            raise ValueError(f"unknown wallet kind {self.wallet_kind!r}")

    @property
    def rule(self):
        """The kind whose rule the line follows (a reversal: the reversed one's)."""
        if self.kind != "reversal":
            return self.kind
        return self.reversed_kind or ("earn" if self.face < 0 else "burn")


def settled_by_pos(movement, policy):
    """Whether the POS session's entry books this line's face value on L."""
    return movement.channel == "pos" and policy.pos_settles


def _pair(debit_role, credit_role, amount, label):
    """Dr ``debit_role`` / Cr ``credit_role`` by a signed amount."""
    if not amount:
        return []
    if amount > 0:
        return [
            Line(credit_role, 0, amount, label),
            Line(debit_role, amount, 0, label),
        ]
    return [
        Line(credit_role, -amount, 0, label),
        Line(debit_role, 0, -amount, label),
    ]


def _gift_card_lines(movement, policy, label):
    rule, face = movement.rule, movement.face
    liability = "gift_liability"
    if rule == "transfer":
        return []
    if rule in ("issue", "burn"):
        if settled_by_pos(movement, policy):
            return []
        return _pair("clearing", liability, face, label)
    if rule == "expire":
        return _pair("gift_breakage", liability, face, label)
    if rule == "opening":
        return _pair("clearing", liability, face, label)
    return _pair("bonus_expense", liability, face, label)


def _bonus_lines(movement, value, policy, label):
    rule, face = movement.rule, movement.face
    ifrs = policy.name == IFRS15
    liability = policy.liability_role(BONUS)
    if rule == "transfer":
        return []
    if rule == "earn":
        return _pair("revenue" if ifrs else "bonus_expense", liability, value, label)
    if rule == "burn":
        if settled_by_pos(movement, policy):  # the till debited L with F
            return _pair("revenue", liability, value - face, label)
        return _pair("clearing", liability, value, label) + _pair(
            "clearing", "revenue", face - value, label
        )
    if rule == "expire":
        return _pair("breakage", liability, value, label)
    if rule in ("opening", "issue"):
        return _pair("clearing", liability, value, label)
    return _pair("bonus_expense", liability, value, label)


def entry(movement, value, policy):
    """[Line] a ledger line of liability value ``value`` books (the module's
    rules); empty when it books nothing through the club's own entries."""
    money.check_int(value, "value")
    label = movement.kind
    if movement.wallet_kind == BONUS:
        return _bonus_lines(movement, value, policy, label)
    lines = _gift_card_lines(movement, policy, label)
    advance = movement.face - value  # the breakage this line brings
    return lines + _pair("gift_liability", "gift_breakage", advance, BREAKAGE_LABEL)


def balance(lines):
    """{role: credit - debit} of entry lines (roles netting to 0 kept)."""
    out = {}
    for line in lines:
        out[line.role] = out.get(line.role, 0) + line.credit - line.debit
    return out


# ------------------------------------------------------------------ values
def deferred_values(base, faces, ratio):
    """IFRS 15 liability values of bonus lines, in ledger order.

    ``base`` is the company's bonus face value before the first of ``faces``
    (every earlier bonus line, posted or not); a line's value is
    d(total after) - d(total before), d(x) = x * ratio rounded half up, so the
    values telescope to d(base + sum(faces)) - d(base).
    """
    num, den = ratio
    out = []
    total = money.check_int(base, "base")
    for face in faces:
        before, total = total, total + money.check_int(face, "face")
        out.append(
            money.scale(total, num, den, "half_up")
            - money.scale(before, num, den, "half_up")
        )
    return out


def breakage_movement(kind, reversed_kind, face):
    """The ``breakage`` movement of a gift-card ledger line (amount: abs(face))."""
    if kind == "reversal" and reversed_kind == "burn" and face >= 0:
        return breakage.SPEND_REFUND
    if kind == "reversal" and reversed_kind == "expire" and face >= 0:
        return breakage.EXPIRE_REVERSAL
    if kind == "burn" and face <= 0:
        return breakage.SPEND
    if kind == "expire" and face <= 0:
        return breakage.EXPIRE
    return breakage.CREDIT if face >= 0 else breakage.DEBIT


GiftLine = namedtuple(
    "GiftLine", "kind reversed_kind face posted pending", defaults=(None, True)
)
GiftLine.__doc__ = """A line of one gift card: ``posted`` the value it was
posted with (None: not posted), ``pending`` False for an unposted line left to
a later batch."""


def gift_card_values(lines, rate):
    """Liability values of one gift card's lines in ledger order (``GiftLine``).

    A posted line keeps the value it was posted with; a pending one is valued
    F less the breakage it brings: the breakage brings the advance booked so
    far (the posted and pending lines' F - V) to what the card's state calls
    for at ``rate`` (``breakage.step``), so a change of rate or of method is
    caught up at the card's next line and nothing books twice. A line left to
    a later batch moves the card but books nothing (None). The advance stays
    exact as long as the lines are posted in ledger order (the lines left to a
    later batch come after the ones posted now, as when posting day by day).
    """
    card, booked, out = breakage.Card(), 0, []
    for line in lines:
        face = money.check_int(line.face, "face")
        step = breakage_movement(line.kind, line.reversed_kind, face)
        if line.posted is not None:
            card = card.move(step, abs(face))
            booked += face - line.posted
            out.append(line.posted)
            continue
        card, advance = breakage.step(card, step, abs(face), rate, booked)
        if line.pending:
            booked += advance
            out.append(face - advance)
        else:
            out.append(None)
    return out


def remeasurement(policy, face, carried, remeasured=0):
    """What the contract liability still lacks at ``policy``'s rates: d(face)
    less the values the lines were ``carried`` at and the remeasurements
    already booked (0 under the cost policy or while the rates stay)."""
    if policy.name != IFRS15:
        return 0
    num, den = policy.deferral
    return money.scale(face, num, den, "half_up") - carried - remeasured


def remeasurement_entry(delta):
    """Dr revenue / Cr contract liability by the (signed) remeasurement."""
    return _pair("revenue", "deferred_revenue", delta, REMEASUREMENT_LABEL)
