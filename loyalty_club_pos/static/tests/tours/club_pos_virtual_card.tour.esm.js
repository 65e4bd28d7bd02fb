/** @odoo-module */

import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as PaymentScreen from "@point_of_sale/../tests/tours/utils/payment_screen_util";
import * as ProductScreen from "@point_of_sale/../tests/tours/utils/product_screen_util";
import * as ReceiptScreen from "@point_of_sale/../tests/tours/utils/receipt_screen_util";
import * as Club from "@loyalty_club_pos/../tests/tours/club_pos_util";
import { simulateBarCode } from "@barcodes/../tests/helpers";
import { rpc } from "@web/core/network/rpc";
import { registry } from "@web/core/registry";

const cards = { first: "", second: "" };

function showDetails() {
    return {
        content: "show the member's details",
        trigger: ".club-panel .club-toggle-details:contains('Details')",
        run: "click",
    };
}
function rememberCard(name, notSame = "") {
    return {
        content: `remember the member's card as ${name}`,
        trigger: ".club-panel .club-member-card",
        run() {
            const code = this.anchor.textContent.trim();
            if (!/^2999\d{9}$/.test(code)) {
                throw new Error(`a virtual card number was expected, got "${code}"`);
            }
            if (notSame && code === cards[notSame]) {
                throw new Error(`the card is still ${code}`);
            }
            cards[name] = code;
        },
    };
}
function scanQr(name) {
    return {
        content: `scan the QR code of the ${name} card`,
        trigger: "body",
        run: () => simulateBarCode([..."LCLUB:" + cards[name], "Enter"]),
    };
}

/*
 * A customer registers at the till and gets a virtual card; the receipt prints
 * its QR code; the QR read by the scanner identifies her on the next order; the
 * card is replaced from the member panel: the old QR is refused, the new works.
 */
registry.category("web_tour.tours").add("LoyaltyClubPosVirtualCardTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            Club.clickClubButton(),
            Club.findMember("+7 916 555-00-22"),
            Club.identifyErrorContains("No member"),
            Club.clickRegisterNew(),
            Club.fillRegistration({ name: "Vika Virtual", phoneIs: "+7 916 555-00-22" }),
            Club.checkConsent("personal_data"),
            Club.clickRegister(),
            Club.memberIs("Vika Virtual"),
            showDetails(),
            rememberCard("first"),
            ProductScreen.addOrderline("Club Jacket", "1"),
            ProductScreen.clickPayButton(),
            PaymentScreen.clickPaymentMethod("Cash"),
            PaymentScreen.clickValidate(),
            ReceiptScreen.isShown(),
            {
                content: "the receipt prints the virtual card's QR code",
                trigger: ".pos-receipt .club-receipt-card-qr img[src*='LCLUB']",
            },
            {
                content: "and its number",
                trigger: ".pos-receipt .club-receipt-card-code",
                run() {
                    if (this.anchor.textContent.trim() !== cards.first) {
                        throw new Error(`receipt card ${this.anchor.textContent}`);
                    }
                },
            },
            ReceiptScreen.clickNextOrder(),
            // the next customer shows the QR code on her phone
            scanQr("first"),
            Club.memberIs("Vika Virtual"),
            showDetails(),
            {
                content: "replace the card",
                trigger: ".club-panel .club-replace-card",
                run: "click",
            },
            {
                content: "the reason",
                trigger: ".modal .club-replace-reason",
                run: "edit Phone lost",
            },
            {
                content: "confirm the replacement",
                trigger: ".modal .club-replace-confirm:enabled",
                run: "click",
            },
            {
                content: "the dialog is closed",
                trigger: "body:not(:has(.club-replace-card-dialog))",
            },
            rememberCard("second", "first"),
            Club.detachMember(),
            scanQr("first"),
            {
                content: "the old card is refused",
                trigger: ".o_notification:contains('was replaced')",
            },
            {
                content: "nobody was identified",
                trigger: "body:not(:has(.club-panel))",
            },
            scanQr("second"),
            Club.memberIs("Vika Virtual"),
            Chrome.endTour(),
        ].flat(),
});

/*
 * At another till of the club: the QR code on the member's phone (her active
 * virtual card, read from her contact) identifies her.
 */
registry.category("web_tour.tours").add("LoyaltyClubPosVirtualCardOtherTillTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            {
                content: "the member's active card, as her phone shows it",
                trigger: "body",
                async run() {
                    const [vika] = await rpc("/web/dataset/call_kw/res.partner/search_read", {
                        model: "res.partner",
                        method: "search_read",
                        args: [[["club_phone", "=", "+79165550022"]], ["club_card_code"]],
                        kwargs: { limit: 1 },
                    });
                    cards.second = vika?.club_card_code || "";
                },
            },
            scanQr("second"),
            Club.memberIs("Vika Virtual"),
            Chrome.endTour(),
        ].flat(),
});
