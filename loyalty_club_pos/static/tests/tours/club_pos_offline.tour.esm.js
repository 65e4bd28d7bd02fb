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

/**
 * Odoo's payment screen re-raises the lost connection after keeping the order; the
 * cashier gets the "Connection Lost" dialog, the test browser must not log it as a failure.
 */
function quietConnectionLost(env, error, originalError) {
    if (originalError instanceof ConnectionLostError) {
        error.event?.preventDefault();
    }
    return false;
}

/** The connection drops after the member was identified: the sale is kept and synced later. */
registry.category("web_tour.tours").add("LoyaltyClubPosOfflineTour", {
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
            PaymentScreen.clickNumpad("2 0"),
            PaymentScreen.selectedPaymentlineHas("Club bonuses", "20.00"),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickValidate(),
            Dialog.confirm("Continue with limited functionality"),
            ReceiptScreen.isShown(),
            {
                content: "the receipt says the bonuses come once the order is synced",
                trigger: ".pos-receipt .club-receipt-pending",
            },
            run(async () => {
                const pos = window.posmodel;
                pos.data.network.offline = false;
                await pos.syncAllOrders();
                // a flaky link may deliver the same order twice: the server applies it once
                const order = pos.get_order();
                await pos.data.call("pos.order", "sync_from_ui", [[order.serialize({ orm: true })]]);
                await pos.syncAllOrders();
            }, "the connection is back: the pending order is synced"),
            Club.receiptHas({
                earned: "8.00",
                spent: "20.00",
                balance: "30.00",
                message: "Thank you from the test club!",
            }),
            ReceiptScreen.clickNextOrder(),
            Chrome.endTour(),
        ].flat(),
});
