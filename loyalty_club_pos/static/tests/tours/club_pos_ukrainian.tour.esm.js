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

/* A cashier whose language is Ukrainian sells with a member: the club's panel
 * speaks Ukrainian (loyalty_club_pos/i18n/uk.po) and the figures follow uk_UA's
 * format (decimal comma). Records' names (products, payment methods) made by
 * the test have no Ukrainian value and show in English. */
registry.category("web_tour.tours").add("LoyaltyClubPosUkrainianTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm(),
            scan_barcode(ANNA_CARD),
            Club.memberIs("Anna Club"),
            {
                content: "the panel says Доступно: 50,00 (Available:)",
                trigger: '.club-panel .club-balance span:contains("Доступно:"):has(.club-available:contains("50,00"))',
            },
            // addOrderline checks the quantity as "1.00": uk_UA writes "1,00"
            ProductScreen.clickDisplayedProduct("Club Jacket", true, "1,00"),
            {
                content: "the quote says Нарахується / можна списати до (Earns / can spend up to)",
                trigger: '.club-panel .club-quote:contains("Нарахується"):contains("можна списати до")',
            },
            Club.quoteIs("10,00", "30,00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Club bonuses"),
            PaymentScreen.selectedPaymentlineHas("Club bonuses", "30,00"),
            PaymentScreen.clickNumpad("2 0"),
            PaymentScreen.selectedPaymentlineHas("Club bonuses", "20,00"),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.remainingIs("0,00"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            Club.receiptHas({
                earned: "8,00",
                spent: "20,00",
                balance: "30,00",
                message: "Thank you from the test club!",
            }),
            ReceiptScreen.clickNextOrder(),
            Chrome.endTour(),
        ].flat(),
});
