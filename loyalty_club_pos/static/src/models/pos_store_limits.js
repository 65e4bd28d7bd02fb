/** @odoo-module */

import { PosStore } from "@point_of_sale/app/store/pos_store";
import { patch } from "@web/core/utils/patch";
import { _t } from "@web/core/l10n/translation";

/* The club's limits at the till: the server counts and decides; the till says how
 * the card was read, shows the warnings and lets a manager cashier override. */
patch(PosStore.prototype, {
    /** The employee acting as cashier (pos_hr), or false: the logged-in user is. */
    clubEmployeeId() {
        return this.config.module_pos_hr ? this.get_cashier()?.id || false : false;
    },
    /** Odoo's manager rights of the cashier, as pos_hr gates its manager-only actions. */
    clubCashierIsManager() {
        const cashier = this.get_cashier();
        return cashier?._role === "manager" || cashier?.role === "manager";
    },
    clubIdentifyOptions({ scanned = false, override = null } = {}) {
        const employeeId = this.clubEmployeeId();
        const options = { scanned, employee_id: employeeId };
        if (override) {
            options.override = { ...override, employee_id: employeeId };
        }
        return options;
    },
    async clubAttach(summary, identifier, order = this.get_order()) {
        await super.clubAttach(summary, identifier, order);
        order.club_entry_method = summary.entry_method || false;
        order.club_override_reason = summary.override?.reason || false;
        order.club_override_employee_id = summary.override ? this.clubEmployeeId() || 0 : 0;
        for (const hit of summary.limits || []) {
            if (hit.mode === "warn") {
                this.notification.add(hit.message, { type: "warning", title: _t("Club limit") });
            }
        }
    },
});
