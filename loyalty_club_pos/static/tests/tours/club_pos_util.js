/** @odoo-module */

/* Tour steps for the club's parts of the till (panel, dialogs, receipt). */

import { rpc } from "@web/core/network/rpc";

/** The one-time code in the latest SMS queued for ``phone`` (E.164); the tour's
 * user must be allowed to read SMS. */
export async function sentCodeTo(phone) {
    const [sms] = await rpc("/web/dataset/call_kw/sms.sms/search_read", {
        model: "sms.sms",
        method: "search_read",
        args: [[["number", "=", phone]], ["body"]],
        kwargs: { order: "id desc", limit: 1 },
    });
    const match = sms && sms.body.match(/\b(\d{4,6})\b/);
    if (!match) {
        throw new Error(`no code in the SMS sent to ${phone}: ${sms?.body}`);
    }
    return match[1];
}

/** The code with its first digit changed: a wrong code of the right length. */
export function wrongCode(code) {
    return String((Number(code[0]) + 1) % 10) + code.slice(1);
}

export function clickClubButton() {
    return {
        content: "open the club dialog",
        trigger: ".control-buttons .club-button",
        run: "click",
    };
}
export function findMember(identifier) {
    return [
        {
            content: `type ${identifier}`,
            trigger: ".modal .club-identifier-input",
            run: `edit ${identifier}`,
        },
        {
            content: "find the member",
            trigger: ".modal .club-find",
            run: "click",
        },
    ];
}
export function identifyErrorContains(text) {
    return {
        content: `the lookup says "${text}"`,
        trigger: `.modal .club-identify-error:contains("${text}")`,
    };
}
export function clickRegisterNew() {
    return {
        content: "register a new member",
        trigger: ".modal .club-open-register",
        run: "click",
    };
}
export function fillRegistration({ name, phoneIs }) {
    return [
        {
            content: "the typed phone is kept",
            trigger: `.modal .club-register-phone`,
            run: function () {
                if (this.anchor.value !== phoneIs) {
                    throw new Error(`phone is ${this.anchor.value}, expected ${phoneIs}`);
                }
            },
        },
        {
            content: "the consent wording is shown",
            trigger: ".modal .club-consent-wording:contains('personal data')",
        },
        {
            content: `name ${name}`,
            trigger: ".modal .club-register-name",
            run: `edit ${name}`,
        },
    ];
}
export function checkConsent(channel) {
    return {
        content: `consent to ${channel}`,
        trigger: `.modal input.club-consent-${channel}`,
        run: "check",
    };
}
export function clickRegister() {
    return {
        content: "register",
        trigger: ".modal .club-register:not([disabled])",
        run: "click",
    };
}
export function memberIs(name) {
    return {
        content: `the panel shows ${name}`,
        trigger: `.club-panel .club-member-name:contains("${name}")`,
    };
}
export function availableIs(amount) {
    return {
        content: `${amount} available`,
        trigger: `.club-panel .club-available:contains("${amount}")`,
    };
}
export function highlightShows(text) {
    return {
        content: `highlight ${text}`,
        trigger: `.club-panel .club-highlights:contains("${text}")`,
    };
}
export function quoteIs(earn, burnMax) {
    return [
        {
            content: `earns ${earn}`,
            trigger: `.club-panel .club-earn:contains("${earn}")`,
        },
        {
            content: `can spend up to ${burnMax}`,
            trigger: `.club-panel .club-burn-max:contains("${burnMax}")`,
        },
    ];
}
export function detachMember() {
    return [
        {
            content: "remove the member from the order",
            trigger: ".club-panel .club-detach",
            run: "click",
        },
        {
            content: "the panel is gone",
            trigger: "body:not(:has(.club-panel))",
        },
        {
            content: "and so is the customer the club had set",
            trigger: ".product-screen .set-partner:not(:has(.text-action))",
        },
    ];
}
export function receiptHas({ earned, spent, balance, message }) {
    return [
        {
            content: `receipt: earned ${earned}`,
            trigger: `.pos-receipt .club-receipt-earned:contains("${earned}")`,
        },
        {
            content: `receipt: spent ${spent}`,
            trigger: `.pos-receipt .club-receipt-spent:contains("${spent}")`,
        },
        {
            content: `receipt: balance ${balance}`,
            trigger: `.pos-receipt .club-receipt-balance:contains("${balance}")`,
        },
        {
            content: "receipt: the program's message",
            trigger: `.pos-receipt .club-receipt-message:contains("${message}")`,
        },
    ];
}
export function sellGiftCard(amount, code = "") {
    const steps = [
        {
            content: `gift card amount ${amount}`,
            trigger: ".modal .club-gift-amount",
            run: `edit ${amount}`,
        },
    ];
    if (code) {
        steps.push({
            content: `gift card ${code} scanned from stock`,
            trigger: ".modal .club-gift-code",
            run: `edit ${code}`,
        });
    }
    steps.push(
        {
            content: "add the gift card to the order",
            trigger: ".modal .club-gift-confirm:not([disabled])",
            run: "click",
        },
        {
            content: "the dialog is closed",
            trigger: "body:not(:has(.club-gift-card-dialog))",
        }
    );
    return steps;
}
export function payWithGiftCard(code) {
    return [
        {
            content: `type the gift card ${code}`,
            trigger: ".modal .club-gift-code",
            run: `edit ${code}`,
        },
        {
            content: "ask the club what the card holds",
            trigger: ".modal .club-gift-confirm:not([disabled])",
            run: "click",
        },
        {
            content: "the dialog is closed",
            trigger: "body:not(:has(.club-gift-card-dialog))",
        },
    ];
}
export function receiptGiftSold(code, amount) {
    return [
        {
            content: `receipt: gift card ${amount}`,
            trigger: `.pos-receipt .club-receipt-gift-sold:contains("${amount}")`,
        },
        {
            content: `receipt: the card number ${code}`,
            trigger: `.pos-receipt .club-receipt-gift-code:contains("${code}")`,
        },
        {
            content: "receipt: valid until",
            trigger: ".pos-receipt .club-receipt-gift-expires",
        },
    ];
}
export function receiptGiftPaid(amount, left) {
    return [
        {
            content: `receipt: ${amount} paid with the gift card`,
            trigger: `.pos-receipt .club-receipt-gift-paid:contains("${amount}")`,
        },
        {
            content: `receipt: ${left} left on the card`,
            trigger: `.pos-receipt .club-receipt-gift-balance:contains("${left}")`,
        },
    ];
}
export function earnPendingIs(days) {
    return {
        content: `the panel says the earn waits ${days} days`,
        trigger: `.club-panel .club-earn-pending:contains("${days}")`,
    };
}
/** The payment screen's club block: every figure as the server quoted it. */
export function paymentInfoIs({ available, burnMax, burn, stays, earn, pendingDays }) {
    const steps = [
        ["balance", "club-pay-available", available],
        ["cap", "club-pay-burn-max", burnMax],
        ["spends", "club-pay-burn", burn],
        ["what stays", "club-pay-stays", stays],
        ["earns", "club-pay-earn", earn],
        ["the earn waits", "club-pay-earn-pending", pendingDays],
    ]
        .filter(([, , value]) => value !== undefined)
        .map(([what, cls, value]) => ({
            content: `payment screen: ${what} ${value}`,
            trigger: `.payment-screen .club-payment-info .${cls}:contains("${value}")`,
        }));
    return steps;
}
/** Remember the text of ``selector`` (its figure) under ``name`` for sameFigure. */
export function rememberFigure(name, selector) {
    return {
        content: `remember ${name}`,
        trigger: selector,
        run: function () {
            window.__clubFigures = { ...(window.__clubFigures || {}), [name]: this.anchor.textContent };
        },
    };
}
/** The figure in ``selector`` is the one remembered as ``name`` (same number). */
export function sameFigure(name, selector) {
    const number = (text) => (text || "").match(/-?[\d.,\s\u00a0\u202f]*\d/)?.[0].trim();
    return {
        content: `${selector} says what ${name} said`,
        trigger: selector,
        run: function () {
            const promised = number(window.__clubFigures?.[name]);
            const told = number(this.anchor.textContent);
            if (!promised || promised !== told) {
                throw new Error(`${name} was "${promised}", ${selector} says "${told}"`);
            }
        },
    };
}
