/** @odoo-module */

import { PosStore } from "@point_of_sale/app/store/pos_store";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { TextInputPopup } from "@point_of_sale/app/utils/input_popups/text_input_popup";
import { patch } from "@web/core/utils/patch";
import { _t } from "@web/core/l10n/translation";

patch(PosStore.prototype, {
    /** A club card added to the order: the physical card's number, scanned or
     * typed (none: the buyer gets a virtual card). */
    async addLineToCurrentOrder(vals, opts = {}, configure = true) {
        const product = vals.product_id;
        if (product?.club_card && configure && !("club_card_code" in vals)) {
            const code = await makeAwaitable(this.dialog, TextInputPopup, {
                title: _t("Club card number"),
                placeholder: _t("Scan the physical card; leave empty for a virtual card"),
            });
            if (code === undefined) {
                return;
            }
            vals = { ...vals, club_card_code: (code || "").trim() || false };
        }
        return super.addLineToCurrentOrder(vals, opts, configure);
    },
});
