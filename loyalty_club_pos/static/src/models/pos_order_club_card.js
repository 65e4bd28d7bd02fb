/** @odoo-module */

/*
 * Club cards sold at the till (a paid membership): the club gives the card to
 * the order's member or customer once the order is paid; a physical card
 * scanned on its line may be sold to nobody in particular (its buyer registers
 * it on the club's website).
 */

import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { PosOrderline } from "@point_of_sale/app/models/pos_order_line";
import { patch } from "@web/core/utils/patch";
import { _t } from "@web/core/l10n/translation";
import { isClubCardSale } from "@loyalty_club_pos/club_utils";

patch(PosOrder.prototype, {
    /** Why the till must not take the payment of this order's club cards, or "". */
    getClubCardProblem() {
        const sold = this.get_orderlines().filter(isClubCardSale);
        const buyer = this.getClubMember() || this.get_partner();
        if (sold.some((line) => !line.club_card_code) && !buyer) {
            return _t(
                "A club card is sold to a customer: choose the customer (or identify the member) before the payment, or scan the number of a physical card on its line for its buyer to register it on the club's website."
            );
        }
        if (sold.some((line) => line.club_card_code && line.get_quantity() !== 1)) {
            return _t("A line with a physical club card sells that one card: keep its quantity at 1.");
        }
        const codes = sold.map((line) => line.club_card_code).filter(Boolean);
        if (new Set(codes).size !== codes.length) {
            return _t("The same club card is sold twice on this order.");
        }
        return "";
    },
});

patch(PosOrderline.prototype, {
    /** A physical club card is its own line. */
    can_be_merged_with(orderline) {
        if (this.club_card_code || orderline.club_card_code) {
            return false;
        }
        return super.can_be_merged_with(...arguments);
    },
    getDisplayData() {
        const data = super.getDisplayData(...arguments);
        if (this.club_card_code) {
            data.customerNote = [data.customerNote, _t("Club card %s", this.club_card_code)]
                .filter(Boolean)
                .join(" ");
        }
        return data;
    },
});
