"""A member's cards: replace a lost or damaged card, block and unblock one."""

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

from ..domain import cards as core_cards
from .api_common import API, ROUTE, ApiError, endpoint, json_body, json_response, text
from .api_member_data import member_wallet, service

CARD_ROUTE = f"{API}/members/<int:member_id>/cards/<string:code>"


def member_card(key, member_id, code):
    """The member's club card ``code`` (404 for a card that is not theirs)."""
    wallet = member_wallet(key, member_id)
    code = core_cards.normalize_code(code or "")
    card = (
        request.env["loyalty.club.card"]
        .sudo()
        .search(
            [
                ("code", "=", code),
                ("partner_id", "=", wallet.partner_id.id),
                ("program_id", "=", wallet.program_id.id),
                ("kind", "!=", "gift"),
            ],
            limit=1,
        )
    )
    if not card:
        raise ApiError(
            404,
            "card_not_found",
            _("The member has no club card %(code)s.", code=code or "?"),
        )
    return wallet, card


class LoyaltyClubApiCards(http.Controller):
    @http.route(f"{CARD_ROUTE}/replace", **ROUTE, methods=["POST"], readonly=False)
    @endpoint("register", write=True)
    def replace(self, key, member_id, code, **params):
        """A new card for a lost or damaged one: ``new_card`` (a card from
        stock) or, without it, a new virtual card; the balance stays."""
        wallet, card = member_card(key, member_id, code)
        body = json_body()
        reason = text(body, "reason", required=True, max_len=250)
        new_code = text(body, "new_card", max_len=64)
        if new_code:
            new = (
                request.env["loyalty.club.card"]
                .sudo()
                .search([("code", "=", core_cards.normalize_code(new_code))], limit=1)
            )
            if not new:
                raise ApiError(
                    404,
                    "card_not_found",
                    _("No club card %(code)s.", code=new_code),
                )
        answer = service().replace_card(
            wallet.partner_id.id, card.code, new_code, reason, channel="api"
        )
        return json_response(answer, status=201)

    @http.route(f"{CARD_ROUTE}/block", **ROUTE, methods=["POST"], readonly=False)
    @endpoint("register", write=True)
    def block(self, key, member_id, code, **params):
        return self._set_state(key, member_id, code, "block")

    @http.route(f"{CARD_ROUTE}/unblock", **ROUTE, methods=["POST"], readonly=False)
    @endpoint("register", write=True)
    def unblock(self, key, member_id, code, **params):
        return self._set_state(key, member_id, code, "unblock")

    def _set_state(self, key, member_id, code, action):
        wallet, card = member_card(key, member_id, code)
        reason = text(json_body(), "reason", required=True, max_len=250)
        try:
            answer = service().set_card_state(
                wallet.partner_id.id, card.code, action, reason, channel="api"
            )
        except UserError as exc:
            raise ApiError(409, "card_state_conflict", exc.args[0]) from exc
        return json_response(answer)
