/** @odoo-module */

/*
 * A sales or web order settled at the till ("Quotation/Order", "Settle the
 * order"): its member is set on the till's order, and the bonuses applied to
 * it (its "Club bonuses" line, held by the club for the order) become the
 * till's bonus payment, which captures the hold when the order is paid. Its
 * gift card lines stay on the order but are not goods: the club debits the
 * cards with the sale.
 */

import { PosStore } from "@point_of_sale/app/store/pos_store";
import { patch } from "@web/core/utils/patch";
import { _t } from "@web/core/l10n/translation";
import { clubErrorMessage } from "@loyalty_club_pos/club_utils";

patch(PosStore.prototype, {
    async settleSO(sale_order, orderFiscalPos) {
        const result = await super.settleSO(...arguments);
        if (this.isClubEnabled()) {
            await this.clubSettleSaleOrder(sale_order);
        }
        return result;
    },
    async clubSettleSaleOrder(saleOrder) {
        const order = this.get_order();
        let info;
        try {
            info = await this.clubCall("club_sale_order_settle", saleOrder.id);
        } catch (error) {
            this.notification.add(clubErrorMessage(error), {
                type: "warning",
                title: _t("Club bonuses of %s", saleOrder.name),
            });
            return;
        }
        // its gift card lines pay with those cards: not goods (the club
        // debits the cards with the till's sale)
        order.uiState.clubSaleGiftProducts = [
            ...(order.uiState.clubSaleGiftProducts || []),
            ...(info.gift_product_ids || []),
        ];
        for (const warning of info.gift_warnings || []) {
            this.notification.add(warning, {
                type: "warning",
                title: _t("Gift cards of %s", saleOrder.name),
            });
        }
        // the order's bonus line is paid with bonuses at the till instead
        for (const line of order.get_orderlines()) {
            if (
                line.sale_order_origin_id?.id === saleOrder.id &&
                line.product_id?.id === info.bonus_product_id
            ) {
                order.removeOrderline(line);
            }
        }
        if (info.status !== "member") {
            return;
        }
        await this.clubAttach(info.member, info.identifier, order);
        if (info.hold) {
            order.setClubHold(info.hold.id);
            order.uiState.clubSaleBonus = {
                holdId: info.hold.id,
                money: info.hold.money,
                added: false,
            };
            await this.clubRefreshQuote(order);
        }
    },
});
