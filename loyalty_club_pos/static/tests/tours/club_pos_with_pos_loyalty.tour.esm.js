/** @odoo-module */

import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import { scan_barcode } from "@point_of_sale/../tests/tours/utils/common";
import * as Club from "@loyalty_club_pos/../tests/tours/club_pos_util";
import { ANNA_CARD } from "@loyalty_club_pos/../tests/tours/club_pos_card_spend.tour.esm";
import { registry } from "@web/core/registry";

/* Odoo's pos_loyalty gives 10% off the order; on the same order Anna earns on what is
 * paid and spends bonuses (only Odoo's generic steps: pos_loyalty may be absent). */
registry.category("web_tour.tours").add("LoyaltyClubPosWithPosLoyaltyTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            scan_barcode(ANNA_CARD),
            Club.memberIs("Anna Club"),
            ProductScreen.addOrderline("Club Jacket", "1"),
            {
                content: "pos_loyalty's promotion is on the order",
                trigger: ".order-container .orderline:contains('10% on your order')",
            },
            ProductScreen.totalAmountIs("90.00"),
            Club.quoteIs("9.00", "27.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Club bonuses"),
            PaymentScreen.selectedPaymentlineHas("Club bonuses", "27.00"),
            PaymentScreen.clickNumpad("2 0"),
            PaymentScreen.selectedPaymentlineHas("Club bonuses", "20.00"),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            Club.receiptHas({
                earned: "7.00",
                spent: "20.00",
                balance: "30.00",
                message: "Thank you from the test club!",
            }),
            ReceiptScreen.clickNextOrder(),
            Chrome.endTour(),
        ].flat(),
});
