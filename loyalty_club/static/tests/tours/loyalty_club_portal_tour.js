/** @odoo-module **/
/* A member on the portal: sees the balance and the QR of the card, then turns
   the SMS consent off and saves (tests/test_portal_club.py checks the record). */

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("loyalty_club_portal_tour", {
    url: "/my/club",
    steps: () => [
        {
            content: "The balance is shown",
            trigger: ".o_club_available:contains(180)",
        },
        {
            content: "The card's QR code is shown",
            trigger: ".o_club_card img[src*='barcode_type=QR']",
        },
        {
            content: "SMS is allowed for now: switch it off",
            trigger: "input#consent_sms:checked",
            run: "click",
        },
        {
            content: "Save the preferences",
            trigger: ".o_club_profile button[type=submit]",
            run: "click",
        },
        {
            content: "Saved, and SMS is off",
            trigger: ".o_loyalty_club_portal .alert-success",
        },
        {
            content: "The box stays unticked after the reload",
            trigger: "input#consent_sms:not(:checked)",
        },
    ],
});
