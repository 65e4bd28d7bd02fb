"""The club's one service: every channel (POS, API, portal, back office) calls it.

Thin adapter: amounts cross the edge here (Odoo floats and JSON numbers become
integer minor units once), the decisions are taken by the plain-Python core in
``..domain``, and the results are written as ledger lines under a row lock on
the wallet, so any number of workers and tills stay correct.
"""

import hashlib
import json
import uuid
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..domain import cards as core_cards
from ..domain import errors as core_errors
from ..domain import ledger as core_ledger
from ..domain import money, rules
from .loyalty_club_program import to_decimal

MAX_LINES = 500


AMOUNT_PARAMS = ("available", "requested", "maximum", "minimum")


def core_message(env, exc, program=None):
    """The translated sentence for a core error (the core speaks English only)."""
    p = dict(exc.params)
    if program:
        p.update({k: program.from_minor(v) for k, v in p.items()
                  if k in AMOUNT_PARAMS and isinstance(v, int)})
    code = exc.code
    if code == "cap_exceeded" and p.get("reason") == "balance":
        code, p["available"] = "insufficient_balance", p.get("maximum")
    messages = {
        "insufficient_balance": lambda: env._(
            "Not enough bonuses: %(available)s available, %(requested)s asked.",
            available=p.get("available"), requested=p.get("requested")),
        "cap_exceeded": lambda: env._(
            "At most %(maximum)s can be spent on this order (%(requested)s asked).",
            maximum=p.get("maximum"), requested=p.get("requested")),
        "burn_below_minimum": lambda: env._(
            "At least %(minimum)s must be spent (%(requested)s asked).",
            minimum=p.get("minimum"), requested=p.get("requested")),
        "bad_check_digit": lambda: env._(
            "%(code)s is not a valid card number (wrong check digit).", code=p.get("code")),
        "invalid_identifier": lambda: env._(
            "%(value)s is neither a card number nor a phone.", value=p.get("value", "")),
    }
    make = messages.get(code)
    return make() if make else env._("Invalid input: %(detail)s", detail=str(exc))


def request_hash(payload):
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, default=str).encode()
    ).hexdigest()


class LoyaltyClubService(models.AbstractModel):
    _name = "loyalty.club.service"
    _description = "Loyalty Club Services"

    # ------------------------------------------------------------------ helpers
    def _env(self):
        """Environment allowed to write the ledger (the services are its only writer)."""
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
        raise UserError(core_message(self.env, exc, program)) from exc

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
            program = Program.search([("company_id", "=", self.env.company.id)], limit=1)
        if not program:
            raise UserError(_("No loyalty program is configured for this company."))
        return program

    def _amount(self, value, digits, what):
        """A typed or JSON amount as minor units; bad or negative input is refused."""
        try:
            dec = Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))
            minor = money.to_minor(dec, digits)
        except (InvalidOperation, TypeError, ValueError, core_errors.DomainError) as exc:
            raise UserError(_("%(what)s is not an amount: %(value)s", what=what, value=value)) from exc
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
                return card.wallet_id, card, partner
        else:
            e164 = self.env["res.partner"]._club_normalize_phone(value)
            partner = self.env["res.partner"].sudo().search(
                [("club_phone", "=", e164), ("club_status", "!=", False)], limit=1
            )
            if not partner:
                raise UserError(_("No member with phone %(phone)s.", phone=e164))
        wallet = self.env["loyalty.club.wallet"].sudo()
        if partner:
            if partner.club_status == "blocked":
                raise UserError(_("Member %(name)s is blocked.", name=partner.name))
            wallet = wallet.search(
                [("partner_id", "=", partner.id), ("program_id", "=", program.id)], limit=1
            )
        return wallet, card, partner

    def _wallet_for(self, payload, program, required=True):
        Wallet = self.env["loyalty.club.wallet"].sudo()
        if payload.get("wallet_id"):
            wallet = Wallet.browse(int(payload["wallet_id"])).exists()
        elif payload.get("partner_id"):
            wallet = Wallet.search(
                [("partner_id", "=", int(payload["partner_id"])), ("program_id", "=", program.id)],
                limit=1,
            )
        elif payload.get("identifier"):
            wallet = self._find(payload["identifier"], program)[0]
        else:
            wallet = Wallet
        if required and not wallet:
            raise UserError(_("This customer is not a club member."))
        return wallet

    @api.model
    def identify(self, identifier, program_id=None):
        """Member summary for a card number, QR payload or phone in any spelling."""
        self._check_caller()
        program = self._program({"program_id": program_id})
        wallet, card, partner = self._find(identifier, program)
        if card and card.state == "stock":
            return {"status": "unregistered_card", "card": card.code, "program_id": program.id}
        if not wallet:
            raise UserError(_("This customer is not a club member."))
        return self._summary(wallet, card)

    def _summary(self, wallet, card=None):
        today = fields.Date.context_today(self)
        program, partner = wallet.program_id, wallet.partner_id
        bal = wallet._core_balances(today)
        as_units = lambda minor: float(program.from_minor(minor))  # noqa: E731
        txns = self.env["loyalty.club.transaction"].sudo().search(
            [("wallet_id", "=", wallet.id), ("kind", "=", "sale")], limit=5
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
            "card": (card or partner.club_card_ids.filtered(lambda c: c.state == "active")[:1]).code
            or "",
            "member_status": partner.club_status or "",
            "program_id": program.id,
            "unit": program.unit_name,
            "tier": wallet.tier_id.name or "",
            "available": as_units(bal.available),
            "pending": as_units(bal.pending),
            "expiring_soon": as_units(bal.expiring_soon),
            "next_expiry": fields.Date.to_string(bal.next_expiry) if bal.next_expiry else "",
            "preferences": partner.club_preferences or "",
            "highlights": highlights,
            "last_purchases": [
                {"date": fields.Datetime.to_string(t.date), "ref": t.ref,
                 "amount": float(program.money_from_minor(t.amount_minor)),
                 "earned": t.earned, "spent": t.spent}
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
        if not isinstance(lines, list) or len(lines) > MAX_LINES:
            raise UserError(_("An order needs a list of at most %(max)s lines.", max=MAX_LINES))
        digits = program.currency_id.decimal_places
        out = []
        for index, line in enumerate(lines):
            if not isinstance(line, dict) or "amount" not in line:
                raise UserError(_("Line %(n)s has no amount.", n=index + 1))
            out.append(rules.Line(
                key=line.get("key", index),
                amount=self._amount(line["amount"], digits, _("Line %(n)s", n=index + 1)),
                earn=bool(line.get("earn", True)),
                burn=bool(line.get("burn", True)),
            ))
        if not out:
            raise UserError(_("An order needs at least one line."))
        return out

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
            tier_rate = to_decimal(wallet.tier_id.earn_percent)
        try:
            return rules.quote(
                lines, program._policy(), available, requested,
                strict=bool(payload.get("strict")), earn_percent=tier_rate,
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
            "burn": units(quote.burn),
            "burn_money": cash(quote.burn_money),
            "earn": units(quote.earn),
            "to_pay": cash(quote.to_pay),
            "capped": quote.capped,
            "cap_reason": quote.cap_reason or "",
            "earn_per_line": {str(k): units(v) for k, v in quote.earn_per_line.items()},
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
        result = self._quote_dict(self._quote(payload, program, wallet, today, lots), program, wallet)
        if wallet:
            result["available"] = float(program.from_minor(core_ledger.balances(lots, today).available))
        return result

    # ---------------------------------------------------------------- confirm
    def _replay(self, key, payload):
        """The stored answer of an already confirmed key, or None."""
        done = self.env["loyalty.club.transaction"].sudo().search(
            [("idempotency_key", "=", key)], limit=1
        )
        if not done:
            return None
        if done.request_hash != request_hash(payload):
            raise ValidationError(
                _("The idempotency key %(key)s was already used for another request.", key=key)
            )
        return dict(done.response or {}, replayed=True)

    @api.model
    def confirm(self, payload, idempotency_key):
        """Apply an order's earn and burn in this transaction; the same key is applied once."""
        self._check_caller()
        key = (idempotency_key or "").strip()
        if not key:
            raise UserError(_("A confirmation needs an idempotency key."))
        replay = self._replay(key, payload)
        if replay is not None:
            return replay
        program = self._program(payload)
        today, now = self._today(payload), self._now(payload)
        program._check_running(today)
        wallet = self._wallet_for(payload, program, required=bool(payload.get("burn")))
        if wallet:
            wallet._lock()
            replay = self._replay(key, payload)  # a concurrent twin may have won the lock
            if replay is not None:
                return replay
        lot_recs, lots = wallet._core_lots() if wallet else (None, [])
        quote = self._quote(payload, program, wallet, today, lots)
        env = self._env()
        txn = env["loyalty.club.transaction"].create(self._txn_vals(
            payload, key, program, wallet, now, kind="sale",
            amount_minor=quote.lines_amount, paid_minor=quote.to_pay,
            burn_minor=quote.burn, burn_money_minor=quote.burn_money, earn_minor=quote.earn,
            line_count=len(payload.get("lines") or []),
        ))
        common = {"transaction_id": txn.id, "store_id": txn.store_id.id, "channel": txn.channel}
        if wallet and quote.burn:
            allocations = core_ledger.allocate_debit(lots, quote.burn, today)
            self._debit(wallet, "burn", allocations, f"{key}:burn", now, **common)
        if wallet and quote.earn:
            self._credit(wallet, "earn", quote.earn, f"{key}:earn", now, today, **common)
        if wallet:
            self._upgrade_tier(wallet, today)
            wallet.sudo().write({"last_purchase_date": now})
            wallet._refresh_balances(today)
        response = self._quote_dict(quote, program, wallet)
        response.update(transaction_id=txn.id, ref=txn.ref, replayed=False)
        if wallet:
            response["available"] = wallet.balance_available
            response["pending"] = wallet.balance_pending
        txn.write({"response": response})
        return response

    def _txn_vals(self, payload, key, program, wallet, now, **vals):
        origin = payload.get("origin") or {}
        store = payload.get("store_id")
        vals.update(
            ref=str(payload.get("ref") or key),
            idempotency_key=key,
            request_hash=vals.pop("request_hash", None) or request_hash(payload),
            wallet_id=wallet.id if wallet else False,
            partner_id=wallet.partner_id.id if wallet else payload.get("customer_id") or False,
            program_id=program.id,
            company_id=program.company_id.id,
            currency_id=program.currency_id.id,
            store_id=int(store) if store else False,
            channel=payload.get("channel") or "backoffice",
            date=now,
            origin_model=origin.get("model"),
            origin_id=origin.get("id") or 0,
        )
        sign = -1 if vals.get("kind") == "refund" else 1
        vals.setdefault("amount", float(program.money_from_minor(sign * vals.get("amount_minor", 0))))
        vals.setdefault("earned", float(program.from_minor(vals.get("earn_minor", 0))))
        vals.setdefault("spent", float(program.from_minor(vals.get("burn_minor", 0))))
        return vals

    def _line_vals(self, wallet, kind, amount, key, now, **extra):
        program = wallet.program_id
        money_minor = money.convert(
            amount, program.digits, program.currency_id.decimal_places,
            to_decimal(program.point_value), rounding="half_up",
        )
        vals = {
            "wallet_id": wallet.id,
            "partner_id": wallet.partner_id.id,
            "program_id": program.id,
            "company_id": program.company_id.id,
            "kind": kind,
            "amount_minor": amount,
            "amount": float(program.from_minor(amount)),
            "money_minor": money_minor,
            "date": now,
            "idempotency_key": key,
        }
        vals.update({k: v for k, v in extra.items() if v is not None})
        return vals

    def _credit(self, wallet, kind, amount, key, now, today, pending_days=None, expiry_days=None,
                expires_on=None, **extra):
        """A credit line and the lot it opens."""
        program = wallet.program_id
        env = self._env()
        line = env["loyalty.club.ledger"].create(self._line_vals(wallet, kind, amount, key, now, **extra))
        pending = program.pending_days if pending_days is None else pending_days
        expiry = program.expiry_days if expiry_days is None else expiry_days
        if expires_on is None and expiry:
            expires_on = today + timedelta(days=expiry)
        lot = env["loyalty.club.lot"].create({
            "wallet_id": wallet.id,
            "ledger_id": line.id,
            "initial_minor": amount,
            "remaining_minor": amount,
            "available_from": today + timedelta(days=pending),
            "expires_on": expires_on or False,
        })
        env.cr.execute("UPDATE loyalty_club_ledger SET lot_id = %s WHERE id = %s", [lot.id, line.id])
        line.invalidate_recordset(["lot_id"])
        return line

    def _debit(self, wallet, kind, allocations, key, now, **extra):
        """A debit line taking from lots as the core allocated."""
        total = sum(amount for _lot, amount in allocations)
        env = self._env()
        line = env["loyalty.club.ledger"].create(
            self._line_vals(wallet, kind, -total, key, now, **extra)
        )
        env["loyalty.club.allocation"].create([
            {"ledger_id": line.id, "lot_id": lot_id, "amount_minor": -amount}
            for lot_id, amount in allocations
        ])
        for lot_id, amount in allocations:
            env.cr.execute(
                "UPDATE loyalty_club_lot SET remaining_minor = remaining_minor - %s WHERE id = %s",
                [amount, lot_id],
            )
        env["loyalty.club.lot"].invalidate_model(["remaining_minor"])
        return line

    # ---------------------------------------------------------------- reverse
    @api.model
    def reverse(self, payload, idempotency_key):
        """Refund (part of) a confirmed check: earn and burn reversed in proportion."""
        self._check_caller()
        key = (idempotency_key or "").strip()
        if not key:
            raise UserError(_("A refund needs an idempotency key."))
        replay = self._replay(key, payload)
        if replay is not None:
            return replay
        Txn = self.env["loyalty.club.transaction"].sudo()
        original = Txn.browse()
        if payload.get("transaction_id"):
            original = Txn.browse(int(payload["transaction_id"])).exists()
        elif payload.get("original_key"):
            original = Txn.search([("idempotency_key", "=", payload["original_key"])], limit=1)
        elif payload.get("original_ref"):
            original = Txn.search(
                [("ref", "=", payload["original_ref"]), ("kind", "=", "sale")], limit=1
            )
        if not original or original.kind != "sale":
            raise UserError(_("The check to refund was not found."))
        program, wallet = original.program_id, original.wallet_id
        today, now = self._today(payload), self._now(payload)
        if wallet:
            wallet._lock()
            replay = self._replay(key, payload)
            if replay is not None:
                return replay
        original.invalidate_recordset()
        digits = program.currency_id.decimal_places
        refund_now = self._amount(payload.get("amount"), digits, _("Refund amount"))
        left = original.amount_minor - original.refunded_minor
        if refund_now <= 0:
            raise UserError(_("A refund amount must be positive."))
        if refund_now > left:
            raise UserError(
                _("Only %(left)s of this check is left to refund.",
                  left=program.money_from_minor(left))
            )
        try:
            earn_back = core_ledger.reversal_amount(
                original.earn_minor, original.amount_minor, original.refunded_minor,
                refund_now, original.reversed_earn_minor,
            )
            burn_back = core_ledger.reversal_amount(
                original.burn_minor, original.amount_minor, original.refunded_minor,
                refund_now, original.reversed_burn_minor,
            )
        except core_errors.DomainError as exc:
            self._raise(exc)
        env = self._env()
        burn_money_back = money.allocate(original.burn_money_minor, [burn_back, original.burn_minor - burn_back])[0] if original.burn_minor else 0
        txn = env["loyalty.club.transaction"].create(self._txn_vals(
            dict(payload, store_id=payload.get("store_id") or original.store_id.id,
                 channel=payload.get("channel") or original.channel,
                 ref=payload.get("ref") or f"{original.ref}/refund"),
            key, program, wallet, now, kind="refund", refund_of_id=original.id,
            request_hash=request_hash(payload),
            amount_minor=refund_now, paid_minor=-(refund_now - burn_money_back),
            burn_minor=-burn_back, burn_money_minor=-burn_money_back, earn_minor=-earn_back,
        ))
        common = {"transaction_id": txn.id, "store_id": txn.store_id.id, "channel": txn.channel}
        shortfall = 0
        if wallet and earn_back:
            lot_recs, lots = wallet._core_lots()
            earn_lines = original.ledger_ids.filtered(lambda ln: ln.kind == "earn")
            allocations, shortfall = core_ledger.allocate_debit_partial(
                lots, earn_back, today, prefer_keys=earn_lines.lot_id.ids, include_pending=True
            )
            if allocations:
                self._debit(wallet, "reversal", allocations, f"{key}:earn", now,
                            reversed_id=earn_lines[:1].id, **common)
        if wallet and burn_back:
            burn_lines = original.ledger_ids.filtered(lambda ln: ln.kind == "burn")
            expiries = [a.lot_id.expires_on for a in burn_lines.allocation_ids if a.lot_id.expires_on]
            self._credit(
                wallet, "reversal", burn_back, f"{key}:burn", now, today, pending_days=0,
                expires_on=max(expiries) if expiries else None, reversed_id=burn_lines[:1].id,
                **common,
            )
        original.sudo().write({
            "refunded_minor": original.refunded_minor + refund_now,
            "reversed_earn_minor": original.reversed_earn_minor + earn_back,
            "reversed_burn_minor": original.reversed_burn_minor + burn_back,
        })
        if shortfall:
            txn.write({
                "needs_review": True,
                "review_reason": _("%(amount)s earned on this check was already spent.",
                                   amount=program.from_minor(shortfall)),
            })
        if wallet:
            wallet._refresh_balances(today)
        units = lambda minor: float(program.from_minor(minor))  # noqa: E731
        response = {
            "transaction_id": txn.id, "ref": txn.ref, "replayed": False,
            "earn_reversed": units(earn_back - shortfall), "burn_returned": units(burn_back),
            "shortfall": units(shortfall),
            "available": wallet.balance_available if wallet else 0.0,
        }
        txn.write({"response": response})
        return response

    # -------------------------------------------------------------- membership
    @api.model
    def register_member(self, vals, source="backoffice", program_id=None):
        """Create (or find by phone) a member with a wallet, a card, consents and a welcome bonus."""
        self._check_caller()
        program = self._program({"program_id": program_id})
        Partner = self.env["res.partner"].sudo()
        name = (vals.get("name") or "").strip()
        if not name:
            raise UserError(_("A member needs a name."))
        e164 = Partner._club_normalize_phone(vals.get("phone")) if vals.get("phone") else False
        if not e164 and not vals.get("card_number"):
            raise UserError(_("A member needs a phone number or a card."))
        card = self.env["loyalty.club.card"].sudo()
        if vals.get("card_number"):
            code = core_cards.normalize_code(vals["card_number"])
            card = card.search([("code", "=", code)], limit=1)
            if not card:
                raise UserError(_("No club card %(code)s.", code=code))
            if card.state != "stock":
                raise UserError(_("Card %(code)s is not in stock.", code=code))
        partner = Partner.search([("club_phone", "=", e164)], limit=1) if e164 else Partner
        if partner.club_status in ("blocked",):
            raise UserError(_("Member %(name)s is blocked.", name=partner.name))
        today = fields.Date.context_today(self)
        partner_vals = {
            "club_status": "active", "club_store_id": vals.get("store_id") or False,
        }
        if vals.get("email"):
            partner_vals["email"] = vals["email"]
        if vals.get("birthday"):
            partner_vals["club_birthday"] = vals["birthday"]
        if partner:
            partner.write(partner_vals)
        else:
            partner = Partner.create(dict(
                partner_vals, name=name, mobile=vals.get("phone"), club_join_date=today,
                company_id=program.company_id.id,
            ))
        if not partner.club_join_date:
            partner.club_join_date = today
        wallet = self._ensure_wallet(partner, program)
        if card:
            card.action_activate(partner)
        if vals.get("consents"):
            partner.club_set_consents(vals["consents"], source, vals.get("consent_wording"))
        for code, raw in (vals.get("attributes") or {}).items():
            self._set_attribute(partner, code, raw)
        if program.welcome_bonus and partner.club_phone and not self.env.context.get("club_no_welcome"):
            self._gift_once(wallet, "welcome", f"welcome:{program.id}:{partner.club_phone}",
                            program.to_minor(program.welcome_bonus), _("Welcome bonus"))
        wallet._refresh_balances()
        return self._summary(wallet, card)

    def _ensure_wallet(self, partner, program):
        Wallet = self.env["loyalty.club.wallet"].sudo()
        wallet = Wallet.search([("partner_id", "=", partner.id), ("program_id", "=", program.id)])
        if not wallet:
            wallet = Wallet.create({"partner_id": partner.id, "program_id": program.id,
                                    "tier_since": fields.Date.context_today(self)})
        return wallet

    def _set_attribute(self, partner, code, raw):
        attribute = self.env["loyalty.club.attribute"].sudo().search([("code", "=", code)], limit=1)
        if not attribute:
            raise UserError(_("Unknown questionnaire attribute %(code)s.", code=code))
        Value = self.env["loyalty.club.attribute.value"].sudo()
        vals = Value._set_from_raw(attribute, raw)
        existing = Value.search([("partner_id", "=", partner.id), ("attribute_id", "=", attribute.id)])
        if existing:
            existing.write(vals)
        else:
            Value.create(dict(vals, partner_id=partner.id))

    def _gift_once(self, wallet, reason_code, key, amount, reason, expiry_days=None, today=None,
                   kind="gift"):
        """A gift credit recorded at most once per key (welcome, birthday, come-back)."""
        if amount <= 0:
            return False
        Ledger = self.env["loyalty.club.ledger"].sudo()
        if Ledger.search_count([("idempotency_key", "=", key)]):
            return False
        wallet._lock()
        if Ledger.search_count([("idempotency_key", "=", key)]):
            return False
        today = today or fields.Date.context_today(self)
        return self._credit(wallet, kind, amount, key, fields.Datetime.now(), today,
                            pending_days=0, expiry_days=expiry_days, reason=reason, channel="job")

    def _upgrade_tier(self, wallet, today):
        program = wallet.program_id
        if not program.tier_ids:
            return
        since = today - timedelta(days=program.tier_period_days or 365)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT COALESCE(SUM(paid_minor), 0) FROM loyalty_club_transaction "
            "WHERE wallet_id = %s AND date >= %s",
            [wallet.id, since],
        )
        paid = self.env.cr.fetchone()[0]
        key = rules.qualify(paid, program._tier_specs())
        new_tier = self.env["loyalty.club.tier"].browse(key) if key else self.env["loyalty.club.tier"]
        if new_tier and (not wallet.tier_id or new_tier.threshold > wallet.tier_id.threshold):
            self._set_tier(wallet, new_tier, "upgrade", today)

    def _set_tier(self, wallet, tier, reason, today):
        self.env["loyalty.club.tier.history"].sudo().create({
            "wallet_id": wallet.id, "old_tier_id": wallet.tier_id.id,
            "new_tier_id": tier.id, "reason": reason,
        })
        wallet.sudo().write({"tier_id": tier.id, "tier_since": today})

    # ------------------------------------------------------------- adjustments
    @api.model
    def adjust(self, wallet, amount_minor, reason, key=None, approved_by=None):
        """A manager's manual adjustment; credit opens a lot, debit takes FEFO."""
        self._check_manager()
        if not (reason or "").strip():
            raise UserError(_("A manual adjustment needs a reason."))
        if not amount_minor:
            raise UserError(_("An adjustment moves a non-zero amount."))
        program = wallet.program_id
        threshold = program.to_minor(program.adjustment_approval_threshold)
        if threshold and abs(amount_minor) > threshold:
            if not approved_by or approved_by == self.env.user or not approved_by.has_group(
                "loyalty_club.group_club_manager"
            ):
                raise UserError(
                    _("Adjustments above %(limit)s need a second manager's approval.",
                      limit=program.from_minor(threshold))
                )
        key = key or f"adjust:{wallet.id}:{uuid.uuid4()}"
        today, now = fields.Date.context_today(self), fields.Datetime.now()
        wallet._lock()
        extra = {"reason": reason, "channel": "backoffice"}
        if amount_minor > 0:
            line = self._credit(wallet, "adjust", amount_minor, key, now, today, pending_days=0, **extra)
        else:
            try:
                allocations = core_ledger.allocate_debit(wallet._core_lots()[1], -amount_minor, today)
            except core_errors.DomainError as exc:
                self._raise(exc, program)
            line = self._debit(wallet, "adjust", allocations, key, now, **extra)
        wallet._refresh_balances(today)
        return line

    def _transfer_card_wallet(self, old_card, new_card):
        """Move a gift card's open lots to the replacing card through ledger lines."""
        old_wallet = old_card.wallet_id
        if not old_wallet:
            return
        today, now = fields.Date.context_today(self), fields.Datetime.now()
        old_wallet._lock()
        lot_recs, lots = old_wallet._core_lots()
        new_wallet = self.env["loyalty.club.wallet"].sudo().create({
            "card_id": new_card.id, "program_id": old_wallet.program_id.id, "kind": old_wallet.kind,
        })
        for lot in lot_recs:
            key = f"transfer:{old_card.id}:{new_card.id}:{lot.id}"
            self._debit(old_wallet, "transfer", [(lot.id, lot.remaining_minor)], f"{key}:out", now,
                        reason=new_card.code)
            self._credit(new_wallet, "transfer", lot.remaining_minor, f"{key}:in", now, today,
                         pending_days=max((lot.available_from - today).days, 0),
                         expires_on=lot.expires_on or None, reason=old_card.code)
        (old_wallet | new_wallet)._refresh_balances(today)

    # -------------------------------------------------------------- scheduled
    @api.model
    def _cron_expire(self, today=None, batch_size=5000):
        """Expire what is left of lots past their date, in batches, one wallet lock at a time."""
        today = today or fields.Date.context_today(self)
        now = fields.Datetime.now()
        done = 0
        while True:
            self.env.cr.execute(
                "SELECT DISTINCT wallet_id FROM loyalty_club_lot "
                "WHERE remaining_minor > 0 AND expires_on <= %s LIMIT %s",
                [today, batch_size],
            )
            wallet_ids = [row[0] for row in self.env.cr.fetchall()]
            if not wallet_ids:
                break
            wallets = self.env["loyalty.club.wallet"].sudo().browse(wallet_ids)
            wallets._lock()
            for wallet in wallets:
                lots = wallet._core_lots()[1]
                for lot_id, amount in core_ledger.expire(lots, today):
                    self._debit(wallet, "expire", [(lot_id, amount)], f"expire:{lot_id}", now,
                                channel="job")
                    done += 1
            wallets._refresh_balances(today)
            self.env.flush_all()
        return done

    @api.model
    def _cron_refresh_balances(self, today=None):
        """Pending lots become available and lots come near expiry as days pass."""
        today = today or fields.Date.context_today(self)
        self.env.cr.execute(
            "SELECT id FROM loyalty_club_wallet WHERE balance_date IS NULL OR balance_date < %s",
            [today],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        Wallet = self.env["loyalty.club.wallet"].sudo()
        for start in range(0, len(ids), 1000):
            Wallet.browse(ids[start:start + 1000])._refresh_balances(today)
            self.env.flush_all()
        return len(ids)

    @api.model
    def _cron_tier_review(self, today=None):
        """Downgrade (or upgrade) every wallet to the tier its rolling period earns."""
        today = today or fields.Date.context_today(self)
        changed = 0
        for program in self.env["loyalty.club.program"].sudo().search([("tier_ids", "!=", False)]):
            since = today - timedelta(days=program.tier_period_days or 365)
            self.env.flush_all()
            self.env.cr.execute(
                "SELECT w.id, COALESCE(SUM(t.paid_minor), 0) FROM loyalty_club_wallet w "
                "LEFT JOIN loyalty_club_transaction t ON t.wallet_id = w.id AND t.date >= %s "
                "WHERE w.program_id = %s AND w.partner_id IS NOT NULL GROUP BY w.id",
                [since, program.id],
            )
            specs = program._tier_specs()
            Wallet = self.env["loyalty.club.wallet"].sudo()
            for wallet_id, paid in self.env.cr.fetchall():
                key = rules.qualify(paid, specs)
                wallet = Wallet.browse(wallet_id)
                if (key or False) != (wallet.tier_id.id or False):
                    self._set_tier(wallet, self.env["loyalty.club.tier"].browse(key), "review", today)
                    changed += 1
        return changed

    @api.model
    def _cron_birthday(self, today=None):
        today = today or fields.Date.context_today(self)
        count = 0
        for program in self.env["loyalty.club.program"].sudo().search([("birthday_bonus", ">", 0)]):
            days = [today + timedelta(days=d) for d in range(program.birthday_window_days + 1)]
            md = {(d.month, d.day) for d in days}
            wallets = self.env["loyalty.club.wallet"].sudo().search([
                ("program_id", "=", program.id), ("partner_id.club_birthday", "!=", False),
                ("partner_id.club_status", "=", "active"),
            ])
            for wallet in wallets:
                birthday = wallet.partner_id.club_birthday
                if (birthday.month, birthday.day) in md:
                    count += bool(self._gift_once(
                        wallet, "birthday", f"birthday:{wallet.id}:{today.year}",
                        program.to_minor(program.birthday_bonus), _("Birthday bonus"),
                        expiry_days=program.birthday_expiry_days, today=today,
                    ))
        return count

    @api.model
    def _cron_comeback(self, today=None):
        today = today or fields.Date.context_today(self)
        count = 0
        for program in self.env["loyalty.club.program"].sudo().search([("comeback_bonus", ">", 0)]):
            limit = fields.Datetime.to_datetime(today - timedelta(days=program.comeback_inactive_days))
            wallets = self.env["loyalty.club.wallet"].sudo().search([
                ("program_id", "=", program.id), ("last_purchase_date", "<", limit),
                ("partner_id.club_status", "=", "active"),
            ])
            for wallet in wallets:
                last = wallet.last_purchase_date.date().isoformat()
                count += bool(self._gift_once(
                    wallet, "comeback", f"comeback:{wallet.id}:{last}",
                    program.to_minor(program.comeback_bonus), _("Come-back bonus"), today=today,
                ))
        return count

