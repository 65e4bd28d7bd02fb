"""The API's description (OpenAPI 3.1), its web page and JSON 404s."""

import json

from odoo import _, http
from odoo.http import request
from odoo.tools.misc import file_open

from .api_common import API, ROUTE, ApiError, error_response, request_lang
from .openapi import spec


class LoyaltyClubApiDocs(http.Controller):
    @http.route(
        f"{API}/openapi.json",
        **ROUTE,
        methods=["GET"],
        readonly=True,
    )
    def openapi(self, **params):
        return request.make_json_response(spec())

    @http.route(
        f"{API}/docs",
        **ROUTE,
        methods=["GET"],
        readonly=True,
    )
    def docs(self, **params):
        """A self-contained page (no CDN): the spec inlined, rendered by a script."""
        with file_open("loyalty_club/static/src/html/api_docs.html") as page:
            html = page.read()
        data = json.dumps(spec()).replace("</", "<\\/")
        return request.make_response(
            html.replace("__SPEC__", data),
            headers=[("Content-Type", "text/html; charset=utf-8")],
        )

    @http.route(
        [API, f"{API}/<path:subpath>"],
        **ROUTE,
        readonly=True,
    )
    def not_found(self, **params):
        """Unknown paths and methods answer JSON too, never an HTML page."""
        request.update_context(lang=request_lang())
        return error_response(
            ApiError(404, "not_found", _("No such API path or method."))
        )
