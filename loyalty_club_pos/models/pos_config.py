"""The till's doors to the club: each call checks the POS, then asks the service."""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

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

    def _club_money_info(self, quote):
        """What the till needs to turn bonus units into payment-line money."""
        program = self.club_program_id
        policy = program._policy()
        burn_max_money = policy.points_to_money(
            program.to_minor(quote.get("burn_max") or 0)
        )
        return {
            "point_value": program.point_value,
            "burn_max_money": float(program.money_from_minor(burn_max_money)),
        }

    @staticmethod
    def _club_refusal(exc):
        """A business refusal the till shows as is (not an error of the request)."""
        return {"status": "error", "message": exc.args[0] if exc.args else str(exc)}

    # -------------------------------------------------------- POS entry points
    def club_identify(self, identifier):
        """Member summary for a typed or scanned card number, QR payload or phone."""
        service = self._club_service()
        try:
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
        try:
            quote = service.quote(clean)
        except (UserError, ValidationError) as exc:
            return self._club_refusal(exc)
        quote.update(self._club_money_info(quote))
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

    # -------------------------------------------------------------------- demo
    @api.model
    def _club_demo_setup(self):
        """Demo: the furniture shop serves the demo club and takes bonuses."""
        config = self.env.ref("point_of_sale.pos_config_main", raise_if_not_found=False)
        program = self.env.ref("loyalty_club.program_demo", raise_if_not_found=False)
        if not config or not program or config.company_id != program.company_id:
            return False
        config.write(
            {
                "club_program_id": program.id,
                "club_store_id": self.env.ref("loyalty_club.store_center").id,
            }
        )
        if not config.has_active_session:
            method = self.env["pos.payment.method"]._club_ensure_bonus_method(
                config.company_id
            )
            method._club_link_to(config)
        return True
