/** @odoo-module */

import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as Club from "@loyalty_club_pos/../tests/tours/club_pos_util";
import { registry } from "@web/core/registry";

export const STOCK_CARD = "2990009000027";

/*
 * A customer without a card buys for more than the program's threshold: the
 * payment screen offers a card; the cashier registers the customer with a card
 * from stock (step one) and the card is active and earns on this very sale
 * (step two).
 */
registry.category("web_tour.tours").add("LoyaltyClubPosCardOfferTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            ProductScreen.addOrderline("Club Jacket", "1"),
            ProductScreen.clickPayButton(),
            {
                content: "the till offers a club card",
                trigger: ".club-offer-card:contains('offer the customer a club card')",
            },
            {
                content: "register a card",
                trigger: ".club-offer-card .club-offer-card-register",
                run: "click",
            },
            {
                content: "the customer's name",
                trigger: ".modal .club-register-name",
                run: "edit Olga Offered",
            },
            {
                content: "her phone",
                trigger: ".modal .club-register-phone",
                run: "edit +7 916 555-00-33",
            },
            {
                content: "the card from stock",
                trigger: ".modal .club-register-card",
                run: `edit ${STOCK_CARD}`,
            },
            Club.checkConsent("personal_data"),
            Club.clickRegister(),
            {
                content: "the new member is on the sale; no more offer",
                trigger: ".club-payment-info .club-pay-member:contains('Olga Offered')",
            },
            {
                content: "the offer is gone",
                trigger: "body:not(:has(.club-offer-card))",
            },
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the receipt counts the earn",
                trigger: ".pos-receipt .club-receipt-earned:contains('10.00')",
            },
            ReceiptScreen.clickNextOrder(),
            Chrome.endTour(),
        ].flat(),
});
