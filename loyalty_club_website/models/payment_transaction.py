from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _post_process(self):
        """A web order earns once it is paid: when its payment is done (not
        merely authorized) and has confirmed it, the club books it."""
        res = super()._post_process()
        self.filtered(lambda tx: tx.state == "done").sale_order_ids._club_website_book()
        return res
