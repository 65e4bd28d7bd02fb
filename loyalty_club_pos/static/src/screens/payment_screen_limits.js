/** @odoo-module */

import { PaymentScreen } from "@point_of_sale/app/screens/payment_screen/payment_screen";
import { TextInputPopup } from "@point_of_sale/app/utils/input_popups/text_input_popup";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

patch(PaymentScreen.prototype, {
    /** A club limit in block mode (from the server's quote) stops the sale unless a
     * manager cashier overrides it with a reason; the server checks the rights again. */
    async _isOrderValid(isForceValidate) {
        const order = this.currentOrder;
        const blocking = order.getClubBlockingLimits();
        if (blocking.length) {
            const message = blocking.map((hit) => hit.message).join(" ");
            if (!this.pos.clubCashierIsManager()) {
                this.dialog.add(AlertDialog, {
                    title: _t("Club limit"),
                    body: _t("%s Only a manager can override this limit.", message),
                });
                return false;
            }
            const reason = await makeAwaitable(this.dialog, TextInputPopup, {
                title: _t("Override the club limit"),
                placeholder: _t("Reason for the override"),
            });
            if (!reason?.trim()) {
                return false;
            }
            order.club_override_reason = reason.trim();
            order.club_override_employee_id = this.pos.clubEmployeeId() || 0;
        }
        return super._isOrderValid(...arguments);
    },
});
