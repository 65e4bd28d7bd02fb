/** @odoo-module */

import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { patch } from "@web/core/utils/patch";

patch(PosOrder.prototype, {
    clearClubMember() {
        super.clearClubMember(...arguments);
        this.club_entry_method = false;
        this.club_override_reason = false;
        this.club_override_employee_id = 0;
        this.club_code_token = false;
        delete this.uiState.clubCodeSent;
    },
    /** The quote's limits that refuse this sale unless a manager overrides them. */
    getClubBlockingLimits() {
        const limits = this.getClubQuote()?.limits || [];
        return this.club_override_reason ? [] : limits.filter((hit) => hit.mode === "block");
    },
});
