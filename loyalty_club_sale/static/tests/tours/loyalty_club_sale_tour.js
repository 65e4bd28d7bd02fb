/** @odoo-module **/
/* A salesperson's quotation spends a member's bonuses: the balance and the
   order's cap are shown, "Apply bonuses" proposes the cap, the bonus line is
   added and the order confirmed (tests/test_sale_tour.py pays it). */

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("loyalty_club_sale_tour", {
    steps: () => [
        {
            content: "The member's balance is shown on the quotation",
            trigger: ".o_form_view .o_club_balance:contains('1,000.00')",
        },
        {
            content: "The most this order may spend: half of 1,600",
            trigger: ".o_form_view .o_club_max_spend:contains('800.00')",
        },
        {
            content: "Apply bonuses",
            trigger: ".o_form_view button[name='action_club_apply_bonuses']",
            run: "click",
        },
        {
            content: "The wizard proposes the most the order may spend",
            trigger: ".modal .o_field_widget[name='amount'] input",
            run: function () {
                const value = this.anchor.value;
                if (!value.includes("800")) {
                    throw new Error(`the proposed amount is ${value}, not 800`);
                }
            },
        },
        {
            content: "Apply them",
            trigger: ".modal button[name='action_apply']",
            run: "click",
        },
        {
            content: "The bonus line lowers the order",
            trigger: ".o_form_view .o_data_row:contains('Club bonuses')",
        },
        {
            content: "The order shows the bonuses applied",
            trigger: ".o_form_view .o_club_bonus_applied:contains('800.00')",
        },
        {
            content: "Held for this order: the member's balance shows it",
            trigger: ".o_form_view .o_club_held:contains('800.00')",
        },
        {
            content: "Confirm the order",
            trigger: ".o_form_view button[name='action_confirm']:not(.d-none)",
            run: "click",
        },
        {
            content: "The order is confirmed",
            trigger: ".o_form_view .o_statusbar_status .o_arrow_button_current:contains('Sales Order')",
        },
    ],
});
