"""Delivery reports a gateway calls back with (SMS.ru's callback).

The address carries the gateway's id and its secret token (compared in constant
time); the body is the provider's own format, read by its adapter. SMS.ru wants
the body ``100`` back, or it calls again later.
"""

from odoo import http
from odoo.http import request


class LoyaltyClubSmsGatewayController(http.Controller):
    @http.route(
        "/loyalty_club/sms/<int:gateway_id>/<string:token>/status",
        type="http",
        auth="public",
        methods=["POST"],
        csrf=False,
        save_session=False,
    )
    def sms_status(self, gateway_id, token, **_form):
        gateway = request.env["loyalty.club.sms.gateway"].sudo().browse(gateway_id)
        if not gateway.exists() or not gateway._club_check_token(token):
            return request.make_response(
                "forbidden", headers=[("Content-Type", "text/plain")], status=403
            )
        gateway._club_handle_callback(list(request.httprequest.form.items(multi=True)))
        return request.make_response("100", headers=[("Content-Type", "text/plain")])
