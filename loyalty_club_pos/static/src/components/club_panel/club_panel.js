/** @odoo-module */

import { Component, useState } from "@odoo/owl";
import { formatFloat } from "@web/core/utils/numbers";
import { usePos } from "@point_of_sale/app/store/pos_hook";
import { clubPendingNote } from "@loyalty_club_pos/club_utils";
import { ClubReplaceCardDialog } from "@loyalty_club_pos/components/club_replace_card_dialog/club_replace_card_dialog";

/** The member on the current order: balances, highlights, the live quote and history. */
export class ClubPanel extends Component {
    static template = "loyalty_club_pos.ClubPanel";
    static props = {};

    setup() {
        this.pos = usePos();
        this.state = useState({ details: false });
    }
    get order() {
        return this.pos.get_order();
    }
    get club() {
        return this.order?.uiState.club || null;
    }
    get member() {
        return this.club?.member || null;
    }
    get quote() {
        return this.order.getClubQuote();
    }
    /** The quote that follows the payment too: what the receipt will say. */
    get paidQuote() {
        return this.order.getClubPaidQuote();
    }
    get pendingNote() {
        return clubPendingNote(this.paidQuote?.pending_days);
    }
    fmt(value) {
        return formatFloat(value || 0, { digits: [false, 2] });
    }
    money(value) {
        return this.env.utils.formatCurrency(value || 0);
    }
    toggleDetails() {
        this.state.details = !this.state.details;
    }
    detach() {
        this.pos.clubDetach(this.order);
    }
    refresh() {
        this.pos.clubRefreshQuote(this.order);
    }
    get holdId() {
        return this.order.getClubHoldId();
    }
    /** Collect a web order here: the bonuses held for it pay this order. */
    toggleHold(hold) {
        this.order.setClubHold(this.holdId === hold.id ? false : hold.id);
        this.pos.clubRefreshQuote(this.order);
    }
    replaceCard() {
        this.pos.dialog.add(ClubReplaceCardDialog, {});
    }
}
