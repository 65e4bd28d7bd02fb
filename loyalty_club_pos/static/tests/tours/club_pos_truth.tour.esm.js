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

/**
 * The till tells the truth: Anna (2,050.00 bonuses) buys a 1,960.13 coat and pays
 * 95.00 with bonuses. The panel and the payment screen follow the payment: the
 * earn falls from 196.01 to 186.51 (10% of what is not paid with bonuses, pending
 * 14 days), 1,955.00 stays; the receipt says the same, in the same number format.
 * (Two numpad keys at most: three quick ones are taken for a barcode.)
 */
registry.category("web_tour.tours").add("LoyaltyClubPosTruthTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            scan_barcode(ANNA_CARD),
            Club.memberIs("Anna Club"),
            Club.availableIs("2,050.00"),
            ProductScreen.addOrderline("Club Coat", "1"),
            Club.quoteIs("196.01", "588.03"),
            Club.earnPendingIs("14"),
            ProductScreen.clickPayButton(),
            // before any bonus: the balance, the cap in bonuses and money, the full earn
            Club.paymentInfoIs({
                available: "2,050.00",
                burnMax: "588.03",
                stays: "2,050.00",
                earn: "196.01",
                pendingDays: "14",
            }),
            PaymentScreen.clickPaymentMethod("Club bonuses"),
            PaymentScreen.selectedPaymentlineHas("Club bonuses", "588.03"),
            PaymentScreen.clickNumpad("9 5"),
            PaymentScreen.selectedPaymentlineHas("Club bonuses", "95.00"),
            // the club is asked again with the payment: less is earned, 1,955.00 stays
            Club.paymentInfoIs({
                available: "2,050.00",
                burnMax: "588.03",
                burn: "95.00",
                stays: "1,955.00",
                earn: "186.51",
                pendingDays: "14",
            }),
            Club.rememberFigure("the payment screen's earn", ".club-payment-info .club-pay-earn"),
            Club.rememberFigure("what stays", ".club-payment-info .club-pay-stays"),
            // back on the order, the member panel promises the same earn
            PaymentScreen.clickBack(),
            ProductScreen.isShown(),
            Club.quoteIs("186.51", "588.03"),
            Club.earnPendingIs("14"),
            Club.rememberFigure("the panel's earn", ".club-panel .club-earn"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            Club.receiptHas({
                earned: "186.51",
                spent: "95.00",
                balance: "1,955.00",
                message: "Thank you from the test club!",
            }),
            {
                content: "receipt: the earn is named pending",
                trigger: ".pos-receipt .club-receipt-earned-pending:contains('14')",
            },
            Club.sameFigure("the panel's earn", ".pos-receipt .club-receipt-earned span"),
            Club.sameFigure("the payment screen's earn", ".pos-receipt .club-receipt-earned span"),
            Club.sameFigure("what stays", ".pos-receipt .club-receipt-balance span"),
            ReceiptScreen.clickNextOrder(),
            Chrome.endTour(),
        ].flat(),
});
