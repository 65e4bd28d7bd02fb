/** @odoo-module */

import { OrderSummary } from "@point_of_sale/app/screens/product_screen/order_summary/order_summary";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { isClubPromoLine } from "@loyalty_club_pos/models/pos_order_promo";

patch(OrderSummary.prototype, {
    /** A club promotion line follows the club's quote: the numpad leaves it alone. */
    _setValue(val) {
        const line = this.currentOrder.get_selected_orderline();
        if (isClubPromoLine(line)) {
            this.numberBuffer.reset();
            this.dialog.add(AlertDialog, {
                title: _t("Club promotion"),
                body: _t(
                    "This discount comes from the club and follows the order: change the goods, remove the coupon in the member panel or the member instead."
                ),
            });
            return;
        }
        return super._setValue(...arguments);
    },
});
