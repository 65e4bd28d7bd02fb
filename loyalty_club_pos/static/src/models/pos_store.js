/** @odoo-module */

import { PosStore } from "@point_of_sale/app/store/pos_store";
import { patch } from "@web/core/utils/patch";
import { effect } from "@web/core/utils/reactive";
import { batched, debounce } from "@web/core/utils/timing";
import { _t } from "@web/core/l10n/translation";
import { ClubRefusal, clubErrorMessage } from "@loyalty_club_pos/club_utils";
import { ClubIdentifyDialog } from "@loyalty_club_pos/components/club_identify_dialog/club_identify_dialog";
import { ClubRegisterDialog } from "@loyalty_club_pos/components/club_register_dialog/club_register_dialog";
import { ClubGiftCardDialog } from "@loyalty_club_pos/components/club_gift_card_dialog/club_gift_card_dialog";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";

/** Wait this long after the last change of the order before asking for a new quote. */
export const CLUB_QUOTE_DELAY = 400;

patch(PosStore.prototype, {
    async setup() {
        await super.setup(...arguments);
        this.clubQuoteSoon = debounce((order) => this.clubRefreshQuote(order), CLUB_QUOTE_DELAY);
        if (!this.isClubEnabled()) {
            // no club at this till: leave Odoo's order flow (and pos_loyalty's own effect
            // on the same orders) exactly as it is without us
            return;
        }
        // re-quote the selected order when its lines change (debounced: not per keystroke)
        effect(
            batched((orders) => {
                const order = [...orders.values()].find((o) => o.uuid === this.selectedOrderUuid);
                if (order) {
                    this.clubWatchOrder(order);
                }
            }),
            [this.data.records["pos.order"]]
        );
    },
    isClubEnabled() {
        return Boolean(this.config?.raw?.club_program_id);
    },
    /** Call a club entry point of this POS; a refusal of the club is thrown as ClubRefusal. */
    async clubCall(method, ...args) {
        const result = await this.data.call("pos.config", method, [[this.config.id], ...args]);
        if (result?.status === "error") {
            throw new ClubRefusal(result.message, result);
        }
        return result;
    },

    // ---------------------------------------------------------------- quote
    // The quote follows the goods and the payment: bonuses or gift cards paying
    // part of the order change what it earns, and the server says by how much.
    clubWatchOrder(order) {
        const club = order.uiState.club;
        if (!club?.member || order.finalized) {
            return;
        }
        const key = order.getClubQuoteKey();
        const paymentKey = order.getClubPaymentKey();
        const tried = JSON.stringify([key, paymentKey]);
        const current = key === club.quoteKey && paymentKey === club.paymentKey;
        if (!current && tried !== club.triedKey) {
            club.triedKey = tried;
            this.clubQuoteSoon(order);
        }
    },
    async clubRefreshQuote(order) {
        const club = order.uiState.club;
        if (!club?.member || order.finalized) {
            return;
        }
        const key = order.getClubQuoteKey();
        const paymentKey = order.getClubPaymentKey();
        club.triedKey = JSON.stringify([key, paymentKey]);
        const lines = order.getClubQuoteLines();
        if (!lines.length || order.get_total_with_tax() <= 0) {
            Object.assign(club, { quote: null, quoteKey: key, paymentKey, error: "" });
            return;
        }
        // only the latest question's answer is kept (answers may cross on the way)
        const seq = (club.quoteSeq || 0) + 1;
        club.quoteSeq = seq;
        club.loading = true;
        try {
            const payment = order.getClubQuotePayment();
            const quote = await this.clubCall("club_quote", {
                wallet_id: club.member.wallet_id,
                hold_id: order.getClubHoldId(),
                entry_method: order.club_entry_method || false,
                lines,
                burn_money: payment.burn_money,
                gift_cards: payment.gift_cards,
                coupon_codes: order.getClubCouponCodes(),
            });
            if (
                club.quoteSeq === seq &&
                order.getClubQuoteKey() === key &&
                order.uiState.club === club
            ) {
                Object.assign(club, { quote, quoteKey: key, paymentKey, error: "" });
                if (quote.available !== undefined) {
                    club.member.available = quote.available;
                }
            }
        } catch (error) {
            if (club.quoteSeq === seq) {
                club.error = clubErrorMessage(error);
            }
        } finally {
            if (club.quoteSeq === seq) {
                club.loading = false;
            }
        }
    },

    // ------------------------------------------------------------- members
    /** options: scanned (read by the barcode scanner), override ({reason}) by a manager. */
    async clubLookup(identifier, order = this.get_order(), options = {}) {
        const summary = await this.clubCall(
            "club_identify",
            identifier,
            this.clubIdentifyOptions(options)
        );
        if (summary.status === "member") {
            await this.clubAttach(summary, identifier, order);
        }
        return summary;
    },
    async clubRegister(vals, order = this.get_order()) {
        const summary = await this.clubCall("club_register", vals);
        await this.clubAttach(summary, vals.card_number || vals.phone, order);
        return summary;
    },
    /** Replace the member's card (new_code: a card from stock; none: a virtual one). */
    async clubReplaceCard({ newCode, reason }, order = this.get_order()) {
        const member = order.getClubMember();
        const answer = await this.clubCall("club_replace_card", {
            wallet_id: member.wallet_id,
            code: member.card,
            new_code: newCode || "",
            reason,
        });
        order.setClubMember(answer.member, answer.new.code);
        await this.clubRefreshQuote(order);
        return answer;
    },
    async clubAttach(summary, identifier, order = this.get_order()) {
        order.setClubMember(summary, identifier);
        await this.clubSetPartner(order, summary.partner_id);
        await this.clubRefreshQuote(order);
    },
    /** Take the member off the order, and the customer the club had set with them. */
    clubDetach(order) {
        const member = order.getClubMember();
        order.clearClubMember();
        if (member && order.get_partner()?.id === member.partner_id) {
            order.set_partner(false);
        }
    },
    async clubSetPartner(order, partnerId) {
        if (!partnerId) {
            return;
        }
        try {
            let partner = this.models["res.partner"].get(partnerId);
            if (!partner) {
                [partner] = await this.data.read("res.partner", [partnerId]);
            }
            if (partner && order.get_partner() !== partner) {
                order.set_partner(partner);
            }
        } catch {
            // the member stays on the order; the customer can still be chosen by hand
        }
    },

    // ------------------------------------------------------------- dialogs
    clubOpenIdentify(initial = "") {
        this.dialog.add(ClubIdentifyDialog, { initial });
    },
    clubOpenRegister(defaults = {}) {
        this.dialog.add(ClubRegisterDialog, { defaults });
    },
    /** A club card read by Odoo's barcode reader (nomenclature rule "club_card"). */
    async clubOnScan(code) {
        if (!this.isClubEnabled()) {
            this.barcodeReader?.showNotFoundNotification(code);
            return;
        }
        try {
            const summary = await this.clubLookup(code.code, this.get_order(), {
                scanned: true,
            });
            if (summary.status === "unregistered_card") {
                this.clubOpenRegister({ card_number: summary.card });
            } else {
                this.notification.add(_t("Club member: %s", summary.name), { type: "success" });
            }
        } catch (error) {
            this.notification.add(clubErrorMessage(error), {
                type: "danger",
                title: _t("Club card %s", code.code),
            });
        }
    },

    // ---------------------------------------------------------- gift cards
    clubGiftCardProduct() {
        return this.models["product.product"].find((product) => product.club_gift_card);
    },
    /** Sell a gift card: the amount typed, a card from stock or a number the club makes. */
    async clubSellGiftCard() {
        const product = this.clubGiftCardProduct();
        if (!product) {
            this.notification.add(_t("No gift card product is available at this till."), {
                type: "warning",
            });
            return;
        }
        const sale = await makeAwaitable(this.dialog, ClubGiftCardDialog, { mode: "sell" });
        if (!sale) {
            return;
        }
        const order = this.get_order();
        if (sale.code && order.lines.some((line) => line.club_gift_code === sale.code)) {
            this.notification.add(_t("Gift card %s is already on this order.", sale.code), {
                type: "warning",
            });
            return;
        }
        await this.addLineToCurrentOrder(
            { product_id: product, price_unit: sale.amount, qty: 1, club_gift_code: sale.code },
            {},
            false
        );
    },
});
