"""What the till needs to settle a sales or web order with the club."""

from odoo import _, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_amount


class PosConfig(models.Model):
    _inherit = "pos.config"

    def club_sale_order_settle(self, sale_order_id):
        """The member of the sales order ``sale_order_id`` (their summary, as
        ``club_identify`` answers it), the hold of the bonuses applied to the
        order (``{id, amount, money}``) and the product of its bonus line,
        which the till turns into its bonus payment."""
        service = self._club_service()
        try:
            order = self.env["sale.order"].browse(int(sale_order_id)).exists()
        except (TypeError, ValueError):
            order = self.env["sale.order"]
        if not order or order.company_id != self.company_id:
            return self._club_refusal(UserError(_("This sales order was not found.")))
        # the cashier settles orders they may read (pos_sale asks the same)
        order.check_access("read")
        order = order.sudo()
        answer = {
            "status": "none",
            "bonus_product_id": order._club_bonus_product().id,
        }
        answer.update(self._club_sale_order_gift_cards(order))
        program = self.club_program_id
        wallet = order._club_wallet()
        if not program or not wallet or wallet.program_id != program:
            return answer
        try:
            summary = service._summary(wallet)
        except (UserError, ValidationError) as exc:
            return self._club_refusal(exc)
        summary["point_value"] = program.point_value
        answer.update(
            status="member",
            member=summary,
            identifier=summary.get("card") or summary.get("phone") or "",
        )
        hold = order._club_open_hold()
        if hold:
            answer["hold"] = {
                "id": hold.id,
                "order_ref": hold.order_ref,
                "amount": float(program.from_minor(hold.amount_minor)),
                "money": order.club_bonus_money,
            }
        return answer

    def _club_sale_order_gift_cards(self, order):
        """``gift_product_ids`` and ``gift_warnings`` of the settle answer."""
        lines = order.order_line.filtered("club_gift_card_code")
        warnings = []
        service = self._club_service()
        for line in lines:
            code = line.club_gift_card_code
            amount = -line.price_total
            try:
                balance = service.gift_card_info(code)["balance"]
            except (UserError, ValidationError) as exc:
                warnings.append(exc.args[0] if exc.args else str(exc))
                continue
            if order.currency_id.compare_amounts(balance, amount) < 0:
                warnings.append(
                    _(
                        "Gift card %(code)s pays %(amount)s of %(order)s but holds "
                        "%(balance)s now: take the rest another way, or the order "
                        "goes to review.",
                        code=code,
                        amount=format_amount(self.env, amount, order.currency_id),
                        order=order.name,
                        balance=format_amount(self.env, balance, order.currency_id),
                    )
                )
        return {"gift_product_ids": lines.product_id.ids, "gift_warnings": warnings}
