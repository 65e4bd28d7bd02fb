/** @odoo-module */

import { PosStore } from "@point_of_sale/app/store/pos_store";
import { patch } from "@web/core/utils/patch";
import { _t } from "@web/core/l10n/translation";

patch(PosStore.prototype, {
    /** Each new quote brings the order's promotion lines in line with it. */
    async clubRefreshQuote(order) {
        await super.clubRefreshQuote(...arguments);
        order?.applyClubPromotions();
    },
    clubDetach(order) {
        super.clubDetach(...arguments);
        order.applyClubPromotions();
    },
    /**
     * Show a coupon code to the club: the quote says whether it is valid (and the
     * promotion it unlocks applies) or why not. Returns the refusal, or "".
     */
    async clubApplyCoupon(order, typed) {
        const code = (typed || "").trim().toUpperCase();
        const club = order.uiState.club;
        if (!code || !club?.member) {
            return "";
        }
        if (!order.addClubCoupon(code)) {
            return _t("Coupon %s is already on this order.", code);
        }
        await this.clubRefreshQuote(order);
        const report = (club.quote?.coupons || []).find((c) => c.code === code);
        if (report && !report.valid) {
            order.removeClubCoupon(code);
            await this.clubRefreshQuote(order);
            return report.reason || _t("Coupon %s is not valid.", code);
        }
        if (!club.quote && !club.error && !order.getClubQuoteLines().length) {
            return _t("Add the goods first: the coupon is checked with the order.");
        }
        return "";
    },
    async clubRemoveCoupon(order, code) {
        order.removeClubCoupon(code);
        await this.clubRefreshQuote(order);
    },
});
