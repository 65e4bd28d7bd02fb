"""The till's doors to the club: each call checks the POS, then asks the service."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import format_amount

from odoo.addons.loyalty_club.domain import cards as core_cards
from odoo.addons.loyalty_club.domain import errors as core_errors

CONSENT_CHANNELS = ("sms", "email", "push", "personal_data")


class PosConfig(models.Model):
    _inherit = "pos.config"

    club_program_id = fields.Many2one(
        "loyalty.club.program",
        check_company=True,
        help="Members identified at this till earn and spend in this program.",
    )
    club_store_id = fields.Many2one(
        "loyalty.club.store",
        check_company=True,
        help="The store the club books this till's checks to.",
    )
    club_unit_name = fields.Char(
        related="club_program_id.unit_name", string="Club Unit"
    )
    club_point_value = fields.Float(
        related="club_program_id.point_value", string="Club Unit Value"
    )
    club_burn_cap_percent = fields.Float(
        related="club_program_id.burn_cap_percent", string="Club Spending Cap (%)"
    )
    club_receipt_message = fields.Text(
        related="club_program_id.receipt_message", string="Club Receipt Message"
    )
    club_consent_wording = fields.Text(
        translate=True,
        default=lambda self: self._club_default_consent_wording(),
        help="Shown to the customer before registering; stored with the consents.",
    )

    @api.model
    def _club_default_consent_wording(self):
        return _(
            "I agree that the club processes my personal data to run my membership, "
            "and I choose below the channels it may use to send me offers."
        )

    # ------------------------------------------------------------------ access
    def _club_service(self):
        """The club service as superuser, once the caller is known to run this till."""
        self.ensure_one()
        if not self.env.user.has_group("point_of_sale.group_pos_user"):
            raise AccessError(_("Only point of sale users may serve club members."))
        self.check_access("read")
        if not self.club_program_id:
            raise UserError(_("No club program is set on %(pos)s.", pos=self.name))
        if self.current_session_state != "opened":
            raise UserError(
                _("Open a session of %(pos)s to serve club members.", pos=self.name)
            )
        return self.env["loyalty.club.service"].sudo()

    @staticmethod
    def _club_refusal(exc):
        """A business refusal the till shows as is (not an error of the request)."""
        return {"status": "error", "message": exc.args[0] if exc.args else str(exc)}

    # -------------------------------------------------------- POS entry points
    def club_identify(self, identifier):
        """Member summary for a typed or scanned card number, QR payload or phone."""
        service = self._club_service()
        try:
            gift = self._club_gift_card_record(identifier)
            if gift:
                info = service.gift_card_info(gift.code)
                raise UserError(
                    _(
                        "%(code)s is a gift card holding %(balance)s: take it as a "
                        "payment with the gift card method.",
                        code=gift.code,
                        balance=self._club_format_money(info["balance"]),
                    )
                )
            summary = service.identify(identifier, program_id=self.club_program_id.id)
        except (UserError, ValidationError) as exc:
            return self._club_refusal(exc)
        summary["point_value"] = self.club_program_id.point_value
        return summary

    def club_quote(self, payload):
        """Earn and spending cap of the order being rung up; records nothing."""
        service = self._club_service()
        payload = payload or {}
        clean = {
            "program_id": self.club_program_id.id,
            "store_id": self.club_store_id.id or False,
            "channel": "pos",
            "lines": payload.get("lines") or [],
            "burn": payload.get("burn") or 0,
        }
        for key in ("wallet_id", "identifier"):
            if payload.get(key):
                clean[key] = payload[key]
        codes = payload.get("coupon_codes")
        if codes and isinstance(codes, list):
            clean["coupon_codes"] = [str(code) for code in codes[:10]]
        try:
            quote = service.quote(clean)
        except (UserError, ValidationError) as exc:
            return self._club_refusal(exc)
        return quote

    def club_register(self, vals):
        """Register (or re-activate) a member at the till with the consents given."""
        service = self._club_service()
        vals = vals or {}
        consents = vals.get("consents") or {}
        if not consents.get("personal_data"):
            return self._club_refusal(
                UserError(
                    _("The customer must agree to the processing of personal data.")
                )
            )
        clean = {
            "name": (vals.get("name") or "").strip(),
            "phone": (vals.get("phone") or "").strip() or False,
            "email": (vals.get("email") or "").strip() or False,
            "card_number": (vals.get("card_number") or "").strip() or False,
            "store_id": self.club_store_id.id or False,
            "consents": {
                channel: bool(consents.get(channel)) for channel in CONSENT_CHANNELS
            },
            "consent_wording": self.club_consent_wording or "",
        }
        try:
            with self.env.cr.savepoint():
                summary = service.register_member(
                    clean, source="pos", program_id=self.club_program_id.id
                )
        except (UserError, ValidationError) as exc:
            return self._club_refusal(exc)
        summary["point_value"] = self.club_program_id.point_value
        return summary

    # ------------------------------------------------------------- gift cards
    def _club_format_money(self, amount):
        return format_amount(self.env, amount, self.currency_id)

    def _club_card_code(self, identifier):
        """The card code typed, scanned or read from a QR payload ('' if none)."""
        try:
            kind, value = core_cards.parse_identifier(identifier or "")
        except core_errors.DomainError:
            return ""
        return value if kind in ("card", "code") else ""

    def _club_gift_card_record(self, identifier):
        """The gift card behind what the cashier typed or scanned, if it is one."""
        code = self._club_card_code(identifier)
        if not code:
            return self.env["loyalty.club.card"]
        return (
            self.env["loyalty.club.card"]
            .sudo()
            .search([("code", "=", code), ("kind", "=", "gift")], limit=1)
        )

    def club_gift_card_info(self, code):
        """Balance of a gift card offered as payment at this till."""
        service = self._club_service()
        card = self._club_gift_card_record(code)
        try:
            if card and card.program_id != self.club_program_id:
                raise UserError(
                    _(
                        "Gift card %(code)s belongs to another program.",
                        code=card.code,
                    )
                )
            info = service.gift_card_info(card.code or code)
            if info["state"] != "active":
                raise UserError(_("Gift card %(code)s is not active.", code=card.code))
            if info["balance"] <= 0:
                raise UserError(
                    _("Gift card %(code)s has no money left.", code=card.code)
                )
        except (UserError, ValidationError) as exc:
            return self._club_refusal(exc)
        return dict(info, status="gift_card")

    def club_gift_card_stock(self, code):
        """Check that a card scanned to be sold as a gift card is in stock."""
        self._club_service()
        number = self._club_card_code(code)
        card = (
            self.env["loyalty.club.card"]
            .sudo()
            .search([("code", "=", number)], limit=1)
            if number
            else self.env["loyalty.club.card"]
        )
        if not card:
            message = _("No club card %(code)s.", code=number or code)
        elif card.program_id != self.club_program_id:
            message = _("Card %(code)s belongs to another program.", code=card.code)
        elif card.state != "stock":
            message = _("Card %(code)s is not in stock.", code=card.code)
        else:
            return {"status": "stock", "code": card.code}
        return self._club_refusal(UserError(message))

    @api.model
    def _get_special_products(self):
        """The club gift card is loaded by every till and sold with its button."""
        products = super()._get_special_products()
        gift = self.env.ref(
            "loyalty_club_pos.product_club_gift_card", raise_if_not_found=False
        )
        return products | gift if gift else products
