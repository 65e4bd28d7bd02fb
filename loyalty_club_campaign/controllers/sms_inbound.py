"""Replies members send to the club's SMS, as the gateways call them in.

The address carries the gateway's id and its secret token, as the delivery
reports' does (``/loyalty_club/sms/<gateway>/<token>/inbound``); the form names
the sender's phone (``phone``, ``from`` or ``sender``) and the text (``text``,
``message`` or ``msg``). A STOP reply withdraws the member's SMS consent,
recorded in the consent history with the source "SMS reply (STOP)".
"""

from odoo import http
from odoo.http import request


class LoyaltyClubSmsInboundController(http.Controller):
    @http.route(
        "/loyalty_club/sms/<int:gateway_id>/<string:token>/inbound",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def sms_inbound(self, gateway_id, token, **form):
        gateway = request.env["loyalty.club.sms.gateway"].sudo().browse(gateway_id)
        if not gateway.exists() or not gateway._club_check_token(token):
            return request.make_response(
                "forbidden", headers=[("Content-Type", "text/plain")], status=403
            )
        phone = form.get("phone") or form.get("from") or form.get("sender")
        text = form.get("text") or form.get("message") or form.get("msg")
        request.env["res.partner"].sudo()._club_sms_reply(phone, text)
        return request.make_response("100", headers=[("Content-Type", "text/plain")])
