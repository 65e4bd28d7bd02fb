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
 * Anna buys a Gold club card (no physical card: a virtual one). The till will
 * not take the payment before it knows whom the card is for; once her card is
 * scanned, the order is paid and the club gives her the card and the tier.
 */
registry.category("web_tour.tours").add("LoyaltyClubPosClubCardTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.clickDisplayedProduct("Gold club card"),
            Dialog.is({ title: "Club card number" }),
            Dialog.confirm("Apply"),
            ProductScreen.selectedOrderlineHas("Gold club card", "1"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            Dialog.bodyIs("A club card is sold to a customer"),
            Dialog.confirm("Ok"),
            PaymentScreen.clickBack(),
            scan_barcode(ANNA_CARD),
            Club.memberIs("Anna Club"),
            ProductScreen.clickPayButton(),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            ReceiptScreen.clickNextOrder(),
            Chrome.endTour(),
        ].flat(),
});
