/** @odoo-module */

import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as TicketScreen from "@point_of_sale/../tests/tours/utils/ticket_screen_util";
import { scan_barcode } from "@point_of_sale/../tests/tours/utils/common";
import * as Club from "@loyalty_club_pos/../tests/tours/club_pos_util";
import { ANNA_CARD } from "@loyalty_club_pos/../tests/tours/club_pos_card_spend.tour.esm";
import { registry } from "@web/core/registry";

function enterCoupon(code) {
    return [
        {
            content: `type the coupon ${code}`,
            trigger: ".club-panel .club-coupon-input",
            run: `edit ${code}`,
        },
        {
            content: "ask the club",
            trigger: ".club-panel .club-coupon-apply:not([disabled])",
            run: "click",
        },
    ];
}
function promotionShown(name, discount) {
    return [
        {
            content: `the panel shows ${name}`,
            trigger: `.club-panel .club-promotion:contains("${name}"):contains("${discount}")`,
        },
        ProductScreen.orderLineHas(name, "1", `-${discount}`),
    ].flat();
}
function payCash(total) {
    return [
        ProductScreen.totalAmountIs(total),
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Cash"),
        PaymentScreen.remainingIs("0.00"),
        PaymentScreen.clickValidate(),
        ReceiptScreen.isShown(),
    ].flat();
}

registry.category("web_tour.tours").add("LoyaltyClubPosPromotionTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            // 20% off shoes (tax 10% on top) and a one-time coupon: 10.00 off the jacket
            scan_barcode(ANNA_CARD),
            Club.memberIs("Anna Club"),
            ProductScreen.addOrderline("Club Sneakers", "1"),
            ProductScreen.addOrderline("Club Jacket", "1"),
            promotionShown("Autumn shoes", "22.00"),
            enterCoupon("clubten"),
            {
                content: "the coupon is accepted",
                trigger: ".club-panel .club-coupon-code:contains('CLUBTEN')",
            },
            promotionShown("Ten off the jacket", "10.00"),
            promotionShown("Autumn shoes", "22.00"),
            // the numpad leaves a promotion line alone
            ProductScreen.clickLine("Autumn shoes", "1"),
            ProductScreen.clickNumpad("5"),
            Dialog.is({ title: "Club promotion" }),
            Dialog.confirm(),
            promotionShown("Autumn shoes", "22.00"),
            payCash("178.00"),
            {
                content: "receipt: the promotion and its message",
                trigger: ".pos-receipt .club-receipt-promotion:contains('Autumn shoes'):contains('22.00')",
            },
            {
                content: "receipt: the promotion's message",
                trigger: ".pos-receipt .club-receipt-promotion-message:contains('Shoes love autumn')",
            },
            Club.receiptHas({
                earned: "17.80",
                spent: "0.00",
                balance: "50.00",
                message: "Thank you from the test club!",
            }),
            ReceiptScreen.clickNextOrder(),
            // the same coupon on the next order: refused, nothing taken off
            scan_barcode(ANNA_CARD),
            Club.memberIs("Anna Club"),
            ProductScreen.addOrderline("Club Jacket", "1"),
            Club.quoteIs("10.00", "30.00"),
            enterCoupon("CLUBTEN"),
            {
                content: "the coupon is refused: already used",
                trigger: ".club-panel .club-coupon-error:contains('already been used')",
            },
            {
                content: "no coupon and no promotion line on the order",
                trigger: "body:not(:has(.club-coupon-code)):not(:has(.orderline:contains('Ten off')))",
            },
            payCash("100.00"),
            ReceiptScreen.clickNextOrder(),
            Chrome.endTour(),
        ].flat(),
});

function jacketWithCoupon(code) {
    return [
        scan_barcode(ANNA_CARD),
        Club.memberIs("Anna Club"),
        ProductScreen.addOrderline("Club Jacket", "1"),
        Club.quoteIs("10.00", "30.00"),
        enterCoupon(code),
        {
            content: `the coupon ${code} is accepted`,
            trigger: `.club-panel .club-coupon-code:contains('${code}')`,
        },
        promotionShown("Two off", "2.00"),
    ].flat();
}

/* Two orders on hold show the same one-time coupon; the first one paid takes it,
 * the other is still sold and the cashier reads why it needs a review. */
registry.category("web_tour.tours").add("LoyaltyClubPosCouponRaceTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            jacketWithCoupon("CLUBTWO"),
            Chrome.clickMenuOption("Orders"),
            Chrome.createFloatingOrder(),
            // Anna's own coupon is offered in the panel: one click applies it
            scan_barcode(ANNA_CARD),
            Club.memberIs("Anna Club"),
            ProductScreen.addOrderline("Club Jacket", "1"),
            Club.quoteIs("10.00", "30.00"),
            {
                content: "apply the coupon offered to Anna",
                trigger: ".club-panel .club-coupon-offer:contains('CLUBTWO')",
                run: "click",
            },
            {
                content: "the offered coupon is accepted",
                trigger: ".club-panel .club-coupon-code:contains('CLUBTWO')",
            },
            promotionShown("Two off", "2.00"),
            payCash("98.00"),
            ReceiptScreen.clickNextOrder(),
            Chrome.clickMenuOption("Orders"),
            TicketScreen.selectOrderByPrice("98.00"),
            TicketScreen.loadSelectedOrder(),
            Club.memberIs("Anna Club"),
            payCash("98.00"),
            {
                content: "the receipt tells the coupon was refused by the club",
                trigger: ".pos-receipt .club-receipt-review:contains('CLUBTWO')",
            },
            ReceiptScreen.clickNextOrder(),
            Chrome.endTour(),
        ].flat(),
});
