/** @odoo-module */

import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as PosSale from "@pos_sale/../tests/tours/utils/pos_sale_utils";
import * as Club from "@loyalty_club_pos/../tests/tours/club_pos_util";
import { registry } from "@web/core/registry";

/**
 * Anna ordered a jacket online to collect in the store and spent 30 of her 50
 * bonuses on it: the club holds them for the order. At the till the cashier
 * settles the order: Anna is the member, the order's bonus line becomes the
 * till's bonus payment of the held 30, and she pays the rest in cash.
 */
registry.category("web_tour.tours").add("LoyaltyClubPosSaleCollectTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            PosSale.settleNthOrder(1),
            Club.memberIs("Anna Club"),
            {
                content: "the hold of the order pays this order",
                trigger: ".club-panel .club-hold-collected",
            },
            {
                content: "the order's bonus line left the order: the jacket alone",
                trigger: ".order-container:not(:has(.orderline:contains('Club bonuses')))",
            },
            ProductScreen.totalAmountIs("100.00"),
            Club.quoteIs("10.00", "30.00"),
            ProductScreen.clickPayButton(),
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

/**
 * Anna ordered a jacket (100) online to collect in the store and paid 40 of it
 * with a club gift card in the shop. At the till the order's gift card line
 * stays on the order (40 off what is due) but is not goods: the club quotes
 * the earn on the jacket's 100, and the sale debits the card.
 */
registry.category("web_tour.tours").add("LoyaltyClubPosSaleCollectGiftTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            PosSale.settleNthOrder(1),
            Club.memberIs("Anna Club"),
            ProductScreen.totalAmountIs("60.00"),
            {
                content: "the club earns on the jacket, not on what the gift card paid",
                trigger: '.club-panel .club-earn:contains("10.00")',
            },
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "receipt: earned 10.00",
                trigger: '.pos-receipt .club-receipt-earned:contains("10.00")',
            },
            {
                content: "receipt: balance 50.00 (the earn waits its pending days)",
                trigger: '.pos-receipt .club-receipt-balance:contains("50.00")',
            },
            ReceiptScreen.clickNextOrder(),
            Chrome.endTour(),
        ].flat(),
});
