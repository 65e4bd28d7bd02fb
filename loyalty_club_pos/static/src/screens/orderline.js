/** @odoo-module */

/* The order line shows what it earns and whether bonuses may pay for it. */

import { Orderline } from "@point_of_sale/app/generic_components/orderline/orderline";
import { patch } from "@web/core/utils/patch";

patch(Orderline, {
    props: {
        ...Orderline.props,
        line: {
            ...Orderline.props.line,
            shape: {
                ...Orderline.props.line.shape,
                clubEarn: { type: String, optional: true },
                clubEarnClass: { type: String, optional: true },
                clubNoBurn: { type: String, optional: true },
            },
        },
    },
});
