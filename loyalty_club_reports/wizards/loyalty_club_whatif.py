"""What if the program's rules had been others over a past period.

The period's sales are read set-based (``whatif_sql``), a batch of members at a
time, on a read-only cursor (a replica where one is configured); the core's
``economics_whatif`` replays them through the engine that confirms sales.
Nothing is written to the ledger: the results are lines of this wizard."""

import bisect
import contextlib
import os
import queue
import threading
from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models, modules
from odoo.exceptions import UserError, ValidationError

from odoo.addons.loyalty_club import edge
from odoo.addons.loyalty_club.domain import economics_whatif as whatif
from odoo.addons.loyalty_club.domain import errors as core_errors
from odoo.addons.loyalty_club.domain import rules

from . import whatif_sql as sql

BATCH_WALLETS = 5000
# what _read_batch adds up per (store, tier) of the checks as recorded
RECORDED = ("checks", "sales", "earned", "spent", "spent_money", "discount")


class LoyaltyClubWhatif(models.TransientModel):
    _name = "loyalty.club.whatif"
    _inherit = "loyalty.club.report.period"
    _description = "Club What-if"

    program_id = fields.Many2one(
        "loyalty.club.program",
        required=True,
        ondelete="cascade",
        domain="[('company_id', 'in', allowed_company_ids)]",
    )
    currency_id = fields.Many2one(related="program_id.currency_id")
    earn_percent = fields.Float("Earn (%)", digits=(5, 2))
    burn_cap_percent = fields.Float("Pay with Bonuses up to (%)", digits=(5, 2))
    expiry_days = fields.Integer(
        "Bonuses Expire after (Days)", help="0: the bonuses earned never expire."
    )
    tier_ids = fields.One2many("loyalty.club.whatif.tier", "whatif_id", "Tiers")
    promotion_ids = fields.One2many(
        "loyalty.club.whatif.promotion",
        "whatif_id",
        "Promotions",
        help="A copy of the program's promotions: change one, switch it off or add "
        "one; the program's own promotions never change.",
    )
    line_ids = fields.One2many(
        "loyalty.club.whatif.line", "whatif_id", "Results", readonly=True
    )
    state = fields.Selection(
        [("draft", "Rules"), ("queued", "Running"), ("done", "Results")],
        default="draft",
    )
    run_error = fields.Text("Why It Did Not Run", readonly=True)
    members = fields.Integer(readonly=True)
    checks = fields.Integer(readonly=True)
    members_tier_changed = fields.Integer("Members in Another Tier", readonly=True)
    replay_current = fields.Boolean(
        "Also Replay the Current Rules",
        default=True,
        help="Replays the period a second time under the program's rules as they "
        "are, to show how close the replay comes to what was booked: twice the "
        "time.",
    )
    replay_earned_current = fields.Monetary(
        "Earned, Current Rules Replayed",
        readonly=True,
        help="The period replayed with the rules as they are: the same as what "
        "was earned unless a check's lines are not known one by one.",
    )
    assumptions = fields.Text(readonly=True)

    def _default_date_from(self):
        """The last three full months."""
        first = edge.club_today(self).replace(day=1)
        return first - relativedelta(months=3)

    def _default_date_to(self):
        return edge.club_today(self).replace(day=1) - timedelta(days=1)

    @api.onchange("program_id")
    def _onchange_program_id(self):
        program = self.program_id
        self.earn_percent = program.earn_percent
        self.burn_cap_percent = program.burn_cap_percent
        self.expiry_days = program.expiry_days
        self.tier_ids = [fields.Command.clear()] + [
            fields.Command.create(
                {
                    "tier_id": tier.id,
                    "threshold": tier.threshold,
                    "earn_percent": tier.earn_percent,
                }
            )
            for tier in program.tier_ids
        ]
        self.promotion_ids = [fields.Command.clear()] + [
            fields.Command.create(vals) for vals in self._promotion_copies(program)
        ]

    def _promotion_copies(self, program):
        """The program's promotions, copied (the archived ones too: they may
        have applied in the period)."""
        promotions = (
            self.env["loyalty.club.promotion"]
            .with_context(active_test=False)
            .search([("program_id", "=", program.id)])
        )
        Copy = self.env["loyalty.club.whatif.promotion"]
        return [Copy._copy_vals(promotion) for promotion in promotions]

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        for record, vals in zip(records, vals_list, strict=True):
            program = record.program_id
            if "earn_percent" not in vals:
                record.earn_percent = program.earn_percent
            if "burn_cap_percent" not in vals:
                record.burn_cap_percent = program.burn_cap_percent
            if "expiry_days" not in vals:
                record.expiry_days = program.expiry_days
            if "tier_ids" not in vals and program.tier_ids:
                record.tier_ids = [
                    fields.Command.create(
                        {
                            "tier_id": tier.id,
                            "threshold": tier.threshold,
                            "earn_percent": tier.earn_percent,
                        }
                    )
                    for tier in program.tier_ids
                ]
            if "promotion_ids" not in vals:
                record.promotion_ids = [
                    fields.Command.create(copy)
                    for copy in record._promotion_copies(program)
                ]
        return records

    # -- the rules --------------------------------------------------------

    def _check_rules(self):
        """Rules that make no sense: a clear message, nothing replayed."""
        self.ensure_one()
        if self.earn_percent < 0:
            raise ValidationError(self.env._("The earn rate cannot be negative."))
        if not 0 <= self.burn_cap_percent <= 100:
            raise ValidationError(
                self.env._(
                    "Bonuses can pay between 0%% and 100%% of a check, not "
                    "%(cap)s%%.",
                    cap=self.burn_cap_percent,
                )
            )
        if self.expiry_days < 0:
            raise ValidationError(
                self.env._("The expiry period cannot be a negative number of days.")
            )
        for line in self.tier_ids:
            if line.threshold < 0 or line.earn_percent < 0:
                raise ValidationError(
                    self.env._(
                        "Tier %(tier)s: the threshold and the earn rate cannot be "
                        "negative.",
                        tier=line.tier_id.name,
                    )
                )
        self._check_promotions()
        if self.date_to > edge.club_today(self):
            raise UserError(
                self.env._(
                    "The what-if replays the past: pick a period that ends today "
                    "at the latest."
                )
            )
        if self.program_id.earn_mode == "quantity":
            raise UserError(
                self.env._(
                    "Program %(program)s earns per item: the what-if replays "
                    "programs that earn a share of the amount paid.",
                    program=self.program_id.name,
                )
            )

    def _check_promotions(self):
        for line in self.promotion_ids.filtered("changed"):
            problem = None
            if line.value < 0 or line.min_amount < 0 or line.min_qty < 0:
                problem = self.env._("values cannot be negative")
            elif line.effect == "discount_percent" and line.value > 100:
                problem = self.env._("a percent discount cannot exceed 100")
            elif line.effect == "bonus_multiplier" and line.applies and line.value < 1:
                problem = self.env._("a bonus multiplier is 1 or more (2: double)")
            elif line.effect == "nth_item" and line.nth < 1:
                problem = self.env._("an N-th item discount needs N of 1 or more")
            elif line.effect == "bundle" and not line.promotion_id.bundle_product_ids:
                problem = self.env._("a bundle needs its products")
            elif line.date_from and line.date_to and line.date_from > line.date_to:
                problem = self.env._("it ends before it starts")
            if problem:
                raise ValidationError(
                    self.env._(
                        "Promotion %(promotion)s: %(problem)s.",
                        promotion=line.name,
                        problem=problem,
                    )
                )

    def _promo_changes(self):
        """The promotions the what-if has otherwise than the program: changed,
        switched off or new (an unchanged copy stays as it was booked)."""
        program = self.program_id
        changes = []
        for line in self.promotion_ids.filtered("changed"):
            original = line.promotion_id
            key = original.id if original else ("new", line.id)
            changes.append(
                whatif.PromoChange(
                    key,
                    old=line._core(key, program, original) if original else None,
                    new=line._core(key, program) if line.applies else None,
                    where_used=line._where_used(),
                )
            )
        return tuple(changes)

    def _tiers(self, current):
        program = self.program_id
        if current:
            return tuple(program._tier_specs())
        return tuple(
            rules.TierSpec(
                key=line.tier_id.id,
                threshold=program.money_to_minor(line.threshold),
                earn_percent=edge.decimal(line.earn_percent),
                sequence=line.tier_id.sequence,
            )
            for line in self.tier_ids
        )

    def _scenario(self, current=False):
        """The rules replayed: the program's (``current``) or this wizard's."""
        program = self.program_id
        policy = program._policy()
        tiers = self._tiers(current)
        requalify, promotions = False, ()
        if not current:
            try:
                policy = rules.Policy(
                    earn_percent=edge.decimal(self.earn_percent),
                    burn_cap_percent=edge.decimal(self.burn_cap_percent),
                    currency_digits=policy.currency_digits,
                    point_digits=policy.point_digits,
                    point_value=policy.point_value,
                    earn_rounding=policy.earn_rounding,
                    max_earn_per_order=policy.max_earn_per_order,
                )
            except core_errors.DomainError as exc:
                edge.raise_core(self.env, exc, program)
            thresholds = {t.key: t.threshold for t in self._tiers(True)}
            requalify = any(thresholds.get(t.key) != t.threshold for t in tiers)
            try:
                promotions = self._promo_changes()
            except (core_errors.DomainError, ValueError) as exc:
                raise ValidationError(
                    self.env._(
                        "A promotion of the what-if cannot be applied: %(error)s",
                        error=str(exc),
                    )
                ) from exc
        return whatif.Scenario(
            policy=policy,
            tiers=tiers,
            requalify=requalify,
            tier_period_days=program.tier_period_days or 365,
            pending_days=program.pending_days,
            expiry_days=program.expiry_days if current else self.expiry_days,
            promotions=promotions,
        )

    # -- reading, a batch of members at a time ------------------------------

    @contextlib.contextmanager
    def _read_cursor(self):
        """A read-only cursor (the replica when configured): the what-if never
        writes and never blocks the club. A test's data are not committed: a
        test reads them on its own cursor."""
        if modules.module.current_test:
            yield self.env.cr
            return
        with self.env.registry.cursor(readonly=True) as cr:
            if not self.env.registry._db_readonly:
                cr.execute("SET TRANSACTION READ ONLY")
            yield cr

    def _params(self):
        start, end = self._period_bounds(self.date_from, self.date_to)
        program = self.program_id
        return {
            "program": program.id,
            "start": start,
            "end": end,
            "start_day": self.date_from,
            "end_day": self.date_to,
            "since": start - timedelta(days=program.tier_period_days or 365),
            "tz": program.company_id.partner_id.tz or "UTC",
            "digits": program.currency_id.decimal_places,
        }

    def _goods_rules(self):
        """(product, discounted) -> (earns, payable with bonuses), asked of
        the program once per product seen."""
        program = self.program_id
        if not program.has_goods_rules:
            return lambda product, discounted: (True, True)
        cache = {}
        Product = self.env["product.product"]

        def flags(product, discounted):
            key = (product, discounted)
            if key not in cache:
                earns, payable, _per_item = program._goods_rules(
                    Product.browse(product or []), discounted
                )
                cache[key] = (earns, payable)
            return cache[key]

        return flags

    @staticmethod
    def _tier_at(moves, fallback):
        """The tier at a moment, from a wallet's sorted tier moves."""
        dates = [m[0] for m in moves]

        def at(moment):
            index = bisect.bisect_right(dates, moment)
            if index:
                return moves[index - 1][2] or None
            return (moves[0][1] or None) if moves else fallback

        return at

    def _read_batch(self, cr, params, wallets, flags, categories=None):
        """The members of a batch in the core's plain form
        (``whatif.member_from_row``: tuples, cheap to send to a worker
        process), the checks as recorded added up per (store, tier) and what
        each wallet held at the end and its tier then. ``categories`` (a
        cache of each product's categories): the lines' products are read for
        the promotions tried."""
        fetched = self._fetch_batch(cr, params, wallets, categories)
        return self._build_batch(fetched, params, wallets, flags, categories)

    def _fetch_batch(self, cr, params, wallets, categories=None):
        """The batch's rows, as the statements return them (the database's
        part of :meth:`_read_batch`: it may run in a thread of its own)."""
        params = dict(params, wallets=wallets, lo=wallets[0], hi=wallets[-1])
        fetched = {}
        cr.execute(sql.CHECKS, params)
        checks = fetched["checks"] = cr.fetchall()
        check_ids = [c[0] for c in checks]
        # a till's check by its order, whose lines are read by order
        by_order = {c[-1]: c[0] for c in checks if c[-1]}
        cr.execute(sql.POS_LINES, dict(params, orders=list(by_order)))
        rows = [(by_order[order], *rest) for order, *rest in cr.fetchall()]
        cr.execute(sql.CHECK_LINES, dict(params, checks=check_ids))
        rows += cr.fetchall()
        fetched["lines"] = rows
        if categories is not None:
            self._read_categories(cr, {row[3] for row in rows}, categories)
        for name, statement in (
            ("promotions", sql.PROMOTIONS),
            ("lots", sql.LOTS),
            ("moves", sql.OTHER_MOVES),
            ("tier_moves", sql.TIER_MOVES),
            ("paid", sql.PAID_BEFORE),
        ):
            cr.execute(statement, dict(params, checks=check_ids))
            fetched[name] = cr.fetchall()
        cr.execute(
            "SELECT id, tier_id FROM loyalty_club_wallet WHERE id = ANY(%s)",
            [wallets],
        )
        fetched["tier_now"] = dict(cr.fetchall())
        return fetched

    def _build_batch(self, fetched, params, wallets, flags, categories=None):
        """:meth:`_read_batch` from the batch's rows."""
        lines, items = defaultdict(list), defaultdict(list)
        for check_id, line_id, amount, product, discounted, qty in fetched["lines"]:
            lines[check_id].append((line_id, int(amount), *flags(product, discounted)))
            if categories is not None:
                items[check_id].append((line_id, product, qty))
        used = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        for check_id, promotion, discount in fetched["promotions"]:
            used[check_id][promotion][0] += int(discount)
        lots, held = defaultdict(list), defaultdict(int)
        end_day = params["end_day"]
        for (
            wallet,
            lot_id,
            before,
            start,
            end,
            available_from,
            expires_on,
        ) in fetched["lots"]:
            if before and start > 0:
                lots[wallet].append((lot_id, start, available_from, expires_on))
            if end > 0 and (not expires_on or expires_on > end_day):
                held[wallet] += end
        moves = defaultdict(list)
        for (
            wallet,
            line_id,
            at,
            day,
            amount,
            available_from,
            expires_on,
            promotion,
            check_id,
        ) in fetched["moves"]:
            if promotion:
                # a promotion's bonus booked on a check's earn: with its check
                used[check_id][promotion][1] += amount
            else:
                moves[wallet].append(
                    (line_id, at, day, amount, available_from, expires_on)
                )
        tier_moves = defaultdict(list)
        for wallet, at, old, new in fetched["tier_moves"]:
            tier_moves[wallet].append((at, old, new))
        tier_now = fetched["tier_now"]
        # most members' tier did not move: their tier now is the tier then
        moved = {w: self._tier_at(m, tier_now.get(w)) for w, m in tier_moves.items()}

        def tier_at(wallet, moment):
            at = moved.get(wallet)
            return at(moment) if at else tier_now.get(wallet)

        paid = defaultdict(list)
        for wallet, day, amount in fetched["paid"]:
            paid[wallet].append((day, int(amount)))
        checks = fetched["checks"]
        member_checks, recorded = self._batch_checks(
            checks,
            tier_at,
            used,
            lines,
            items if categories is not None else None,
            categories,
        )
        no_rows = ()
        start, end = params["start"], params["end"]
        members = []
        end_tiers = {}
        for wallet in wallets:
            end_tiers[wallet] = tier_at(wallet, end)
            members.append(
                (
                    wallet,
                    lots.get(wallet, no_rows),
                    tier_at(wallet, start),
                    paid.get(wallet, no_rows),
                    moves.get(wallet, no_rows),
                    member_checks.get(wallet, no_rows),
                    end_tiers[wallet],
                )
            )
        return members, recorded, held, end_tiers

    def _batch_checks(self, checks, tier_at, used, lines, items, categories):
        """The batch's checks in plain form by wallet, and the checks as
        recorded added up per (store, tier) (``RECORDED``)."""
        recorded = {}
        member_checks = defaultdict(list)
        no_rows = ()
        with_items = items is not None
        for (
            check_id,
            wallet,
            at,
            day,
            local,
            store,
            amount,
            burn,
            burn_money,
            earn,
            _pos_order,
        ) in checks:
            tier = tier_at(wallet, at)
            promotions, discount = no_rows, 0
            if check_id in used:
                promotions = tuple(
                    (key, off, bonus) for key, (off, bonus) in used[check_id].items()
                )
                discount = sum(u[1] for u in promotions)
            member_checks[wallet].append(
                (
                    check_id,
                    at,
                    day,
                    local,
                    store,
                    amount,
                    burn,
                    tier,
                    lines.get(check_id, no_rows),
                    promotions,
                    self._items(items.get(check_id), categories)
                    if with_items
                    else None,
                )
            )
            group = recorded.get((store, tier))
            if group is None:
                group = recorded[(store, tier)] = [0, 0, 0, 0, 0, 0]
            group[0] += 1
            group[1] += amount
            group[2] += earn
            group[3] += burn
            group[4] += burn_money
            group[5] += discount
        return member_checks, recorded

    @staticmethod
    def _read_categories(cr, products, categories):
        """Each product's categories and their parents, read once a product."""
        wanted = {product for product in products if product} - categories.keys()
        if not wanted:
            return
        cr.execute(sql.CATEGORIES, {"products": sorted(wanted)})
        for product, path in cr.fetchall():
            categories[product] = frozenset(
                int(part) for part in (path or "").split("/") if part
            )

    @staticmethod
    def _items(rows, categories):
        """A check's lines' products with their categories, for the promotion
        engine (``whatif.member_from_row`` keeps those of the engine's lines)."""
        if not rows or categories is None:
            return None
        return tuple(
            (line_id, product, qty, categories.get(product, frozenset()))
            for line_id, product, qty in rows
        )

    # -- the run --------------------------------------------------------------

    def action_run(self):
        self.ensure_one()
        self._check_rules()
        program = self.program_id
        scenario, current = self._scenario(), self._scenario(current=True)
        params = self._params()
        flags = self._goods_rules()
        categories = {} if scenario.promotions else None
        actual = defaultdict(lambda: defaultdict(int))
        actual_liability, actual_tiers = defaultdict(int), defaultdict(int)
        whatif_tiers, changed = defaultdict(int), 0
        replayed, baseline = whatif.Result(), whatif.Result()
        self.env.flush_all()
        with self._read_cursor() as cr:
            wallets = self._period_wallets(cr, params)

            chunks = [
                wallets[first : first + BATCH_WALLETS]
                for first in range(0, len(wallets), BATCH_WALLETS)
            ]
            processes = self._replay_processes()

            def fetch(batch):
                return self._fetch_batch(cr, params, batch, categories)

            # with worker processes the database reads the next batch while
            # this process builds the last one (on a cursor of the what-if's
            # own: a test's is also the ORM's)
            fetched = (
                self._ahead(fetch, chunks)
                if processes > 1 and cr is not self.env.cr
                else ((batch, fetch(batch)) for batch in chunks)
            )

            def batches():
                for batch, rows in fetched:
                    members, *read = self._build_batch(
                        rows, params, batch, flags, categories
                    )
                    yield members, (batch, *read)

            scenarios = (scenario, current) if self.replay_current else (scenario,)
            replays = whatif.replay_batches(
                batches(), scenarios, self.date_to, processes
            )
            try:
                for results, (batch, recorded, held, end_tiers) in replays:
                    result = results[0]
                    base = results[1] if self.replay_current else whatif.Result()
                    for wallet, tier in result.tier_end.items():
                        whatif_tiers[tier] += 1
                        changed += tier != end_tiers[wallet]
                    result.tier_end, base.tier_end = {}, {}
                    replayed.merge(result)
                    baseline.merge(base)
                    for group, figures in recorded.items():
                        row = actual[group]
                        for name, amount in zip(RECORDED, figures, strict=True):
                            row[name] += amount
                    for wallet in batch:
                        actual_liability[end_tiers[wallet]] += held.get(wallet, 0)
                        actual_tiers[end_tiers[wallet]] += 1
            except core_errors.DomainError as exc:
                edge.raise_core(self.env, exc, program)
            finally:
                replays.close()
                fetched.close()
        self._write_results(
            replayed,
            baseline,
            actual,
            (actual_liability, actual_tiers, whatif_tiers),
            (len(wallets), changed),
        )
        return self._reopen()

    @staticmethod
    def _ahead(fetch, items, depth=2):
        """``(item, fetch(item))`` for each item, fetched in a thread at most
        ``depth`` items ahead: its statements run while the caller works on
        the last item. The thread alone uses the cursor until it is done; an
        error is raised in the caller; closing the generator stops it."""
        ready = queue.Queue(maxsize=depth)
        stop = threading.Event()
        done = object()

        def put(entry):
            while not stop.is_set():
                try:
                    ready.put(entry, timeout=0.2)
                    return True
                except queue.Full:
                    continue
            return False

        def run():
            try:
                for item in items:
                    if not put((item, fetch(item), None)):
                        return
            except Exception as exc:  # noqa: BLE001 - raised again in the caller
                put((None, None, exc))
                return
            put(done)

        thread = threading.Thread(target=run, name="whatif-read", daemon=True)
        thread.start()
        try:
            while True:
                entry = ready.get()
                if entry is done:
                    return
                item, rows, error = entry
                if error is not None:
                    raise error
                yield item, rows
        finally:
            stop.set()
            thread.join()

    def _replay_processes(self):
        """Worker processes replaying batches while the next are read: one a
        core, four at most; none in a test (its data are on its cursor, the
        replay in one process gives the same results)."""
        if modules.module.current_test:
            return 1
        return max(1, min(4, os.cpu_count() or 1))

    def _period_wallets(self, cr, params):
        """The members who bought in the period; clear messages when none did."""
        program = self.program_id
        cr.execute(
            "SELECT 1 FROM loyalty_club_transaction WHERE program_id = %s LIMIT 1",
            [program.id],
        )
        if not cr.fetchone():
            raise UserError(
                self.env._(
                    "Program %(program)s has no checks yet: there is no history "
                    "to replay.",
                    program=program.name,
                )
            )
        cr.execute(sql.WALLETS, params)
        wallets = [row[0] for row in cr.fetchall()]
        if not wallets:
            raise UserError(
                self.env._(
                    "No member bought anything in program %(program)s from "
                    "%(start)s to %(end)s: pick a period with checks.",
                    program=program.name,
                    start=self.date_from,
                    end=self.date_to,
                )
            )
        return wallets

    def _write_results(self, replayed, baseline, actual, tiers, counts):
        actual_liability, actual_tiers, whatif_tiers = tiers
        members, changed = counts
        program = self.program_id
        policy = program._policy()
        cash = lambda minor: float(program.money_from_minor(minor))  # noqa: E731
        units = lambda minor: float(program.from_minor(minor))  # noqa: E731
        value = lambda points: cash(policy.points_to_money(points))  # noqa: E731
        Line = self.env["loyalty.club.whatif.line"]
        vals = []

        def line(scope, store, tier, got, flow, liability=None, tiers=(0, 0)):
            vals.append(
                {
                    "whatif_id": self.id,
                    "scope": scope,
                    "store_id": store or False,
                    "tier_id": tier or False,
                    "checks": got["checks"],
                    "sales": cash(got["sales"]),
                    "whatif_sales": cash(flow.sales),
                    "actual_earned": units(got["earned"]),
                    "whatif_earned": units(flow.earned),
                    "actual_spent": units(got["spent"]),
                    "whatif_spent": units(flow.spent),
                    "actual_discount": cash(got["discount"]),
                    "whatif_discount": cash(flow.discount),
                    "actual_cost": cash(got["spent_money"] + got["discount"]),
                    "whatif_cost": cash(flow.spent_money + flow.discount),
                    "actual_liability": value(liability[0]) if liability else 0.0,
                    "whatif_liability": value(liability[1]) if liability else 0.0,
                    "actual_members": tiers[0],
                    "whatif_members": tiers[1],
                }
            )

        total_actual = defaultdict(int)
        for row in actual.values():
            for name, amount in row.items():
                total_actual[name] += amount
        line(
            "total",
            None,
            None,
            total_actual,
            replayed.total(),
            (
                sum(actual_liability.values()),
                sum(replayed.liability.values()),
            ),
            (members, members),
        )
        for scope, index in (("store", 0), ("tier", 1)):
            keys = {k[index] for k in actual} | {k[index] for k in replayed.flows}
            if scope == "tier":
                keys |= set(actual_tiers) | set(whatif_tiers)
            for key in sorted(keys, key=lambda k: (k is None, k or 0)):
                got, flow = defaultdict(int), whatif.Flow()
                for group, row in actual.items():
                    if group[index] == key:
                        for name, amount in row.items():
                            got[name] += amount
                for group, part in replayed.flows.items():
                    if group[index] == key:
                        flow.add(part)
                if scope == "tier":
                    line(
                        scope,
                        None,
                        key,
                        got,
                        flow,
                        (actual_liability.get(key, 0), replayed.liability.get(key, 0)),
                        (actual_tiers.get(key, 0), whatif_tiers.get(key, 0)),
                    )
                else:
                    line(scope, key, None, got, flow)
        self.line_ids.unlink()
        Line.create(vals)
        self.write(
            {
                "state": "done",
                "members": members,
                "checks": total_actual["checks"],
                "members_tier_changed": changed,
                "replay_earned_current": units(baseline.total().earned),
                "assumptions": self._assumptions(),
            }
        )

    def _assumptions(self):
        return "\n".join(
            [
                self.env._(
                    "Spending: each member asks to pay with bonuses what they paid "
                    "with them on that check; the new rules may lower it (a lower "
                    "cap, a smaller balance), never raise it."
                ),
                self.env._(
                    "Tiers: with other thresholds a member starts in the tier "
                    "their purchases of the tier period before give and moves up "
                    "at once, as at the till; moves down of the tier review are "
                    "not replayed."
                ),
                self.env._(
                    "Not replayed: refunds (their reversals happen as they did); "
                    "a check whose lines are not kept one by one is one line."
                ),
                self.env._(
                    "Promotions: as they were booked, unless changed here. A "
                    "promotion changed, switched off or added is applied by the "
                    "promotion engine, on what the other promotions left, before "
                    "the earn and the spending; one with conditions the replay "
                    "cannot check (segments, coupons, first purchase, channels, "
                    "limits, budget) applies only to the checks it applied to. "
                    "The same baskets are bought."
                ),
                self.env._(
                    "Liability: what the members who bought in the period hold at "
                    "its end, at face value."
                ),
            ]
        )

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("What if"),
        }

    def action_back(self):
        self.ensure_one()
        self.line_ids.unlink()
        self.state = "draft"
        return self._reopen()

    # -- in the background ----------------------------------------------------
    # A what-if of a big club takes minutes: longer than a web request may last
    # under prefork workers (limit_time_real). Run in the background, a cron
    # job replays it (as the user who asked, on the same read-only cursor) and
    # tells them when its results are ready; the wizard stays open meanwhile.

    def action_run_background(self):
        self.ensure_one()
        self._check_rules()
        self.write({"state": "queued", "run_error": False})
        self.env.ref("loyalty_club_reports.ir_cron_loyalty_club_whatif")._trigger()
        return self._reopen()

    def action_refresh(self):
        self.ensure_one()
        return self._reopen()

    @api.model
    def _cron_run_queued(self, limit=5):
        """Replay the what-ifs asked to run in the background, oldest first,
        each committed on its own; a refusal is kept on the wizard and the
        asker is told either way."""
        auto_commit = not modules.module.current_test
        for whatif_id in (
            self.sudo().search([("state", "=", "queued")], order="id", limit=limit).ids
        ):
            asked = self.sudo().browse(whatif_id)
            user = asked.create_uid
            wizard = asked.with_user(user).with_company(asked.program_id.company_id)
            wizard = wizard.with_context(lang=user.lang)
            try:
                if auto_commit:
                    wizard.action_run()
                else:
                    with self.env.cr.savepoint():
                        wizard.action_run()
                message = wizard.env._(
                    "The what-if of %(program)s is ready.",
                    program=wizard.program_id.name,
                )
                kind = "success"
            except (UserError, ValidationError) as exc:
                if auto_commit:
                    self.env.cr.rollback()
                wizard.write(
                    {
                        "state": "draft",
                        "run_error": exc.args[0] if exc.args else str(exc),
                    }
                )
                message = wizard.env._(
                    "The what-if of %(program)s did not run.",
                    program=wizard.program_id.name,
                )
                kind = "warning"
            user.partner_id._bus_send(
                "simple_notification",
                {
                    "type": kind,
                    "sticky": True,
                    "title": wizard.env._("What if"),
                    "message": message,
                },
            )
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
