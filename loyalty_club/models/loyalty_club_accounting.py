"""The club ledger in the general ledger: one entry per company, day and store.

The posting rules (which account roles each ledger line debits and credits, at
which value, which lines the POS session books instead) are the core's
(``domain.posting``, written for an accountant to read). This job reads the
pending ledger lines, values them, maps the roles to the company's accounts
(``res.company`` settings) and writes and posts the entries; it also books the
IFRS 15 remeasurement and computes the figures of the liability reports.
"""

import logging
from collections import defaultdict, namedtuple
from datetime import datetime, time, timedelta

import pytz

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..domain import money, posting

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
 WHERE l.company_id = %(company)s AND l.date < %(until)s AND l.id >= %(from_id)s
   AND NOT EXISTS (SELECT 1 FROM loyalty_club_posting p
                    WHERE p.ledger_id = l.id AND p.state = 'posted')
 ORDER BY l.id
"""
# The posted frontier: every line below it is posted. It moves up to the first
# line still pending, but never past a line written in the last two hours: a
# line another transaction is writing now has a smaller id than lines already
# committed and is not visible yet, and no Odoo transaction lives that long
FRONTIER_SQL = """
SELECT GREATEST(%(from_id)s, LEAST(
    (SELECT MIN(l.id) FROM loyalty_club_ledger l
      WHERE l.company_id = %(company)s AND l.id >= %(from_id)s
        AND NOT EXISTS (SELECT 1 FROM loyalty_club_posting p
                         WHERE p.ledger_id = l.id AND p.state = 'posted')),
    (SELECT l.id + 1 FROM loyalty_club_ledger l
      WHERE l.company_id = %(company)s AND l.id >= %(from_id)s
        AND l.create_date < %(settled)s
      ORDER BY l.id DESC LIMIT 1)))
"""
SETTLED = timedelta(hours=2)
# The posted lines are counted in loyalty_club_posting_total; a query over the
# whole history reads those totals and only looks at the ledger lines from the
# company's posted frontier up (the lines still pending and the night's work).
POSTED_BONUS_SQL = """
SELECT COALESCE(SUM(t.money_minor), 0), COALESCE(SUM(t.value_minor), 0)
  FROM loyalty_club_posting_total t
 WHERE t.company_id = %(company)s AND t.wallet_kind = 'bonus'
"""
POSTINGS_SQL = """
INSERT INTO loyalty_club_posting
       (ledger_id, company_id, store_id, move_id, day, date, state, policy,
        value_minor, create_uid, write_uid, create_date, write_date)
SELECT r.ledger_id, %(company)s, NULLIF(r.store_id, 0), NULLIF(r.move_id, 0),
       r.day, r.date, 'posted', %(policy)s, r.value_minor, %(uid)s, %(uid)s,
       now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
  FROM unnest(%(ledger)s::int[], %(store)s::int[], %(move)s::int[],
              %(day)s::date[], %(date)s::date[], %(value)s::int[])
       AS r(ledger_id, store_id, move_id, day, date, value_minor)
RETURNING id
"""
# IFRS 15: the company's bonus face value before a line (a pending line: every
# line below the frontier is posted, so the posted totals less the posted
# lines from that line up, plus the pending ones between the frontier and it)
BONUS_BASE_SQL = """
SELECT COALESCE(SUM(CASE WHEN p.id IS NULL AND l.id < %(first)s
                              THEN COALESCE(l.money_minor, 0)
                         WHEN p.id IS NOT NULL AND l.id >= %(first)s
                              THEN -COALESCE(l.money_minor, 0)
                         ELSE 0 END), 0)
  FROM loyalty_club_ledger l
  JOIN loyalty_club_wallet w ON w.id = l.wallet_id
  LEFT JOIN loyalty_club_posting p ON p.ledger_id = l.id AND p.state = 'posted'
 WHERE l.company_id = %(company)s AND w.kind = 'bonus' AND l.id >= %(from_id)s
"""
BONUS_LINES_SQL = """
SELECT l.id, COALESCE(l.money_minor, 0)
  FROM loyalty_club_ledger l JOIN loyalty_club_wallet w ON w.id = l.wallet_id
 WHERE l.company_id = %s AND w.kind = 'bonus' AND l.id BETWEEN %s AND %s
 ORDER BY l.id
"""
# gift cards: every line of the cards, with the value it was posted with
GIFT_LINES_SQL = """
SELECT l.id, l.wallet_id, l.kind, r.kind, COALESCE(l.money_minor, 0), p.value_minor
  FROM loyalty_club_ledger l
  LEFT JOIN loyalty_club_ledger r ON r.id = l.reversed_id
  LEFT JOIN loyalty_club_posting p ON p.ledger_id = l.id AND p.state = 'posted'
 WHERE l.wallet_id = ANY(%s)
 ORDER BY l.wallet_id, l.id
"""
# IFRS 15 remeasurement: the lines posted without a gap, and what they carry
PREFIX_SQL = """
SELECT MIN(l.id) FROM loyalty_club_ledger l
  JOIN loyalty_club_wallet w ON w.id = l.wallet_id
 WHERE l.company_id = %(company)s AND w.kind = 'bonus' AND l.id >= %(from_id)s
   AND NOT EXISTS (SELECT 1 FROM loyalty_club_posting p
                    WHERE p.ledger_id = l.id AND p.state = 'posted')
"""
# the bonus lines below ``before`` are all posted: the posted totals less the
# posted lines from ``before`` up
CARRIED_SQL = """
SELECT COALESCE(SUM(COALESCE(l.money_minor, 0)), 0), COALESCE(SUM(p.value_minor), 0)
  FROM loyalty_club_ledger l
  JOIN loyalty_club_wallet w ON w.id = l.wallet_id
  JOIN loyalty_club_posting p ON p.ledger_id = l.id AND p.state = 'posted'
 WHERE l.company_id = %(company)s AND w.kind = 'bonus' AND l.id >= %(before)s
"""
REMEASURED_SQL = """
SELECT COALESCE(SUM(m.loyalty_club_remeasure_minor), 0) FROM account_move m
 WHERE m.company_id = %(company)s AND m.state = 'posted'
   AND m.loyalty_club_remeasure_minor <> 0 AND m.date <= %(date)s
   AND NOT EXISTS (SELECT 1 FROM account_move r
                    WHERE r.reversed_entry_id = m.id AND r.state = 'posted')
"""
# liability reports
RECONCILE_POSTED_SQL = """
SELECT t.wallet_kind, COALESCE(t.store_id, 0), t.date <= %(date)s, SUM(t.value_minor)
  FROM loyalty_club_posting_total t
 WHERE t.company_id = %(company)s AND t.day <= %(date)s
 GROUP BY 1, 2, 3
"""
RECONCILE_GL_SQL = """
SELECT aml.account_id, COALESCE(m.loyalty_club_store_id, 0),
       m.loyalty_club_day IS NOT NULL,
       ROUND((SUM(aml.credit) - SUM(aml.debit)) * %(scale)s)::bigint
  FROM account_move_line aml
  JOIN account_move m ON m.id = aml.move_id
 WHERE aml.account_id = ANY(%(accounts)s) AND aml.company_id = %(company)s
   AND aml.date <= %(date)s AND aml.parent_state = 'posted'
 GROUP BY 1, 2, 3
"""
# the buckets of the roll-forward are the core's (posting.ROLLFORWARD): the
# posted totals by business day, and the pending lines by their date
BUCKET_SQL = """CASE WHEN {early} THEN 'opening'
            WHEN {kind} = ANY(%(earned)s) THEN 'earned'
            WHEN {kind} = ANY(%(spent)s) THEN 'spent'
            WHEN {kind} = ANY(%(expired)s) THEN 'expired'
            WHEN {kind} = ANY(%(adjusted)s) THEN 'adjusted'
            ELSE 'reversed' END"""
ROLLFORWARD_SQL = f"""
SELECT program_id, wallet_kind, bucket, SUM(units), SUM(value) FROM (
SELECT t.program_id, t.wallet_kind,
       {BUCKET_SQL.format(early="t.day < %(date_from)s", kind="t.kind")} AS bucket,
       t.amount_minor AS units, t.money_minor AS value
  FROM loyalty_club_posting_total t
 WHERE t.company_id = %(company)s AND t.day <= %(date_to)s
UNION ALL
SELECT l.program_id, w.kind,
       {BUCKET_SQL.format(early="l.date < %(start)s", kind="l.kind")},
       l.amount_minor, COALESCE(l.money_minor, 0)
  FROM loyalty_club_ledger l
  JOIN loyalty_club_wallet w ON w.id = l.wallet_id
 WHERE l.company_id = %(company)s AND l.date < %(until)s AND l.id >= %(from_id)s
   AND NOT EXISTS (SELECT 1 FROM loyalty_club_posting p
                    WHERE p.ledger_id = l.id AND p.state = 'posted')
) lines
 GROUP BY 1, 2, 3
"""


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
                "from_id": company.loyalty_club_posting_from_id,
            },
        )
        return [Row(*row) for row in self.env.cr.fetchall()]

    @api.model
    def _advance_frontier(self, company):
        """Move the company's posted frontier up to its first pending line (the
        day's own lines, or a batch left for the next run)."""
        self.env.flush_all()
        self.env.cr.execute(
            FRONTIER_SQL,
            {
                "company": company.id,
                "from_id": company.loyalty_club_posting_from_id,
                "settled": fields.Datetime.now() - SETTLED,
            },
        )
        frontier = self.env.cr.fetchone()[0]
        if frontier != company.loyalty_club_posting_from_id:
            company.sudo().loyalty_club_posting_from_id = frontier

    @api.model
    def _reopen_frontier(self, postings):
        """Reversed postings make their lines pending again: they leave the
        posted totals and the frontier goes back to the first of them."""
        self.env["loyalty.club.posting.total"].sudo()._add(postings, sign=-1)
        for company, group in postings.grouped("company_id").items():
            first = min(group.ledger_id.ids)
            if first < company.loyalty_club_posting_from_id:
                company.sudo().loyalty_club_posting_from_id = first

    @api.model
    def _posted_bonus(self, company):
        """(face value, posted value) of the company's posted bonus lines."""
        self.env.cr.execute(POSTED_BONUS_SQL, {"company": company.id})
        return tuple(int(v) for v in self.env.cr.fetchone())

    # ----------------------------------------------------------------- values
    @api.model
    def _values(self, company, rows):
        """{line id: liability value} in company currency minor units: the face
        value, the IFRS 15 deferral of bonuses, gift cards net of the breakage
        recognised in proportion to use (``domain.posting``)."""
        policy = company._loyalty_club_posting_policy()
        values = {row.id: row.money for row in rows}
        values.update(self._deferred_values(company, policy, rows))
        values.update(self._gift_card_values(policy, rows))
        return values

    @api.model
    def _deferred_values(self, company, policy, rows):
        """IFRS 15: the deferral of the bonus lines, measured on the company's
        running total of bonus face value in ledger order (not line by line),
        so that a line's value does not depend on the batch it is posted in."""
        ids = sorted(row.id for row in rows if row.wallet_kind == posting.BONUS)
        if policy.name != posting.IFRS15 or not ids:
            return {}
        cr = self.env.cr
        base = self._posted_bonus(company)[0]
        cr.execute(
            BONUS_BASE_SQL,
            {
                "company": company.id,
                "first": ids[0],
                "from_id": company.loyalty_club_posting_from_id,
            },
        )
        base += int(cr.fetchone()[0])
        cr.execute(BONUS_LINES_SQL, [company.id, ids[0], ids[-1]])
        lines = [(line_id, int(face)) for line_id, face in cr.fetchall()]
        values = posting.deferred_values(
            base, [face for _id, face in lines], policy.deferral
        )
        wanted = set(ids)
        return {
            line_id: value
            for (line_id, _face), value in zip(lines, values, strict=True)
            if line_id in wanted
        }

    @api.model
    def _gift_card_values(self, policy, rows):
        """Gift cards: each line's face value less the breakage it brings, from
        its card's whole history (the posted lines at their posted value)."""
        wanted = {row.id for row in rows if row.wallet_kind == posting.GIFT_CARD}
        if not wanted:
            return {}
        wallets = sorted({row.wallet_id for row in rows if row.id in wanted})
        self.env.cr.execute(GIFT_LINES_SQL, [wallets])
        cards = defaultdict(list)
        for (
            line_id,
            wallet_id,
            kind,
            reversed_kind,
            face,
            posted,
        ) in self.env.cr.fetchall():
            line = posting.GiftLine(
                kind,
                reversed_kind,
                int(face),
                None if posted is None else int(posted),
                line_id in wanted,
            )
            cards[wallet_id].append((line_id, line))
        rate = policy.breakage_rate
        values = {}
        for lines in cards.values():
            card_values = posting.gift_card_values([ln for _id, ln in lines], rate)
            for (line_id, line), value in zip(lines, card_values, strict=True):
                if line_id in wanted and line.posted is None:
                    values[line_id] = value
        return values

    # ---------------------------------------------------------------- entries
    @api.model
    def _labels(self, gift):
        """The entry line labels, by the core's line labels (ledger kinds)."""
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
            posting.BREAKAGE_LABEL: _("Gift-card breakage in proportion to use"),
            posting.REMEASUREMENT_LABEL: _("Remeasurement of the expected redemption"),
        }

    @api.model
    def _movement(self, row):
        return posting.Movement(
            kind=row.kind,
            face=row.money,
            wallet_kind=row.wallet_kind,
            channel=row.channel,
            reversed_kind=row.reversed_kind,
        )

    @api.model
    def _entries(self, policy, row, value, labels):
        """[(role, label, signed credit)] this line books; empty: nothing here."""
        return [
            (line.role, labels[line.label], line.credit - line.debit)
            for line in posting.entry(self._movement(row), value, policy)
        ]

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

    # ---------------------------------------------------------- remeasurement
    @api.model
    def _remeasured(self, company, date):
        self.env.cr.execute(REMEASURED_SQL, {"company": company.id, "date": date})
        return int(self.env.cr.fetchone()[0])

    @api.model
    def _remeasure_delta(self, company):
        """IFRS 15: what the contract liability still lacks at today's rates for
        the lines posted without a gap (0 while the rates stay)."""
        policy = company._loyalty_club_posting_policy()
        if policy.name != posting.IFRS15:
            return 0
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            PREFIX_SQL,
            {"company": company.id, "from_id": company.loyalty_club_posting_from_id},
        )
        before = cr.fetchone()[0]
        face, carried = self._posted_bonus(company)
        if before is not None:
            cr.execute(CARRIED_SQL, {"company": company.id, "before": before})
            later_face, later_carried = (int(v) for v in cr.fetchone())
            face, carried = face - later_face, carried - later_carried
        return posting.remeasurement(
            policy,
            face,
            carried,
            self._remeasured(company, fields.Date.to_date("9999-12-31")),
        )

    @api.model
    def _remeasure(self, company, date):
        """The catch-up entry of an IFRS 15 company after a change of its rates
        (or nothing), marked with its amount so it is counted once."""
        delta = self._remeasure_delta(company)
        if not delta:
            return self.env["account.move"]
        labels = self._labels(False)
        amounts = defaultdict(int)
        for line in posting.remeasurement_entry(delta):
            amounts[line.role, labels[line.label]] += line.credit - line.debit
        vals = self._prepare_move(
            company, date, self.env["loyalty.club.store"], [], dict(amounts)
        )
        vals["loyalty_club_remeasure_minor"] = delta
        move = self.env["account.move"].sudo().create(vals)
        move.action_post()
        return move

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
        policy = company._loyalty_club_posting_policy()
        labels = {
            kind: self._labels(kind == posting.GIFT_CARD)
            for kind in posting.WALLET_KINDS
        }
        Store = env["loyalty.club.store"]
        move_vals, owners, booked = [], [], set()
        for day, store_id in keys:
            amounts = defaultdict(int)
            for row in groups[day, store_id]:
                entries = self._entries(
                    policy, row, values[row.id], labels[row.wallet_kind]
                )
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

        links = []
        for key in keys:
            move = move_of.get(key)
            for row in groups[key]:
                booked_here = move is not None and row.id in booked
                links.append(
                    (
                        row,
                        move.id if booked_here else 0,
                        move.date if booked_here else row.day,
                        values[row.id],
                    )
                )
        postings = self.with_env(env)._insert_postings(company, links)
        env["loyalty.club.posting.total"]._add(postings)
        if not left:
            moves |= self.with_env(env)._remeasure(company, date_to)
        self.with_env(env)._advance_frontier(company)
        return moves.with_env(self.env), left

    @api.model
    def _insert_postings(self, company, links):
        """The postings of a run, in one statement: [(row, move id or 0,
        accounting date, value)]. A night's tens of thousands of links through
        the ORM's create would cost more than the entries themselves; the
        unique index on posted lines still refuses a second one."""
        env = self.env
        env.flush_all()
        env.cr.execute(
            POSTINGS_SQL,
            {
                "company": company.id,
                "policy": company.loyalty_club_policy,
                "uid": env.uid,
                "ledger": [row.id for row, _m, _d, _v in links],
                "store": [row.store_id or 0 for row, _m, _d, _v in links],
                "move": [move_id for _r, move_id, _d, _v in links],
                "day": [row.day for row, _m, _d, _v in links],
                "date": [date for _r, _m, date, _v in links],
                "value": [value for _r, _m, _d, value in links],
            },
        )
        ids = [row[0] for row in env.cr.fetchall()]
        env["loyalty.club.posting"].invalidate_model()
        env["loyalty.club.ledger"].invalidate_model(
            ["posting_ids", "posted", "move_id"]
        )
        env["account.move"].invalidate_model(
            ["loyalty_club_posting_ids", "loyalty_club_line_count"]
        )
        return env["loyalty.club.posting"].browse(ids)

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

    # -------------------------------------------------------- liability reports
    @api.model
    def _reconciliation(self, company, date):
        """[{wallet_kind, store_id, account_id, ledger, club, other, gl,
        unposted, today, difference}] at the end of ``date`` (minor units);
        ``today`` is the part of ``unposted`` that is the company's current day
        (the nightly job posts it), the rest of the difference is unexplained."""
        company = company.sudo()
        self.env.flush_all()
        cr = self.env.cr
        today = self._yesterday(company) + timedelta(days=1)
        rows = defaultdict(lambda: defaultdict(int))
        cr.execute(RECONCILE_POSTED_SQL, {"date": date, "company": company.id})
        for kind, store_id, in_gl, value in cr.fetchall():
            rows[kind, store_id]["ledger"] += int(value)
            if not in_gl:
                rows[kind, store_id]["unposted"] += int(value)
        if company.loyalty_club_policy == "ifrs15":
            booked = self._remeasured(company, date)
            pending_delta = self._remeasure_delta(company)
            rows["bonus", 0]["ledger"] += booked + pending_delta
            rows["bonus", 0]["unposted"] += pending_delta
            if date >= today:
                rows["bonus", 0]["today"] += pending_delta
        pending = self._pending_rows(company, date)
        values = self._values(company, pending)
        for row in pending:
            key = row.wallet_kind, row.store_id or 0
            rows[key]["ledger"] += values[row.id]
            rows[key]["unposted"] += values[row.id]
            if row.day >= today:
                rows[key]["today"] += values[row.id]
        accounts = {
            kind: company._loyalty_club_liability_account(kind)
            for kind in posting.WALLET_KINDS
        }
        kind_of = {account.id: kind for kind, account in accounts.items() if account}
        digits = company.currency_id.decimal_places
        cr.execute(
            RECONCILE_GL_SQL,
            {
                "accounts": list(kind_of),
                "company": company.id,
                "date": date,
                "scale": 10**digits,
            },
        )
        for account_id, store_id, club, minor in cr.fetchall():
            rows[kind_of[account_id], store_id]["club" if club else "other"] += minor
        out = []
        for (kind, store_id), figures in sorted(rows.items()):
            gl = figures["club"] + figures["other"]
            out.append(
                {
                    "wallet_kind": kind,
                    "store_id": store_id or False,
                    "account_id": accounts[kind].id,
                    "ledger": figures["ledger"],
                    "club": figures["club"],
                    "other": figures["other"],
                    "gl": gl,
                    "unposted": figures["unposted"],
                    "today": figures["today"],
                    "difference": figures["ledger"] - gl,
                }
            )
        return out

    @api.model
    def _other_entries_domain(self, company, date, wallet_kind, store_id=False):
        """Journal items on a liability account not made by the club's job."""
        account = company._loyalty_club_liability_account(wallet_kind)
        domain = [
            ("account_id", "=", account.id),
            ("company_id", "=", company.id),
            ("date", "<=", date),
            ("parent_state", "=", "posted"),
            ("move_id.loyalty_club_day", "=", False),
        ]
        if store_id:
            domain.append(("move_id.loyalty_club_store_id", "=", store_id))
        return domain

    @api.model
    def _unposted_domain(self, company, date, wallet_kind, store_id=False):
        """Ledger lines of the date not (yet) in the general ledger at that date."""
        return [
            ("company_id", "=", company.id),
            ("wallet_id.kind", "=", wallet_kind),
            ("store_id", "=", store_id or False),
            ("date", "<", self._day_end(company, date)),
            "|",
            ("posted", "=", False),
            ("posting_ids", "any", [("state", "=", "posted"), ("date", ">", date)]),
        ]

    @api.model
    def _rollforward(self, company, date_from, date_to):
        """[{program_id, wallet_kind, digits, <bucket>: (units, money)}] with the
        buckets opening, the ``posting.MOVEMENTS`` and closing (minor units)."""
        company = company.sudo()
        self.env.flush_all()
        self.env.cr.execute(
            ROLLFORWARD_SQL,
            {
                "company": company.id,
                "start": self._day_end(company, date_from - timedelta(days=1)),
                "until": self._day_end(company, date_to),
                "date_from": date_from,
                "date_to": date_to,
                "from_id": company.loyalty_club_posting_from_id,
                **{bucket: list(kinds) for bucket, kinds in posting.ROLLFORWARD},
            },
        )
        rows = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        for program_id, kind, bucket, units, value in self.env.cr.fetchall():
            rows[program_id, kind][bucket] = [int(units), int(value)]
        Program = self.env["loyalty.club.program"].sudo()
        out = []
        for (program_id, kind), figures in sorted(rows.items()):
            program = Program.browse(program_id)
            closing = [
                sum(figures[b][i] for b in ("opening",) + posting.MOVEMENTS)
                for i in (0, 1)
            ]
            out.append(
                {
                    "program_id": program_id,
                    "wallet_kind": kind,
                    "digits": program.currency_id.decimal_places
                    if kind == "gift_card"
                    else program.digits,
                    **{b: tuple(figures[b]) for b in ("opening",) + posting.MOVEMENTS},
                    "closing": tuple(closing),
                }
            )
        return out
