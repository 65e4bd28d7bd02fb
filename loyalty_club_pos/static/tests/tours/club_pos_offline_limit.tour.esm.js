/** @odoo-module */

import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import { run, scan_barcode } from "@point_of_sale/../tests/tours/utils/common";
import * as Club from "@loyalty_club_pos/../tests/tours/club_pos_util";
import { ANNA_CARD } from "@loyalty_club_pos/../tests/tours/club_pos_card_spend.tour.esm";
import { registry } from "@web/core/registry";
import { ConnectionLostError } from "@web/core/network/rpc";

function quietConnectionLost(env, error, originalError) {
    if (originalError instanceof ConnectionLostError) {
        error.event?.preventDefault();
    }
    return false;
}

/**
 * Offline, the till refuses a spend above the program's offline limits (15.00 a
 * check, 25.00 a day) and finds again a member it served in the session.
 */
registry.category("web_tour.tours").add("LoyaltyClubPosOfflineLimitTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            scan_barcode(ANNA_CARD),
            Club.memberIs("Anna Club"),
            ProductScreen.addOrderline("Club Jacket", "1"),
            Club.quoteIs("10.00", "30.00"),
            run(() => {
                registry
                    .category("error_handlers")
                    .add("loyalty_club_pos.quiet_connection_lost", quietConnectionLost, {
                        sequence: 0,
                        force: true,
                    });
                window.posmodel.data.network.offline = true;
            }, "the connection drops"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Club bonuses"),
            // online the quote allowed 30.00; offline the program allows 15.00
            PaymentScreen.selectedPaymentlineHas("Club bonuses", "15.00"),
            PaymentScreen.clickNumpad("2 0"),
            {
                content: "the till refuses 20.00 offline",
                trigger: ".modal:contains('can be paid with club bonuses'):contains('15.00')",
            },
            Dialog.confirm(),
            PaymentScreen.selectedPaymentlineHas("Club bonuses", "15.00"),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            Dialog.confirm("Continue with limited functionality"),
            ReceiptScreen.isShown(),
            ReceiptScreen.clickNextOrder(),
            // still offline: Anna, served in this session, is found again
            scan_barcode(ANNA_CARD),
            Club.memberIs("Anna Club"),
            ProductScreen.addOrderline("Club Jacket", "1"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Club bonuses"),
            // 25.00 a day offline, 15.00 already spent: 10.00 left
            PaymentScreen.selectedPaymentlineHas("Club bonuses", "10.00"),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.remainingIs("0.00"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            run(async () => {
                const pos = window.posmodel;
                pos.data.network.offline = false;
                await pos.syncAllOrders();
            }, "the connection is back: the order is synced"),
            Club.receiptHas({
                earned: "9.00",
                spent: "10.00",
                balance: "25.00",
                message: "Thank you from the test club!",
            }),
            ReceiptScreen.clickNextOrder(),
            Chrome.endTour(),
        ].flat(),
});
