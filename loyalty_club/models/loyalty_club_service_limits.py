"""The program's limits, counted and decided by the service (never by a channel).

A hit is a dict ``{code, mode, count, limit, message}``. Quotes return the
hits so the channel can warn before payment; ``confirm`` refuses a blocking
hit unless the payload carries a manager's ``override`` (``{user_id, by,
reason}``), checked again here, and records warnings and overrides on the check.
"""

from datetime import datetime, time, timedelta

from odoo import api, models
from odoo.exceptions import UserError

ENTRY_METHODS = ("scan", "typed", "qr", "phone", "api")


class LoyaltyClubService(models.AbstractModel):
    _inherit = "loyalty.club.service"

    # ------------------------------------------------------------------ hits
    def _limit_hit(self, program, code, count, limit, message):
        mode = (
            program.limit_accruals_mode
            if code == "accruals_per_day"
            else program.limit_typed_mode
        )
        return {
            "code": code,
            "mode": mode,
            "count": count,
            "limit": limit,
            "message": message,
        }

    def _accrual_limit(self, program, wallet, today):
        """Hit when this card already earned on as many checks today as allowed
        (the day runs from midnight to midnight UTC)."""
        limit = program.limit_accruals_per_day
        if not (limit and wallet):
            return None
        start = datetime.combine(today, time.min)
        count = (
            self.env["loyalty.club.transaction"]
            .sudo()
            .search_count(
                [
                    ("wallet_id", "=", wallet.id),
                    ("kind", "=", "sale"),
                    ("earn_minor", ">", 0),
                    ("date", ">=", start),
                    ("date", "<", start + timedelta(days=1)),
                ]
            )
        )
        if count < limit:
            return None
        message = self.env._(
            "%(member)s already earned on %(count)s checks today; the program "
            "allows %(limit)s a day.",
            member=wallet.partner_id.name or wallet.display_name,
            count=count,
            limit=limit,
        )
        return self._limit_hit(program, "accruals_per_day", count, limit, message)

    @api.model
    def typed_card_limit(self, program_id, typed_count):
        """Hit when one more card typed by hand goes over the program's limit.

        The channel counts the different cards its cashier typed in the shift
        (the till: in its POS session), not counting the card being typed.
        """
        self._check_caller()
        program = self._program({"program_id": program_id})
        limit = program.limit_typed_per_shift
        if not limit or typed_count < limit:
            return None
        message = self.env._(
            "%(count)s cards were already typed by hand in this shift; the program "
            "allows %(limit)s. Scan the card or ask a manager.",
            count=typed_count,
            limit=limit,
        )
        return self._limit_hit(program, "typed_per_shift", typed_count, limit, message)

    # -------------------------------------------------------------- override
    def _override_allowed(self, user):
        """May this user let a check go over a blocking limit? (The POS adds its
        managers.)"""
        return user.has_group("loyalty_club.group_club_manager")

    def _check_override(self, override):
        """The check's override fields from the payload's ``override``, checked."""
        if not override:
            return {}
        if not isinstance(override, dict):
            raise UserError(self.env._("An override must name a manager and a reason."))
        reason = str(override.get("reason") or "").strip()
        if not reason:
            raise UserError(self.env._("An override needs a reason."))
        Users = self.env["res.users"].sudo()
        user = Users
        if override.get("user_id"):
            user = Users.browse(int(override["user_id"])).exists()
            if not user or not self._override_allowed(user):
                raise UserError(
                    self.env._("Only a manager may override the club's limits.")
                )
        by = str(override.get("by") or user.name or "").strip()
        if not by:
            raise UserError(self.env._("An override must name a manager and a reason."))
        return {
            "override_user_id": user.id or False,
            "override_by": by[:128],
            "override_reason": reason[:250],
        }

    def _confirm_limits(self, payload, program, wallet, quote, today):
        """Check vals for the limits of this sale; a blocking hit without a
        manager's override is refused."""
        vals = self._check_override(payload.get("override"))
        hits = []
        if wallet and quote.earn:
            hit = self._accrual_limit(program, wallet, today)
            if hit:
                hits.append(hit)
        blocking = [hit for hit in hits if hit["mode"] == "block"]
        if blocking and not vals:
            raise UserError(
                self.env._(
                    "%(message)s A manager can override this limit.",
                    message=blocking[0]["message"],
                )
            )
        if hits:
            vals["limit_notes"] = "; ".join(hit["message"] for hit in hits)[:250]
        entry = payload.get("entry_method")
        if entry in ENTRY_METHODS:
            vals["entry_method"] = entry
        elif payload.get("channel") == "api":
            vals["entry_method"] = "api"
        return vals

    def _quote_limits(self, program, wallet, today, quote):
        """The hits a channel shows before payment."""
        if not (wallet and quote.earn):
            return []
        hit = self._accrual_limit(program, wallet, today)
        return [hit] if hit else []
