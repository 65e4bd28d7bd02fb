from . import models


def post_init_hook(env):
    """Existing club payment methods and the gift-card product book on the
    liability accounts of each company's policy."""
    env["pos.payment.method"].search(
        [("club_kind", "!=", False)]
    )._club_book_on_liability()
    product = env.ref(
        "loyalty_club_pos.product_club_gift_card", raise_if_not_found=False
    )
    for company in env["res.company"].search([]):
        account = company._loyalty_club_liability_account("gift_card")
        if product and account and company.loyalty_club_pos_settles:
            product.product_tmpl_id.with_company(
                company
            ).property_account_income_id = account


def uninstall_hook(env):
    """Remove the club card barcode rules: they were made per prefix, not as data."""
    env["barcode.rule"].sudo().with_context(active_test=False).search(
        [("type", "=", "club_card")]
    ).unlink()
