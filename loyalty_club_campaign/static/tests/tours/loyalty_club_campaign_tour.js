/** @odoo-module **/
/* A marketer builds the segment "RFM at risk in Kyiv stores" (the count follows
   every condition), then sends it a campaign with a personal coupon; the test
   (tests/test_tour.py) sends the SMS through the fake gateway and redeems one
   coupon. */

import { registry } from "@web/core/registry";

function pick(field, text, item) {
    return [
        {
            content: `Type ${text} in ${field}`,
            trigger: `.o_field_widget[name='${field}'] input`,
            run: `edit ${text}`,
        },
        {
            content: `Choose ${item || text}`,
            trigger: `.o-autocomplete--dropdown-item:contains('${item || text}')`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("loyalty_club_campaign_tour", {
    steps: () => [
        {
            content: "A new segment",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit RFM at risk in Kyiv stores",
        },
        ...pick("program_id", "Test club"),
        {
            content: "Every member of the program counts now",
            trigger: ".o_field_widget[name='member_count'] .o_stat_value:contains('40')",
        },
        ...pick("rfm_cell_ids", "At risk"),
        {
            content: "The count follows: the members at risk",
            trigger: ".o_field_widget[name='member_count'] .o_stat_value:contains('6')",
        },
        ...pick("store_ids", "Kyiv"),
        {
            content: "The count follows: at risk and registered in Kyiv",
            trigger: ".o_field_widget[name='member_count'] .o_stat_value:contains('3')",
        },
        {
            content: "Save the segment",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
        {
            content: "Open the Marketing menu",
            trigger:
                ".o_menu_sections [data-menu-xmlid='loyalty_club_campaign.loyalty_club_campaign_menu_root']",
            run: "click",
        },
        {
            content: "Campaigns",
            trigger: ".dropdown-item[data-menu-xmlid='loyalty_club_campaign.loyalty_club_campaign_menu']",
            run: "click",
        },
        {
            content: "A new campaign",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Come back to Kyiv",
        },
        ...pick("program_id", "Test club"),
        ...pick("segment_id", "RFM at risk", "RFM at risk in Kyiv stores"),
        ...pick("promotion_id", "Kyiv 100 off"),
        {
            content: "The SMS text with the member's coupon",
            trigger: ".o_field_widget[name='sms_text'] textarea",
            run: "edit {name}, we miss you in Kyiv: {offer} with code {coupon}.",
        },
        {
            content: "Launch",
            trigger: "button[name='action_launch']",
            run: "click",
        },
        {
            content: "Confirm the launch",
            trigger: ".modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "The campaign is launched",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains('Launched')",
        },
        {
            content: "Three members drawn into the target group (no control group)",
            trigger: ".o_field_widget[name='target_count'] .o_stat_value:contains('3')",
        },
    ],
});
