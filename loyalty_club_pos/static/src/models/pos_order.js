/** @odoo-module */

import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { patch } from "@web/core/utils/patch";
import { roundPrecision } from "@web/core/utils/numbers";
import { clubPendingNote, floorMoney, formatClubUnits } from "@loyalty_club_pos/club_utils";
import { qrCodeSrc } from "@point_of_sale/utils";


patch(PosOrder.prototype, {
    setup() {
        super.setup(...arguments);
        // {member, quote, quoteKey, loading, error}: kept in uiState so it survives a reload
        this.uiState.club = this.uiState.club || null;
    },

    // ---------------------------------------------------------------- member
    getClubMember() {
        return this.uiState.club?.member || null;
    },
    setClubMember(member, identifier) {
        this.uiState.club = { member, quote: null, quoteKey: "", loading: false, error: "" };
        this.club_identifier = identifier || member.card || member.phone || "";
    },
    clearClubMember() {
        this.uiState.club = null;
        this.club_identifier = false;
    },

    // ----------------------------------------------------------------- quote
    getClubQuoteLines() {
        const rounding = this.currency.rounding;
        return this.getClubGoodsLines().map((line) => ({
            key: line.uuid,
            amount: roundPrecision(line.get_price_with_tax(), rounding),
            // a program may keep discounted lines from earning or from bonuses
            discount: line.get_discount() || 0,
        }));
    },
    /** Changes whenever the server quote of this order would change. */
    getClubQuoteKey() {
        const member = this.getClubMember();
        if (!member) {
            return "";
        }
        const lines = this.getClubQuoteLines().map((line) => [line.key, line.amount]);
        return JSON.stringify([member.wallet_id, lines, this.getClubHoldId()]);
    },
    /** The hold of a web order collected with this order: its bonuses are the
     * order's to spend (the sale captures them). */
    getClubHoldId() {
        return this.uiState.club?.holdId || false;
    },
    setClubHold(holdId) {
        if (this.uiState.club) {
            this.uiState.club.holdId = holdId || false;
        }
    },
    /** The quote of the goods as they are (its cap, promotions and limits). */
    getClubQuote() {
        const club = this.uiState.club;
        return club?.quote && club.quoteKey === this.getClubQuoteKey() ? club.quote : null;
    },
    /**
     * What the order pays with bonuses (money: the server converts it into the
     * program's units) and with each gift card, as the club's quote takes it.
     */
    getClubQuotePayment() {
        const rounding = this.currency.rounding;
        const cards = new Map();
        for (const payment of this.getClubGiftPayments()) {
            if (payment.club_gift_code && payment.get_amount() > 0) {
                const code = payment.club_gift_code;
                cards.set(code, (cards.get(code) || 0) + payment.get_amount());
            }
        }
        return {
            // an exchange spends nothing: its refunded part gives the bonuses back
            burn_money: this.isClubRefund()
                ? 0
                : Math.max(roundPrecision(this.getClubBonusPaid(), rounding), 0),
            gift_cards: [...cards].map(([code, amount]) => ({
                code,
                amount: roundPrecision(amount, rounding),
            })),
        };
    },
    /** Changes whenever what the order pays with bonuses or gift cards changes. */
    getClubPaymentKey() {
        return this.getClubMember() ? JSON.stringify(this.getClubQuotePayment()) : "";
    },
    /**
     * The quote of the goods and of the payment as they are: its earn is the
     * earn the sale records once synced (null while the club is asked again).
     */
    getClubPaidQuote() {
        const quote = this.getClubQuote();
        return quote && this.uiState.club.paymentKey === this.getClubPaymentKey() ? quote : null;
    },

    // -------------------------------------------------------------- payments
    getClubBonusPaid() {
        return this.payment_ids
            .filter((payment) => payment.payment_method_id?.club_kind === "bonus")
            .reduce((sum, payment) => sum + payment.get_amount(), 0);
    },
    /** Most money the bonus payment lines may take on this sale. */
    getClubBurnLimit() {
        const member = this.getClubMember();
        const total = Math.min(this.get_total_with_tax(), this.getClubGoodsTotal());
        if (!member || total <= 0) {
            return 0;
        }
        const digits = this.currency.decimal_places;
        const quote = this.getClubQuote();
        if (quote) {
            return Math.min(quote.burn_max_money, total);
        }
        // offline, or the quote is on its way: the balance the till knows and the cap
        // of the lines bonuses may pay for
        const payable = this.getClubGoodsLines()
            .filter((line) => line.getClubLineRules().payable)
            .reduce((sum, line) => sum + line.get_price_with_tax(), 0);
        const pointValue = this.config.club_point_value || 1;
        const cap = floorMoney(
            (Math.min(total, payable) * (this.config.club_burn_cap_percent || 0)) / 100,
            digits
        );
        return Math.min(floorMoney(member.available * pointValue, digits), cap);
    },
    /** Does this purchase of a customer without a card reach the program's
     * threshold for offering one? */
    isClubCardOffered() {
        const threshold = this.config.club_issue_card_threshold || 0;
        return (
            threshold > 0 &&
            !this.getClubMember() &&
            !this.isClubRefund() &&
            this.getClubGoodsTotal() >= threshold
        );
    },
    isClubRefund() {
        return this.get_orderlines().some((line) => line.refunded_orderline_id);
    },
    /** Money a refund gives back through the bonus method: the refunded share of the spend. */
    getClubRefundBonus() {
        const refundedByOrder = new Map();
        for (const line of this.get_orderlines()) {
            const original = line.refunded_orderline_id?.order_id;
            if (original) {
                const refunded = refundedByOrder.get(original) || 0;
                refundedByOrder.set(original, refunded - line.get_price_with_tax());
            }
        }
        const pointValue = this.config.club_point_value || 1;
        let share = 0;
        for (const [original, refunded] of refundedByOrder) {
            const spentMoney = (original.club_spent || 0) * pointValue;
            if (spentMoney > 0 && original.amount_total > 0) {
                share += (refunded * spentMoney) / original.amount_total;
            }
        }
        return roundPrecision(share, this.currency.rounding);
    },

    // ------------------------------------------------------------ sync/print
    serialize() {
        const data = super.serialize(...arguments);
        const member = this.getClubMember();
        if (member) {
            data.club_wallet_id = member.wallet_id;
            data.club_hold_id = this.getClubHoldId();
        } else if (!this.finalized) {
            data.club_wallet_id = false;
            data.club_hold_id = false;
        }
        return data;
    },
    getClubReceiptData() {
        const member = this.getClubMember();
        const synced = Boolean(this.raw?.club_transaction_id);
        const gift = this.getClubGiftReceiptData();
        if (!member && !synced && !this.club_review && !gift.sold.length && !gift.paid.length) {
            return null;
        }
        const unit = this.config.club_unit_name || "";
        const units = (value) => formatClubUnits(value, this.config.club_unit_digits, unit);
        const earned = this.club_earned || 0;
        const spent = this.club_spent || 0;
        const balance = this.club_balance || 0;
        return {
            member: Boolean(member || this.raw?.club_wallet_id),
            gift,
            name: member?.name || "",
            unit,
            synced,
            earned,
            spent,
            balance,
            // in the user's number format, with the unit's name
            earnedText: units(earned),
            spentText: units(spent),
            balanceText: units(balance),
            earnedPending: earned > 0 ? clubPendingNote(this.config.club_pending_days) : "",
            review: this.club_review ? this.club_message || "" : "",
            // the member's virtual card, to scan at the next purchase
            cardCode: (this.config.club_receipt_card_qr && member?.virtual_card) || "",
            cardQr:
                this.config.club_receipt_card_qr && member?.virtual_card
                    ? qrCodeSrc(`LCLUB:${member.virtual_card}`, { size: 150 })
                    : "",
            message: this.config.club_receipt_message || "",
        };
    },
    export_for_printing() {
        const result = super.export_for_printing(...arguments);
        result.club = this.getClubReceiptData();
        return result;
    },
});
