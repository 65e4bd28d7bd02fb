/** @odoo-module */

import { Component, onMounted, useRef, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { usePos } from "@point_of_sale/app/store/pos_hook";
import { clubErrorMessage } from "@loyalty_club_pos/club_utils";

/** Type (or paste) a card number, a QR payload or a phone to find the member. */
export class ClubIdentifyDialog extends Component {
    static template = "loyalty_club_pos.ClubIdentifyDialog";
    static components = { Dialog };
    static props = {
        initial: { type: String, optional: true },
        close: Function,
    };

    setup() {
        this.pos = usePos();
        this.state = useState({
            value: this.props.initial || "",
            error: "",
            busy: false,
            // a limit a manager may override: the manager gives a reason
            overridable: false,
            reason: "",
        });
        this.inputRef = useRef("input");
        onMounted(() => this.inputRef.el?.focus());
    }
    get looksLikeCard() {
        return /^\d{13}$/.test(this.state.value.replace(/[\s-]/g, ""));
    }
    get canOverride() {
        return this.state.overridable && this.pos.clubCashierIsManager();
    }
    async find(override = null) {
        const value = this.state.value.trim();
        if (!value || this.state.busy) {
            return;
        }
        this.state.busy = true;
        this.state.error = "";
        let summary;
        try {
            summary = await this.pos.clubLookup(value, this.pos.get_order(), { override });
        } catch (error) {
            this.state.error = clubErrorMessage(error);
            this.state.overridable = Boolean(error?.data?.overridable);
            this.state.busy = false;
            return;
        }
        this.props.close();
        if (summary.status === "unregistered_card") {
            this.pos.clubOpenRegister({ card_number: summary.card });
        }
    }
    /** A manager cashier lets this card through; the server checks the rights again. */
    override() {
        const reason = this.state.reason.trim();
        if (reason) {
            this.find({ reason });
        }
    }
    register() {
        const value = this.state.value.trim();
        this.props.close();
        this.pos.clubOpenRegister(this.looksLikeCard ? { card_number: value } : { phone: value });
    }
    onKeydown(ev) {
        if (ev.key === "Enter" && !this.state.overridable) {
            this.find();
        }
    }
}
