/** @odoo-module */

/*
 * Club promotions on the order: the discounts of the club's quote become lines of
 * the "Club promotion" product, one per promotion and set of taxes, carrying the
 * taxes of the lines they discount (so each tax base is lowered, as pos_loyalty's
 * reward lines do). The goods keep their full price: the club is always quoted on
 * the amounts before promotions, and recomputes them when the order is synced.
 */

import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { patch } from "@web/core/utils/patch";
import { floatIsZero, roundPrecision } from "@web/core/utils/numbers";

export const isClubPromoLine = (line) =>
    Boolean(line?.product_id?.club_promotion && !line.refunded_orderline_id);

const taxKey = (taxes) =>
    (taxes || [])
        .map((tax) => tax.id)
        .sort((a, b) => a - b)
        .join(",");

patch(PosOrder.prototype, {
    // ------------------------------------------------------------- the goods
    getClubGoodsLines() {
        return super.getClubGoodsLines(...arguments).filter((line) => !isClubPromoLine(line));
    },
    getClubPromoLines() {
        return this.get_orderlines().filter(isClubPromoLine);
    },
    getClubQuoteLines() {
        const byUuid = new Map(this.getClubGoodsLines().map((line) => [line.uuid, line]));
        return super.getClubQuoteLines(...arguments).map((raw) => {
            const line = byUuid.get(raw.key);
            return line
                ? { ...raw, product_id: line.product_id.id, qty: Math.abs(line.get_quantity()) }
                : raw;
        });
    },
    getClubQuoteKey() {
        const key = super.getClubQuoteKey(...arguments);
        const codes = this.getClubCouponCodes();
        return key && codes.length ? JSON.stringify([key, codes]) : key;
    },

    // --------------------------------------------------------------- coupons
    getClubCouponCodes() {
        return [...(this.uiState.club?.coupons || [])];
    },
    addClubCoupon(code) {
        const club = this.uiState.club;
        if (!club || !code || club.coupons?.includes(code)) {
            return false;
        }
        club.coupons = [...(club.coupons || []), code];
        return true;
    },
    removeClubCoupon(code) {
        const club = this.uiState.club;
        if (club?.coupons) {
            club.coupons = club.coupons.filter((c) => c !== code);
        }
    },

    // ------------------------------------------------------------ promotions
    /** The promotion lines the current quote asks for. */
    getClubPromoWanted() {
        const quote = this.getClubQuote();
        const rounding = this.currency.rounding;
        const wanted = [];
        for (const promo of quote?.promotions || []) {
            if (!(promo.discount > 0)) {
                continue;
            }
            const groups = new Map();
            for (const [uuid, amount] of Object.entries(promo.discount_per_line || {})) {
                const line = this.lines.find((l) => l.uuid === uuid);
                const withTax = line?.get_price_with_tax();
                if (!line || !amount || !withTax) {
                    continue;
                }
                const key = taxKey(line.tax_ids);
                const group = groups.get(key) || { taxes: line.tax_ids || [], base: 0 };
                // the share of the line's price (tax included) the promotion takes off
                group.base += (line.get_base_price() * amount) / withTax;
                groups.set(key, group);
            }
            for (const [key, group] of groups) {
                const price = -roundPrecision(group.base, rounding);
                if (price) {
                    wanted.push({ promo, key, taxes: group.taxes, price });
                }
            }
        }
        return wanted;
    },
    /** Bring the promotion lines in line with the quote (none without one). */
    applyClubPromotions() {
        if (this.finalized) {
            return;
        }
        const product = this.models["product.product"].find((p) => p.club_promotion);
        const existing = this.getClubPromoLines();
        const wanted = product && this.getClubMember() ? this.getClubPromoWanted() : [];
        const digits = this.currency.decimal_places;
        const same =
            existing.length === wanted.length &&
            wanted.every(
                (w, i) =>
                    existing[i].full_product_name === w.promo.name &&
                    taxKey(existing[i].tax_ids) === w.key &&
                    floatIsZero(existing[i].price_unit - w.price, digits)
            );
        if (same) {
            return;
        }
        for (const line of existing) {
            line.delete();
        }
        for (const w of wanted) {
            const line = this.models["pos.order.line"].create({
                order_id: this,
                product_id: product,
                price_unit: w.price,
                qty: 1,
                tax_ids: w.taxes.map((tax) => ["link", tax]),
                price_type: "manual",
            });
            line.full_product_name = w.promo.name;
        }
    },
    /** Promotions to print: those of the quote, else the names of the lines. */
    getClubPromoReceipt() {
        const quote = this.getClubQuote();
        if (quote) {
            return (quote.promotions || [])
                .filter((p) => p.discount > 0 || p.bonus > 0)
                .map((p) => ({ name: p.name, discount: p.discount, message: p.message || "" }));
        }
        return this.getClubPromoLines().map((line) => ({
            name: line.get_full_product_name(),
            discount: -line.get_price_with_tax(),
            message: "",
        }));
    },

    // ------------------------------------------------------------ sync/print
    serialize() {
        const data = super.serialize(...arguments);
        const codes = this.getClubCouponCodes();
        if (codes.length) {
            data.club_coupon_codes = codes.join(",");
        } else if (!this.finalized) {
            data.club_coupon_codes = false;
        }
        return data;
    },
    export_for_printing() {
        const result = super.export_for_printing(...arguments);
        result.clubPromotions = this.getClubPromoReceipt();
        return result;
    },
});
