/** @odoo-module */

import { PaymentScreen } from "@point_of_sale/app/screens/payment_screen/payment_screen";
import { TextInputPopup } from "@point_of_sale/app/utils/input_popups/text_input_popup";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { clubErrorMessage } from "@loyalty_club_pos/club_utils";

/* A member found by a typed phone spends bonuses only with the code the club sends
 * to that phone: the till asks the club to send it, the cashier types what the
 * member reads out, the club checks it and the order carries the proof (a token,
 * never the code); the club uses the code up when the order is synced. */
patch(PaymentScreen.prototype, {
    /** Does the bonus part of this order need the member's code? */
    clubNeedsCode(order) {
        const above = order.getClubQuote()?.code_above;
        if (above === null || above === undefined || order.isClubRefund()) {
            return false;
        }
        return order.getClubBonusPaid() - above > 0.000001 && !order.club_code_token;
    },
    clubCodeAlert(body) {
        this.dialog.add(AlertDialog, { title: _t("Member's code"), body });
    },
    async _isOrderValid(isForceValidate) {
        const order = this.currentOrder;
        if (this.clubNeedsCode(order)) {
            if (this.pos.data.network?.offline) {
                this.clubCodeAlert(
                    _t(
                        "The member was found by a phone number: spending bonuses needs the code sent to that phone, and the till is offline. Scan the member's card or take another payment."
                    )
                );
                return false;
            }
            const walletId = order.getClubMember().wallet_id;
            try {
                if (!order.uiState.clubCodeSent) {
                    const sent = await this.pos.clubCall("club_send_code", walletId);
                    order.uiState.clubCodeSent = sent.phone;
                }
                const code = await makeAwaitable(this.dialog, TextInputPopup, {
                    title: _t("Code sent to %s", order.uiState.clubCodeSent),
                    placeholder: _t("The code the member reads out"),
                });
                if (!code?.trim()) {
                    return false;
                }
                const checked = await this.pos.clubCall("club_check_code", walletId, code.trim());
                order.club_code_token = checked.token;
            } catch (error) {
                this.clubCodeAlert(clubErrorMessage(error));
                return false;
            }
        }
        return super._isOrderValid(...arguments);
    },
});
