/** @odoo-module */

import { PaymentScreen } from "@point_of_sale/app/screens/payment_screen/payment_screen";
import { patch } from "@web/core/utils/patch";
import { _t } from "@web/core/l10n/translation";

const isBonus = (line) => line?.payment_method_id?.club_kind === "bonus";

/* Offline, the bonus line is also held within the program's offline limits. */
patch(PaymentScreen.prototype, {
    clubOffline() {
        return Boolean(this.pos.data.network?.offline);
    },
    clubBounds(line) {
        const [low, high] = super.clubBounds(...arguments);
        const order = this.currentOrder;
        if (!this.clubOffline() || order.isClubRefund() || !order.getClubMember()) {
            return [low, high];
        }
        const others = order.getClubBonusPaid() - (isBonus(line) ? line.get_amount() : 0);
        const limit = order.getClubOfflineLimit(this.pos.models["pos.order"].getAll());
        return [low, Math.min(high, limit - others)];
    },
    async _isOrderValid(isForceValidate) {
        const order = this.currentOrder;
        const paid = order.getClubBonusPaid();
        if (this.clubOffline() && paid > 0 && !order.isClubRefund() && order.getClubMember()) {
            const limit = order.getClubOfflineLimit(this.pos.models["pos.order"].getAll());
            if (paid - limit > 0.000001) {
                this.clubAlert(
                    _t(
                        "The till is offline: at most %s can be paid with club bonuses on this order.",
                        this.clubFormat(Math.max(limit, 0))
                    )
                );
                return false;
            }
            order.club_offline = true;
        }
        return super._isOrderValid(...arguments);
    },
});
