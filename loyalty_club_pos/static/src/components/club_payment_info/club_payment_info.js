/** @odoo-module */

import { Component } from "@odoo/owl";
import { usePos } from "@point_of_sale/app/store/pos_hook";
import { _t } from "@web/core/l10n/translation";
import { clubPendingNote, formatClubUnits, maskCode } from "@loyalty_club_pos/club_utils";

/**
 * The member on the payment screen: their balance, the most the order may take in
 * bonuses, what is spent and what stays, and what the order earns. Every figure is
 * the server's quote of the goods and the payment as they are.
 */
export class ClubPaymentInfo extends Component {
    static template = "loyalty_club_pos.ClubPaymentInfo";
    static props = { order: Object };

    setup() {
        this.pos = usePos();
    }
    get order() {
        return this.props.order;
    }
    get club() {
        return this.order.uiState.club || null;
    }
    get member() {
        return this.club?.member || null;
    }
    /** A customer without a card whose purchase reaches the program's threshold. */
    get cardOffered() {
        return this.order.isClubCardOffered();
    }
    get offerText() {
        return _t(
            "This purchase reaches %s: offer the customer a club card.",
            this.money(this.pos.config.club_issue_card_threshold)
        );
    }
    /** Step one: the customer's name, phone and the physical card scanned from
     * stock; step two: register, the card is activated and joins this sale. */
    offerCard() {
        this.pos.clubOpenRegister({});
    }
    get shown() {
        return Boolean(this.member) && !this.order.isClubRefund();
    }
    get quote() {
        return this.order.getClubPaidQuote();
    }
    /** The member's balance before this order, as the club last said. */
    get available() {
        const available = this.quote?.available;
        return available === undefined ? this.member.available : available;
    }
    get pendingNote() {
        return clubPendingNote(this.quote?.pending_days);
    }
    units(value) {
        return formatClubUnits(value, this.pos.config.club_unit_digits, this.member.unit);
    }
    money(value) {
        return this.env.utils.formatCurrency(value || 0);
    }
    mask(code) {
        return maskCode(code);
    }
}
