/** @odoo-module */

import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as Order from "@point_of_sale/../tests/tours/utils/generic_components/order_widget_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as TicketScreen from "@point_of_sale/../tests/tours/utils/ticket_screen_util";
import { inLeftSide } from "@point_of_sale/../tests/tours/utils/common";
import { sellJacketWithBonuses } from "@loyalty_club_pos/../tests/tours/club_pos_card_spend.tour.esm";
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("LoyaltyClubPosRefundTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            sellJacketWithBonuses(),
            ReceiptScreen.clickNextOrder(),
            // refund the jacket: the 20 bonuses spent go back as bonuses, 80 in cash
            ...ProductScreen.clickRefund(),
            TicketScreen.selectOrder("-0001"),
            inLeftSide(Order.hasLine({ productName: "Club Jacket", withClass: ".selected" })),
            ProductScreen.clickNumpad("1"),
            TicketScreen.toRefundTextContains("To Refund: 1.00"),
            TicketScreen.confirmRefund(),
            ProductScreen.isShown(),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentline("Club bonuses", "-20.00"),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the receipt shows the bonuses given back",
                trigger: ".pos-receipt .club-receipt-spent:contains('-20.00')",
            },
            ReceiptScreen.clickNextOrder(),
            Chrome.endTour(),
        ].flat(),
});
