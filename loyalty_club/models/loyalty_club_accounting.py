"""The club ledger in the general ledger: one entry per company, day and store.

What each ledger line books (``_entries``), with L the liability account of the
wallet kind under the company's policy (bonus liability for the cost policy,
contract liability for IFRS 15, gift-card liability for gift cards), F the
line's face value (``money_minor``) and V its liability value (F for the cost
policy and gift cards; the IFRS 15 deferral otherwise, see ``_values``):

* earn: cost Dr bonus expense / Cr L; IFRS 15 Dr revenue allocated to bonuses
  / Cr L (the part of the sale's price deferred);
* gift bonuses and manual adjustments: Dr bonus expense / Cr L (signed);
* spend: Dr L / Cr settlement account (IFRS 15: V on L, F - V back to revenue);
* expiry: Dr L / Cr breakage income;
* reversal (refund): the mirror of the line it reverses, in proportion (the
  service already reversed the points in proportion);
* gift cards: a sale is Dr settlement / Cr gift-card liability (never revenue),
  a use the opposite, expiry Dr liability / Cr gift-card breakage;
* transfers between cards net out on L and book nothing.

Why the POS pays with bonuses through a payment method whose account is L:
spending bonuses is not a discount. The sale keeps its full price and so its
full tax base, and the part paid with bonuses settles the liability the club
owes the member, exactly like a gift card. The POS session entry therefore
debits L itself; the posting job leaves those spend (and gift-card sale and
use) lines to the session, so they are never booked twice, and under IFRS 15
only books the difference between the face value the till debited and the
deferred value (Dr revenue / Cr L). Other channels have no such entry: their
lines go through the company's settlement account.
"""

import logging
from collections import defaultdict, namedtuple
from datetime import datetime, time, timedelta

import pytz

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..domain import money

_logger = logging.getLogger(__name__)

LOCK_KEY = 7_318_001  # pg advisory lock namespace of the club posting job
Row = namedtuple(
    "Row",
    "id kind wallet_kind money store_id channel day reversed_kind date wallet_id",
)

PENDING_SQL = """
SELECT l.id, l.kind, w.kind, COALESCE(l.money_minor, 0), l.store_id, l.channel,
       (l.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date, r.kind, l.date, w.id
  FROM loyalty_club_ledger l
  JOIN loyalty_club_wallet w ON w.id = l.wallet_id
  LEFT JOIN loyalty_club_ledger r ON r.id = l.reversed_id
 WHERE l.company_id = %(company)s AND l.date < %(until)s
   AND NOT EXISTS (SELECT 1 FROM loyalty_club_posting p
                    WHERE p.ledger_id = l.id AND p.state = 'posted')
 ORDER BY l.id
"""
CUMULATIVE_SQL = """
SELECT l.id, COALESCE(l.money_minor, 0),
       SUM(COALESCE(l.money_minor, 0)) OVER (ORDER BY l.id)
  FROM loyalty_club_ledger l JOIN loyalty_club_wallet w ON w.id = l.wallet_id
 WHERE l.company_id = %s AND w.kind = 'bonus' AND l.id BETWEEN %s AND %s
 ORDER BY l.id
"""


def pair(debit_role, credit_role, amount, label):
    """Dr ``debit_role`` / Cr ``credit_role`` for a signed amount (signed credits)."""
    if not amount:
        return []
    return [(credit_role, label, amount), (debit_role, label, -amount)]


class LoyaltyClubAccounting(models.AbstractModel):
    _name = "loyalty.club.accounting"
    _description = "Club Ledger Posting Job"

    # ---------------------------------------------------------------- helpers
    @api.model
    def _check_rights(self):
        if not (
            self.env.su or self.env.user.has_group("account.group_account_manager")
        ):
            raise AccessError(_("Only an accounting administrator posts the club."))

    @api.model
    def _day_end(self, company, day):
        """The UTC instant a company's local ``day`` ends (ledger dates are UTC)."""
        tz = pytz.timezone(company._loyalty_club_tz())
        local = tz.localize(datetime.combine(day + timedelta(days=1), time.min))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _yesterday(self, company):
        tz = pytz.timezone(company._loyalty_club_tz())
        return datetime.now(tz).date() - timedelta(days=1)

    @api.model
    def _pending_rows(self, company, date_to):
        self.env.flush_all()
        self.env.cr.execute(
            PENDING_SQL,
            {
                "tz": company._loyalty_club_tz(),
                "company": company.id,
                "until": self._day_end(company, date_to),
            },
        )
        return [Row(*row) for row in self.env.cr.fetchall()]

    @api.model
    def _values(self, company, rows):
        """{line id: liability value} in company currency minor units.

        The IFRS 15 deferral is measured on the company's running total of
        bonus face value in ledger order, not line by line: a line's value is
        ``d(total after) - d(total before)`` with ``d(x) = x * SSP * rate``
        rounded half up. Whatever the lines and their order, the values sum to
        ``d(outstanding face value)`` exactly: rounding never creeps in, and a
        line's value does not depend on the batch it is posted in.
        """
        values = {row.id: row.money for row in rows}
        ids = sorted(row.id for row in rows if row.wallet_kind == "bonus")
        if company.loyalty_club_policy != "ifrs15" or not ids:
            return values
        num, den = company._loyalty_club_deferral_ratio()
        cr = self.env.cr
        cr.execute(
            "SELECT COALESCE(SUM(l.money_minor), 0) FROM loyalty_club_ledger l "
            "JOIN loyalty_club_wallet w ON w.id = l.wallet_id "
            "WHERE l.company_id = %s AND w.kind = 'bonus' AND l.id < %s",
            [company.id, ids[0]],
        )
        base = int(cr.fetchone()[0])
        cr.execute(CUMULATIVE_SQL, [company.id, ids[0], ids[-1]])
        wanted = set(ids)
        for line_id, face, running in cr.fetchall():
            if line_id in wanted:
                after = base + int(running)
                values[line_id] = money.scale(after, num, den, "half_up") - money.scale(
                    after - face, num, den, "half_up"
                )
        return values

    @api.model
    def _labels(self, gift):
        return {
            "earn": _("Bonuses earned"),
            "gift": _("Gift bonuses"),
            "adjust": _("Manual adjustments"),
            "burn": _("Gift cards used") if gift else _("Bonuses spent"),
            "expire": _("Gift cards expired") if gift else _("Bonuses expired"),
            "reversal": _("Refunds"),
            "transfer": _("Transfers"),
            "issue": _("Gift cards sold"),
            "opening": _("Opening balances"),
        }

    @api.model
    def _entries(self, company, row, value):
        """[(role, label, signed credit)] this line books; empty: nothing here."""
        face = row.money
        pos = row.channel == "pos" and company.loyalty_club_pos_settles
        label = self._labels(row.wallet_kind == "gift_card")[row.kind]
        kind = row.kind
        if kind == "reversal":
            kind = row.reversed_kind or ("earn" if face < 0 else "burn")
        if kind == "transfer":
            return []
        if row.wallet_kind == "gift_card":
            liability = "gift_liability"
            if kind in ("issue", "burn"):
                return [] if pos else pair("clearing", liability, face, label)
            if kind == "expire":
                return pair("gift_breakage", liability, face, label)
            if kind == "opening":
                return pair("clearing", liability, face, label)
            return pair("bonus_expense", liability, face, label)
        ifrs = company.loyalty_club_policy == "ifrs15"
        liability = "deferred_revenue" if ifrs else "bonus_liability"
        if kind == "earn":
            return pair("revenue" if ifrs else "bonus_expense", liability, value, label)
        if kind == "burn":
            if pos:  # the till debited L with the face value
                return pair("revenue", liability, value - face, label)
            return pair("clearing", liability, value, label) + pair(
                "clearing", "revenue", face - value, label
            )
        if kind == "expire":
            return pair("breakage", liability, value, label)
        if kind in ("opening", "issue"):
            return pair("clearing", liability, value, label)
        return pair("bonus_expense", liability, value, label)

    @api.model
    def _accounting_date(self, company, journal, day):
        """(date, lock date): the first open day when ``day`` is locked."""
        locks = company._get_violated_lock_dates(day, False, journal)
        if not locks:
            return day, None
        lock_date = locks[-1][0]
        return lock_date + timedelta(days=1), lock_date

    @api.model
    def _prepare_move(self, company, day, store, rows, amounts):
        """The entry of one company, day and store; ``amounts`` maps (role, label)
        to a signed credit in company currency minor units. Override to add
        analytic distribution, partners or another layout."""
        journal = company.loyalty_club_journal_id
        date, lock_date = self._accounting_date(company, journal, day)
        ref = _(
            "Loyalty Club %(day)s %(store)s",
            day=fields.Date.to_string(day),
            store=store.code or _("no store"),
        )
        if lock_date:
            ref = _(
                "%(ref)s: period locked until %(lock)s, dated %(date)s",
                ref=ref,
                lock=fields.Date.to_string(lock_date),
                date=fields.Date.to_string(date),
            )
        digits = company.currency_id.decimal_places
        lines = []
        for (role, label), credit in sorted(amounts.items()):
            account = company._loyalty_club_account(role)
            if not account:
                company._loyalty_club_check_accounting()
                raise UserError(_("No account for %(role)s.", role=role))
            amount = float(money.from_minor(abs(credit), digits))
            lines.append(
                Command.create(
                    {
                        "account_id": account.id,
                        "name": label,
                        "debit": 0.0 if credit > 0 else amount,
                        "credit": amount if credit > 0 else 0.0,
                    }
                )
            )
        return {
            "move_type": "entry",
            "journal_id": journal.id,
            "company_id": company.id,
            "date": date,
            "ref": ref,
            "loyalty_club_day": day,
            "loyalty_club_store_id": store.id or False,
            "line_ids": lines,
        }

    # ---------------------------------------------------------------- posting
    @api.model
    def _post_company(self, company, date_to, max_moves=None):
        """Post every pending line of ``company`` up to ``date_to`` (its local day).

        All or nothing: the entries are created together, then posted, then
        linked; any error leaves the batch unposted. Returns (moves, groups
        left for a next batch)."""
        company._loyalty_club_check_accounting()
        env = self.sudo().with_context(loyalty_club_posting=True).env
        company = company.with_env(env)
        env.cr.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_KEY, company.id]
        )
        if not env.cr.fetchone()[0]:
            raise UserError(
                _(
                    "The club ledger of %(company)s is being posted.",
                    company=company.name,
                )
            )
        groups = defaultdict(list)
        for row in self._pending_rows(company, date_to):
            groups[row.day, row.store_id or 0].append(row)
        keys = sorted(groups)
        left = max(len(keys) - max_moves, 0) if max_moves else 0
        keys = keys[: len(keys) - left]
        rows = [row for key in keys for row in groups[key]]
        values = self._values(company, rows)
        Store = env["loyalty.club.store"]
        move_vals, owners, booked = [], [], set()
        for day, store_id in keys:
            amounts = defaultdict(int)
            for row in groups[day, store_id]:
                entries = self._entries(company, row, values[row.id])
                for role, label, credit in entries:
                    amounts[role, label] += credit
                if entries:
                    booked.add(row.id)
            amounts = {key: credit for key, credit in amounts.items() if credit}
            if amounts:
                move_vals.append(
                    self.with_env(env)._prepare_move(
                        company,
                        day,
                        Store.browse(store_id),
                        groups[day, store_id],
                        amounts,
                    )
                )
                owners.append((day, store_id))
        moves = env["account.move"].create(move_vals)
        moves.action_post()
        move_of = dict(zip(owners, moves, strict=True))

        def booked_in(row, key):
            return row.id in booked and key in move_of

        env["loyalty.club.posting"].create(
            [
                {
                    "ledger_id": row.id,
                    "company_id": company.id,
                    "store_id": row.store_id or False,
                    "move_id": move_of[key].id if booked_in(row, key) else False,
                    "day": row.day,
                    "date": move_of[key].date if booked_in(row, key) else row.day,
                    "policy": company.loyalty_club_policy,
                    "value_minor": values[row.id],
                }
                for key in keys
                for row in groups[key]
            ]
        )
        if not left:
            moves |= self.with_env(env)._remeasure(company, date_to)
        return moves.with_env(self.env), left

    @api.model
    def _post(self, companies=None, date_to=None):
        """Post now (manual mode, or a catch-up): every pending line up to
        ``date_to`` (default yesterday) of these companies."""
        self._check_rights()
        companies = (companies or self.env.companies).sudo()
        companies._loyalty_club_check_accounting()
        moves = self.env["account.move"]
        for company in companies:
            with self.env.cr.savepoint():
                moves |= self._post_company(
                    company, date_to or self._yesterday(company)
                )[0]
        return moves

    @api.model
    def _cron_post(self, max_moves=200, companies=None):
        """Daily: yesterday's lines of every company posting daily, in batches
        of at most ``max_moves`` entries, each batch in its own transaction
        (the cron runner commits and calls again while some remain)."""
        companies = (
            (companies or self.env["res.company"])
            .sudo()
            .search(
                [("loyalty_club_posting_mode", "=", "daily")]
                + ([("id", "in", companies.ids)] if companies else [])
            )
        )
        done = left = 0
        for company in companies:
            try:
                with self.env.cr.savepoint():
                    moves, rest = self._post_company(
                        company, self._yesterday(company), max_moves
                    )
            except (UserError, ValidationError) as exc:
                _logger.error("Club posting of %s failed: %s", company.name, exc)
                continue
            done += len(moves)
            left += rest
        self.env["ir.cron"]._notify_progress(done=done, remaining=left)
        return done
