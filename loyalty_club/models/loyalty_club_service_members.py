"""Membership, gift bonuses, tiers and manual adjustments."""

import uuid
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..domain import cards as core_cards
from ..domain import errors as core_errors
from ..domain import ledger as core_ledger
from ..domain import rules


class LoyaltyClubService(models.AbstractModel):
    _inherit = "loyalty.club.service"

    # -------------------------------------------------------------- membership
    @api.model
    def register_member(self, vals, source="backoffice", program_id=None):
        """Create (or find by phone) a member with a wallet, a card, consents and a
        welcome bonus."""
        self._check_caller()
        program = self._program({"program_id": program_id})
        Partner = self.env["res.partner"].sudo()
        name = (vals.get("name") or "").strip()
        if not name:
            raise UserError(_("A member needs a name."))
        e164 = (
            Partner._club_normalize_phone(vals.get("phone"))
            if vals.get("phone")
            else False
        )
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
        partner = (
            Partner.search([("club_phone", "=", e164)], limit=1) if e164 else Partner
        )
        if partner.club_status in ("blocked",):
            raise UserError(_("Member %(name)s is blocked.", name=partner.name))
        today = fields.Date.context_today(self)
        partner_vals = {
            "club_status": "active",
            "club_store_id": vals.get("store_id") or False,
        }
        if vals.get("email"):
            partner_vals["email"] = vals["email"]
        if vals.get("birthday"):
            partner_vals["club_birthday"] = vals["birthday"]
        if partner:
            partner.write(partner_vals)
        else:
            partner = Partner.create(
                dict(
                    partner_vals,
                    name=name,
                    mobile=vals.get("phone"),
                    club_join_date=today,
                    company_id=program.company_id.id,
                )
            )
        if not partner.club_join_date:
            partner.club_join_date = today
        wallet = self._ensure_wallet(partner, program)
        if card:
            card.action_activate(partner)
        if vals.get("consents"):
            partner.club_set_consents(
                vals["consents"], source, vals.get("consent_wording")
            )
        for code, raw in (vals.get("attributes") or {}).items():
            self._set_attribute(partner, code, raw)
        if (
            program.welcome_bonus
            and partner.club_phone
            and not self.env.context.get("club_no_welcome")
        ):
            self._gift_once(
                wallet,
                "welcome",
                f"welcome:{program.id}:{partner.club_phone}",
                program.to_minor(program.welcome_bonus),
                _("Welcome bonus"),
            )
        wallet._refresh_balances()
        return self._summary(wallet, card)

    def _ensure_wallet(self, partner, program):
        Wallet = self.env["loyalty.club.wallet"].sudo()
        wallet = Wallet.search(
            [("partner_id", "=", partner.id), ("program_id", "=", program.id)]
        )
        if not wallet:
            wallet = Wallet.create(
                {
                    "partner_id": partner.id,
                    "program_id": program.id,
                    "tier_since": fields.Date.context_today(self),
                }
            )
        return wallet

    def _set_attribute(self, partner, code, raw):
        attribute = (
            self.env["loyalty.club.attribute"]
            .sudo()
            .search([("code", "=", code)], limit=1)
        )
        if not attribute:
            raise UserError(_("Unknown questionnaire attribute %(code)s.", code=code))
        Value = self.env["loyalty.club.attribute.value"].sudo()
        vals = Value._set_from_raw(attribute, raw)
        existing = Value.search(
            [("partner_id", "=", partner.id), ("attribute_id", "=", attribute.id)]
        )
        if existing:
            existing.write(vals)
        else:
            Value.create(dict(vals, partner_id=partner.id))

    def _gift_once(
        self,
        wallet,
        reason_code,
        key,
        amount,
        reason,
        expiry_days=None,
        today=None,
        kind="gift",
    ):
        """A gift credit recorded at most once per key (welcome, birthday,
        come-back)."""
        if amount <= 0:
            return False
        Ledger = self.env["loyalty.club.ledger"].sudo()
        if Ledger.search_count([("idempotency_key", "=", key)]):
            return False
        wallet._lock()
        if Ledger.search_count([("idempotency_key", "=", key)]):
            return False
        today = today or fields.Date.context_today(self)
        return self._credit(
            wallet,
            kind,
            amount,
            key,
            fields.Datetime.now(),
            today,
            pending_days=0,
            expiry_days=expiry_days,
            reason=reason,
            channel="job",
        )

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
        new_tier = (
            self.env["loyalty.club.tier"].browse(key)
            if key
            else self.env["loyalty.club.tier"]
        )
        if new_tier and (
            not wallet.tier_id or new_tier.threshold > wallet.tier_id.threshold
        ):
            self._set_tier(wallet, new_tier, "upgrade", today)

    def _set_tier(self, wallet, tier, reason, today):
        self.env["loyalty.club.tier.history"].sudo().create(
            {
                "wallet_id": wallet.id,
                "old_tier_id": wallet.tier_id.id,
                "new_tier_id": tier.id,
                "reason": reason,
            }
        )
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
            if (
                not approved_by
                or approved_by == self.env.user
                or not approved_by.has_group("loyalty_club.group_club_manager")
            ):
                raise UserError(
                    _(
                        "Adjustments above %(limit)s need a second manager's approval.",
                        limit=program.from_minor(threshold),
                    )
                )
        key = key or f"adjust:{wallet.id}:{uuid.uuid4()}"
        today, now = fields.Date.context_today(self), fields.Datetime.now()
        wallet._lock()
        extra = {"reason": reason, "channel": "backoffice"}
        if amount_minor > 0:
            line = self._credit(
                wallet, "adjust", amount_minor, key, now, today, pending_days=0, **extra
            )
        else:
            try:
                allocations = core_ledger.allocate_debit(
                    wallet._core_lots()[1], -amount_minor, today
                )
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
        new_wallet = (
            self.env["loyalty.club.wallet"]
            .sudo()
            .create(
                {
                    "card_id": new_card.id,
                    "program_id": old_wallet.program_id.id,
                    "kind": old_wallet.kind,
                }
            )
        )
        for lot in lot_recs:
            key = f"transfer:{old_card.id}:{new_card.id}:{lot.id}"
            self._debit(
                old_wallet,
                "transfer",
                [(lot.id, lot.remaining_minor)],
                f"{key}:out",
                now,
                reason=new_card.code,
            )
            self._credit(
                new_wallet,
                "transfer",
                lot.remaining_minor,
                f"{key}:in",
                now,
                today,
                pending_days=max((lot.available_from - today).days, 0),
                expires_on=lot.expires_on or None,
                reason=old_card.code,
            )
        (old_wallet | new_wallet)._refresh_balances(today)
