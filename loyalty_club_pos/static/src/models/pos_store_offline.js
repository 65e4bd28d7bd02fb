/** @odoo-module */

/*
 * While the till cannot reach the club, a member it already served in this
 * session is found again by card, QR code or phone, from what the till knows:
 * the summary of that visit, less the bonuses spent offline since.
 */

import { PosStore } from "@point_of_sale/app/store/pos_store";
import { patch } from "@web/core/utils/patch";
import { _t } from "@web/core/l10n/translation";
import { ClubRefusal } from "@loyalty_club_pos/club_utils";

const digits = (text) => String(text || "").replace(/\D/g, "");

patch(PosStore.prototype, {
    /** The summary of a member this till served in the session, or null. */
    clubKnownMember(identifier) {
        let raw = String(identifier || "").trim();
        if (raw.toUpperCase().startsWith("LCLUB:")) {
            raw = raw.slice(6);
        }
        const wanted = digits(raw);
        if (wanted.length < 10) {
            return null;
        }
        const orders = this.models["pos.order"].getAll();
        const known = orders.map((order) => order.getClubMember?.()).filter(Boolean);
        const member = known.find((m) => {
            const phone = digits(m.phone);
            return (
                [digits(m.card), digits(m.virtual_card)].includes(wanted) ||
                (phone && phone.slice(-10) === wanted.slice(-10))
            );
        });
        if (!member) {
            return null;
        }
        const pointValue = this.config.club_point_value || 1;
        const spent = orders
            .filter((o) => o.club_offline && o.getClubMember?.()?.wallet_id === member.wallet_id)
            .reduce((sum, o) => sum + Math.max(o.getClubBonusPaid(), 0), 0);
        return { ...member, available: Math.max(member.available - spent / pointValue, 0) };
    },
    async clubLookup(identifier, order = this.get_order(), options = {}) {
        if (!this.data.network?.offline) {
            return super.clubLookup(...arguments);
        }
        const summary = this.clubKnownMember(identifier);
        if (!summary) {
            throw new ClubRefusal(
                _t("The till is offline: only a member already served in this session can be found.")
            );
        }
        await this.clubAttach(summary, identifier, order);
        return summary;
    },
});
