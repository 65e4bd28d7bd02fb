/** @odoo-module **/
/* A back-office user whose language is Ukrainian opens a member: the breadcrumb,
   the Loyalty Club page and its labels read in Ukrainian
   (tests/test_back_office_ukrainian.py). */

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("loyalty_club_back_office_uk_tour", {
    steps: () => [
        {
            content: "The breadcrumb names the menu Учасники (Members)",
            trigger: ".o_breadcrumb:contains('Учасники')",
        },
        {
            content: "Open the page Клуб лояльності (Loyalty Club)",
            trigger: ".o_form_view .o_notebook a.nav-link:contains('Клуб лояльності')",
            run: "click",
        },
        {
            content: "A group: Участь у клубі (Membership)",
            trigger: ".o_form_view .o_inner_group:contains('Участь у клубі')",
        },
        {
            content: "A group: Згоди (Consents)",
            trigger: ".o_form_view .o_inner_group:contains('Згоди')",
        },
        {
            content: "A field label: Учасник з (Member Since)",
            trigger: ".o_form_view .o_form_label:contains('Учасник з')",
        },
        {
            content: "A button: Журнал операцій (Ledger)",
            trigger: ".o_form_view button[name='action_club_open_ledger']:contains('Журнал операцій')",
        },
    ],
});
