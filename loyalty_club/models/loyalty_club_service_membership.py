"""The service's membership: members join (``register_member``: a contact
with a wallet, a card, consents and a welcome bonus, from every channel) and
their cards live on (virtual cards shown as a QR, replaced when lost, blocked
and unblocked, each change told in the card's chatter with its reason).

Split from ``loyalty_club_service`` (sales, refunds, gift cards, adjustments),
the same ``loyalty.club.service``: the channels call it as before.
"""

import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..domain import cards as core_cards


class LoyaltyClubService(models.AbstractModel):
    _inherit = "loyalty.club.service"

    @api.model
    def register_member(
        self, vals, source="backoffice", program_id=None, welcome=True, partner=None
    ):
        """Create (or find by phone) a member with a wallet, a card, consents and a
        welcome bonus (``welcome=False``: none, as for members carried over).
        ``partner``: this contact joins (a portal user joining on their own
        page); a phone that is another member's is then refused."""
        self._check_caller()
        program = self._program({"program_id": program_id})
        Partner = self.env["res.partner"].sudo()
        name = (vals.get("name") or "").strip()
        if not name:
            raise UserError(self.env._("A member needs a name."))
        e164 = (
            Partner._club_normalize_phone(vals.get("phone"))
            if vals.get("phone")
            else False
        )
        if not e164 and not vals.get("card_number"):
            raise UserError(self.env._("A member needs a phone number or a card."))
        card = self.env["loyalty.club.card"].sudo()
        if vals.get("card_number"):
            code = core_cards.normalize_code(vals["card_number"])
            card = card.search([("code", "=", code)], limit=1)
            if not card:
                raise UserError(self.env._("No club card %(code)s.", code=code))
            if card.state != "stock":
                raise UserError(self.env._("Card %(code)s is not in stock.", code=code))
        if partner is not None:
            partner = partner.sudo()
            if e164 and Partner.search_count(
                [("club_phone", "=", e164), ("id", "!=", partner.id)], limit=1
            ):
                raise UserError(
                    self.env._(
                        "This phone number is another member's. If it is yours, "
                        "ask at a cash desk of the club."
                    )
                )
            if e164 and partner.club_phone != e164:
                partner.mobile = vals["phone"]
        else:
            partner = (
                Partner.search([("club_phone", "=", e164)], limit=1)
                if e164
                else Partner
            )
        if partner.club_status in ("blocked",):
            raise UserError(
                self.env._("Member %(name)s is blocked.", name=partner.name)
            )
        partner = partner._club_join(name, vals, program)
        wallet = self.env["loyalty.club.wallet"]._ensure(partner, program)
        if card:
            card.action_activate(partner, store_id=vals.get("store_id"), channel=source)
        elif source != "import":
            card = self._issue_virtual_card(partner, program, source)
        if vals.get("consents"):
            partner.club_set_consents(
                vals["consents"], source, vals.get("consent_wording")
            )
        for code, raw in (vals.get("attributes") or {}).items():
            partner._club_set_attribute(code, raw)
        if program.welcome_bonus and partner.club_phone and welcome:
            wallet._gift_once(
                f"welcome:{program.id}:{partner.club_phone}",
                program.to_minor(program.welcome_bonus),
                self.env._("Welcome bonus"),
            )
        wallet._refresh_balances()
        return self._summary(wallet, card)

    # ============================================================== card life
    # A member's card may be virtual (issued at registration, shown as a QR on
    # the phone), replaced when lost or damaged (the bonuses stay with the
    # member: the wallet is the member's, not the card's), blocked and
    # unblocked; every change is told in the card's chatter with its reason.

    def _virtual_code(self, program):
        """A new EAN-13 number for a virtual card: the program's card prefix, a
        9 after it (emitted batches count up from low numbers), random digits."""
        prefix = "".join(c for c in (program.card_prefix or "") if c.isdigit())
        prefix = (prefix or "299")[:10] + "9"
        Card = self.env["loyalty.club.card"].sudo()
        for _attempt in range(20):
            code = core_cards.make_ean13(
                prefix, secrets.randbelow(10 ** (12 - len(prefix)))
            )
            if not Card.search_count([("code", "=", code)], limit=1):
                return code
        raise UserError(self.env._("No free virtual card number; try again."))

    def _new_virtual_card(self, partner, program):
        return (
            self.env["loyalty.club.card"]
            .sudo()
            .create(
                {
                    "code": self._virtual_code(program),
                    "kind": "virtual",
                    "program_id": program.id,
                    "partner_id": partner.id,
                    "state": "active",
                    "activated_on": fields.Date.context_today(self),
                }
            )
        )

    def _issue_virtual_card(self, partner, program, channel="backoffice"):
        """An active virtual card of ``partner`` in ``program`` when the program
        issues them and the member has no active card there yet."""
        Card = self.env["loyalty.club.card"].sudo()
        if not program.virtual_card_on_registration:
            return Card
        if Card.search_count(
            [
                ("partner_id", "=", partner.id),
                ("program_id", "=", program.id),
                ("state", "=", "active"),
                ("kind", "in", ("physical", "virtual")),
            ],
            limit=1,
        ):
            return Card
        card = self._new_virtual_card(partner, program)
        card.message_post(
            body=self.env._(
                "Virtual card issued at registration (%(channel)s).",
                channel=channel,
            )
        )
        return card

    def _member_card(self, partner_id, code):
        """The card ``code`` of the member ``partner_id`` (a club card, not a
        gift card), or a clear refusal."""
        try:
            partner_id = int(partner_id)
        except (TypeError, ValueError) as exc:
            raise UserError(self.env._("A member must be given by its id.")) from exc
        code = core_cards.normalize_code(code or "")
        card = (
            self.env["loyalty.club.card"]
            .sudo()
            .search([("code", "=", code), ("kind", "!=", "gift")], limit=1)
        )
        if not card or card.partner_id.id != partner_id:
            raise UserError(
                self.env._("The member has no club card %(code)s.", code=code or "?")
            )
        return card

    def _card_reason(self, reason):
        reason = str(reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the card changes (a reason)."))
        return reason[:250]

    @api.model
    def replace_card(self, partner_id, code, new_code=None, reason="", channel=None):
        """Replace a member's lost or damaged card: a card from stock
        (``new_code``) or, without one, a new virtual card. The old card is
        marked replaced; the balance stays with the member."""
        self._check_caller()
        reason = self._card_reason(reason)
        old = self._member_card(partner_id, code)
        if old.state == "replaced":
            raise UserError(
                self.env._(
                    "Card %(code)s was already replaced by %(new)s.",
                    code=old.code,
                    new=old.replaced_by_id.code or "?",
                )
            )
        Card = self.env["loyalty.club.card"].sudo()
        if new_code:
            new_code = core_cards.normalize_code(new_code)
            new = Card.search([("code", "=", new_code)], limit=1)
            if not new or new.kind == "gift":
                raise UserError(self.env._("No club card %(code)s.", code=new_code))
            if new.program_id != old.program_id:
                raise UserError(
                    self.env._(
                        "Card %(code)s belongs to another program.", code=new.code
                    )
                )
            old.action_replace(new)
            # the activation happened at this channel, not in the back office
            new.write({"activated_channel": channel or "backoffice"})
        else:
            new = self._new_virtual_card(old.partner_id, old.program_id)
            old.write({"state": "replaced", "replaced_by_id": new.id})
        channel = channel or "backoffice"
        old.message_post(
            body=self.env._(
                "Replaced by %(new)s (%(channel)s): %(reason)s",
                new=new.code,
                channel=channel,
                reason=reason,
            )
        )
        new.message_post(
            body=self.env._(
                "Replaces %(old)s (%(channel)s): %(reason)s",
                old=old.code,
                channel=channel,
                reason=reason,
            )
        )
        return {"old": self._card_dict(old), "new": self._card_dict(new)}

    @api.model
    def set_card_state(self, partner_id, code, action, reason="", channel=None):
        """Block, unblock or mark lost a member's card (``action``: ``block``,
        ``unblock``, ``lost``), with the reason in its chatter."""
        self._check_caller()
        reason = self._card_reason(reason)
        card = self._member_card(partner_id, code)
        moves = {
            "block": (("active",), "blocked", self.env._("Blocked")),
            "lost": (("active", "blocked"), "lost", self.env._("Marked lost")),
            "unblock": (("blocked", "lost"), "active", self.env._("Unblocked")),
        }
        if action not in moves:
            raise UserError(
                self.env._("Unknown card action: %(action)s", action=action)
            )
        states, target, done = moves[action]
        if card.state not in states:
            raise UserError(
                self.env._(
                    "Card %(code)s is %(state)s: this cannot be done to it.",
                    code=card.code,
                    state=dict(card._fields["state"]._description_selection(self.env))[
                        card.state
                    ],
                )
            )
        card.write({"state": target})
        card.message_post(
            body=self.env._(
                "%(what)s (%(channel)s): %(reason)s",
                what=done,
                channel=channel or "backoffice",
                reason=reason,
            )
        )
        return self._card_dict(card)

    def _card_dict(self, card):
        """A member's card as the channels show it."""
        return {
            "code": card.code,
            "kind": card.kind,
            "state": card.state,
            "qr": card.qr_payload or "",
            "replaced_by": card.replaced_by_id.code or None,
        }

    @api.model
    def import_members_csv(self, content, program_id=None):
        """Register every row of an old system's export (idempotent by phone or
        card) with its opening balance."""
        return self.env["loyalty.club.import"]._import_members_csv(content, program_id)
