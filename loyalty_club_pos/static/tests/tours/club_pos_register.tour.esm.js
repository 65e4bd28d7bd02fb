/** @odoo-module */

import * as Chrome from "@point_of_sale/../tests/tours/utils/chrome_util";
import * as Dialog from "@point_of_sale/../tests/tours/utils/dialog_util";
import * as Club from "@loyalty_club_pos/../tests/tours/club_pos_util";
import { registry } from "@web/core/registry";

const VERA_PHONE = "+79165550011";
let sentCode = "";

registry.category("web_tour.tours").add("LoyaltyClubPosRegisterTour", {
    steps: () =>
        [
            Chrome.startPoS(),
            Dialog.confirm("Open Register"),
            // an existing member, found by her phone spelled another way
            Club.clickClubButton(),
            Club.findMember("+7 (916) 123-45-67"),
            Club.memberIs("Anna Club"),
            Club.detachMember(),
            // an unknown phone: register the customer on the spot
            Club.clickClubButton(),
            Club.findMember("+7 916 555-00-11"),
            Club.identifyErrorContains("No member"),
            Club.clickRegisterNew(),
            Club.fillRegistration({ name: "Vera New", phoneIs: "+7 916 555-00-11" }),
            Club.checkConsent("personal_data"),
            Club.checkConsent("sms"),
            Club.clickRegister(),
            // the program verifies phones: Vera reads out the code she received
            {
                content: "the dialog says where the code went",
                trigger: ".club-verify-sent-to:contains('+79')",
                async run() {
                    sentCode = await Club.sentCodeTo(VERA_PHONE);
                },
            },
            {
                content: "a wrong code is typed",
                trigger: "input.club-verify-code",
                async run(helpers) {
                    await helpers.edit(Club.wrongCode(sentCode));
                },
            },
            {
                content: "confirm the wrong code",
                trigger: ".modal button.club-verify-confirm:enabled",
                run: "click",
            },
            {
                content: "the club refuses it",
                trigger: ".club-register-error:contains('Wrong code')",
            },
            {
                content: "the right code",
                trigger: "input.club-verify-code",
                async run(helpers) {
                    await helpers.edit(sentCode);
                },
            },
            {
                content: "confirm the phone",
                trigger: ".modal button.club-verify-confirm:enabled",
                run: "click",
            },
            {
                content: "the dialog is closed",
                trigger: "body:not(:has(.club-verify-phone))",
            },
            Club.memberIs("Vera New"),
            Club.availableIs("25.00"),
            Chrome.endTour(),
        ].flat(),
});
