"""The member's own page on the portal: balance, tier, cards, history, consents
and questionnaire. Only the logged-in user's partner is ever read or written."""

from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.loyalty_club_consent import CHANNELS as CONSENT_CHANNELS

HISTORY = 10


def _qr_url(payload):
    query = url_encode(
        {"barcode_type": "QR", "value": payload, "width": 200, "height": 200}
    )
    return f"/report/barcode/?{query}"


class LoyaltyClubPortal(CustomerPortal):
    def _club_partner(self):
        """The user's own partner, as superuser: no other record is reachable."""
        partner = request.env.user.partner_id.sudo()
        if partner.club_status in ("active", "applicant") and not partner.club_erased:
            return partner
        return partner.browse()

    def _club_wallet_values(self, wallet):
        program = wallet.program_id
        bal = wallet._core_balances(fields.Date.context_today(wallet))
        units = lambda minor: program.from_minor(minor)  # noqa: E731
        lines = (
            request.env["loyalty.club.ledger"]
            .sudo()
            .search([("wallet_id", "=", wallet.id)], limit=HISTORY)
        )
        kinds = dict(
            request.env["loyalty.club.ledger"]
            ._fields["kind"]
            ._description_selection(request.env)
        )
        cards = wallet.partner_id.club_card_ids.filtered(
            lambda c: c.program_id == program and c.state == "active"
        )
        return {
            "program": program.name,
            "unit": program.unit_name or "",
            "tier": wallet.tier_id.name or "",
            "available": units(bal.available),
            "pending": units(bal.pending),
            "expiring_soon": units(bal.expiring_soon),
            "next_expiry": bal.next_expiry,
            "cards": [
                {
                    "code": card.code,
                    "kind": dict(card._fields["kind"].selection).get(card.kind),
                    "qr_url": _qr_url(card.qr_payload),
                }
                for card in cards
            ],
            "lines": [
                {
                    "date": line.date,
                    "kind": kinds.get(line.kind),
                    "amount": program.from_minor(line.amount_minor),
                    "store": line.store_id.name or "",
                }
                for line in lines
            ],
        }

    def _club_values(self, partner, **extra):
        values = self._prepare_portal_layout_values()
        wallets = (
            request.env["loyalty.club.wallet"]
            .sudo()
            .search([("partner_id", "=", partner.id), ("kind", "=", "bonus")])
            if partner
            else []
        )
        consents = partner._club_current_consents() if partner else {}
        answers = {v.attribute_id.id: v for v in partner.club_attribute_value_ids}
        values.update(
            page_name="club",
            member=partner,
            wallets=[self._club_wallet_values(w) for w in wallets],
            consent_channels=CONSENT_CHANNELS,
            consents=consents,
            attributes=request.env["loyalty.club.attribute"].sudo().search([]),
            answers=answers,
            **extra,
        )
        return values

    @http.route("/my/club", type="http", auth="user", website=True, readonly=True)
    def portal_my_club(self, **kw):
        partner = self._club_partner()
        saved = request.httprequest.args.get("saved") == "1"
        return request.render(
            "loyalty_club.portal_my_club", self._club_values(partner, saved=saved)
        )

    @http.route(
        "/my/club/profile", type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_my_club_profile(self, **post):
        partner = self._club_partner()
        if not partner:
            return request.redirect("/my/club")
        consents = {c: bool(post.get(f"consent_{c}")) for c, _label in CONSENT_CHANNELS}
        service = request.env["loyalty.club.service"].sudo()
        Value = request.env["loyalty.club.attribute.value"].sudo()
        try:
            with request.env.cr.savepoint():
                partner.club_set_consents(consents, "portal")
                for attribute in (
                    request.env["loyalty.club.attribute"].sudo().search([])
                ):
                    raw = (post.get(f"attr_{attribute.code}") or "").strip()
                    if raw:
                        service._set_attribute(partner, attribute.code, raw)
                    else:
                        Value.search(
                            [
                                ("partner_id", "=", partner.id),
                                ("attribute_id", "=", attribute.id),
                            ]
                        ).unlink()
        except (UserError, ValidationError) as exc:
            return request.render(
                "loyalty_club.portal_my_club",
                self._club_values(partner, error=exc.args[0]),
            )
        return request.redirect("/my/club?saved=1")
