/** @odoo-module */

import { PaymentScreen } from "@point_of_sale/app/screens/payment_screen/payment_screen";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { floatIsZero } from "@web/core/utils/numbers";
import { ClubPaymentInfo } from "@loyalty_club_pos/components/club_payment_info/club_payment_info";

const isBonus = (line) => line?.payment_method_id?.club_kind === "bonus";

patch(PaymentScreen, {
    components: { ...PaymentScreen.components, ClubPaymentInfo },
});

patch(PaymentScreen.prototype, {
    onMounted() {
        super.onMounted(...arguments);
        const order = this.currentOrder;
        if (order.getClubMember() && !order.getClubQuote()) {
            this.pos.clubRefreshQuote(order);
        }
        this.clubAddRefundLine();
    },

    // ------------------------------------------------------------- helpers
    get clubBonusMethod() {
        return this.payment_methods_from_config.find((method) => method.club_kind === "bonus");
    },
    clubFormat(amount) {
        return this.env.utils.formatCurrency(amount);
    },
    clubAlert(body) {
        this.dialog.add(AlertDialog, { title: _t("Club bonuses"), body });
    },
    /** [lowest, highest] money the bonus line may hold, given the other bonus lines. */
    clubBounds(line) {
        const order = this.currentOrder;
        const others = order.getClubBonusPaid() - (isBonus(line) ? line.get_amount() : 0);
        if (order.isClubRefund()) {
            return [-order.getClubRefundBonus() - others, 0];
        }
        return [0, order.getClubBurnLimit() - others];
    },
    /** Refunding an order paid with bonuses gives the bonus part back as bonuses. */
    clubAddRefundLine() {
        const order = this.currentOrder;
        const method = this.clubBonusMethod;
        const share = order.isClubRefund() ? order.getClubRefundBonus() : 0;
        if (!method || share <= 0 || order.payment_ids.some(isBonus)) {
            return;
        }
        const line = order.add_paymentline(method);
        if (line) {
            line.set_amount(-share);
            this.numberBuffer.reset();
        }
    },
    /** Keep a bonus line within the quote's burn_max; warn when the cashier typed more. */
    clubFitLine(line, warn) {
        const [low, high] = this.clubBounds(line);
        const amount = line.get_amount();
        const fitted = Math.min(Math.max(amount, low), Math.max(high, low));
        if (floatIsZero(fitted - amount, this.pos.currency.decimal_places)) {
            return;
        }
        line.set_amount(fitted);
        if (!warn) {
            this.numberBuffer.reset();
            return;
        }
        this.numberBuffer.set(fitted.toString());
        this.clubAlert(
            _t(
                "At most %s can be paid with club bonuses on this order.",
                this.clubFormat(Math.max(high, 0))
            )
        );
    },

    // ------------------------------------------------------------ overrides
    async addNewPaymentLine(paymentMethod) {
        const order = this.currentOrder;
        if (paymentMethod.club_kind === "bonus" && !order.isClubRefund()) {
            if (!order.getClubMember()) {
                this.clubAlert(
                    _t("Identify the club member first: bonuses are spent from their balance.")
                );
                return false;
            }
            if (this.clubBounds(null)[1] <= 0) {
                this.clubAlert(_t("No club bonuses can be spent on this order."));
                return false;
            }
        }
        const result = await super.addNewPaymentLine(...arguments);
        if (result && paymentMethod.club_kind === "bonus") {
            this.clubFitLine(this.selectedPaymentLine, false);
        }
        return result;
    },
    updateSelectedPaymentline() {
        super.updateSelectedPaymentline(...arguments);
        const line = this.selectedPaymentLine;
        if (isBonus(line)) {
            this.clubFitLine(line, true);
        }
    },
    async _isOrderValid(isForceValidate) {
        const order = this.currentOrder;
        const paid = order.getClubBonusPaid();
        if (!floatIsZero(paid, this.pos.currency.decimal_places) && !order.isClubRefund()) {
            if (!order.getClubMember()) {
                this.clubAlert(_t("Only a club member can pay with club bonuses."));
                return false;
            }
            const limit = order.getClubBurnLimit();
            if (paid - limit > 0.000001) {
                this.clubAlert(
                    _t(
                        "At most %s can be paid with club bonuses on this order.",
                        this.clubFormat(limit)
                    )
                );
                return false;
            }
        }
        return super._isOrderValid(...arguments);
    },
});
