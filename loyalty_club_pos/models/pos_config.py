"""The till's doors to the club: each call checks the POS, then asks the service.

Grouped by feature: access, the entry points the till calls (identify, quote,
register), the club's limits at the till, gift cards, the products every till
loads, the contacts a club till preloads, the currency check and demo data.
"""

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_amount

from odoo.addons.loyalty_club import edge
from odoo.addons.loyalty_club.domain import cards as core_cards
from odoo.addons.loyalty_club.domain import errors as core_errors
from odoo.addons.loyalty_club.domain import money

CONSENT_CHANNELS = ("sms", "email", "push", "personal_data")

# the till's customers are looked for among this many newest orders: first a
# short window read in order (most of a till's customers differ from sale to
# sale), then, when it holds too few of them, the long one grouped
RECENT_WINDOW = 400
RECENT_ORDERS = 5000
LOADED_PARTNERS = 100

# club store (loyalty_club xml id) -> this module's xml id of its till
DEMO_TILLS = [
    ("store_center", "pos_config_center"),
    ("store_mall", "pos_config_mall"),
    ("store_station", "pos_config_station"),
]


class PosConfig(models.Model):
    _inherit = "pos.config"

    club_program_id = fields.Many2one(
        "loyalty.club.program",
        check_company=True,
        help="Members identified at this till earn and spend in this program.",
    )
    club_store_id = fields.Many2one(
        "loyalty.club.store",
        check_company=True,
        help="The store the club books this till's checks to.",
    )
    club_unit_name = fields.Char(
        related="club_program_id.unit_name", string="Club Unit"
    )
    club_point_value = fields.Float(
        related="club_program_id.point_value", string="Club Unit Value"
    )
    club_burn_cap_percent = fields.Float(
        related="club_program_id.burn_cap_percent", string="Club Spending Cap (%)"
    )
    club_unit_digits = fields.Integer(
        related="club_program_id.wallet_type_id.digits", string="Club Unit Digits"
    )
    club_pending_days = fields.Integer(
        related="club_program_id.pending_days", string="Club Pending Days"
    )
    club_receipt_message = fields.Text(
        related="club_program_id.receipt_message", string="Club Receipt Message"
    )
    club_receipt_card_qr = fields.Boolean(
        related="club_program_id.receipt_card_qr", string="Club Card QR on Receipts"
    )
    club_offline_burn_per_check = fields.Float(
        related="club_program_id.offline_burn_per_check",
        string="Club Offline Spend per Check",
    )
    club_offline_burn_per_day = fields.Float(
        related="club_program_id.offline_burn_per_day",
        string="Club Offline Spend per Day",
    )
    club_issue_card_threshold = fields.Monetary(
        related="club_program_id.issue_card_threshold",
        string="Club Card Offered from",
    )
    club_goods_rules = fields.Json(
        compute="_compute_club_goods_rules",
        help="The program's goods that earn nothing or are not paid with bonuses, "
        "as the till applies them while it cannot ask the club.",
    )
    club_consent_wording = fields.Text(
        translate=True,
        default=lambda self: self._club_default_consent_wording(),
        help="Shown to the customer before registering; stored with the consents.",
    )

    @api.depends(
        "club_program_id.no_earn_product_ids",
        "club_program_id.no_earn_categ_ids",
        "club_program_id.no_burn_product_ids",
        "club_program_id.no_burn_categ_ids",
        "club_program_id.discounted_no_earn",
        "club_program_id.discounted_no_burn",
    )
    def _compute_club_goods_rules(self):
        for config in self:
            program = config.club_program_id.sudo()
            config.club_goods_rules = program._pos_goods_rules() if program else {}

    @api.model
    def _club_default_consent_wording(self):
        return _(
            "I agree that the club processes my personal data to run my membership, "
            "and I choose below the channels it may use to send me offers."
        )

    # ---------------------------------------------------------------- currency
    # A till sells for the club in the club's currency only. The club's ledger,
    # its quotes and its accounting count in the program's currency, the
    # company's. The till hands the club its order amounts and the money paid
    # with bonuses and gift cards as they are, in the till's currency: a till in
    # another currency would earn, spend and issue gift cards at face value in
    # the wrong unit, and its session entries (converted by Odoo) would no
    # longer match the ledger. Until the till converts, such a till is refused.

    @api.constrains("club_program_id", "journal_id", "company_id")
    def _check_club_currency(self):
        for config in self:
            program = config.club_program_id
            if program and config.currency_id != program.currency_id:
                raise ValidationError(
                    self.env._(
                        "%(pos)s sells in %(currency)s while the club program "
                        "%(program)s counts in %(program_currency)s: a till works "
                        "for the club in the program's currency only.",
                        pos=config.name,
                        currency=config.currency_id.name,
                        program=program.name,
                        program_currency=program.currency_id.name,
                    )
                )

    # ------------------------------------------------------------------ access
    def _club_service(self):
        """The club service as superuser, once the caller is known to run this till."""
        self.ensure_one()
        if not self.env.user.has_group("point_of_sale.group_pos_user"):
            raise AccessError(_("Only point of sale users may serve club members."))
        self.check_access("read")
        if not self.club_program_id:
            raise UserError(_("No club program is set on %(pos)s.", pos=self.name))
        if self.current_session_state != "opened":
            raise UserError(
                _("Open a session of %(pos)s to serve club members.", pos=self.name)
            )
        return self.env["loyalty.club.service"].sudo()

    @staticmethod
    def _club_refusal(exc):
        """A business refusal the till shows as is (not an error of the request)."""
        return {"status": "error", "message": exc.args[0] if exc.args else str(exc)}

    # -------------------------------------------------------- POS entry points
    def club_identify(self, identifier, options=None):
        """Member summary for a typed or scanned card number, QR payload or phone,
        then the typed-cards limit of the cashier's shift.

        ``options``: ``scanned`` (read by the barcode scanner), ``employee_id``
        (the cashier with pos_hr) and ``override`` ({reason, employee_id}).
        """
        options = options if isinstance(options, dict) else {}
        summary = self._club_identify_summary(identifier)
        if summary.get("status") != "member":
            return summary
        return self._club_limits_identify(identifier, summary, options)

    def _club_identify_summary(self, identifier):
        """The service's member summary (or the refusal the till shows)."""
        service = self._club_service()
        try:
            gift = self._club_gift_card_record(identifier)
            if gift:
                info = service.gift_card_info(gift.code)
                raise UserError(
                    _(
                        "%(code)s is a gift card holding %(balance)s: take it as a "
                        "payment with the gift card method.",
                        code=gift.code,
                        balance=self._club_format_money(info["balance"]),
                    )
                )
            summary = service.identify(identifier, program_id=self.club_program_id.id)
        except (UserError, ValidationError) as exc:
            return self._club_refusal(exc)
        summary["point_value"] = self.club_program_id.point_value
        return summary

    def club_quote(self, payload):
        """Earn and spending cap of the order being rung up; records nothing.

        The till sends what the order pays with bonuses as money
        (``burn_money``: converted here into the program's units, as the sale's
        confirm converts it) and with gift cards (``gift_cards``: [{code,
        amount}]), so the earn quoted is the earn the sale records; the answer
        also says what stays on the member's balance and on each gift card.
        """
        service = self._club_service()
        payload = payload or {}
        clean = {
            "program_id": self.club_program_id.id,
            "store_id": self.club_store_id.id or False,
            "channel": "pos",
            "lines": payload.get("lines") or [],
            "burn": payload.get("burn") or 0,
        }
        for key in ("wallet_id", "identifier", "entry_method", "hold_id"):
            if payload.get(key):
                clean[key] = payload[key]
        codes = payload.get("coupon_codes")
        if codes and isinstance(codes, list):
            clean["coupon_codes"] = [str(code) for code in codes[:10]]
        try:
            if payload.get("burn_money"):
                clean["burn"] = self._club_burn_for_money(payload["burn_money"])
            quote = service.quote(clean)
            quote.update(self._club_quote_after(quote))
            quote["gift_cards_after"] = self._club_gift_cards_after(
                payload.get("gift_cards")
            )
        except (UserError, ValidationError) as exc:
            return self._club_refusal(exc)
        return quote

    def _club_burn_for_money(self, amount):
        """The bonuses (program units, as text; 0 for none) that pay ``amount``
        of money: the fewest worth at least that much. The till's quote and the
        synced sale's confirm both convert through here."""
        program = self.club_program_id
        money_minor = edge.parse_amount(
            self.env, amount, program.currency_id.decimal_places, _("Bonus payment")
        )
        points = program._policy().points_for_money(max(money_minor, 0))
        return str(program.from_minor(points)) if points else 0

    def _club_quote_after(self, quote):
        """The member's balance once the sale is booked: the bonuses spent
        leave it, the earn joins it unless it waits the program's pending days
        (then it is pending, and the till says so)."""
        program = self.club_program_id
        result = {"pending_days": program.pending_days}
        if quote.get("member") and "available" in quote:
            after = program.to_minor(quote["available"]) - program.to_minor(
                quote.get("burn") or 0
            )
            if program.pending_days <= 0:
                after += program.to_minor(quote.get("earn") or 0)
            result["available_after"] = float(program.from_minor(max(after, 0)))
        return result

    def _club_gift_cards_after(self, items):
        """[{code, amount, balance, remaining}]: each gift card the order pays
        with, what it holds now and what stays on it after this payment."""
        if not isinstance(items, list):
            return []
        digits = self.currency_id.decimal_places
        paid = {}
        for item in items[:10]:
            code = str((item or {}).get("code") or "").strip().upper()
            if code:
                paid[code] = paid.get(code, 0) + edge.parse_amount(
                    self.env, item.get("amount") or 0, digits, _("Gift-card payment")
                )
        service = self.env["loyalty.club.service"].sudo()
        result = []
        for code, amount in paid.items():
            try:
                balance = service.gift_card_info(code)["balance"]
            except (UserError, ValidationError):
                continue  # the till checked the card when it was offered
            remaining = edge.to_minor(balance, digits) - amount
            result.append(
                {
                    "code": code,
                    "amount": float(money.from_minor(amount, digits)),
                    "balance": balance,
                    "remaining": float(money.from_minor(remaining, digits)),
                }
            )
        return result

    def club_send_code(self, wallet_id, purpose="spend"):
        """Send the member a one-time code (after commit): ``spend`` confirms
        spending, ``verify_phone`` proves the phone given at registration."""
        service = self._club_service()
        try:
            return service.send_code(
                {
                    "program_id": self.club_program_id.id,
                    "wallet_id": int(wallet_id),
                    "purpose": "verify_phone" if purpose == "verify_phone" else "spend",
                    "channel": "pos",
                    "pos_config_id": self.id,
                }
            )
        except (UserError, ValidationError) as exc:
            return self._club_refusal(exc)

    def club_verify_phone(self, wallet_id, code):
        """The member's phone proved with the code they read out."""
        service = self._club_service()
        try:
            return service.verify_phone(
                {
                    "program_id": self.club_program_id.id,
                    "wallet_id": int(wallet_id),
                    "code": str(code or ""),
                }
            )
        except (UserError, ValidationError) as exc:
            return self._club_refusal(exc)

    def club_check_code(self, wallet_id, code):
        """Check the code the member named; the order carries the answer's token
        and the sale uses the code up when it is synced."""
        service = self._club_service()
        try:
            return service.check_code(
                {
                    "program_id": self.club_program_id.id,
                    "wallet_id": int(wallet_id),
                    "purpose": "spend",
                    "code": str(code or ""),
                }
            )
        except (UserError, ValidationError) as exc:
            return self._club_refusal(exc)

    def club_register(self, vals):
        """Register (or re-activate) a member at the till with the consents given."""
        service = self._club_service()
        vals = vals or {}
        consents = vals.get("consents") or {}
        if not consents.get("personal_data"):
            return self._club_refusal(
                UserError(
                    _("The customer must agree to the processing of personal data.")
                )
            )
        clean = {
            "name": (vals.get("name") or "").strip(),
            "phone": (vals.get("phone") or "").strip() or False,
            "email": (vals.get("email") or "").strip() or False,
            "card_number": (vals.get("card_number") or "").strip() or False,
            "store_id": self.club_store_id.id or False,
            "consents": {
                channel: bool(consents.get(channel)) for channel in CONSENT_CHANNELS
            },
            "consent_wording": self.club_consent_wording or "",
        }
        try:
            with self.env.cr.savepoint():
                summary = service.register_member(
                    clean, source="pos", program_id=self.club_program_id.id
                )
        except (UserError, ValidationError) as exc:
            return self._club_refusal(exc)
        summary["point_value"] = self.club_program_id.point_value
        summary["phone_check"] = self._club_phone_check(summary)
        return summary

    def club_replace_card(self, vals):
        """Replace the card of the member on the order (lost or damaged): a
        card from stock scanned or typed, or a new virtual card; the member's
        summary with the new card."""
        service = self._club_service()
        vals = vals if isinstance(vals, dict) else {}
        try:
            wallet_id = int(vals.get("wallet_id") or 0)
        except (TypeError, ValueError):
            wallet_id = 0
        wallet = self.env["loyalty.club.wallet"].sudo().browse(wallet_id).exists()
        if not wallet or wallet.program_id != self.club_program_id:
            return self._club_refusal(
                UserError(_("Identify the member whose card is replaced."))
            )
        try:
            with self.env.cr.savepoint():
                answer = service.replace_card(
                    wallet.partner_id.id,
                    vals.get("code") or "",
                    (vals.get("new_code") or "").strip() or None,
                    vals.get("reason") or "",
                    channel="pos",
                )
        except (UserError, ValidationError) as exc:
            return self._club_refusal(exc)
        card = (
            self.env["loyalty.club.card"]
            .sudo()
            .search([("code", "=", answer["new"]["code"])], limit=1)
        )
        return dict(answer, member=service._summary(wallet, card))

    def _club_phone_check(self, summary):
        """A code to prove the new member's phone, when the program asks for
        one and the phone is not proved yet: what the dialog shows next."""
        program = self.club_program_id
        partner = self.env["res.partner"].sudo().browse(summary.get("partner_id"))
        if not (
            program.code_verify_phone
            and partner.club_phone
            and partner.club_phone_verified != partner.club_phone
        ):
            return False
        sent = self.club_send_code(summary["wallet_id"], "verify_phone")
        if sent.get("status") == "error":
            # the member is registered all the same; the phone stays unproved
            return {"error": sent["message"]}
        return sent

    # ------------------------------------------------------------------ limits
    # How the member was identified, cards typed by hand per cashier and shift,
    # and a POS manager's override. The till says whether a card came through
    # the barcode scanner; the server derives the entry method (scan, typed, qr,
    # phone) from that and from what was read, counts the different cards this
    # cashier typed in the open session (orders synced with a typed card), and
    # asks the service whether one more goes over the program's limit. A
    # manager's override is checked here against Odoo's POS rights (the
    # logged-in user, or with pos_hr the employee acting as cashier, as Odoo's
    # own manager-only actions are) and again when the order is synced.

    def _club_limits_identify(self, identifier, summary, options):
        """The member's summary once the typed-cards limit is applied to it."""
        entry = self._club_entry_method(identifier, bool(options.get("scanned")))
        summary["entry_method"] = entry
        if entry not in ("typed", "phone"):
            # a typed phone counts as a card typed by hand: both skip the scan
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
        """Members whose card (or phone) this cashier typed by hand in the open
        session."""
        domain = [
            ("session_id", "=", self.current_session_id.id),
            ("club_entry_method", "in", ("typed", "phone")),
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

    # -------------------------------------------------------------- gift cards
    def _club_format_money(self, amount):
        return format_amount(self.env, amount, self.currency_id)

    def _club_card_code(self, identifier):
        """The card code typed, scanned or read from a QR payload ('' if none)."""
        try:
            kind, value = core_cards.parse_identifier(identifier or "")
        except core_errors.DomainError:
            return ""
        return value if kind in ("card", "code") else ""

    def _club_gift_card_record(self, identifier):
        """The gift card behind what the cashier typed or scanned, if it is one."""
        code = self._club_card_code(identifier)
        if not code:
            return self.env["loyalty.club.card"]
        return (
            self.env["loyalty.club.card"]
            .sudo()
            .search([("code", "=", code), ("kind", "=", "gift")], limit=1)
        )

    def club_gift_card_info(self, code):
        """Balance of a gift card offered as payment at this till."""
        service = self._club_service()
        card = self._club_gift_card_record(code)
        try:
            if card and card.program_id != self.club_program_id:
                raise UserError(
                    _(
                        "Gift card %(code)s belongs to another program.",
                        code=card.code,
                    )
                )
            info = service.gift_card_info(card.code or code)
            if info["state"] != "active":
                raise UserError(_("Gift card %(code)s is not active.", code=card.code))
            if info["balance"] <= 0:
                raise UserError(
                    _("Gift card %(code)s has no money left.", code=card.code)
                )
        except (UserError, ValidationError) as exc:
            return self._club_refusal(exc)
        return dict(info, status="gift_card")

    def club_gift_card_stock(self, code):
        """Check that a card scanned to be sold as a gift card is in stock."""
        self._club_service()
        number = self._club_card_code(code)
        card = (
            self.env["loyalty.club.card"]
            .sudo()
            .search([("code", "=", number)], limit=1)
            if number
            else self.env["loyalty.club.card"]
        )
        if not card:
            message = _("No club card %(code)s.", code=number or code)
        elif card.program_id != self.club_program_id:
            message = _("Card %(code)s belongs to another program.", code=card.code)
        elif card.state != "stock":
            message = _("Card %(code)s is not in stock.", code=card.code)
        else:
            return {"status": "stock", "code": card.code}
        return self._club_refusal(UserError(message))

    def club_gift_card_refund_check(self, line_ids):
        """Before a refund is paid: may the gift cards these sold lines issued be
        refunded (unused)? The club answers; the till only shows the refusal."""
        service = self._club_service()
        lines = (
            self.env["pos.order.line"]
            .sudo()
            .browse([int(line_id) for line_id in line_ids or []])
            .exists()
            .filtered(
                lambda line: line.product_id.club_gift_card
                and line.company_id == self.company_id
            )
        )
        try:
            for line in lines:
                if not line.club_gift_code:
                    continue
                refusal = service.gift_card_cancel_check(line.club_gift_code)
                if refusal:
                    raise UserError(refusal)
        except (UserError, ValidationError) as exc:
            return self._club_refusal(exc)
        return {"status": "ok"}

    # -------------------------------------------------------- special products
    @api.model
    def _get_special_products(self):
        """Every till loads the club gift card (sold with its button) and the
        promotion discount product (never in the grid)."""
        products = super()._get_special_products()
        for xml_id in (
            "loyalty_club_pos.product_club_gift_card",
            "loyalty_club_pos.product_club_promotion",
        ):
            product = self.env.ref(xml_id, raise_if_not_found=False)
            if product:
                products |= product
        return products

    # ---------------------------------------------------------------- partners
    # The contacts a club till loads when its session opens, bounded. Odoo picks
    # them by counting every past order of every contact (a scan of
    # ``res_partner`` and a GROUP BY over all of ``pos_order``): with a million
    # members, opening a session takes seconds. A club till looks members up on
    # demand (card, phone, QR), so it preloads only its recent customers, found
    # in the newest orders through the primary key, topped up with contacts by
    # name (Odoo's tie order) through the name index.

    def get_limited_partners_loading(self):
        if not self.club_program_id:
            return super().get_limited_partners_loading()
        company = self.company_id.id
        # the bound as a value, so that the plan is a range scan of the primary key
        last = self.env.execute_query(SQL("SELECT MAX(id) FROM pos_order"))[0][0] or 0
        recent = self._club_recent_customers(last, company)
        missing = LOADED_PARTNERS - len(recent)
        if missing <= 0:
            return recent
        named = self.env.execute_query(
            SQL(
                """
                SELECT id FROM res_partner
                 WHERE (company_id = %(company)s OR company_id IS NULL)
                   AND id != ALL(%(seen)s)
                 ORDER BY name
                 LIMIT %(limit)s
                """,
                company=company,
                seen=[row[0] for row in recent],
                limit=missing,
            )
        )
        return recent + named

    def _club_recent_customers(self, last, company):
        """[(partner id,)] of this till's latest customers, the latest first."""
        window = self.env.execute_query(
            SQL(
                """
                SELECT partner_id FROM pos_order
                 WHERE id > %(since)s AND config_id = %(config)s
                   AND partner_id IS NOT NULL
                 ORDER BY id DESC
                 LIMIT %(window)s
                """,
                since=last - RECENT_ORDERS,
                config=self.id,
                window=RECENT_WINDOW,
            )
        )
        latest = list(dict.fromkeys(row[0] for row in window))
        if len(latest) >= LOADED_PARTNERS or len(window) < RECENT_WINDOW:
            # the short window has enough customers, or holds every order
            mine = {
                row[0]
                for row in self.env.execute_query(
                    SQL(
                        "SELECT id FROM res_partner WHERE id = ANY(%(ids)s) "
                        "AND (company_id = %(company)s OR company_id IS NULL)",
                        ids=latest,
                        company=company,
                    )
                )
            }
            return [(pid,) for pid in latest if pid in mine][:LOADED_PARTNERS]
        return self.env.execute_query(
            SQL(
                """
                SELECT p.id
                  FROM (SELECT o.partner_id, MAX(o.id) AS last_order
                          FROM pos_order o
                         WHERE o.id > %(since)s AND o.config_id = %(config)s
                           AND o.partner_id IS NOT NULL
                         GROUP BY o.partner_id
                         ORDER BY last_order DESC
                         LIMIT %(limit)s) r
                  JOIN res_partner p ON p.id = r.partner_id
                 WHERE p.company_id = %(company)s OR p.company_id IS NULL
                 ORDER BY r.last_order DESC
                """,
                since=last - RECENT_ORDERS,
                config=self.id,
                company=company,
                limit=LOADED_PARTNERS,
            )
        )

    # -------------------------------------------------------------------- demo
    # A living chain, one till per club store, plus Odoo's furniture shop.

    @api.model
    def _club_demo_methods(self, company):
        PaymentMethod = self.env["pos.payment.method"]
        return PaymentMethod._club_ensure_bonus_method(
            company
        ) | PaymentMethod._club_ensure_gift_card_method(company)

    @api.model
    def _club_demo_setup(self):
        """Demo: the furniture shop serves the demo club and takes its methods."""
        config = self.env.ref("point_of_sale.pos_config_main", raise_if_not_found=False)
        program = self.env.ref("loyalty_club.program_demo", raise_if_not_found=False)
        if not config or not program or config.company_id != program.company_id:
            return False
        config.write(
            {
                "club_program_id": program.id,
                "club_store_id": self.env.ref("loyalty_club.store_center").id,
            }
        )
        if not config.has_active_session:
            self._club_demo_methods(config.company_id)._club_link_to(config)
        return True

    @api.model
    def _club_demo_chain(self):
        """Demo: a till per club store, with the club's methods and cash."""
        program = self.env.ref("loyalty_club.program_demo", raise_if_not_found=False)
        if not program:
            return False
        company = program.company_id
        Config = self.with_company(company)
        methods = self._club_demo_methods(company)
        journal = Config.env["account.journal"]._ensure_company_account_journal()
        for store_ref, config_ref in DEMO_TILLS:
            xml_id = f"loyalty_club_pos.{config_ref}"
            store = self.env.ref(f"loyalty_club.{store_ref}", raise_if_not_found=False)
            if not store or self.env.ref(xml_id, raise_if_not_found=False):
                continue
            cash = Config._create_cash_payment_method(
                {"name": f"Cash {store.code or store.name}", "show_on_dashboard": False}
            )
            config = Config.create(
                {
                    "name": store.name,
                    "company_id": company.id,
                    "journal_id": journal.id,
                    "payment_method_ids": [Command.set((cash | methods).ids)],
                    "club_program_id": program.id,
                    "club_store_id": store.id,
                }
            )
            self.env["ir.model.data"]._update_xmlids(
                [{"xml_id": xml_id, "record": config, "noupdate": True}]
            )
        return True
