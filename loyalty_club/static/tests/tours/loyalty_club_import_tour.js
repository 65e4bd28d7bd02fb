/** @odoo-module **/
/* A club manager moves in from the old system (tests/test_import_tour.py):
   uploads the sample export, maps the shoe-size column, runs the dry run,
   downloads the error file and imports. */

import { registry } from "@web/core/registry";
import { rpc } from "@web/core/network/rpc";

const FILE = "old_system_members.csv";

async function upload() {
    const [attachment] = await rpc("/web/dataset/call_kw/ir.attachment/search_read", {
        model: "ir.attachment",
        method: "search_read",
        args: [[["name", "=", `tour-${FILE}`]], ["datas"]],
        kwargs: {},
    });
    const blob = await (await fetch(`data:text/csv;base64,${attachment.datas}`)).blob();
    const transfer = new DataTransfer();
    transfer.items.add(new File([blob], FILE, { type: "text/csv" }));
    const input = document.querySelector(".o_field_widget[name=file] input[type=file]");
    input.files = transfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
}

function jobId() {
    const match = window.location.pathname.match(/\/(\d+)$/);
    return match && match[1];
}

registry.category("web_tour.tours").add("loyalty_club_import_tour", {
    steps: () => [
        {
            content: "Name the import",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Members from the old 1C",
        },
        {
            content: "Choose the program",
            trigger: ".o_field_widget[name=program_id] input",
            run: "edit Import club",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Import club')",
            run: "click",
        },
        {
            content: "The day the balances are carried",
            trigger: ".o_field_widget[name=import_date] input",
            run: "edit 12/01/2026",
        },
        {
            content: "Choose the old system's template",
            trigger: ".o_field_widget[name=template_id] input",
            run: "edit Old 1C",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains('Old 1C')",
            run: "click",
        },
        {
            content: "Upload the old system's export",
            trigger: ".o_field_widget[name=file] input[type=file]:not(:visible)",
            run: upload,
        },
        {
            content: "The file is uploaded",
            trigger: ".o_field_widget[name=file] .o_clear_file_button",
        },
        {
            content: "Read its columns",
            trigger: "button.club-import-read",
            run: "click",
        },
        {
            content: "Map the shoe size to the questionnaire",
            trigger: ".o_field_widget[name=column_ids] tr.o_data_row:contains('Размер обуви') td[name=target]",
            run: "click",
        },
        {
            trigger: ".o_field_widget[name=column_ids] tr.o_selected_row td[name=target] select",
            run: "selectByLabel Shoe size",
        },
        {
            content: "Run the dry run",
            trigger: "button.club-import-dry-run",
            run: "click",
        },
        {
            content: "The dry run rejected 11 rows",
            trigger: ".o_field_widget[name=rows_rejected]:contains('11')",
        },
        {
            content: "Download the error file",
            trigger: "button.club-import-errors",
            run: "click",
        },
        {
            content: "The error file names each row's reason",
            trigger: "button.club-import-errors",
            run: async () => {
                const response = await fetch(
                    `/web/content/loyalty.club.import.job/${jobId()}/error_file`
                );
                const text = await response.text();
                if (!response.ok || !text.includes("12345") || !text.includes("Reason")) {
                    throw new Error("the error file lacks the rejected rows");
                }
            },
        },
        {
            content: "Import",
            trigger: "button.club-import-run",
            run: "click",
        },
        {
            trigger: ".modal-footer button.btn-primary",
            run: "click",
        },
        {
            content: "The import is done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
    ],
});
