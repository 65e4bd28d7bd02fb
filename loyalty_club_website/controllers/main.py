"""The club in the web shop's cart: the member's bonuses and gift cards at
checkout, and a guest who names a card or a phone and proves it with the code
that phone receives.

Every amount shown or checked here is the club service's (through the order's
``_club_*`` methods of loyalty_club_sale): nothing is computed in the browser.
"""

from odoo import _, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

from odoo.addons.loyalty_club.controllers.portal import session_allows
from odoo.addons.website_sale.controllers.main import WebsiteSale

# the message the next cart page shows (a form's outcome)
MESSAGE = "club_cart_message"
# a guest's identification waiting for its code: {order_id, wallet_id}
PENDING = "club_cart_identify"
# at most this many tries per session in the window (seconds): gift-card codes,
# cards and phones are not to be guessed here
GIFT_TRIES, IDENTIFY_TRIES, WINDOW = 10, 5, 600


class ClubWebsiteSale(WebsiteSale):
    # ---------------------------------------------------------------- helpers
    def _club_order(self):
        """The visitor's cart, as superuser (the shop's own reading of it)."""
        order = request.website.sale_get_order()
        if not order or order.state != "draft":
            return order.browse()
        return order.sudo()

    def _club_say(self, text, kind="success"):
        request.session[MESSAGE] = {"kind": kind, "text": text}

    def _club_back(self):
        return request.redirect("/shop/cart")

    def _club_run(self, order, method, *args):
        """Run one of the cart's club operations; a refusal becomes the cart's
        message, never a traceback."""
        try:
            with request.env.cr.savepoint():
                return getattr(order, method)(*args), None
        except (UserError, ValidationError, AccessError) as exc:
            self._club_say(exc.args[0], "danger")
            return None, exc

    # ------------------------------------------------------------------ cart
    @http.route()
    def cart(self, access_token=None, revive="", **post):
        response = super().cart(access_token=access_token, revive=revive, **post)
        if getattr(response, "qcontext", None) is not None:
            response.qcontext["club_message"] = request.session.pop(MESSAGE, None)
        return response

    # --------------------------------------------------------------- bonuses
    @http.route(
        "/shop/club/bonuses",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def club_bonuses_apply(self, amount=None, **post):
        """Spend bonuses on the cart: at most the quote's maximum."""
        order = self._club_order()
        if not order:
            return self._club_back()
        done, _error = self._club_run(order, "_club_website_apply_bonuses", amount)
        if done:
            self._club_say(done)
        return self._club_back()

    @http.route(
        "/shop/club/bonuses/remove",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def club_bonuses_remove(self, **post):
        order = self._club_order()
        if order:
            done, _error = self._club_run(order, "_club_website_remove_bonuses")
            if done:
                self._club_say(_("The bonuses are back in your balance."))
        return self._club_back()

    # ------------------------------------------------------------ gift cards
    @http.route(
        "/shop/club/gift-card",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def club_gift_card_apply(self, code=None, **post):
        """Pay part of the cart with a gift card (debited when the order is
        paid)."""
        order = self._club_order()
        if not order:
            return self._club_back()
        if not session_allows("club_cart_gift_tries", GIFT_TRIES, WINDOW):
            self._club_say(
                _("Too many gift-card codes tried. Try again in a few minutes."),
                "danger",
            )
            return self._club_back()
        done, _error = self._club_run(
            order, "_club_website_apply_gift_card", (code or "").strip()[:64]
        )
        if done:
            self._club_say(done)
        return self._club_back()

    @http.route(
        "/shop/club/gift-card/remove",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def club_gift_card_remove(self, code=None, **post):
        order = self._club_order()
        if order:
            self._club_run(
                order, "_club_website_remove_gift_card", (code or "").strip()[:64]
            )
        return self._club_back()

    # ----------------------------------------------------- a guest identifies
    @http.route(
        "/shop/club/identify",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def club_identify(self, identifier=None, **post):
        """Step one: a card number or a phone; the member's phone gets a code.

        The answer is the same whether or not the card or phone is a member's
        (nobody learns here who is a member); only the code proves it."""
        order = self._club_order()
        if not order or order._club_wallet():
            return self._club_back()
        identifier = (identifier or "").strip()[:32]
        if not identifier:
            self._club_say(_("Give your club card number or phone."), "danger")
            return self._club_back()
        if not session_allows("club_cart_identify_tries", IDENTIFY_TRIES, WINDOW):
            self._club_say(
                _("Too many attempts. Try again in a few minutes."), "danger"
            )
            return self._club_back()
        wallet = order._club_website_send_code(identifier)
        request.session[PENDING] = {
            "order_id": order.id,
            "wallet_id": wallet.id,
            "identifier": identifier,
        }
        self._club_say(
            _(
                "If %(identifier)s is a club member's card or phone, we sent a code "
                "by SMS to the member's phone. Type it here.",
                identifier=identifier,
            ),
            "info",
        )
        return self._club_back()

    @http.route(
        "/shop/club/identify/confirm",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def club_identify_confirm(self, code=None, **post):
        """Step two: the code proves the phone; the cart is the member's."""
        order = self._club_order()
        pending = request.session.get(PENDING) or {}
        if not order or pending.get("order_id") != order.id:
            request.session.pop(PENDING, None)
            self._club_say(
                _("Start again: give your club card number or phone."), "danger"
            )
            return self._club_back()
        done, error = self._club_run(
            order,
            "_club_website_link_wallet",
            pending.get("wallet_id"),
            (code or "").strip()[:12],
        )
        if done:
            request.session.pop(PENDING, None)
            self._club_say(done)
        return self._club_back()

    @http.route(
        "/shop/club/identify/cancel",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def club_identify_cancel(self, **post):
        request.session.pop(PENDING, None)
        return self._club_back()
