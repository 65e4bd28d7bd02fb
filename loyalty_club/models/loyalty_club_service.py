"""The club's one service: every channel (POS, API, portal, back office) calls it.

Thin adapter: amounts cross the edge here (Odoo floats and JSON numbers become
integer minor units once), the decisions are taken by the plain-Python core in
``..domain``, and the results are written as ledger lines under a row lock on
the wallet, so any number of workers and tills stay correct.
"""

import dataclasses
from decimal import Decimal, InvalidOperation

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .. import edge
from ..domain import cards as core_cards
from ..domain import errors as core_errors
from ..domain import ledger as core_ledger
from ..domain import money, rules


class LoyaltyClubService(models.AbstractModel):
    _name = "loyalty.club.service"
    _description = "Loyalty Club Services"

    # ------------------------------------------------------------------ helpers
    def _env(self):
        """Environment allowed to write the ledger (the services are its only
        writer)."""
        return self.sudo().with_context(loyalty_club_service=True).env

    def _check_caller(self):
        """Channels call as superuser after their own checks (POS session, API key)."""
        if not (self.env.su or self.env.user.has_group("loyalty_club.group_club_user")):
            raise AccessError(_("Only club users and the club's channels may do this."))

    def _check_manager(self):
        if not self.env.user.has_group("loyalty_club.group_club_manager"):
            raise AccessError(_("Only a club manager may do this."))

    def _raise(self, exc, program=None):
        """A core error as a translated UserError."""
        raise UserError(edge.core_message(self.env, exc, program)) from exc

    def _today(self, payload=None):
        date = (payload or {}).get("date")
        if date:
            return fields.Datetime.to_datetime(date).date()
        return fields.Date.context_today(self)

    def _now(self, payload=None):
        date = (payload or {}).get("date")
        return fields.Datetime.to_datetime(date) if date else fields.Datetime.now()

    def _program(self, payload=None):
        program_id = (payload or {}).get("program_id")
        Program = self.env["loyalty.club.program"].sudo()
        if program_id:
            program = Program.browse(int(program_id)).exists()
        else:
            program = Program.search(
                [("company_id", "=", self.env.company.id)], limit=1
            )
        if not program:
            raise UserError(_("No loyalty program is configured for this company."))
        return program

    def _amount(self, value, digits, what):
        """A typed or JSON amount as minor units; bad or negative input is refused."""
        try:
            dec = (
                Decimal(repr(value))
                if isinstance(value, float)
                else Decimal(str(value))
            )
            minor = money.to_minor(dec, digits)
        except (
            InvalidOperation,
            TypeError,
            ValueError,
            core_errors.DomainError,
        ) as exc:
            raise UserError(
                _("%(what)s is not an amount: %(value)s", what=what, value=value)
            ) from exc
        return minor

    # ---------------------------------------------------------------- identify
    def _find(self, identifier, program):
        """(wallet, card, partner) for a card number, QR payload or phone."""
        try:
            kind, value = core_cards.parse_identifier(identifier or "")
        except core_errors.DomainError as exc:
            self._raise(exc)
        Card = self.env["loyalty.club.card"].sudo()
        card = partner = self.env["res.partner"]
        if kind in ("card", "code"):
            card = Card.search([("code", "=", value)], limit=1)
            if not card:
                raise UserError(_("No club card %(code)s.", code=value))
            card._check_usable()
            partner = card.partner_id
            if card.kind == "gift":
                raise UserError(
                    _("%(code)s is a gift card, not a club card.", code=card.code)
                )
        else:
            e164 = self.env["res.partner"]._club_normalize_phone(value)
            partner = (
                self.env["res.partner"]
                .sudo()
                .search(
                    [("club_phone", "=", e164), ("club_status", "!=", False)], limit=1
                )
            )
            if not partner:
                raise UserError(_("No member with phone %(phone)s.", phone=e164))
        wallet = self.env["loyalty.club.wallet"].sudo()
        if partner:
            if partner.club_status == "blocked":
                raise UserError(_("Member %(name)s is blocked.", name=partner.name))
            wallet = wallet.search(
                [("partner_id", "=", partner.id), ("program_id", "=", program.id)],
                limit=1,
            )
        return wallet, card, partner

    def _wallet_for(self, payload, program, required=True):
        Wallet = self.env["loyalty.club.wallet"].sudo()
        if payload.get("wallet_id"):
            wallet = Wallet.browse(int(payload["wallet_id"])).exists()
        elif payload.get("partner_id"):
            wallet = Wallet.search(
                [
                    ("partner_id", "=", int(payload["partner_id"])),
                    ("program_id", "=", program.id),
                ],
                limit=1,
            )
        elif payload.get("identifier"):
            wallet = self._find(payload["identifier"], program)[0]
        else:
            wallet = Wallet
        if required and not wallet:
            raise UserError(_("This customer is not a club member."))
        if wallet and wallet.kind != "bonus":
            raise UserError(_("A gift card is not a member's wallet."))
        if wallet and wallet.program_id != program:
            raise UserError(
                _(
                    "This wallet belongs to the program %(wallet_program)s, "
                    "not to %(program)s.",
                    wallet_program=wallet.program_id.name,
                    program=program.name,
                )
            )
        return wallet

    @api.model
    def identify(self, identifier, program_id=None):
        """Member summary for a card number, QR payload or phone in any spelling."""
        self._check_caller()
        program = self._program({"program_id": program_id})
        wallet, card, partner = self._find(identifier, program)
        if card and card.state == "stock":
            return {
                "status": "unregistered_card",
                "card": card.code,
                "program_id": program.id,
            }
        if not wallet:
            raise UserError(_("This customer is not a club member."))
        return self._summary(wallet, card)

    def _summary(self, wallet, card=None):
        today = fields.Date.context_today(self)
        program, partner = wallet.program_id, wallet.partner_id
        bal = wallet._core_balances(today)
        as_units = lambda minor: float(program.from_minor(minor))  # noqa: E731
        txns = (
            self.env["loyalty.club.transaction"]
            .sudo()
            .search([("wallet_id", "=", wallet.id), ("kind", "=", "sale")], limit=5)
        )
        highlights = [
            {"question": v.attribute_id.name, "answer": v.display_value}
            for v in partner.club_attribute_value_ids
            if v.attribute_id.highlight
        ]
        return {
            "status": "member",
            "wallet_id": wallet.id,
            "partner_id": partner.id,
            "name": partner.name or (card and card.code) or "",
            "phone": partner.club_phone or "",
            "card": (
                card
                or partner.club_card_ids.filtered(lambda c: c.state == "active")[:1]
            ).code
            or "",
            "member_status": partner.club_status or "",
            "program_id": program.id,
            "unit": program.unit_name,
            "tier": wallet.tier_id.name or "",
            "available": as_units(bal.available),
            "pending": as_units(bal.pending),
            "expiring_soon": as_units(bal.expiring_soon),
            "next_expiry": fields.Date.to_string(bal.next_expiry)
            if bal.next_expiry
            else "",
            "preferences": partner.club_preferences or "",
            "highlights": highlights,
            "last_purchases": [
                {
                    "date": fields.Datetime.to_string(t.date),
                    "ref": t.ref,
                    "amount": float(program.money_from_minor(t.amount_minor)),
                    "earned": t.earned,
                    "spent": t.spent,
                }
                for t in txns
            ],
            "offers": self._offers(wallet),
        }

    def _offers(self, wallet):
        """Personal offers shown before payment (the promotions module adds to it)."""
        return []

    # ------------------------------------------------------------------ quote
    def _core_lines(self, payload, program):
        lines = payload.get("lines") or []
        if not isinstance(lines, list) or len(lines) > edge.MAX_LINES:
            raise UserError(
                _("An order needs a list of at most %(max)s lines.", max=edge.MAX_LINES)
            )
        digits = program.currency_id.decimal_places
        out = []
        for index, line in enumerate(lines):
            if not isinstance(line, dict) or "amount" not in line:
                raise UserError(_("Line %(n)s has no amount.", n=index + 1))
            out.append(
                rules.Line(
                    key=line.get("key", index),
                    amount=self._amount(
                        line["amount"], digits, _("Line %(n)s", n=index + 1)
                    ),
                    earn=bool(line.get("earn", True)),
                    burn=bool(line.get("burn", True)),
                )
            )
        if not out:
            raise UserError(_("An order needs at least one line."))
        return self._spread_discounts(out)

    def _spread_discounts(self, lines):
        """Negative lines (a discount on the whole order, such as a reward of
        Odoo's pos_loyalty) lower the positive lines in proportion, so each line
        earns on what is paid for it; the order's total does not change."""
        discount = -sum(line.amount for line in lines if line.amount < 0)
        weights = [max(line.amount, 0) for line in lines]
        if not discount or sum(weights) < discount:
            return lines
        shares = money.allocate(discount, weights)
        return [
            dataclasses.replace(line, amount=max(line.amount, 0) - share)
            for line, share in zip(lines, shares, strict=True)
        ]

    def _quote(self, payload, program, wallet, today, lots=None):
        lines = self._core_lines(payload, program)
        requested = self._amount(payload.get("burn") or 0, program.digits, _("Spend"))
        if requested < 0:
            raise UserError(_("The amount to spend cannot be negative."))
        if sum(line.amount for line in lines) <= 0 and requested:
            raise UserError(_("Bonuses can only pay for a purchase."))
        available = core_ledger.balances(lots, today).available if wallet else 0
        if requested and not wallet:
            raise UserError(_("Only a club member can spend bonuses."))
        tier_rate = None
        if wallet and wallet.tier_id:
            tier_rate = edge.decimal(wallet.tier_id.earn_percent)
        try:
            return rules.quote(
                lines,
                program._policy(),
                available,
                requested,
                strict=bool(payload.get("strict")),
                earn_percent=tier_rate,
            )
        except core_errors.DomainError as exc:
            self._raise(exc, program)

    def _quote_dict(self, quote, program, wallet):
        units = lambda minor: float(program.from_minor(minor))  # noqa: E731
        cash = lambda minor: float(program.money_from_minor(minor))  # noqa: E731
        return {
            "member": bool(wallet),
            "wallet_id": wallet.id if wallet else False,
            "unit": program.unit_name,
            "total": cash(quote.lines_amount),
            "burn_max": units(quote.burn_max),
            "burn_max_money": cash(program._policy().points_to_money(quote.burn_max)),
            "point_value": program.point_value,
            "burn": units(quote.burn),
            "burn_money": cash(quote.burn_money),
            # a check without a card earns nothing; the till may show what it could
            "earn": units(quote.earn) if wallet else 0.0,
            "earn_if_member": units(quote.earn),
            "to_pay": cash(quote.to_pay),
            "capped": quote.capped,
            # "issue a card when a purchase reaches X": the channel offers one
            "offer_card": not wallet
            and bool(program.issue_card_threshold)
            and quote.lines_amount
            >= program.money_to_minor(program.issue_card_threshold),
            "cap_reason": quote.cap_reason or "",
            "earn_per_line": {
                str(k): units(v) if wallet else 0.0
                for k, v in quote.earn_per_line.items()
            },
            "burn_per_line": {str(k): units(v) for k, v in quote.burn_per_line.items()},
        }

    @api.model
    def quote(self, payload):
        """What this order would earn and the most it may spend; records nothing."""
        self._check_caller()
        program = self._program(payload)
        today = self._today(payload)
        program._check_running(today)
        wallet = self._wallet_for(payload, program, required=False)
        lots = wallet._core_lots()[1] if wallet else []
        quote = self._quote(payload, program, wallet, today, lots)
        result = self._quote_dict(quote, program, wallet)
        result["limits"] = self._quote_limits(program, wallet, today, quote)
        if wallet:
            result["available"] = float(
                program.from_minor(core_ledger.balances(lots, today).available)
            )
        return result
