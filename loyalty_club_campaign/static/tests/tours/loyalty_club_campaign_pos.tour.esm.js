/** @odoo-module */
/* At the till: the member of a campaign is identified by her card, the club
   panel offers her personal campaign coupon, the cashier applies it and the
   sale takes it (tests/test_tour.py checks the coupon is used). */

import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import { scan_barcode } from "@point_of_sale/../tests/tours/utils/common";
import * as Club from "@loyalty_club_pos/../tests/tours/club_pos_util";
import { ANNA_CARD } from "@loyalty_club_pos/../tests/tours/club_pos_card_spend.tour.esm";
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("LoyaltyClubCampaignPosTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            scan_barcode(ANNA_CARD),
            Club.memberIs("Anna Club"),
            ProductScreen.addOrderline("Club Jacket", "1"),
            {
                content: "the panel offers her campaign coupon",
                trigger: ".club-panel .club-coupon-offer[title='Kyiv 10 off']",
                run: "click",
            },
            {
                content: "the coupon is taken",
                trigger: ".club-panel .club-coupon-code",
            },
            {
                content: "the promotion takes 10.00 off",
                trigger: ".club-panel .club-promotion:contains('Kyiv 10 off'):contains('10.00')",
            },
            ProductScreen.totalAmountIs("90.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            ReceiptScreen.clickNextOrder(),
            Chrome.endTour(),
        ].flat(),
});
