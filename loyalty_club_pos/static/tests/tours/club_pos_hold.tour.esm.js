/** @odoo-module */

import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import { scan_barcode } from "@point_of_sale/../tests/tours/utils/common";
import * as Club from "@loyalty_club_pos/../tests/tours/club_pos_util";
import { registry } from "@web/core/registry";

const ANNA_CARD = "2990009000010";

/**
 * Anna ordered online and the shop held 30 of her 50 bonuses for the order
 * WEB-77; she collects it at the till: the cashier collects the hold here and
 * the 30 held pay the jacket.
 */
registry.category("web_tour.tours").add("LoyaltyClubPosHoldTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            scan_barcode(ANNA_CARD),
            Club.memberIs("Anna Club"),
            Club.availableIs("20.00"),
            {
                content: "the panel shows what is held for her web order",
                trigger: ".club-panel .club-held:contains('30.00')",
            },
            {
                content: "the web order WEB-77 holds 30",
                trigger: ".club-panel .club-hold:has(.club-hold-ref:contains('WEB-77'))",
            },
            ProductScreen.addOrderline("Club Jacket", "1"),
            // the held bonuses are not hers to spend on another order
            Club.quoteIs("10.00", "20.00"),
            {
                content: "collect the web order here",
                trigger: ".club-panel .club-hold-collect",
                run: "click",
            },
            {
                content: "the hold pays this order",
                trigger: ".club-panel .club-hold-collected",
            },
            Club.quoteIs("10.00", "30.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Club bonuses"),
            PaymentScreen.selectedPaymentlineHas("Club bonuses", "30.00"),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            Club.receiptHas({
                earned: "7.00",
                spent: "30.00",
                balance: "20.00",
                message: "Thank you from the test club!",
            }),
            ReceiptScreen.clickNextOrder(),
            Chrome.endTour(),
        ].flat(),
});
