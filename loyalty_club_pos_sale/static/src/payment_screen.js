/** @odoo-module */

import { PaymentScreen } from "@point_of_sale/app/screens/payment_screen/payment_screen";
import { patch } from "@web/core/utils/patch";

patch(PaymentScreen.prototype, {
    onMounted() {
        super.onMounted(...arguments);
        this.clubAddSaleBonusLine();
    },
    /** The bonuses a settled sales order had applied: paid with the bonus method
     * (once; the cashier may change or remove the line). */
    clubAddSaleBonusLine() {
        const order = this.currentOrder;
        const sale = order.uiState.clubSaleBonus;
        const method = this.clubBonusMethod;
        if (!sale || sale.added || !method || order.getClubHoldId() !== sale.holdId) {
            return;
        }
        sale.added = true;
        if (order.payment_ids.some((p) => p.payment_method_id?.club_kind === "bonus")) {
            return;
        }
        const line = order.add_paymentline(method);
        if (line) {
            line.set_amount(sale.money);
            this.clubFitLine(line, false);
            this.numberBuffer.reset();
        }
    },
});
