"""What the till needs to settle a sales or web order with the club."""

from odoo import _, models
from odoo.exceptions import UserError, ValidationError


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
