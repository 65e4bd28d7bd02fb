/** @odoo-module */

import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { patch } from "@web/core/utils/patch";

patch(PosOrder.prototype, {
    /** A settled order's gift card lines pay for the goods: they are not goods. */
    getClubGoodsLines() {
        const gifts = this.uiState.clubSaleGiftProducts || [];
        return super
            .getClubGoodsLines(...arguments)
            .filter(
                (line) => !(line.sale_order_origin_id && gifts.includes(line.product_id?.id))
            );
    },
});
