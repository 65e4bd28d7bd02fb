/** @odoo-module */

import { PaymentScreen } from "@point_of_sale/app/screens/payment_screen/payment_screen";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

patch(PaymentScreen.prototype, {
    async _isOrderValid(isForceValidate) {
        const problem = this.currentOrder.getClubCardProblem();
        if (problem) {
            this.dialog.add(AlertDialog, { title: _t("Club card"), body: problem });
            return false;
        }
        return super._isOrderValid(...arguments);
    },
});
