/** @odoo-module */

import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { _t } from "@web/core/l10n/translation";
import { usePos } from "@point_of_sale/app/store/pos_hook";
import { clubErrorMessage } from "@loyalty_club_pos/club_utils";

/**
 * Quick registration at the till: the consent wording is shown and stored.
 * When the program verifies phones, the member then reads out the code the
 * club sent to the new phone (the till never sees the code itself).
 */
export class ClubRegisterDialog extends Component {
    static template = "loyalty_club_pos.ClubRegisterDialog";
    static components = { Dialog };
    static props = {
        defaults: { type: Object, optional: true },
        close: Function,
    };

    setup() {
        this.pos = usePos();
        const defaults = this.props.defaults || {};
        this.state = useState({
            name: defaults.name || "",
            phone: defaults.phone || "",
            email: defaults.email || "",
            card_number: defaults.card_number || "",
            consents: { personal_data: false, sms: false, email: false, push: false },
            error: "",
            busy: false,
            // "verify": the member is registered and a code went to the phone
            step: "form",
            sentTo: "",
            code: "",
            walletId: null,
        });
        this.channels = [
            { key: "sms", label: _t("SMS offers") },
            { key: "email", label: _t("E-mail offers") },
            { key: "push", label: _t("App notifications") },
        ];
    }
    get wording() {
        return this.pos.config.club_consent_wording || "";
    }
    get canRegister() {
        const s = this.state;
        return (
            !s.busy &&
            s.name.trim() &&
            (s.phone.trim() || s.card_number.trim()) &&
            s.consents.personal_data
        );
    }
    async register() {
        if (!this.canRegister) {
            return;
        }
        this.state.busy = true;
        this.state.error = "";
        const { name, phone, email, card_number, consents } = this.state;
        let summary;
        try {
            summary = await this.pos.clubRegister({
                name,
                phone,
                email,
                card_number,
                consents: { ...consents },
            });
        } catch (error) {
            this.state.error = clubErrorMessage(error);
            this.state.busy = false;
            return;
        }
        const check = summary.phone_check;
        if (!check) {
            this.props.close();
            return;
        }
        Object.assign(this.state, {
            step: "verify",
            busy: false,
            walletId: summary.wallet_id,
            sentTo: check.phone || "",
            error: check.error || "",
        });
    }
    get canVerify() {
        return !this.state.busy && /^\d{4,6}$/.test(this.state.code.trim());
    }
    async verify() {
        if (!this.canVerify) {
            return;
        }
        this.state.busy = true;
        this.state.error = "";
        try {
            await this.pos.clubCall("club_verify_phone", this.state.walletId, this.state.code.trim());
        } catch (error) {
            this.state.error = clubErrorMessage(error);
            this.state.busy = false;
            return;
        }
        this.props.close();
    }
    async resend() {
        this.state.busy = true;
        this.state.error = "";
        try {
            const sent = await this.pos.clubCall("club_send_code", this.state.walletId, "verify_phone");
            this.state.sentTo = sent.phone || this.state.sentTo;
            this.state.code = "";
        } catch (error) {
            this.state.error = clubErrorMessage(error);
        }
        this.state.busy = false;
    }
}
