"""The service sells club cards (a paid membership) for every channel.

``_sell_club_cards`` is called by each channel once the order is paid: the
till's club step (``loyalty_club_pos``), a paid sales order or web order
(``loyalty_club_sale``). Each unit of a club-card product is one card sold,
recorded as a ``loyalty.club.card.sale`` under the key ``<key>:<line>:<unit>``:
a second call with the same key answers what was sold (``replayed``) and sells
nothing more.

A physical card sold to nobody in particular waits in stock for its holder;
whoever registers it through the service (``register_member`` with its
number: the public page, a till, the back office) gets it with its tier.

``_refund_club_cards`` gives club cards back (the till's refund, a credit
note): once per refund key, the latest cards of the sale first.
"""

from odoo import api, models
from odoo.exceptions import UserError

from .. import edge
from ..domain import cards as core_cards


class LoyaltyClubService(models.AbstractModel):
    _inherit = "loyalty.club.service"

    @api.model
    def _sell_club_cards(
        self, partner, lines, channel, key, program=None, store_id=False, ref=None
    ):
        """Give ``partner`` (the buyer; empty for an anonymous sale) the club
        cards of ``lines``: ``[{"product_id": id or product, "qty": number,
        "code": number of a physical card or ""}]``. Lines of other products are
        left alone; a line of negative quantity (a refund) sells nothing.
        ``program``: the channel's program, for products that name none.
        Returns what each card sold gives, as ``_sale_dict`` (plus ``replayed``).
        """
        self._check_caller()
        key = key.strip() if isinstance(key, str) else ""
        if not key:
            raise UserError(self.env._("A club-card sale needs an idempotency key."))
        Sale = self.env["loyalty.club.card.sale"].sudo()
        partner = (partner or self.env["res.partner"]).sudo()
        today = edge.club_today(self)
        sold = []
        for index, line in enumerate(lines or []):
            product = self._club_card_product(line)
            if not product:
                continue
            qty = self._club_card_qty(line, product)
            code = (line.get("code") or "").strip()
            if code and qty > 1:
                raise UserError(
                    self.env._(
                        "A line with the physical card %(code)s sells that one card: "
                        "keep its quantity at 1.",
                        code=code,
                    )
                )
            for unit in range(qty):
                unit_key = f"{key}:{index}:{unit}"
                done = Sale.search([("key", "=", unit_key)], limit=1)
                if not done:
                    done = self._sell_club_card(
                        product,
                        partner,
                        code,
                        unit_key,
                        channel=channel or "backoffice",
                        program=program,
                        store_id=store_id,
                        ref=ref,
                        today=today,
                    )
                    sold.append(dict(done._sale_dict(), replayed=False))
                else:
                    sold.append(dict(done._sale_dict(), replayed=True))
        return sold

    @api.model
    def _refund_club_cards(self, key, lines, refund_key, ref=None):
        """Give back club cards sold under ``key`` (the sale's idempotency
        key): ``lines`` as for ``_sell_club_cards``, the quantity being the
        number of cards refunded (a negative one counts as positive). The
        latest cards of the product sold under ``key`` are refunded first (see
        ``loyalty.club.card.sale._refund``); never more than were sold. Once
        per ``refund_key``: a second call refunds nothing more. Returns the
        card sales this refund covers, as ``_sale_dict``."""
        self._check_caller()
        refund_key = refund_key.strip() if isinstance(refund_key, str) else ""
        if not key or not refund_key:
            raise UserError(
                self.env._("A club-card refund needs the sale's and its own key.")
            )
        Sale = self.env["loyalty.club.card.sale"].sudo()
        today = edge.club_today(self)
        covered = Sale
        for index, line in enumerate(lines or []):
            product = self._club_card_product(line)
            if not product:
                continue
            line = dict(line, qty=abs(float(line.get("qty", 1) or 0)))
            qty = self._club_card_qty(line, product)
            line_key = f"{refund_key}:{index}"
            sold = Sale.search(
                [("key", "=like", f"{key}:%"), ("product_id", "=", product.id)],
                order="id desc",
            ).filtered(lambda sale: sale.key.startswith(f"{key}:"))
            if sold:
                # two refunds of one sale at once: one after the other
                self.env.cr.execute(
                    "SELECT id FROM loyalty_club_card_sale WHERE id = ANY(%s) "
                    "ORDER BY id FOR UPDATE",
                    [sold.ids],
                    log_exceptions=False,
                )
                sold.invalidate_recordset(["state", "refund_key"])
            done = sold.filtered_domain([("refund_key", "=", line_key)])
            todo = sold.filtered(lambda sale: sale.state != "refunded")[
                : max(qty - len(done), 0)
            ]
            for sale in todo:
                sale._refund(line_key, today, ref=ref)
            covered |= done | todo
        return [sale._sale_dict() for sale in covered]

    def _club_card_product(self, line):
        """The club-card product of a line (a product.product or its id), or
        nothing for a line of another product."""
        product = line.get("product_id") if isinstance(line, dict) else None
        if isinstance(product, models.BaseModel):
            product = product.id
        try:
            product = int(product or 0)
        except (TypeError, ValueError) as exc:
            raise UserError(self.env._("A product must be given by its id.")) from exc
        product = self.env["product.product"].sudo().browse(product).exists()
        return product if product.club_card else product.browse()

    def _club_card_qty(self, line, product):
        """The whole number of cards a line sells (0 for a refund line)."""
        try:
            qty = float(line.get("qty", 1))
        except (TypeError, ValueError):
            qty = 0.5
        if qty <= 0:
            return 0
        if qty != int(qty):
            raise UserError(
                self.env._(
                    "%(product)s is sold by whole cards, not %(qty)s.",
                    product=product.display_name,
                    qty=line.get("qty"),
                )
            )
        return int(qty)

    def _sell_club_card(
        self, product, partner, code, key, channel, program, store_id, ref, today
    ):
        """One card sold: the card (from stock, or virtual), its row and, for a
        known buyer, the member's card and tier."""
        program = product.club_card_program_id or program or self._program({})
        program._check_running(today)
        tier = product.club_card_tier_id
        if tier and tier.program_id != program:
            raise UserError(
                self.env._(
                    "The tier %(tier)s is not a tier of the program %(program)s.",
                    tier=tier.name,
                    program=program.name,
                )
            )
        card = self._club_card_to_sell(code, program, partner)
        wallet = self.env["loyalty.club.wallet"]
        if partner:
            wallet = self._club_card_member(partner, program, store_id)
            wallet._lock()
        sale = (
            self.env["loyalty.club.card.sale"]
            .sudo()
            .create(
                {
                    "key": key,
                    "product_id": product.id,
                    "program_id": program.id,
                    "card_id": card.id,
                    "tier_id": tier.id or False,
                    "tier_months": product.club_card_tier_months if tier else 0,
                    "state": "waiting",
                    "channel": channel,
                    "store_id": int(store_id) if store_id else False,
                    "ref": ref or False,
                }
            )
        )
        if partner:
            if card.state == "stock":
                card.action_activate(partner, store_id=store_id, channel=channel)
            sale._give(partner, wallet, today)
            wallet._refresh_balances(today)
        card.message_post(
            body=self.env._(
                "Sold as %(product)s (%(channel)s, %(ref)s).",
                product=product.display_name,
                channel=channel,
                ref=ref or key,
            )
        )
        return sale

    def _club_card_member(self, partner, program, store_id):
        """The buyer's wallet in the program; a buyer who is not a member yet
        joins (without the welcome bonus of a registration)."""
        if partner.club_status == "blocked":
            raise UserError(
                self.env._("Member %(name)s is blocked.", name=partner.name)
            )
        if partner.club_status != "active":
            partner._club_join(partner.name, {"store_id": store_id}, program)
        return self.env["loyalty.club.wallet"]._ensure(partner, program)

    def _club_card_to_sell(self, code, program, partner):
        """The physical card ``code`` from stock (locked: two tills cannot sell
        it twice), or the buyer's virtual card (a new one when they have none)."""
        Card = self.env["loyalty.club.card"].sudo()
        if code:
            code = core_cards.normalize_code(code)
            card = Card.search([("code", "=", code)], limit=1)
            if not card or card.kind != "physical":
                raise UserError(self.env._("No club card %(code)s.", code=code))
            if card.program_id != program:
                raise UserError(
                    self.env._(
                        "Card %(code)s belongs to another program.", code=card.code
                    )
                )
            self.env.cr.execute(
                "SELECT id FROM loyalty_club_card WHERE id = %s FOR UPDATE",
                [card.id],
                log_exceptions=False,
            )
            card.invalidate_recordset(["state"])
            sold = (
                self.env["loyalty.club.card.sale"]
                .sudo()
                .search_count(
                    [("card_id", "=", card.id), ("state", "!=", "refunded")], limit=1
                )
            )
            if card.state != "stock" or sold:
                raise UserError(self.env._("Card %(code)s is not in stock.", code=code))
            return card
        if not partner:
            raise UserError(
                self.env._(
                    "A club card sold without a customer must be a physical card: "
                    "scan its number; its buyer registers it on the club's website."
                )
            )
        card = Card.search(
            [
                ("partner_id", "=", partner.id),
                ("program_id", "=", program.id),
                ("kind", "=", "virtual"),
                ("state", "=", "active"),
            ],
            limit=1,
        )
        return card or self._new_virtual_card(partner, program)

    # ======================================================= registration
    @api.model
    def register_member(
        self, vals, source="backoffice", program_id=None, welcome=True, partner=None
    ):
        """A card sold without a buyer, registered by its holder, is theirs
        with the tier it was sold with (from today)."""
        summary = super().register_member(
            vals,
            source=source,
            program_id=program_id,
            welcome=welcome,
            partner=partner,
        )
        if vals.get("card_number"):
            self._club_card_registered(vals["card_number"], summary)
        return summary

    def _club_card_registered(self, number, summary):
        code = core_cards.normalize_code(number)
        sale = (
            self.env["loyalty.club.card.sale"]
            .sudo()
            .search([("card_id.code", "=", code), ("state", "=", "waiting")], limit=1)
        )
        if not sale:
            return
        wallet = self.env["loyalty.club.wallet"].sudo().browse(summary["wallet_id"])
        wallet._lock()
        today = edge.club_today(self)
        sale._give(wallet.partner_id, wallet, today)
        summary["tier"] = wallet.tier_id.name or ""
        sale.card_id.message_post(
            body=self.env._(
                "Registered by its holder %(name)s: the card sold with %(ref)s is "
                "theirs.",
                name=wallet.partner_id.name,
                ref=sale.ref or sale.key,
            )
        )
