"""Gift-card breakage in proportion to use (IFRS 15 B46) in the posting.

The ledger lines stay the club's truth (face values); the journal entries carry
the breakage. With the proportional method each gift-card line's liability
value is its face value less the breakage it brings (``domain.breakage``): a
spend of s books Dr gift-card liability / Cr gift-card breakage for its share,
a refund of a spend takes that share back, the expiry releases the rest.

The breakage of a line brings the advance booked so far for its card (the
posted lines' face value less their posted value) to what the card's state
calls for: a change of rate or of method is caught up at the card's next line,
a line posted in a later batch never books twice, and the values stay exact
for the reconciliation (ledger liability = sum of the lines' values).
"""

from collections import defaultdict

from odoo import _, api, models

from ..domain import breakage

GIFT_LINES_SQL = """
SELECT l.id, l.wallet_id, l.kind, r.kind, COALESCE(l.money_minor, 0), p.value_minor
  FROM loyalty_club_ledger l
  LEFT JOIN loyalty_club_ledger r ON r.id = l.reversed_id
  LEFT JOIN loyalty_club_posting p ON p.ledger_id = l.id AND p.state = 'posted'
 WHERE l.wallet_id = ANY(%s)
 ORDER BY l.wallet_id, l.id
"""


def movement(kind, reversed_kind, face):
    """The breakage movement of a gift-card ledger line (amount = abs(face))."""
    if kind == "reversal" and reversed_kind == "burn" and face >= 0:
        return breakage.SPEND_REFUND
    if kind == "reversal" and reversed_kind == "expire" and face >= 0:
        return breakage.EXPIRE_REVERSAL
    if kind == "burn" and face <= 0:
        return breakage.SPEND
    if kind == "expire" and face <= 0:
        return breakage.EXPIRE
    return breakage.CREDIT if face >= 0 else breakage.DEBIT


class LoyaltyClubAccounting(models.AbstractModel):
    _inherit = "loyalty.club.accounting"

    @api.model
    def _values(self, company, rows):
        values = super()._values(company, rows)
        wanted = {row.id for row in rows if row.wallet_kind == "gift_card"}
        if not wanted:
            return values
        rate = company._loyalty_club_breakage_rate()
        wallets = sorted({row.wallet_id for row in rows if row.id in wanted})
        self.env.cr.execute(GIFT_LINES_SQL, [wallets])
        cards = defaultdict(breakage.Card)
        booked = defaultdict(int)
        for (
            line_id,
            wallet_id,
            kind,
            reversed_kind,
            face,
            posted,
        ) in self.env.cr.fetchall():
            face = int(face)
            step = movement(kind, reversed_kind, face)
            if posted is not None:  # booked with the value it was posted with
                cards[wallet_id] = cards[wallet_id].move(step, abs(face))
                booked[wallet_id] += face - int(posted)
                continue
            cards[wallet_id], advance = breakage.step(
                cards[wallet_id], step, abs(face), rate, booked[wallet_id]
            )
            if line_id in wanted:
                values[line_id] = face - advance
                booked[wallet_id] += advance
        return values

    @api.model
    def _entries(self, company, row, value):
        entries = super()._entries(company, row, value)
        advance = row.money - value
        if row.wallet_kind == "gift_card" and advance:
            label = _("Gift-card breakage in proportion to use")
            entries = entries + [
                ("gift_liability", label, -advance),
                ("gift_breakage", label, advance),
            ]
        return entries
