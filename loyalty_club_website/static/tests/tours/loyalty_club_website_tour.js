/** @odoo-module **/
/* A signed-in member checks out in the web shop: the cart shows the balance
   and the most it may spend (the club's quote); the member spends 100 bonuses
   and pays 50 with a gift card, then pays the rest with the demo provider.
   tests/test_web_shop_tour.py checks the club's ledger afterwards. */

import { registry } from "@web/core/registry";

// The shop's own steps, written here: web.assets_tests is loaded by every page
// under test, the till's too, where importing website_sale's tour helpers (and
// through them website's) changed Odoo's own POS tours (a pos_loyalty reward
// not applied, a receipt e-mail never sent).
const shopSteps = {
    addToCart: (productName) => [
        { content: "Open the shop", trigger: 'a:contains("Shop")', run: "click" },
        {
            content: "Search for the product",
            trigger: 'form input[name="search"]',
            run: `edit ${productName}`,
        },
        {
            content: "Search",
            trigger: 'form:has(input[name="search"]) .oe_search_button',
            run: "click",
        },
        { content: "Open the product", trigger: `a:contains(${productName})`, run: "click" },
        { content: "Add to cart", trigger: "#add_to_cart", run: "click" },
    ],
    goToCart: () => ({
        content: "Go to the cart",
        trigger: "a sup.my_cart_quantity:contains(/^1$/)",
        run: "click",
    }),
    goToCheckout: () => ({
        content: "Check out",
        trigger: 'a[href^="/shop/checkout"]',
        run: "click",
    }),
    payWithDemo: () => [
        {
            content: "Pay with the demo provider",
            trigger: 'input[name="o_payment_radio"][data-payment-method-code="demo"]',
            run: "click",
        },
        {
            content: "A test card number",
            trigger: 'input[name="customer_input"]',
            run: "edit 4242424242424242",
        },
        {
            content: "Pay",
            trigger: 'button[name="o_payment_submit_button"]:visible:not(:disabled)',
            run: "click",
        },
        {
            content: "The payment went through",
            trigger:
                '.oe_website_sale_tx_status:contains("Your payment has been successfully processed.")',
        },
    ],
};

registry.category("web_tour.tours").add("loyalty_club_website_tour", {
    url: "/shop",
    steps: () => [
        ...shopSteps.addToCart("Club web kettle"),
        shopSteps.goToCart(),
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
        shopSteps.goToCheckout(),
        ...shopSteps.payWithDemo(),
    ],
});
