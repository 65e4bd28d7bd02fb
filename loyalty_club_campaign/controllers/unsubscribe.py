"""The unsubscribe link of the club's marketing e-mails.

``/loyalty_club/unsubscribe/<message id>/<token>``: the token is an HMAC of the
message id with the database secret. Opening the link shows a page with one
button (a link preview or a mail scanner opening it changes nothing); the button
posts back and withdraws the member's e-mail consent, recorded in the consent
history with the source "Unsubscribe link in an e-mail". Mail clients' one-click
unsubscribe (RFC 8058) posts to the same address.
"""

import hmac

from markupsafe import escape

from odoo import http
from odoo.http import request

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"/><meta name="viewport"
content="width=device-width, initial-scale=1"/><title>%(title)s</title></head>
<body style="font-family: sans-serif; max-width: 32em; margin: 3em auto;">
<h1 style="font-size: 1.4em;">%(title)s</h1><p>%(text)s</p>%(form)s</body></html>"""


class LoyaltyClubUnsubscribeController(http.Controller):
    def _message(self, message_id, token):
        message = request.env["loyalty.club.message"].sudo().browse(message_id).exists()
        if message and hmac.compare_digest(message._unsubscribe_token(), token or ""):
            return message
        return None

    def _page(self, env, title, text, form="", status=200):
        body = PAGE % {"title": escape(title), "text": escape(text), "form": form}
        return request.make_response(
            body, headers=[("Content-Type", "text/html; charset=utf-8")], status=status
        )

    @http.route(
        "/loyalty_club/unsubscribe/<int:message_id>/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        save_session=False,
    )
    def unsubscribe(self, message_id, token, **_form):
        message = self._message(message_id, token)
        if not message:
            env = request.env
            return self._page(
                env,
                env._("Link not valid"),
                env._("This unsubscribe link is not valid."),
                status=403,
            )
        partner = message.partner_id
        env = request.env(context=dict(request.env.context, lang=partner.lang))
        if request.httprequest.method == "POST":
            if partner.club_consent_email:
                partner.club_set_consents({"email": False}, "email_link")
            return self._page(
                env,
                env._("Unsubscribed"),
                env._(
                    "%(program)s will send no more e-mails to %(email)s.",
                    program=message.program_id.name,
                    email=partner.email,
                ),
            )
        form = (
            '<form method="post"><button type="submit" style="font-size: 1em;">'
            f"{escape(env._('Unsubscribe'))}</button></form>"
        )
        return self._page(
            env,
            env._("Unsubscribe"),
            env._(
                "Stop the e-mails of %(program)s to %(email)s?",
                program=message.program_id.name,
                email=partner.email,
            ),
            form,
        )
