/** @odoo-module */

import { Component, useState } from "@odoo/owl";
import { usePos } from "@point_of_sale/app/store/pos_hook";
import { patch } from "@web/core/utils/patch";
import { ClubPanel } from "@loyalty_club_pos/components/club_panel/club_panel";

/** Coupon codes and the promotions the club applies, inside the member panel. */
export class ClubCoupon extends Component {
    static template = "loyalty_club_pos.ClubCoupon";
    static props = {};

    setup() {
        this.pos = usePos();
        this.state = useState({ code: "", error: "", busy: false });
    }
    get order() {
        return this.pos.get_order();
    }
    get codes() {
        return this.order.getClubCouponCodes();
    }
    /** The member's own coupons the club listed at identification, not yet used here. */
    get offered() {
        const codes = this.codes;
        return (this.order.getClubMember()?.offers || []).filter(
            (offer) => offer.kind === "coupon" && offer.code && !codes.includes(offer.code)
        );
    }
    get promotions() {
        return (this.order.getClubQuote()?.promotions || []).filter(
            (p) => p.discount > 0 || p.bonus > 0
        );
    }
    money(value) {
        return this.env.utils.formatCurrency(value || 0);
    }
    async apply() {
        if (!this.state.code.trim() || this.state.busy) {
            return;
        }
        this.state.busy = true;
        try {
            this.state.error = await this.pos.clubApplyCoupon(this.order, this.state.code);
            if (!this.state.error) {
                this.state.code = "";
            }
        } finally {
            this.state.busy = false;
        }
    }
    useOffer(code) {
        this.state.code = code;
        return this.apply();
    }
    onKeydown(ev) {
        if (ev.key === "Enter") {
            this.apply();
        }
    }
    remove(code) {
        this.state.error = "";
        this.pos.clubRemoveCoupon(this.order, code);
    }
}

patch(ClubPanel, {
    components: { ...ClubPanel.components, ClubCoupon },
});
