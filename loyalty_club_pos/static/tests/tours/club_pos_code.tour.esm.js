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
const ANNA_PHONE = "+79161234567";
let sentCode = "";

function payTwentyWithBonuses() {
    return [
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Club bonuses"),
        PaymentScreen.clickNumpad("2 0"),
        PaymentScreen.selectedPaymentlineHas("Club bonuses", "20.00"),
        PaymentScreen.clickPaymentMethod("Cash"),
        PaymentScreen.remainingIs("0.00"),
        PaymentScreen.clickValidate(),
    ].flat();
}

registry.category("web_tour.tours").add("LoyaltyClubPosCodeTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            // the cashier types Anna's phone: her bonuses need the code she receives
            Club.clickClubButton(),
            Club.findMember("+7 916 123-45-67"),
            Club.memberIs("Anna Club"),
            ProductScreen.addOrderline("Club Jacket", "1"),
            {
                content: "the panel says spending needs the code",
                trigger: ".club-panel .club-code-needed",
            },
            payTwentyWithBonuses(),
            {
                content: "the till asks for the code sent to Anna's phone",
                trigger: ".modal .modal-title:contains('Code sent to +79')",
                async run() {
                    sentCode = await Club.sentCodeTo(ANNA_PHONE);
                },
            },
            {
                content: "a wrong code is typed",
                trigger: ".modal textarea",
                async run(helpers) {
                    await helpers.edit(Club.wrongCode(sentCode));
                },
            },
            Dialog.confirm("Apply"),
            {
                content: "the club refuses it",
                trigger: ".modal:contains('Wrong code')",
            },
            Dialog.confirm("Ok"),
            PaymentScreen.clickValidate(),
            {
                content: "the right code, as Anna reads it out",
                trigger: ".modal textarea",
                async run(helpers) {
                    await helpers.edit(sentCode);
                },
            },
            Dialog.confirm("Apply"),
            ReceiptScreen.isShown(),
            {
                content: "receipt: 20.00 spent",
                trigger: '.pos-receipt .club-receipt-spent:contains("20.00")',
            },
            ReceiptScreen.clickNextOrder(),
            // a scanned card spends without a code
            scan_barcode(ANNA_CARD),
            Club.memberIs("Anna Club"),
            ProductScreen.addOrderline("Club Jacket", "1"),
            {
                content: "the quote is in, and it asks for no code",
                trigger: ".club-panel:has(.club-earn):not(:has(.club-code-needed))",
            },
            payTwentyWithBonuses(),
            ReceiptScreen.isShown(),
            {
                content: "receipt: 20.00 spent without a code",
                trigger: '.pos-receipt .club-receipt-spent:contains("20.00")',
            },
            ReceiptScreen.clickNextOrder(),
            Chrome.endTour(),
        ].flat(),
});
