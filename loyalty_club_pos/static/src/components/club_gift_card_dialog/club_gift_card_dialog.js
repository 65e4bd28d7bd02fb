/** @odoo-module */

import { Component, onMounted, useRef, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { _t } from "@web/core/l10n/translation";
import { parseFloat } from "@web/views/fields/parsers";
import { usePos } from "@point_of_sale/app/store/pos_hook";
import { clubErrorMessage } from "@loyalty_club_pos/club_utils";

/**
 * Sell a gift card (amount, and a card from stock or none: the club makes a number)
 * or take one as payment (its number; the club tells what it holds).
 */
export class ClubGiftCardDialog extends Component {
    static template = "loyalty_club_pos.ClubGiftCardDialog";
    static components = { Dialog };
    static props = {
        mode: { type: String, validate: (mode) => ["sell", "pay"].includes(mode) },
        getPayload: Function,
        close: Function,
    };

    setup() {
        this.pos = usePos();
        this.state = useState({ amount: "", code: "", error: "", busy: false });
        this.firstInput = useRef("firstInput");
        onMounted(() => this.firstInput.el?.focus());
    }
    get isSell() {
        return this.props.mode === "sell";
    }
    get title() {
        return this.isSell ? _t("Sell a gift card") : _t("Pay with a gift card");
    }
    parseAmount() {
        try {
            return parseFloat(this.state.amount || "0");
        } catch {
            return NaN;
        }
    }
    async confirm() {
        if (this.state.busy) {
            return;
        }
        const code = this.state.code.trim();
        const amount = this.parseAmount();
        if (this.isSell && !(amount > 0)) {
            this.state.error = _t("Type the amount the gift card is sold for.");
            return;
        }
        if (!this.isSell && !code) {
            this.state.error = _t("Scan or type the gift card number.");
            return;
        }
        this.state.busy = true;
        this.state.error = "";
        let payload;
        try {
            if (this.isSell) {
                const card = code ? await this.pos.clubCall("club_gift_card_stock", code) : null;
                payload = { amount, code: card?.code || "" };
            } else {
                payload = await this.pos.clubCall("club_gift_card_info", code);
            }
        } catch (error) {
            this.state.error = clubErrorMessage(error);
            this.state.busy = false;
            return;
        }
        this.props.getPayload(payload);
        this.props.close();
    }
    onKeydown(ev) {
        if (ev.key === "Enter") {
            this.confirm();
        }
    }
}
