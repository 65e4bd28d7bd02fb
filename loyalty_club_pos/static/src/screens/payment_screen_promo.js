/** @odoo-module */

import { PaymentScreen } from "@point_of_sale/app/screens/payment_screen/payment_screen";
import { patch } from "@web/core/utils/patch";

patch(PaymentScreen.prototype, {
    /**
     * Validated before the quote came back: ask for it first, so the promotions
     * the club grants are on the order (and the amount due follows them).
     */
    async _isOrderValid(isForceValidate) {
        const order = this.currentOrder;
        if (order.getClubMember() && !order.isClubRefund() && !order.getClubQuote()) {
            await this.pos.clubRefreshQuote(order);
        }
        return super._isOrderValid(...arguments);
    },
});
