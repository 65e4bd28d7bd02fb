/** @odoo-module */

import { _t } from "@web/core/l10n/translation";

/** A refusal of the club (unknown card, no consent...): shown to the cashier as is. */
export class ClubRefusal extends Error {
    constructor(message) {
        super(message);
        this.data = { message };
    }
}

/** The sentence to show the cashier for a failed club call. */
export function clubErrorMessage(error) {
    return (
        error?.data?.message ||
        _t("The club cannot be reached; check the connection and try again.")
    );
}

/** Floor a money amount to the currency's decimals (a cap is never rounded up). */
export function floorMoney(amount, digits) {
    const factor = 10 ** digits;
    return Math.floor(amount * factor + 1e-6) / factor;
}
