/** @odoo-module */

import { ProductScreen } from "@point_of_sale/app/screens/product_screen/product_screen";
import { useBarcodeReader } from "@point_of_sale/app/barcode/barcode_reader_hook";
import { patch } from "@web/core/utils/patch";
import { ClubPanel } from "@loyalty_club_pos/components/club_panel/club_panel";

patch(ProductScreen, {
    components: { ...ProductScreen.components, ClubPanel },
});

patch(ProductScreen.prototype, {
    setup() {
        super.setup(...arguments);
        // club cards reach us through Odoo's barcode nomenclature (rule type "club_card")
        useBarcodeReader({ club_card: this._onClubCardScan });
    },
    _onClubCardScan(code) {
        return this.pos.clubOnScan(code);
    },
});
