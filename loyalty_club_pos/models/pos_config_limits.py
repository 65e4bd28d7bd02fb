"""The club's limits at the till: how the member was identified, cards typed by
hand per cashier and shift, and a POS manager's override.

The till says whether a card came through the barcode scanner; the server
derives the entry method (scan, typed, qr, phone) from that and from what was
read, counts the different cards this cashier typed in the open session
(orders synced with a typed card), and asks the service whether one more goes
over the program's limit. A manager's override is checked here against Odoo's
POS rights (the logged-in user, or with pos_hr the employee acting as cashier,
as Odoo's own manager-only actions are) and again when the order is synced.
"""

from odoo import _, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.loyalty_club.domain import cards as core_cards
from odoo.addons.loyalty_club.domain import errors as core_errors

ENTRY_METHODS = [
    ("scan", "Scanned"),
    ("typed", "Typed by hand"),
    ("qr", "Virtual card (QR)"),
    ("phone", "Phone number"),
]


class PosConfig(models.Model):
    _inherit = "pos.config"

    def _club_entry_method(self, identifier, scanned):
        """scan / typed / qr / phone for what the cashier identified a member with."""
        text = (identifier or "").strip()
        if text.upper().startswith(core_cards.QR_PREFIX):
            return "qr"
        try:
            kind = core_cards.parse_identifier(text)[0]
        except core_errors.DomainError:
            kind = "card"
        if kind == "phone":
            return "phone"
        return "scan" if scanned else "typed"

    def _club_cashier_domain(self, employee_id=None):
        """The orders of the cashier at the till: the employee with pos_hr, else
        the logged-in user."""
        if employee_id and "employee_id" in self.env["pos.order"]._fields:
            return [("employee_id", "=", int(employee_id))]
        return [("user_id", "=", self.env.uid)]

    def _club_typed_wallets(self, employee_id=None):
        """Members whose card this cashier typed by hand in the open session."""
        domain = [
            ("session_id", "=", self.current_session_id.id),
            ("club_entry_method", "=", "typed"),
            ("club_wallet_id", "!=", False),
        ] + self._club_cashier_domain(employee_id)
        return self.env["pos.order"].sudo().search(domain).club_wallet_id

    def _club_is_pos_manager(self, employee_id=None):
        """(manager?, user, name) of the cashier acting at the till."""
        if employee_id and "hr.employee" in self.env:
            employee = self.env["hr.employee"].sudo().browse(int(employee_id)).exists()
            advanced = (
                self.advanced_employee_ids
                if "advanced_employee_ids" in self._fields
                else employee.browse()
            )
            manager = bool(employee) and (
                employee in advanced
                or bool(employee.user_id)
                and employee.user_id.has_group("point_of_sale.group_pos_manager")
            )
            return manager, employee.user_id, employee.name
        user = self.env.user
        return user.has_group("point_of_sale.group_pos_manager"), user, user.name

    def _club_verify_override(self, override):
        """The service's ``override`` ({user_id, by, reason}) once the server knows
        the overriding cashier has Odoo's POS manager rights."""
        override = override if isinstance(override, dict) else {}
        reason = str(override.get("reason") or "").strip()
        if not reason:
            raise UserError(_("Give a reason to override the club's limit."))
        manager, user, name = self._club_is_pos_manager(override.get("employee_id"))
        if not manager:
            raise UserError(_("Only a POS manager can override the club's limits."))
        return {"user_id": user.id or False, "by": name, "reason": reason}

    def club_identify(self, identifier, options=None):
        """Identify, then apply the typed-cards limit of the cashier's shift.

        ``options``: ``scanned`` (read by the barcode scanner), ``employee_id``
        (the cashier with pos_hr) and ``override`` ({reason, employee_id}).
        """
        options = options if isinstance(options, dict) else {}
        summary = super().club_identify(identifier)
        if summary.get("status") != "member":
            return summary
        entry = self._club_entry_method(identifier, bool(options.get("scanned")))
        summary["entry_method"] = entry
        if entry != "typed":
            return summary
        typed = self._club_typed_wallets(options.get("employee_id"))
        if summary["wallet_id"] in typed.ids:
            return summary
        hit = self._club_service().typed_card_limit(self.club_program_id.id, len(typed))
        if not hit:
            return summary
        summary["limits"] = [hit]
        if hit["mode"] == "warn":
            return summary
        if not options.get("override"):
            return dict(
                self._club_refusal(UserError(hit["message"])),
                limit=hit["code"],
                overridable=True,
            )
        try:
            verified = self._club_verify_override(options["override"])
        except (UserError, ValidationError) as exc:
            return self._club_refusal(exc)
        summary["override"] = {"by": verified["by"], "reason": verified["reason"]}
        return summary


class LoyaltyClubService(models.AbstractModel):
    _inherit = "loyalty.club.service"

    def _override_allowed(self, user):
        return super()._override_allowed(user) or user.has_group(
            "point_of_sale.group_pos_manager"
        )


class LoyaltyClubTransaction(models.Model):
    _inherit = "loyalty.club.transaction"

    pos_config_id = fields.Many2one(
        "pos.config",
        string="Till",
        readonly=True,
        index="btree_not_null",
        help="The point of sale the check was rung up at.",
    )


class PosOrder(models.Model):
    _inherit = "pos.order"

    club_entry_method = fields.Selection(
        ENTRY_METHODS,
        readonly=True,
        copy=False,
        help="How the cashier identified the member (sent by the till).",
    )
    club_override_reason = fields.Char(
        readonly=True,
        copy=False,
        help="Why a POS manager let this order go over a club limit.",
    )
    club_override_employee_id = fields.Integer(
        readonly=True,
        copy=False,
        help="The employee (pos_hr) who overrode a club limit, if any.",
    )

    def _club_confirm_attempts(self, payload, bonus_money):
        entry = self.club_entry_method
        if entry:
            payload = dict(payload, entry_method=entry)
        if self.club_override_reason:
            try:
                override = self.config_id._club_verify_override(
                    {
                        "reason": self.club_override_reason,
                        "employee_id": self.club_override_employee_id,
                    }
                )
            except UserError as exc:
                self._club_flag(
                    _(
                        "The override of a club limit was not accepted: %(reason)s",
                        reason=self._club_reason(exc),
                    )
                )
            else:
                payload = dict(payload, override=override)
        return super()._club_confirm_attempts(payload, bonus_money)

    def _club_store(self, txn, response):
        result = super()._club_store(txn, response)
        self._club_mark_till(txn)
        return result

    def _club_store_reversal(self, txn, response, original):
        result = super()._club_store_reversal(txn, response, original)
        self._club_mark_till(txn)
        return result

    def _club_mark_till(self, txn):
        if txn and not txn.pos_config_id:
            txn.sudo().write({"pos_config_id": self.config_id.id})
