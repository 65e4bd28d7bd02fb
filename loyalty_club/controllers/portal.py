"""The member's own page on the portal: balance, tier and progress to the next
one, cards, history, consents and questionnaire, and a gift-card balance check.
Only the logged-in user's partner is ever read or written."""

import time
from datetime import timedelta

from werkzeug.urls import url_encode

from odoo import _, fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.tools.misc import consteq, format_amount, formatLang

from odoo.addons.portal.controllers.portal import CustomerPortal

from .. import edge
from ..domain import cards as core_cards
from ..domain import money, rules
from ..selections import CONSENT_CHANNELS

HISTORY = 10
# the member's own weekly cap on offers, as the portal offers it (0: the club's)
MARKETING_PER_WEEK = ("0", "1", "3")
# gift-card balance checks: at most GIFT_CHECKS per GIFT_WINDOW seconds a session
GIFT_CHECKS = 10
GIFT_WINDOW = 600


def session_allows(name, tries, window):
    """One more try of ``name`` in this browser session, if fewer than ``tries``
    were made in the last ``window`` seconds (numbers are not to be guessed on a
    public or portal page); the try is counted when allowed."""
    now = time.time()
    recent = [t for t in request.session.get(name) or [] if now - t < window]
    allowed = len(recent) < tries
    if allowed:
        recent.append(now)
    request.session[name] = recent
    return allowed


def _qr_url(payload):
    query = url_encode(
        {"barcode_type": "QR", "value": payload, "width": 200, "height": 200}
    )
    return f"/report/barcode/?{query}"


def _barcode_url(code, width=400, height=100):
    """The card number as a barcode (EAN-13 when it is one)."""
    kind = "EAN13" if len(code) == 13 and code.isdigit() else "Code128"
    query = url_encode(
        {
            "barcode_type": kind,
            "value": code,
            "width": width,
            "height": height,
            "humanreadable": 1,
        }
    )
    return f"/report/barcode/?{query}"


class LoyaltyClubPortal(CustomerPortal):
    def _club_partner(self):
        """The user's own partner, as superuser: no other record is reachable."""
        partner = request.env.user.partner_id.sudo()
        if partner.club_status in ("active", "applicant") and not partner.club_erased:
            return partner
        return partner.browse()

    def _club_tier_progress(self, wallet, today):
        """Where the member stands on the way to the next tier, by the rules the
        service upgrades with: the amount paid within the program's rolling
        period against the tiers' thresholds (``rules.qualify``)."""
        program = wallet.program_id
        specs = program._tier_specs()
        if not specs:
            return None
        since = today - timedelta(days=program.tier_period_days or 365)
        groups = (
            request.env["loyalty.club.transaction"]
            .sudo()
            ._read_group(
                [("wallet_id", "=", wallet.id), ("date", ">=", since)],
                aggregates=["paid_minor:sum"],
            )
        )
        paid = groups[0][0] or 0
        reached = rules.qualify(paid, specs)
        floor = max(
            (
                spec.threshold
                for spec in specs
                if spec.key in (wallet.tier_id.id, reached)
            ),
            default=-1,
        )
        above = [spec for spec in specs if spec.threshold > floor]
        digits = program.currency_id.decimal_places
        values = {"period_days": program.tier_period_days or 365, "next": False}
        if above:
            target = min(above, key=lambda spec: (spec.threshold, spec.sequence))
            missing = max(target.threshold - paid, 0)
            name = request.env["loyalty.club.tier"].sudo().browse(target.key).name
            currency = program.currency_id

            def amount(minor):
                return format_amount(
                    request.env, float(money.from_minor(minor, digits)), currency
                )

            values.update(
                next=name,
                missing=amount(missing),
                percent=min(100, max(0, paid * 100 // max(target.threshold, 1))),
                # one sentence for translators: the word order is theirs
                hint=_(
                    "Spend %(missing)s more to reach %(tier)s: %(paid)s of "
                    "%(threshold)s paid within the last %(days)s days.",
                    missing=amount(missing),
                    tier=name,
                    paid=amount(paid),
                    threshold=amount(target.threshold),
                    days=values["period_days"],
                ),
            )
        return values

    def _club_wallet_values(self, wallet):
        program = wallet.program_id
        today = edge.club_today(wallet)
        bal = wallet._spend_balances(today)

        def units(minor):
            """A balance in the member's language (grouping, decimal mark)."""
            return formatLang(
                request.env, float(program.from_minor(minor)), digits=program.digits
            )

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
        card_kinds = dict(
            request.env["loyalty.club.card"]
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
            "progress": self._club_tier_progress(wallet, today),
            "available": units(bal.available),
            "held": units(bal.held) if bal.held else "",
            "pending": units(bal.pending),
            "expiring_soon": units(bal.expiring_soon),
            "next_expiry": bal.next_expiry,
            "cards": [
                {
                    "code": card.code,
                    "kind": card_kinds.get(card.kind),
                    "qr_url": _qr_url(card.qr_payload),
                    "barcode_url": _barcode_url(card.code),
                    # the "add to phone" page: the card full-screen, for scanning
                    "phone_url": f"/my/club/card?{url_encode({'code': card.code})}",
                }
                for card in cards
            ],
            "lines": [
                {
                    "date": line.date,
                    "kind": kinds.get(line.kind),
                    "amount": units(line.amount_minor),
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
        user_partner = request.env.user.partner_id.sudo()
        values.update(
            page_name="club",
            member=partner,
            phone=core_cards.mask_phone(partner.club_phone) if partner else "",
            phone_verified=bool(
                partner.club_phone and partner.club_phone_verified == partner.club_phone
            ),
            join_name=user_partner.name or "",
            join_phone=user_partner.mobile or user_partner.phone or "",
            can_join=not partner and user_partner.club_status != "blocked",
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

    # ------------------------------------------------------ joining, the phone
    # A portal user joins the club on this page with their own contact, and
    # proves the phone with the code the club sends (the program's "Verify the
    # phone at registration"); a member whose phone is not proved asks for a
    # code here. Codes, attempts and rate limits are the club's one service.

    def _club_render(self, partner, **values):
        return request.render(
            "loyalty_club.portal_my_club", self._club_values(partner, **values)
        )

    def _club_send_phone_code(self, partner):
        """Send a ``verify_phone`` code; the page's values (where it went, or
        why not)."""
        try:
            with request.env.cr.savepoint():
                sent = (
                    request.env["loyalty.club.service"]
                    .sudo()
                    .send_code(
                        {
                            "partner_id": partner.id,
                            "program_id": self._club_program(partner).id,
                            "purpose": "verify_phone",
                            "channel": "portal",
                        }
                    )
                )
        except (UserError, ValidationError) as exc:
            return {"phone_error": exc.args[0]}
        return {"code_sent_to": sent["phone"]}

    def _club_program(self, partner):
        """The program of the member's bonus wallet, else the company's."""
        wallet = (
            request.env["loyalty.club.wallet"]
            .sudo()
            .search([("partner_id", "=", partner.id), ("kind", "=", "bonus")], limit=1)
        )
        return (
            wallet.program_id or request.env["loyalty.club.service"].sudo()._program()
        )

    @http.route(
        "/my/club/card",
        type="http",
        auth="user",
        website=True,
        readonly=True,
    )
    def portal_my_club_card(self, code=None, **kw):
        """The member's card full-screen: a stable address the member adds to
        the phone's home screen and shows at the till (the virtual card, or the
        active card ``code``)."""
        partner = self._club_partner()
        cards = partner.club_card_ids.filtered(
            lambda c: c.state == "active" and c.kind != "gift"
        )
        if code:
            cards = cards.filtered(lambda c: c.code == code)
        card = cards.sorted(lambda c: c.kind != "virtual")[:1]
        if not card:
            raise request.not_found()
        return request.render(
            "loyalty_club.portal_my_club_card",
            {
                "card": card,
                "member": partner,
                "program": card.program_id,
                "qr_url": _qr_url(card.qr_payload),
                "barcode_url": _barcode_url(card.code),
            },
        )

    @http.route(
        "/my/club/join", type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_my_club_join(self, **post):
        """The logged-in user joins the club with their own contact."""
        if self._club_partner():
            return request.redirect("/my/club")
        user_partner = request.env.user.partner_id.sudo()
        if not post.get("consent_personal_data"):
            return self._club_render(
                user_partner.browse(),
                join_error=_("Agree to the processing of personal data to join."),
            )
        service = request.env["loyalty.club.service"].sudo()
        vals = {
            "name": (post.get("name") or user_partner.name or "").strip(),
            "phone": (post.get("phone") or "").strip(),
            "consents": {
                channel: bool(post.get(f"consent_{channel}"))
                for channel, _label in CONSENT_CHANNELS
            },
        }
        if not vals["phone"]:
            return self._club_render(
                user_partner.browse(), join_error=_("Give your mobile phone number.")
            )
        try:
            with request.env.cr.savepoint():
                program = service._program()
                service.register_member(
                    vals, source="portal", program_id=program.id, partner=user_partner
                )
        except (UserError, ValidationError) as exc:
            return self._club_render(user_partner.browse(), join_error=exc.args[0])
        partner = self._club_partner()
        values = {"joined": True}
        if program.code_verify_phone and partner.club_phone:
            values.update(self._club_send_phone_code(partner))
        return self._club_render(partner, **values)

    @http.route(
        "/my/club/phone/code", type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_my_club_phone_code(self, **post):
        """Send the member a code to prove the phone."""
        partner = self._club_partner()
        if not partner or not partner.club_phone:
            return request.redirect("/my/club")
        return self._club_render(partner, **self._club_send_phone_code(partner))

    @http.route(
        "/my/club/phone/verify",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def portal_my_club_phone_verify(self, code=None, **post):
        """The phone proved with the code the member received."""
        partner = self._club_partner()
        if not partner:
            return request.redirect("/my/club")
        try:
            with request.env.cr.savepoint():
                request.env["loyalty.club.service"].sudo().verify_phone(
                    {
                        "partner_id": partner.id,
                        "program_id": self._club_program(partner).id,
                        "code": (code or "").strip()[:12],
                    }
                )
        except (UserError, ValidationError) as exc:
            return self._club_render(
                partner,
                phone_error=exc.args[0],
                code_sent_to=core_cards.mask_phone(partner.club_phone),
            )
        return self._club_render(partner, phone_saved=True)

    def _club_gift_card(self, code):
        """A sold gift card of the user's companies with this code, else nothing:
        an unknown code and another company's look the same."""
        code = core_cards.normalize_code(code or "")
        if not code:
            return request.env["loyalty.club.card"].sudo().browse()
        card = (
            request.env["loyalty.club.card"]
            .sudo()
            .search(
                [
                    ("code", "=", code),
                    ("kind", "=", "gift"),
                    ("company_id", "in", request.env.user.company_ids.ids),
                ],
                limit=1,
            )
        )
        return card.filtered("wallet_id")  # a card never sold is unknown too

    def _club_gift_check_allowed(self):
        """At most GIFT_CHECKS checks per GIFT_WINDOW seconds in a session."""
        return session_allows("club_gift_checks", GIFT_CHECKS, GIFT_WINDOW)

    @http.route(
        "/my/club/gift-card",
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
        readonly=True,
    )
    def portal_my_club_gift_card(self, code=None, **post):
        """Balance and validity of a gift card; reads only."""
        values = {"gift_code": (code or "")[:64]}
        if not self._club_gift_check_allowed():
            values["gift_error"] = _(
                "Too many gift-card checks. Try again in a few minutes."
            )
        else:
            card = self._club_gift_card(code)
            if not card:
                values["gift_error"] = _(
                    "No usable gift card has this code. Check the code and try again."
                )
            else:
                info = card.sudo()._gift_card_dict()
                states = dict(card._fields["state"]._description_selection(request.env))
                values["gift_card"] = dict(
                    info,
                    currency=card.wallet_id.currency_id,
                    expires_on=fields.Date.to_date(info["expires_on"] or None),
                    usable=card.state == "active" and info["balance"] > 0,
                    state_label=states.get(card.state, card.state),
                )
        partner = self._club_partner()
        return request.render(
            "loyalty_club.portal_my_club", self._club_values(partner, **values)
        )

    @http.route(
        "/my/club/profile", type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_my_club_profile(self, **post):
        partner = self._club_partner()
        if not partner:
            return request.redirect("/my/club")
        consents = {c: bool(post.get(f"consent_{c}")) for c, _label in CONSENT_CHANNELS}
        Value = request.env["loyalty.club.attribute.value"].sudo()
        try:
            with request.env.cr.savepoint():
                partner.club_set_consents(consents, "portal")
                per_week = post.get("marketing_per_week") or "0"
                partner.club_marketing_per_week = (
                    int(per_week) if per_week in MARKETING_PER_WEEK else 0
                )
                for attribute in (
                    request.env["loyalty.club.attribute"].sudo().search([])
                ):
                    raw = (post.get(f"attr_{attribute.code}") or "").strip()
                    if raw:
                        partner.sudo()._club_set_attribute(attribute.code, raw)
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


class LoyaltyClubUnsubscribe(http.Controller):
    """The link at the foot of the club's e-mails: no login, the link's secret
    names the member. Opening it asks (mail scanners open links); confirming,
    or the mail client's one-click unsubscribe (RFC 8058, a POST), withdraws the
    consent, recorded in the member's consent history."""

    def _club_unsubscribe_partner(self, partner_id, channel, token):
        partner = request.env["res.partner"].sudo().browse(partner_id).exists()
        if (
            not partner
            or channel != "email"
            or not consteq(partner._club_unsubscribe_token(channel), token or "")
        ):
            return partner.browse()
        return partner

    @http.route(
        "/club/unsubscribe/<int:partner_id>/<string:channel>/<string:token>",
        type="http",
        auth="public",
        methods=["GET", "POST"],
        csrf=False,
        sitemap=False,
        # with the web shop installed the page is framed by the website's layout
        website=True,
    )
    def club_unsubscribe(self, partner_id, channel, token, **post):
        partner = self._club_unsubscribe_partner(partner_id, channel, token)
        if not partner:
            return request.render(
                "loyalty_club.club_unsubscribe_page", {"invalid": True}, status=404
            )
        done = request.httprequest.method == "POST"
        if done:
            partner.club_set_consents({channel: False}, "unsubscribe")
        return request.render(
            "loyalty_club.club_unsubscribe_page",
            {
                "done": done,
                "url": request.httprequest.path,
                "company": partner.company_id or request.env.company,
            },
        )
