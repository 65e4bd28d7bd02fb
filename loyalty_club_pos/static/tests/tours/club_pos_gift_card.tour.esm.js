/** @odoo-module */

import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as TicketScreen from "@point_of_sale/../tests/tours/utils/ticket_screen_util";
import * as Order from "@point_of_sale/../tests/tours/utils/generic_components/order_widget_util";
import { inLeftSide } from "@point_of_sale/../tests/tours/utils/common";
import { scan_barcode } from "@point_of_sale/../tests/tours/utils/common";
import * as Club from "@loyalty_club_pos/../tests/tours/club_pos_util";
import { ANNA_CARD } from "@loyalty_club_pos/../tests/tours/club_pos_card_spend.tour.esm";
import { registry } from "@web/core/registry";

/** A gift card in stock (emission 298, sequence 900001). */
export const GIFT_CARD = "2980009000011";

/** Sell a gift card of 100 with a card from stock, paid in cash. */
function sellGiftCardCash() {
    return [
        ProductScreen.clickControlButton("Gift card"),
        Club.sellGiftCard("100", GIFT_CARD),
        ProductScreen.selectedOrderlineHas("Club gift card", "1", "100.00"),
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Cash"),
        PaymentScreen.remainingIs("0.00"),
        PaymentScreen.clickValidate(),
        ReceiptScreen.isShown(),
        Club.receiptGiftSold(GIFT_CARD, "100.00"),
        ReceiptScreen.clickNextOrder(),
    ].flat();
}

/** Refund the gift card sold with the first order, in cash, up to Validate. */
function refundGiftCardSale() {
    return [
        ...ProductScreen.clickRefund(),
        TicketScreen.selectOrder("-0001"),
        inLeftSide(Order.hasLine({ productName: "Club gift card", withClass: ".selected" })),
        ProductScreen.clickNumpad("1"),
        TicketScreen.toRefundTextContains("To Refund: 1.00"),
        TicketScreen.confirmRefund(),
        ProductScreen.isShown(),
        ProductScreen.clickPayButton(),
        PaymentScreen.clickPaymentMethod("Cash"),
        PaymentScreen.remainingIs("0.00"),
        PaymentScreen.clickValidate(),
    ].flat();
}

/** An unused gift card is refunded: the club cancels it. */
registry.category("web_tour.tours").add("LoyaltyClubPosGiftRefundTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            sellGiftCardCash(),
            refundGiftCardSale(),
            ReceiptScreen.isShown(),
            ReceiptScreen.clickNextOrder(),
            Chrome.endTour(),
        ].flat(),
});

registry.category("web_tour.tours").add("LoyaltyClubPosGiftCardTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            // sell a gift card of 100 with a card from stock, paid in cash
            ProductScreen.clickControlButton("Gift card"),
            Club.sellGiftCard("100", GIFT_CARD),
            ProductScreen.selectedOrderlineHas("Club gift card", "1", "100.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            Club.receiptGiftSold(GIFT_CARD, "100.00"),
            ReceiptScreen.clickNextOrder(),
            // Anna pays a jacket with 60 from the gift card, 20 bonuses and 20 cash
            scan_barcode(ANNA_CARD),
            Club.memberIs("Anna Club"),
            ProductScreen.addOrderline("Club Jacket", "1"),
            Club.quoteIs("10.00", "30.00"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Gift card"),
            Club.payWithGiftCard(GIFT_CARD),
            PaymentScreen.selectedPaymentlineHas("Gift card", "100.00"),
            PaymentScreen.clickNumpad("6 0"),
            PaymentScreen.selectedPaymentlineHas("Gift card", "60.00"),
            PaymentScreen.clickPaymentMethod("Club bonuses"),
            PaymentScreen.selectedPaymentlineHas("Club bonuses", "30.00"),
            PaymentScreen.clickNumpad("2 0"),
            PaymentScreen.selectedPaymentlineHas("Club bonuses", "20.00"),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            Club.receiptHas({
                earned: "8.00",
                spent: "20.00",
                balance: "30.00",
                message: "Thank you from the test club!",
            }),
            Club.receiptGiftPaid("60.00", "40.00"),
            ReceiptScreen.clickNextOrder(),
            // the card was used: its sale cannot be refunded, the till says why
            refundGiftCardSale(),
            {
                content: "the club refuses to refund a used gift card",
                trigger: ".modal .modal-body:contains('was already used (40.00 left of 100.00)')",
            },
            Dialog.confirm(),
            PaymentScreen.isShown(),
            Chrome.endTour(),
        ].flat(),
});
