/** @odoo-module */

import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import { scan_barcode } from "@point_of_sale/../tests/tours/utils/common";
import * as Club from "@loyalty_club_pos/../tests/tours/club_pos_util";
import { registry } from "@web/core/registry";

export const ANNA_CARD = "2990009000010";

/** Scan Anna's card, sell a 100.00 jacket, pay 20 with bonuses (cap 30) and 80 cash. */
export function sellJacketWithBonuses() {
    return [
        scan_barcode(ANNA_CARD),
        Club.memberIs("Anna Club"),
        Club.availableIs("50.00"),
        Club.highlightShows("Shoe size: 38"),
        ProductScreen.addOrderline("Club Jacket", "1"),
        Club.quoteIs("10.00", "30.00"),
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Club bonuses"),
        PaymentScreen.selectedPaymentlineHas("Club bonuses", "30.00"),
        PaymentScreen.clickNumpad("2 0"),
        PaymentScreen.selectedPaymentlineHas("Club bonuses", "20.00"),
        PaymentScreen.clickPaymentMethod("Cash"),
        PaymentScreen.remainingIs("0.00"),
        PaymentScreen.clickValidate(),
        ReceiptScreen.isShown(),
        Club.receiptHas({
            earned: "8.00",
            spent: "20.00",
            balance: "30.00",
            message: "Thank you from the test club!",
        }),
    ].flat();
}

registry.category("web_tour.tours").add("LoyaltyClubPosCardSpendTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            sellJacketWithBonuses(),
            ReceiptScreen.clickNextOrder(),
            Chrome.endTour(),
        ].flat(),
});
