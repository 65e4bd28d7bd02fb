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

function sellJacketCash() {
    return [
        ProductScreen.addOrderline("Club Jacket", "1"),
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Cash"),
        PaymentScreen.remainingIs("0.00"),
        PaymentScreen.clickValidate(),
        ReceiptScreen.isShown(),
        ReceiptScreen.clickNextOrder(),
    ].flat();
}

/** One card typed by hand per shift (block): the second is refused, a manager overrides. */
registry.category("web_tour.tours").add("LoyaltyClubPosTypedLimitTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            Club.clickClubButton(),
            Club.findMember("2990009000010"),
            Club.memberIs("Anna Club"),
            sellJacketCash(),
            Club.clickClubButton(),
            Club.findMember("2990009000027"),
            Club.identifyErrorContains("already typed by hand"),
            {
                content: "the manager gives a reason",
                trigger: ".modal .club-override-reason",
                run: "edit Card chip damaged",
            },
            {
                content: "the manager overrides the limit",
                trigger: ".modal .club-override-confirm:not([disabled])",
                run: "click",
            },
            Club.memberIs("Boris Club"),
            sellJacketCash(),
            Chrome.endTour(),
        ].flat(),
});

/** One accrual per card per day (block): the second sale asks the manager why. */
registry.category("web_tour.tours").add("LoyaltyClubPosAccrualLimitTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            scan_barcode(ANNA_CARD),
            Club.memberIs("Anna Club"),
            sellJacketCash(),
            scan_barcode(ANNA_CARD),
            Club.memberIs("Anna Club"),
            ProductScreen.addOrderline("Club Jacket", "1"),
            {
                content: "the panel says the card already earned today",
                trigger: ".club-panel .club-limit-block:contains('already earned on 1 checks today')",
            },
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            {
                content: "the manager gives the reason of the override",
                trigger: ".modal textarea",
                run: "edit Second visit with receipt",
            },
            Dialog.confirm("Apply"),
            ReceiptScreen.isShown(),
            ReceiptScreen.clickNextOrder(),
            Chrome.endTour(),
        ].flat(),
});
