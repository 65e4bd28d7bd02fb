/** @odoo-module */

import { PaymentScreen } from "@point_of_sale/app/screens/payment_screen/payment_screen";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { floatIsZero } from "@web/core/utils/numbers";
import { clubErrorMessage, isClubGiftPayment, maskCode } from "@loyalty_club_pos/club_utils";
import { ClubGiftCardDialog } from "@loyalty_club_pos/components/club_gift_card_dialog/club_gift_card_dialog";

patch(PaymentScreen.prototype, {
    clubGiftAlert(body) {
        this.dialog.add(AlertDialog, { title: _t("Gift card"), body });
    },
    /** Keep a gift card line within what the card holds and what is due. */
    clubFitGiftLine(line, warn) {
        const order = this.currentOrder;
        const limit = order.getClubGiftLimit(line);
        const amount = line.get_amount();
        const fitted = Math.min(Math.max(amount, 0), limit);
        if (floatIsZero(fitted - amount, this.pos.currency.decimal_places)) {
            return;
        }
        line.set_amount(fitted);
        if (!warn) {
            this.numberBuffer.reset();
            return;
        }
        this.numberBuffer.set(fitted.toString());
        this.clubGiftAlert(
            _t("At most %(amount)s can be paid with gift card %(code)s on this order.", {
                amount: this.env.utils.formatCurrency(limit),
                code: maskCode(line.club_gift_code),
            })
        );
    },

    async addNewPaymentLine(paymentMethod) {
        if (paymentMethod.club_kind !== "gift_card") {
            return super.addNewPaymentLine(...arguments);
        }
        const order = this.currentOrder;
        if (order.get_due() <= 0 || order.getClubGoodsTotal() <= 0) {
            this.clubGiftAlert(
                _t(
                    "Nothing is left to pay with a gift card. Gift cards pay for goods, and their money is not given back at the till."
                )
            );
            return false;
        }
        const card = await makeAwaitable(this.dialog, ClubGiftCardDialog, { mode: "pay" });
        if (!card) {
            return false;
        }
        order.setClubGiftCard(card);
        const used = order
            .getClubGiftPayments()
            .filter((payment) => payment.club_gift_code === card.code)
            .reduce((sum, payment) => sum + payment.get_amount(), 0);
        if (card.balance - used <= 0) {
            this.clubGiftAlert(
                _t("Gift card %s has no money left for this order.", maskCode(card.code))
            );
            return false;
        }
        const result = await super.addNewPaymentLine(...arguments);
        const line = this.selectedPaymentLine;
        if (result && isClubGiftPayment(line)) {
            line.club_gift_code = card.code;
            this.clubFitGiftLine(line, false);
        }
        return result;
    },
    updateSelectedPaymentline() {
        super.updateSelectedPaymentline(...arguments);
        const line = this.selectedPaymentLine;
        if (isClubGiftPayment(line) && line.club_gift_code) {
            this.clubFitGiftLine(line, true);
        }
    },
    async _isOrderValid(isForceValidate) {
        const problem = this.currentOrder.getClubGiftProblem();
        if (problem) {
            this.clubGiftAlert(problem);
            return false;
        }
        // a gift card sold is refunded only if nobody used it: the club says so
        const sold = this.currentOrder.getClubGiftRefundedLines();
        if (sold.length) {
            try {
                await this.pos.clubCall(
                    "club_gift_card_refund_check",
                    sold.map((line) => line.id)
                );
            } catch (error) {
                this.clubGiftAlert(clubErrorMessage(error));
                return false;
            }
        }
        return super._isOrderValid(...arguments);
    },
});
