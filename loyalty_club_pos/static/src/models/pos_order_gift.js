/** @odoo-module */

import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { patch } from "@web/core/utils/patch";
import { _t } from "@web/core/l10n/translation";
import { deserializeDate, formatDate } from "@web/core/l10n/dates";
import { formatCurrency } from "@point_of_sale/app/models/utils/currency";
import { floorMoney, isClubGiftPayment, isClubGiftSale, maskCode } from "@loyalty_club_pos/club_utils";

patch(PosOrder.prototype, {
    setup() {
        super.setup(...arguments);
        // {code: {code, balance, expires_on}} of the gift cards offered as payment
        this.uiState.clubGiftCards = this.uiState.clubGiftCards || {};
    },

    // ------------------------------------------------------------- the goods
    /** Lines the club earns and spends on: no refunds, no gift or club cards sold. */
    getClubGoodsLines() {
        return this.get_orderlines().filter(
            (line) =>
                !line.refunded_orderline_id &&
                !line.product_id?.club_gift_card &&
                !line.product_id?.club_card
        );
    },
    getClubGoodsTotal() {
        return this.get_total_with_tax_of_lines(this.getClubGoodsLines());
    },

    // ------------------------------------------------------ gift card payments
    setClubGiftCard(info) {
        this.uiState.clubGiftCards[info.code] = info;
    },
    getClubGiftCard(code) {
        return this.uiState.clubGiftCards[code] || null;
    },
    getClubGiftPayments(except = null) {
        return this.payment_ids.filter(
            (payment) => isClubGiftPayment(payment) && payment !== except
        );
    },
    /** Most money this gift card payment line may hold. */
    getClubGiftLimit(line) {
        const digits = this.currency.decimal_places;
        const card = this.getClubGiftCard(line.club_gift_code);
        const others = this.getClubGiftPayments(line);
        const sameCard = others
            .filter((payment) => payment.club_gift_code === line.club_gift_code)
            .reduce((sum, payment) => sum + payment.get_amount(), 0);
        const allCards = others.reduce((sum, payment) => sum + payment.get_amount(), 0);
        return floorMoney(
            Math.max(
                Math.min(
                    (card?.balance || 0) - sameCard,
                    this.getClubGoodsTotal() - allCards,
                    this.get_due(line)
                ),
                0
            ),
            digits
        );
    },
    /** Why the till must not validate this order as it stands, or "". */
    getClubGiftProblem() {
        const lines = this.get_orderlines();
        const sold = lines.filter(isClubGiftSale);
        if (sold.some((line) => line.get_quantity() !== 1 || line.get_price_with_tax() <= 0)) {
            return _t("A gift card line sells one card: keep its quantity at 1 and its price above zero.");
        }
        const codes = sold.map((line) => line.club_gift_code).filter(Boolean);
        if (new Set(codes).size !== codes.length) {
            return _t("The same gift card is sold twice on this order.");
        }
        for (const payment of this.getClubGiftPayments()) {
            if (!payment.club_gift_code || !this.getClubGiftCard(payment.club_gift_code)) {
                return _t("A gift card payment has no card: remove the line and add it again.");
            }
            if (payment.get_amount() < 0) {
                return _t("Gift card money cannot be given back at the till: use another payment method.");
            }
            if (payment.get_amount() - this.getClubGiftLimit(payment) > 0.000001) {
                return _t(
                    "At most %(amount)s can be paid with gift card %(code)s on this order.",
                    {
                        amount: formatCurrency(this.getClubGiftLimit(payment), this.currency),
                        code: maskCode(payment.club_gift_code),
                    }
                );
            }
        }
        return "";
    },

    /** Sold lines of gift cards this refund gives back (the club must agree). */
    getClubGiftRefundedLines() {
        return this.get_orderlines()
            .map((line) => line.refunded_orderline_id)
            .filter((sold) => sold?.product_id?.club_gift_card);
    },

    // ---------------------------------------------------------------- receipt
    getClubGiftReceiptData() {
        const synced = typeof this.id === "number";
        const sold = this.get_orderlines()
            .filter(isClubGiftSale)
            .map((line) => ({
                code: line.club_gift_code || "",
                amount: line.get_price_with_tax(),
                expires: line.club_gift_expires_on
                    ? formatDate(deserializeDate(line.club_gift_expires_on))
                    : "",
            }));
        const paid = this.getClubGiftPayments().map((payment) => ({
            code: maskCode(payment.club_gift_code),
            amount: payment.get_amount(),
            balance: payment.club_gift_balance || 0,
        }));
        return { synced, sold, paid };
    },
});
