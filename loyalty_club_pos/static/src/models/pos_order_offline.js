/** @odoo-module */

/*
 * While the till cannot reach the club, a card spends at most the program's
 * offline limits (per check and per day), counted from what the till knows: its
 * own checks paid with bonuses offline. The order remembers it was paid offline
 * (club_offline) and the sync checks the limits again.
 */

import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { patch } from "@web/core/utils/patch";
import { floorMoney } from "@loyalty_club_pos/club_utils";

const day = (order) => String(order.date_order || "").slice(0, 10);

patch(PosOrder.prototype, {
    /** Bonus money other checks of this card spent offline today at this till. */
    getClubOfflineSpentToday(orders) {
        const wallet = this.getClubMember()?.wallet_id;
        return orders
            .filter(
                (order) =>
                    order !== this &&
                    order.club_offline &&
                    order.getClubMember?.()?.wallet_id === wallet &&
                    day(order) === day(this)
            )
            .reduce((sum, order) => sum + Math.max(order.getClubBonusPaid(), 0), 0);
    },
    /** Most bonus money this check may take offline (Infinity: no limit). */
    getClubOfflineLimit(orders) {
        const config = this.config;
        const pointValue = config.club_point_value || 1;
        const digits = this.currency.decimal_places;
        let limit = Infinity;
        if (config.club_offline_burn_per_check > 0) {
            limit = floorMoney(config.club_offline_burn_per_check * pointValue, digits);
        }
        if (config.club_offline_burn_per_day > 0) {
            const left =
                config.club_offline_burn_per_day * pointValue -
                this.getClubOfflineSpentToday(orders);
            limit = Math.min(limit, floorMoney(Math.max(left, 0), digits));
        }
        return limit;
    },
});
