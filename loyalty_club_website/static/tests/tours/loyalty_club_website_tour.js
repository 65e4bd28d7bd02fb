/** @odoo-module **/
/* A signed-in member checks out in the web shop: the cart shows the balance
   and the most it may spend (the club's quote); the member spends 100 bonuses
   and pays 50 with a gift card, then pays the rest with the demo provider.
   tests/test_web_shop_tour.py checks the club's ledger afterwards. */

import { registry } from "@web/core/registry";
import * as tourUtils from "@website_sale/js/tours/tour_utils";

registry.category("web_tour.tours").add("loyalty_club_website_tour", {
    url: "/shop",
    steps: () => [
        ...tourUtils.addToCart({ productName: "Club web kettle" }),
        tourUtils.goToCart(),
        {
            content: "The cart shows the member's balance",
            trigger: ".o_club_cart .o_club_available:contains(1,000)",
        },
        {
            content: "and the most this cart may spend (the club's quote)",
            trigger: ".o_club_cart .o_club_max_spend:contains(200)",
        },
        {
            content: "Spending more than that is refused...",
            trigger: "form.o_club_bonuses input[name=amount]",
            run: "edit 250",
        },
        {
            trigger: "form.o_club_bonuses button[type=submit]",
            run: "click",
        },
        {
            content: "...with the reason",
            trigger: ".o_club_cart_message.alert-danger:contains(at most)",
        },
        {
            content: "Spend 100 bonuses",
            trigger: "form.o_club_bonuses input[name=amount]",
            run: "edit 100",
        },
        {
            trigger: "form.o_club_bonuses button[type=submit]",
            run: "click",
        },
        {
            content: "The bonuses are applied to the order",
            trigger: ".o_club_applied .o_club_applied_points:contains(100)",
        },
        {
            content: "and shown in its totals",
            trigger: "#order_club_bonuses",
        },
        {
            content: "Pay with the gift card",
            trigger: "form.o_club_gift input[name=code]",
            run: "edit 2980007700111",
        },
        {
            trigger: "form.o_club_gift button[type=submit]",
            run: "click",
        },
        {
            content: "The gift card pays its 50",
            trigger: ".o_club_gift_card:contains(2980007700111)",
        },
        {
            content: "The rest to pay: 400 - 100 - 50",
            trigger: "tr#order_total .oe_currency_value:contains(/^250.00$/)",
        },
        // services only, the address known: the checkout goes straight to payment
        tourUtils.goToCheckout(),
        ...tourUtils.payWithDemo(),
    ],
});
