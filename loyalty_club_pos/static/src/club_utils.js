/** @odoo-module */

import { _t } from "@web/core/l10n/translation";
import { formatFloat } from "@web/core/utils/numbers";

/** A refusal of the club (unknown card, no consent...): shown to the cashier as is. */
export class ClubRefusal extends Error {
    constructor(message, details = {}) {
        super(message);
        // details: what the server said besides the message (e.g. a limit a manager may override)
        this.data = { ...details, message };
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

/** A card number on a receipt: the last four characters only. */
export function maskCode(code) {
    const text = code || "";
    return text.length > 4 ? "*".repeat(text.length - 4) + text.slice(-4) : text;
}

/** Lines selling a club gift card (not their refunds). */
export function isClubGiftSale(line) {
    return Boolean(line?.product_id?.club_gift_card && !line.refunded_orderline_id);
}

/** Lines selling a club card, a paid membership (not their refunds). */
export function isClubCardSale(line) {
    return Boolean(line?.product_id?.club_card && !line.refunded_orderline_id);
}

/** Payment lines taking a club gift card. */
export function isClubGiftPayment(payment) {
    return payment?.payment_method_id?.club_kind === "gift_card";
}

/** Bonus units in the user's number format, with the unit's name ("1,960.13 bonus"). */
export function formatClubUnits(value, digits, unit = "") {
    const places = Number.isInteger(digits) ? digits : 2;
    const text = formatFloat(value || 0, { digits: [false, places] });
    return unit ? `${text} ${unit}` : text;
}

/** What the earn waits for before it can be spent ("" when it is spendable at once). */
export function clubPendingNote(days) {
    return days > 0 ? _t("(pending %s days)", days) : "";
}
