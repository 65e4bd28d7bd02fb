/** @odoo-module */

import { Component, useState } from "@odoo/owl";
import { Dialog } from "@web/core/dialog/dialog";
import { usePos } from "@point_of_sale/app/store/pos_hook";
import { _t } from "@web/core/l10n/translation";
import { clubErrorMessage } from "@loyalty_club_pos/club_utils";

/** Replace the member's lost or damaged card: a card from stock, or a virtual one. */
export class ClubReplaceCardDialog extends Component {
    static template = "loyalty_club_pos.ClubReplaceCardDialog";
    static components = { Dialog };
    static props = { close: Function };

    setup() {
        this.pos = usePos();
        this.state = useState({ newCode: "", reason: "", error: "", busy: false });
    }
    get member() {
        return this.pos.get_order()?.getClubMember();
    }
    get note() {
        return _t("Card %(card)s of %(name)s stops working; the bonuses stay with the member.", {
            card: this.member?.card || "",
            name: this.member?.name || "",
        });
    }
    async confirm() {
        const reason = this.state.reason.trim();
        if (!reason || this.state.busy) {
            return;
        }
        this.state.busy = true;
        this.state.error = "";
        try {
            await this.pos.clubReplaceCard({ newCode: this.state.newCode.trim(), reason });
        } catch (error) {
            this.state.error = clubErrorMessage(error);
            this.state.busy = false;
            return;
        }
        this.props.close();
    }
}
