"""The club on a sales order: a quotation spends a member's bonuses, the paid
order earns, a credit note gives back.

Interface for the other channels built on sales orders (the web shop calls it
on its cart; every method works on one order, ``ensure_one``):

``_club_wallet()``
    The member's wallet (``loyalty.club.wallet``, sudo) for this order, or an
    empty recordset: the wallet found from the card number or phone typed in
    ``club_card_code``, else the customer's (or its company's) wallet in the
    program of the order's company.
``_club_quote()``
    The service's ``quote`` of the order as it stands (the bonus line left
    out, the bonuses applied asked for, the order's own hold counted as its
    own), as a dict: everything ``loyalty.club.service.quote`` answers
    (``available``: what this order may draw on, its own hold included;
    ``burn_max``, ``earn``, ``promotions``, ``discount``, ``capped``, ...) plus
    ``balance`` (the member's spendable bonuses, held ones included),
    ``held`` (held for orders, this one's included), ``tier``, ``max_spend``
    (= ``burn_max``, the most this order may spend, in the program's units)
    and ``applied`` (the bonuses applied). ``{}`` for a customer who is not a
    member. Records nothing.
    Raises ``UserError`` when the service refuses the order (no lines, the
    program not running).
``_club_apply_bonuses(amount, code=None)``
    Spend ``amount`` bonuses (the program's units) on the order: reserves a
    hold (``loyalty.club.hold.reserve``, order ref = the order's name, channel
    ``sale``, key ``sale.order:<id>:hold:<n>:<amount>``) and adds the line of
    the product "Club bonuses" (no tax) worth their money. Bonuses applied
    before are given back first. ``UserError`` for an amount not positive,
    above the member's balance or above the order's cap, for a customer who
    is not a member or an order no longer a quotation, and for a member found
    by a phone typed in ``club_card_code`` without the one-time ``code`` the
    program asks for (``_club_send_code()`` sends it; ``_club_quote()`` says
    ``code_required``/``code_above``). Returns the quote.
``_club_remove_bonuses()``
    Release the hold (if it still holds) and drop the bonus line. A no-op
    without bonuses.
``_club_confirm_paid()``
    Book the sale with the club once (``confirm``, key
    ``sale.order:<id>:paid``, channel ``sale``, capturing the hold, spending
    the bonuses applied): the member earns now. Idempotent: a second call
    returns the stored check. Returns the ``loyalty.club.transaction`` (or an
    empty one when the customer is not a member and nothing was spent).
    Raises ``UserError`` when the service refuses (the invoice-payment
    trigger catches it and notes it on the order for review). Club cards sold
    on the order (products marked ``club_card``) are given to the buyer first
    through ``loyalty.club.service._sell_club_cards`` (key
    ``sale.order:<id>:club-card``), so that a new member's goods earn; they
    are not goods the club earns on.
``_club_release()``
    The order is cancelled: the hold is released and the bonus line dropped.

``_club_sync_promotions()``
    Make the order's "Club promotion" lines what the club grants now (called
    after every change of the lines of a quotation and at confirmation).

The amounts sent to the club are the lines' totals with taxes before the
club's promotions (as the till sends them), without the bonus and promotion
lines, club cards, sections, notes and down payments.

Hooks an extension may override (keep their signatures): ``_club_goods_lines()``
(the lines the club earns on), ``_club_payload(program, wallet, burn=0.0,
**extra)`` (every request's body), ``_club_programs()`` (the company's
programs, the service's pick first); the club's products are
``_club_bonus_product()`` and ``_club_promotion_product()``.
"""

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_is_zero, float_repr, float_round

from odoo.addons.loyalty_club.domain import cards as core_cards
from odoo.addons.loyalty_club.domain import errors as core_errors

# quotation states in which bonuses may be applied or removed
QUOTATION_STATES = ("draft", "sent")
CLUB_USER = "loyalty_club.group_club_user"


class SaleOrder(models.Model):
    _inherit = "sale.order"

    club_card_code = fields.Char(
        "Club Card",
        copy=False,
        help="Card number or phone of the member, when the customer on the order "
        "is not the member: looked up when entered.",
    )
    club_wallet_id = fields.Many2one(
        "loyalty.club.wallet",
        string="Club Membership",
        compute="_compute_club_wallet_id",
        store=True,
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups=CLUB_USER,
    )
    club_hold_id = fields.Many2one(
        "loyalty.club.hold",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups=CLUB_USER,
    )
    club_transaction_id = fields.Many2one(
        "loyalty.club.transaction",
        string="Club Check",
        readonly=True,
        copy=False,
        groups=CLUB_USER,
    )
    club_hold_count = fields.Integer(readonly=True, copy=False)
    club_bonus_applied = fields.Float(
        "Bonuses Applied", digits=(16, 2), readonly=True, copy=False
    )
    club_bonus_money = fields.Float(
        "Bonuses Applied (Money)", digits=(16, 2), readonly=True, copy=False
    )
    club_check_ref = fields.Char("Club Check No.", readonly=True, copy=False)
    club_earned = fields.Float(digits=(16, 2), readonly=True, copy=False)
    club_spent = fields.Float(digits=(16, 2), readonly=True, copy=False)
    club_review = fields.Boolean(
        "Club Review Needed",
        readonly=True,
        copy=False,
        help="The club refused to book this order when it was paid; see the "
        "order's messages.",
    )
    # what the salesperson sees (the service's answers, read as superuser)
    club_enabled = fields.Boolean(compute="_compute_club_quote", compute_sudo=True)
    club_member = fields.Boolean(compute="_compute_club_quote", compute_sudo=True)
    club_member_name = fields.Char(
        "Member", compute="_compute_club_quote", compute_sudo=True
    )
    club_unit = fields.Char(compute="_compute_club_quote", compute_sudo=True)
    club_tier = fields.Char("Tier", compute="_compute_club_quote", compute_sudo=True)
    club_balance = fields.Float(
        "Bonus Balance",
        digits=(16, 2),
        compute="_compute_club_quote",
        compute_sudo=True,
        help="Available to spend now, plus what is held for orders.",
    )
    club_available = fields.Float(
        "Available", digits=(16, 2), compute="_compute_club_quote", compute_sudo=True
    )
    club_held = fields.Float(
        "Held", digits=(16, 2), compute="_compute_club_quote", compute_sudo=True
    )
    club_max_spend = fields.Float(
        "Most This Order May Spend",
        digits=(16, 2),
        compute="_compute_club_quote",
        compute_sudo=True,
    )
    club_earn_preview = fields.Float(
        "Will Earn",
        digits=(16, 2),
        compute="_compute_club_quote",
        compute_sudo=True,
        help="What the member earns when the order is paid (the club's quote).",
    )
    club_promotions = fields.Char(
        "Promotions", compute="_compute_club_quote", compute_sudo=True
    )
    club_quote_message = fields.Char(compute="_compute_club_quote", compute_sudo=True)

    # ================================================================ helpers
    def _club_service(self):
        return self.env["loyalty.club.service"].sudo()

    def _club_programs(self):
        """The club's programs of the order's company, the service's pick first."""
        self.ensure_one()
        return (
            self.env["loyalty.club.program"]
            .sudo()
            .search([("company_id", "=", self.company_id.id)])
        )

    def _club_bonus_product(self):
        return self.env.ref("loyalty_club_sale.product_club_bonuses").sudo()

    def _club_bonus_lines(self):
        product = self._club_bonus_product()
        return self.order_line.filtered(lambda line: line.product_id == product)

    def _club_promotion_product(self):
        return self.env.ref("loyalty_club_sale.product_club_promotion").sudo()

    def _club_promotion_lines(self):
        product = self._club_promotion_product()
        return self.order_line.filtered(lambda line: line.product_id == product)

    def _club_goods_lines(self):
        """The lines the club sees: goods and services, not the bonus and
        promotion lines, nor sections, notes and down payments."""
        club = self._club_bonus_product() | self._club_promotion_product()
        return self.order_line.filtered(
            lambda line: not line.display_type
            and not line.is_downpayment
            and line.product_id
            and line.product_id not in club
            and not is_club_card(line.product_id)
        )

    def _club_card_lines(self):
        """The lines selling club cards (a paid membership)."""
        return self.order_line.filtered(
            lambda line: not line.display_type and is_club_card(line.product_id)
        )

    def _club_lines(self):
        currency = self.currency_id
        return [
            {
                "key": str(line.id or line._origin.id or index),
                "amount": float_repr_money(currency, line.price_total),
                "product_id": line.product_id.id,
                "qty": line.product_uom_qty,
                "discount": line.discount or 0,
            }
            for index, line in enumerate(self._club_goods_lines())
        ]

    def _club_payload(self, program, wallet, burn=0.0, **extra):
        if self.currency_id != program.currency_id:
            raise UserError(
                self.env._(
                    "The club counts in %(club)s; the order %(order)s is in "
                    "%(currency)s, so it earns and spends no bonuses.",
                    club=program.currency_id.name,
                    order=self.name,
                    currency=self.currency_id.name,
                )
            )
        payload = {
            "program_id": program.id,
            "wallet_id": wallet.id if wallet else False,
            "channel": "sale",
            "ref": self.name,
            "lines": self._club_lines(),
            "burn": burn_text(program, burn),
            "origin": {"model": "sale.order", "id": self._origin.id or self.id},
        }
        payload.update(extra)
        return payload

    def _club_open_hold(self):
        """The order's hold while it still holds (expired ones do not)."""
        hold = self.sudo().club_hold_id
        if hold.state == "held" and hold.expires_at > fields.Datetime.now():
            return hold
        return hold.browse()

    def _club_lock(self):
        """Lock the order's row: two tabs applying bonuses on one order wait for
        each other."""
        self.env.cr.execute(
            "SELECT id FROM sale_order WHERE id = %s FOR UPDATE",
            [self.id],
            # a concurrent tab's commit makes this one retry, as any request
            log_exceptions=False,
        )
        self.invalidate_recordset()

    # ======================================================= typed phones
    # A member found by a phone typed by hand proves it with the one-time code
    # sent to that phone before bonuses are held, as at the till (the
    # program's "Spending on a Typed Phone Needs a Code"); a scanned card or
    # the customer on the order needs none.

    def _club_typed_phone(self):
        code = (self.club_card_code or "").strip()
        if not code:
            return False
        try:
            return core_cards.parse_identifier(code)[0] == "phone"
        except core_errors.DomainError:
            return False

    def _club_with_entry(self, payload):
        """The payload of a back-office order whose member was found by a
        typed phone says so (the program may then ask for the code)."""
        if payload.get("channel") == "sale" and self._club_typed_phone():
            payload["entry_method"] = "phone"
        return payload

    def _club_send_code(self):
        """Send the member the one-time code that lets this order spend."""
        self.ensure_one()
        wallet = self._club_wallet()
        if not wallet:
            raise UserError(
                self.env._(
                    "%(customer)s is not a club member: identify the member by "
                    "the card number or phone first.",
                    customer=self.partner_id.display_name,
                )
            )
        return self._club_service().send_code(
            {
                "program_id": wallet.program_id.id,
                "wallet_id": wallet.id,
                "purpose": "spend",
                "channel": "sale",
            }
        )

    # ============================================================ membership
    @api.depends("partner_id", "company_id", "club_card_code")
    def _compute_club_wallet_id(self):
        for order in self:
            order.club_wallet_id = order._club_find_wallet()

    def _club_find_wallet(self):
        """The member's wallet in a program of the order's company: the member
        named by the card number or phone typed, else the customer (or its
        company)."""
        Wallet = self.env["loyalty.club.wallet"].sudo()
        programs = self._club_programs()
        if not programs:
            return Wallet
        code = (self.club_card_code or "").strip()
        if code:
            partners = self._club_service()._find(code, programs[0])[2]
            if not partners:
                raise UserError(
                    self.env._(
                        "The card %(code)s is not registered to a member yet.",
                        code=code,
                    )
                )
        else:
            partners = self.partner_id | self.partner_id.commercial_partner_id
        for partner in partners:
            wallets = Wallet.search(
                [
                    ("partner_id", "=", partner.id),
                    ("program_id", "in", programs.ids),
                    ("kind", "=", "bonus"),
                ]
            )
            for program in programs:
                wallet = wallets.filtered(lambda w, p=program: w.program_id == p)
                if wallet:
                    return wallet[:1]
        return Wallet

    def _club_wallet(self):
        """The member's wallet for this order, or an empty recordset."""
        self.ensure_one()
        wallet = self.sudo().club_wallet_id
        if not wallet and self.partner_id and self.state != "cancel":
            # the customer may have joined since the order was made
            try:
                wallet = self._club_find_wallet()
            except UserError:
                wallet = wallet.browse()
        if wallet.partner_id.club_status == "blocked":
            return wallet.browse()
        return wallet

    def _club_keep_wallet(self, wallet):
        """Store the wallet found live on the order (it books with it)."""
        if wallet and self.sudo().club_wallet_id != wallet:
            self.sudo().club_wallet_id = wallet

    # ================================================================= quote
    @api.depends(
        "club_wallet_id",
        "club_bonus_applied",
        "order_line.price_total",
        "order_line.product_id",
    )
    def _compute_club_quote(self):
        for order in self:
            values = dict.fromkeys(
                (
                    "club_balance",
                    "club_available",
                    "club_held",
                    "club_max_spend",
                    "club_earn_preview",
                ),
                0.0,
            )
            values.update(
                club_enabled=bool(order._club_programs()),
                club_member=False,
                club_member_name=False,
                club_unit=False,
                club_tier=False,
                club_promotions=False,
                club_quote_message=False,
            )
            wallet = order._club_wallet()
            if wallet:
                values.update(
                    club_member=True,
                    club_member_name=wallet.partner_id.name,
                    club_unit=wallet.unit_name,
                    club_tier=wallet.tier_id.name or False,
                )
                try:
                    quote = order._club_quote() if order._club_goods_lines() else {}
                except (UserError, ValidationError) as exc:
                    values["club_quote_message"] = exc.args[0] if exc.args else ""
                    quote = {}
                if quote:
                    values.update(
                        club_balance=quote["balance"],
                        club_available=quote["balance"] - quote["held"],
                        club_held=quote["held"],
                        club_max_spend=quote["max_spend"],
                        club_earn_preview=quote["earn"],
                        club_promotions=", ".join(
                            p["name"] for p in quote.get("promotions") or []
                        )
                        or False,
                    )
                else:
                    bal = wallet._spend_balances()
                    program = wallet.program_id
                    values.update(
                        club_available=float(program.from_minor(bal.available)),
                        club_held=float(program.from_minor(bal.held)),
                        club_balance=float(
                            program.from_minor(bal.available + bal.held)
                        ),
                    )
            order.update(values)

    def _club_quote(self):
        """The service's quote of the order as it stands ({} for a non-member)."""
        self.ensure_one()
        wallet = self._club_wallet()
        if not wallet:
            return {}
        program = wallet.program_id
        hold = self._club_open_hold()
        extra = {"hold_id": hold.id} if hold else {}
        payload = self._club_payload(program, wallet, self.club_bonus_applied, **extra)
        quote = self._club_service().quote(self._club_with_entry(payload))
        bal = wallet._spend_balances()
        return dict(
            quote,
            balance=float(program.from_minor(bal.available + bal.held)),
            held=float(program.from_minor(bal.held)),
            tier=wallet.tier_id.name or "",
            max_spend=quote["burn_max"],
            applied=self.club_bonus_applied,
        )

    # ============================================================ promotions
    # The club's price promotions (a percent off, a bundle price...) are shown
    # as lines of the product "Club promotion", one per promotion and set of
    # taxes, carrying the taxes of the lines they discount, as the till shows
    # them. The goods keep their prices: the club is sent the amounts before
    # promotions and computes them again when the paid order is booked.

    def _club_sync_promotions(self):
        """Make the order's promotion lines what the club grants now (members'
        quotations only; none for other orders)."""
        for order in self:
            if order.state not in QUOTATION_STATES:
                continue
            wanted = order._club_promotion_vals()
            current = order._club_promotion_lines()
            have = sorted(
                (line.name, line.price_unit, tuple(line.tax_id.ids)) for line in current
            )
            want = sorted(
                (vals["name"], vals["price_unit"], tuple(vals["tax_id"][0][2]))
                for vals in wanted
            )
            if have == want:
                continue
            ctx = order.with_context(club_skip_cap_check=True)
            current.with_context(club_skip_cap_check=True).unlink()
            if wanted:
                ctx.write({"order_line": [Command.create(vals) for vals in wanted]})

    def _club_promotion_vals(self):
        """The promotion lines the club's quote gives this order."""
        wallet = self._club_wallet()
        goods = {str(line.id): line for line in self._club_goods_lines()}
        if not wallet or not goods:
            return []
        try:
            quote = self._club_service().quote(
                self._club_payload(wallet.program_id, wallet)
            )
        except (UserError, ValidationError):
            return []
        product = self._club_promotion_product()
        sequence = max(self.order_line.mapped("sequence") or [10]) + 1
        out = []
        for promo in quote.get("promotions") or []:
            by_taxes = {}
            for key, discount in (promo.get("discount_per_line") or {}).items():
                line = goods.get(key)
                if line and discount:
                    by_taxes.setdefault(line.tax_id, []).append((line, discount))
            for taxes, items in by_taxes.items():
                discount = sum(amount for _line, amount in items)
                total = sum(line.price_total for line, _amount in items)
                untaxed = sum(line.price_subtotal for line, _amount in items)
                # the discount is with taxes, as the lines sent to the club
                price = self.currency_id.round(
                    discount * untaxed / total if total else discount
                )
                out.append(
                    {
                        "product_id": product.id,
                        "name": self.env._(
                            "Club promotion: %(name)s", name=promo["name"]
                        ),
                        "product_uom_qty": 1.0,
                        "price_unit": -price,
                        "tax_id": [Command.set(taxes.ids)],
                        "sequence": sequence,
                    }
                )
        return out

    def action_club_update_promotions(self):
        self._club_sync_promotions()
        return True

    # ================================================================= apply
    def _club_check_quotation(self):
        if self.state not in QUOTATION_STATES:
            raise UserError(
                self.env._(
                    "Bonuses are applied or removed on a quotation; %(order)s is "
                    "no longer one.",
                    order=self.name,
                )
            )

    def _club_apply_bonuses(self, amount, code=None):
        """Spend ``amount`` bonuses on this quotation: a hold and a bonus line
        (``code``: the one-time code of a member found by a typed phone)."""
        self.ensure_one()
        self._club_lock()
        self._club_check_quotation()
        wallet = self._club_wallet()
        if not wallet:
            raise UserError(
                self.env._(
                    "%(customer)s is not a club member: identify the member by "
                    "the card number or phone first.",
                    customer=self.partner_id.display_name,
                )
            )
        self._club_keep_wallet(wallet)
        program = wallet.program_id
        try:
            if isinstance(amount, bool):
                raise TypeError(amount)
            amount = float(amount)
        except (TypeError, ValueError) as exc:
            raise UserError(
                self.env._(
                    "The bonuses to spend must be a number, not %(amount)s.",
                    amount=amount,
                )
            ) from exc
        rounded = float_round(amount, precision_digits=program.digits)
        if float_compare(rounded, 0.0, precision_digits=program.digits) <= 0:
            raise UserError(
                self.env._(
                    "The bonuses to spend must be positive (%(amount)s given).",
                    amount=amount,
                )
            )
        if not self._club_goods_lines():
            raise UserError(
                self.env._("Add the goods to the order before spending bonuses.")
            )
        if self.club_bonus_applied:
            self._club_remove_bonuses()
        self.sudo().club_hold_count += 1
        payload = self._club_payload(
            program,
            wallet,
            order_ref=self.name,
            amount=burn_text(program, rounded),
            hold_days=self._club_hold_days(),
        )
        payload.pop("burn")
        payload.pop("ref")
        payload.pop("origin")
        self._club_with_entry(payload)
        if code:
            payload["code"] = str(code).strip()
        key = (
            f"sale.order:{self.id}:hold:{self.club_hold_count}:"
            f"{burn_text(program, rounded)}"
        )
        answer = self.env["loyalty.club.hold"].sudo().reserve(payload, key)
        hold = self.env["loyalty.club.hold"].sudo().browse(answer["hold_id"])
        quote = self._club_service().quote(
            self._club_payload(program, wallet, rounded, hold_id=hold.id, strict=True)
        )
        money = quote["burn_money"]
        self.sudo().write(
            {
                "club_hold_id": hold.id,
                "club_bonus_applied": rounded,
                "club_bonus_money": money,
            }
        )
        self.with_context(club_skip_cap_check=True).write(
            {"order_line": [Command.create(self._club_bonus_line_vals(rounded, money))]}
        )
        return self._club_quote()

    def _club_hold_days(self):
        """The hold lasts until the quotation's expiry (7 days without one)."""
        if not self.validity_date:
            return 7
        days = (self.validity_date - fields.Date.context_today(self)).days + 1
        return max(1, min(days, 90))

    def _club_bonus_line_vals(self, points, money):
        product = self._club_bonus_product()
        return {
            "product_id": product.id,
            "name": self.env._(
                "Club bonuses: %(points)s %(unit)s",
                points=points,
                unit=self._club_wallet().unit_name or "",
            ),
            "product_uom_qty": 1.0,
            "price_unit": -money,
            "tax_id": [Command.clear()],
            "sequence": max(self.order_line.mapped("sequence") or [10]) + 1,
        }

    def _club_remove_bonuses(self):
        """Give the held bonuses back and drop the bonus line."""
        self.ensure_one()
        if not (self.club_bonus_applied or self._club_bonus_lines()):
            return
        self._club_check_quotation()
        self._club_drop_bonuses()

    def _club_drop_bonuses(self):
        hold = self._club_open_hold()
        if hold:
            self.env["loyalty.club.hold"].sudo().release(
                {"hold_id": hold.id}, f"sale.order:{self.id}:release:{hold.id}"
            )
        self.sudo().write(
            {"club_hold_id": False, "club_bonus_applied": 0.0, "club_bonus_money": 0.0}
        )
        lines = self._club_bonus_lines()
        if lines:
            lines.with_context(club_skip_cap_check=True).unlink()

    def _club_release(self):
        """The order is cancelled: its hold is given back, its bonus line dropped."""
        self.ensure_one()
        if self.sudo().club_transaction_id:
            return
        self._club_drop_bonuses()

    def _club_check_cap(self):
        """After the lines changed: the bonuses applied must stay within what
        the order may spend now."""
        for order in self.filtered("club_bonus_applied"):
            if order.sudo().club_transaction_id:
                continue
            quote = order._club_quote()
            if not quote:
                continue
            if (
                float_compare(
                    quote["burn"], order.club_bonus_applied, precision_digits=2
                )
                < 0
            ):
                raise UserError(
                    self.env._(
                        "%(applied)s bonuses are applied to %(order)s but the order "
                        "may now spend at most %(maximum)s. Remove the bonuses and "
                        "apply a smaller amount first.",
                        applied=order.club_bonus_applied,
                        order=order.name,
                        maximum=quote["burn_max"],
                    )
                )

    # ================================================================== paid
    def _club_invoices_paid(self):
        """Is the order paid: every posted customer invoice of it paid (or in
        payment), and nothing left to invoice?"""
        invoices = self.invoice_ids.filtered(
            lambda move: move.move_type == "out_invoice"
            and move.state == "posted"
            # an invoice wholly reversed by a credit note is settled, not paid
            and move.payment_state != "reversed"
        )
        return (
            bool(invoices)
            and all(inv.payment_state in ("paid", "in_payment") for inv in invoices)
            and self.invoice_status != "to invoice"
        )

    def _club_paid_key(self):
        return f"sale.order:{self.id}:paid"

    def _club_confirm_paid(self):
        """Book the paid order with the club, once."""
        self.ensure_one()
        Txn = self.env["loyalty.club.transaction"].sudo()
        done = self.sudo().club_transaction_id or Txn.search(
            [("idempotency_key", "=", self._club_paid_key())], limit=1
        )
        if done:
            self._club_store_check(done)
            return done
        self._club_sell_cards()
        wallet = self._club_wallet()
        if not wallet and not self.club_bonus_applied:
            return Txn
        if not wallet:
            raise UserError(
                self.env._(
                    "Bonuses were applied to %(order)s but its member is unknown.",
                    order=self.name,
                )
            )
        if not self._club_goods_lines():
            return Txn
        self._club_keep_wallet(wallet)
        program = wallet.program_id
        hold = self._club_open_hold()
        payload = self._club_payload(
            program,
            wallet,
            self.club_bonus_applied,
            strict=True,
        )
        if hold:
            # the hold was made with the member's code, if one was needed
            payload["hold_id"] = hold.id
        else:
            self._club_with_entry(payload)
        response = self._club_service().confirm(payload, self._club_paid_key())
        txn = Txn.browse(response["transaction_id"])
        self._club_store_check(txn)
        given = -sum(self._club_promotion_lines().mapped("price_total"))
        if float_compare(given, response.get("discount") or 0.0, precision_digits=2):
            self._club_flag(
                self.env._(
                    "The order gave %(given)s of club promotions; the club granted "
                    "%(granted)s when it was paid. Please review this order.",
                    given=given,
                    granted=response.get("discount") or 0.0,
                )
            )
        return txn

    def _club_store_check(self, txn):
        self.sudo().write(
            {
                "club_transaction_id": txn.id,
                "club_check_ref": txn.ref,
                "club_earned": txn.earned,
                "club_spent": txn.spent,
                "club_review": False,
            }
        )

    def _club_sell_cards(self):
        """The club cards sold on the paid order go to the buyer (the member,
        else the customer) through the club, once (key
        ``sale.order:<id>:club-card``); a new member's goods then earn. A
        refusal is noted on the order for review."""
        lines = self._club_card_lines()
        if not lines:
            return
        buyer = self._club_wallet().partner_id or self.partner_id
        try:
            with self.env.cr.savepoint():
                self._club_service()._sell_club_cards(
                    buyer,
                    [
                        {"product_id": line.product_id.id, "qty": line.product_uom_qty}
                        for line in lines.sorted("id")
                    ],
                    "sale",
                    f"sale.order:{self.id}:club-card",
                    program=self._club_programs()[:1],
                    ref=self.name,
                )
        except (UserError, ValidationError) as exc:
            self._club_flag(
                self.env._(
                    "The club card sold on this order was not given: %(reason)s",
                    reason=exc.args[0] if exc.args else str(exc),
                )
            )
            return
        if not self.sudo().club_wallet_id:
            self.sudo().club_wallet_id = self._club_find_wallet()

    def _club_flag(self, message):
        self.sudo().club_review = True
        self.sudo().message_post(body=message)

    def _club_on_invoice_paid(self):
        """The invoice trigger: book every paid order; a refusal is noted on the
        order for review, never blocking the payment."""
        for order in self:
            if order.state == "cancel" or not order._club_invoices_paid():
                continue
            try:
                with self.env.cr.savepoint():
                    order._club_confirm_paid()
            except (UserError, ValidationError) as exc:
                order._club_flag(
                    self.env._(
                        "The club did not book this paid order: %(reason)s",
                        reason=exc.args[0] if exc.args else str(exc),
                    )
                )

    # ============================================================== actions
    def action_club_apply_bonuses(self):
        self.ensure_one()
        self._club_check_quotation()
        quote = self._club_quote()
        if not quote:
            raise UserError(
                self.env._(
                    "%(customer)s is not a club member: identify the member by "
                    "the card number or phone first.",
                    customer=self.partner_id.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Apply bonuses"),
            "res_model": "loyalty.club.sale.apply",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_order_id": self.id,
                "default_amount": quote["max_spend"],
            },
        }

    def action_confirm(self):
        # the promotions as the club grants them when the quotation is accepted
        self.filtered(lambda o: o.state in QUOTATION_STATES)._club_sync_promotions()
        return super().action_confirm()

    def action_club_remove_bonuses(self):
        for order in self:
            order._club_remove_bonuses()
        return True

    def action_club_open_check(self):
        self.ensure_one()
        txn = self.sudo().club_transaction_id
        return {
            "type": "ir.actions.act_window",
            "res_model": "loyalty.club.transaction",
            "res_id": txn.id,
            "view_mode": "form",
        }

    # ================================================================ ORM hooks
    def write(self, vals):
        if {"partner_id", "club_card_code", "company_id"} & set(vals):
            for order in self:
                if order.club_bonus_applied and not self.env.context.get(
                    "club_skip_cap_check"
                ):
                    raise UserError(
                        self.env._(
                            "Bonuses are applied to %(order)s: remove them before "
                            "changing the customer or the card.",
                            order=order.name,
                        )
                    )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_release_club_holds(self):
        """A quotation deleted gives its held bonuses back."""
        for order in self:
            hold = order._club_open_hold()
            if hold:
                self.env["loyalty.club.hold"].sudo().release(
                    {"hold_id": hold.id}, f"sale.order:{order.id}:release:{hold.id}"
                )

    def _action_cancel(self):
        res = super()._action_cancel()
        for order in self:
            if order.club_bonus_applied or order.sudo().club_hold_id:
                order._club_release()
        return res

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        product = self._club_bonus_product() | self._club_promotion_product()
        for vals in vals_list:
            vals["order_line"] = [
                command
                for command in vals.get("order_line") or []
                if not (
                    isinstance(command, list | tuple)
                    and len(command) > 2
                    and isinstance(command[2], dict)
                    and command[2].get("product_id") in product.ids
                )
            ]
        return vals_list


def is_club_card(product):
    """Is ``product`` a club card sold as a paid membership?"""
    return bool(product.club_card)


def burn_text(program, amount):
    """Bonuses as the service reads them (a decimal text in the program's
    units), ``0`` for none."""
    amount = float_round(amount or 0.0, precision_digits=program.digits)
    if float_is_zero(amount, precision_digits=program.digits):
        return 0
    return str(program.from_minor(program.to_minor(amount)))


def float_repr_money(currency, amount):
    """A money amount as a decimal text in the currency's precision."""
    return float_repr(currency.round(amount), currency.decimal_places)
