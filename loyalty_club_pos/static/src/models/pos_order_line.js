/** @odoo-module */

/*
 * What each line of a member's order earns, and whether bonuses may pay for it.
 * The club's quote says it per line (its goods rules: excluded products and
 * categories, discounted lines); while the till cannot ask, the program's rules
 * loaded with the till (pos.config club_goods_rules) decide.
 */

import { PosOrderline } from "@point_of_sale/app/models/pos_order_line";
import { patch } from "@web/core/utils/patch";
import { _t } from "@web/core/l10n/translation";
import { formatClubUnits } from "@loyalty_club_pos/club_utils";

const idOf = (value) => (value && typeof value === "object" ? value.id : value);

/** {earns, payable} of a line by the program's rules, without the club. */
export function clubGoodsRule(line, rules) {
    const product = line.product_id;
    const productId = idOf(product);
    const categId = idOf(product?.categ_id);
    const discounted = line.get_discount() > 0;
    const listed = (products, categs) =>
        (products || []).includes(productId) || (categs || []).includes(categId);
    return {
        earns:
            !listed(rules.no_earn_product_ids, rules.no_earn_categ_ids) &&
            !(discounted && rules.discounted_no_earn),
        payable:
            !listed(rules.no_burn_product_ids, rules.no_burn_categ_ids) &&
            !(discounted && rules.discounted_no_burn),
    };
}

patch(PosOrderline.prototype, {
    /** {earns, payable, earn (units or null)}: the quote's word, else the rules'. */
    getClubLineRules() {
        const order = this.order_id;
        const quote = order?.getClubQuote?.();
        const key = String(this.uuid);
        if (quote?.earn_per_line && key in quote.earn_per_line) {
            return {
                earns: !(quote.lines_no_earn || []).includes(key),
                payable: !(quote.lines_no_burn || []).includes(key),
                earn: quote.earn_per_line[key],
            };
        }
        return { ...clubGoodsRule(this, order?.config?.club_goods_rules || {}), earn: null };
    },
    getDisplayData() {
        const data = super.getDisplayData(...arguments);
        const order = this.order_id;
        if (!order?.getClubMember?.() || order.finalized) {
            return data;
        }
        const config = order.config;
        const rules = this.getClubLineRules();
        if (!rules.earns) {
            data.clubEarn = _t("Earns no bonuses");
            data.clubEarnClass = "text-muted";
        } else if (rules.earn) {
            data.clubEarn = _t(
                "Earns %s",
                formatClubUnits(rules.earn, config.club_unit_digits, config.club_unit_name)
            );
            data.clubEarnClass = "text-success";
        }
        if (!rules.payable) {
            data.clubNoBurn = _t("Not paid with bonuses");
        }
        return data;
    },
});
