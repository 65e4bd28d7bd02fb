/** @odoo-module */

import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import { scan_barcode } from "@point_of_sale/../tests/tours/utils/common";
import * as Club from "@loyalty_club_pos/../tests/tours/club_pos_util";
import { registry } from "@web/core/registry";
import { ANNA_CARD } from "@loyalty_club_pos/../tests/tours/club_pos_card_spend.tour.esm";

function lineShows(product, selector, text) {
    return {
        content: `${product}: "${text}"`,
        trigger: `.product-screen .orderline:has(.product-name:contains("${product}")) ${selector}:contains("${text}")`,
    };
}

/*
 * Cigarettes (a subcategory of the excluded Tobacco) earn nothing and cannot be
 * paid with bonuses; the jacket in the same basket earns and may be paid.
 */
registry.category("web_tour.tours").add("LoyaltyClubPosGoodsRulesTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            scan_barcode(ANNA_CARD),
            Club.memberIs("Anna Club"),
            ProductScreen.addOrderline("Club Jacket", "1"),
            ProductScreen.addOrderline("Club Cigarettes", "1"),
            // the cap is 30 % of the jacket only, not of the whole 150.00
            Club.quoteIs("10.00", "30.00"),
            lineShows("Club Jacket", ".club-line-earn", "Earns 10.00"),
            lineShows("Club Cigarettes", ".club-line-earn", "Earns no bonuses"),
            lineShows("Club Cigarettes", ".club-line-no-burn", "Not paid with bonuses"),
            {
                content: "the jacket may be paid with bonuses",
                trigger:
                    ".product-screen .orderline:has(.product-name:contains('Club Jacket')):not(:has(.club-line-no-burn))",
            },
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
