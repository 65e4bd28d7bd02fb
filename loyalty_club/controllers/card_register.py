"""A card bought in a store, registered by its holder on a public page: the
card's number and a phone, proved with the one-time code the phone receives
("after buying the card, register it on the website")."""

from odoo import _, fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

from ..domain import cards as core_cards
from ..selections import CONSENT_CHANNELS
from .portal import session_allows

PENDING = "club_card_register"
# at most this many cards tried per session in the window (seconds): numbers
# are not to be guessed here
TRIES, WINDOW = 5, 600


class ClubCardRegister(http.Controller):
    def _render(self, **values):
        values.setdefault(
            "consent_channels",
            request.env["loyalty.club.consent"]
            ._fields["channel"]
            ._description_selection(request.env),
        )
        values.setdefault("form", {})
        if values.get("code_sent_to"):
            values["code_message"] = _(
                "We sent a code by SMS to %(phone)s. Type it here to finish.",
                phone=values["code_sent_to"],
            )
        done = values.get("done")
        if done:
            values["done_message"] = _(
                "Card %(card)s is yours now, %(name)s: your purchases earn bonuses "
                "with it from today.",
                card=values.get("card_code"),
                name=done.get("name"),
            )
            values["balance_message"] = _(
                "Bonuses: %(available)s available, %(pending)s pending.",
                available=done.get("available"),
                pending=done.get("pending"),
            )
        return request.render("loyalty_club.club_card_register", values)

    def _stock_card(self, number):
        """A physical card of the club waiting for its member, else nothing: an
        unknown number and a card already in use look the same."""
        code = core_cards.normalize_code(number or "")
        if not code:
            return request.env["loyalty.club.card"].sudo().browse()
        return (
            request.env["loyalty.club.card"]
            .sudo()
            .search(
                [
                    ("code", "=", code),
                    ("kind", "=", "physical"),
                    ("state", "=", "stock"),
                ],
                limit=1,
            )
        )

    @http.route(
        "/club/card/register",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def card_register_page(self, **kw):
        return self._render()

    @http.route(
        "/club/card/register",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def card_register_code(self, **post):
        """Step one: the card and the phone; a code goes to the phone."""
        form = {
            "card": (post.get("card") or "").strip()[:32],
            "phone": (post.get("phone") or "").strip()[:32],
            "name": (post.get("name") or "").strip()[:128],
        }
        consents = {c: bool(post.get(f"consent_{c}")) for c, _label in CONSENT_CHANNELS}
        form.update({f"consent_{c}": v for c, v in consents.items()})
        if not session_allows(f"{PENDING}_tries", TRIES, WINDOW):
            return self._render(
                form=form,
                error=_("Too many attempts. Try again in a few minutes."),
            )
        if not form["name"]:
            return self._render(form=form, error=_("Give your name."))
        if not consents["personal_data"]:
            return self._render(
                form=form,
                error=_("Agree to the processing of personal data to register."),
            )
        card = self._stock_card(form["card"])
        if not card:
            return self._render(
                form=form,
                error=_(
                    "No card with this number is waiting for its holder. Check the "
                    "number under the barcode, or ask at a cash desk."
                ),
            )
        Partner = request.env["res.partner"].sudo()
        try:
            e164 = Partner._club_normalize_phone(form["phone"])
        except (UserError, ValidationError) as exc:
            return self._render(form=form, error=exc.args[0])
        if not e164:
            return self._render(form=form, error=_("Give your mobile phone number."))
        contacts = Partner.search([("club_phone", "=", e164)])
        if contacts.filtered(lambda p: p.club_status in ("active", "blocked")):
            return self._render(
                form=form,
                error=_(
                    "This phone is already a member's. To add this card to that "
                    "membership, ask at a cash desk."
                ),
            )
        program = card.program_id
        # a contact, not a member yet: it joins once the code proves the phone
        partner = contacts.filtered(lambda p: not p.club_status)[:1] or Partner.create(
            {
                "name": form["name"],
                "mobile": form["phone"],
                "company_id": program.company_id.id,
                "club_signup_started": fields.Datetime.now(),
            }
        )
        try:
            with request.env.cr.savepoint():
                code = (
                    request.env["loyalty.club.code"]
                    .sudo()
                    ._issue(partner, program, "verify_phone", "portal")
                )
        except (UserError, ValidationError) as exc:
            return self._render(form=form, error=exc.args[0])
        request.session[PENDING] = {
            "partner_id": partner.id,
            "card": card.code,
            "name": form["name"],
            "phone": form["phone"],
            "consents": consents,
        }
        return self._render(form=form, code_sent_to=core_cards.mask_phone(code.phone))

    @http.route(
        "/club/card/register/confirm",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def card_register_confirm(self, code=None, **post):
        """Step two: the code proves the phone; the holder joins with the card."""
        pending = request.session.get(PENDING)
        if not pending:
            return self._render(error=_("Start again: enter your card and phone."))
        partner = request.env["res.partner"].sudo().browse(pending["partner_id"])
        card = self._stock_card(pending["card"])
        form = {"card": pending["card"], "phone": pending["phone"]}
        if not partner.exists() or not card:
            request.session.pop(PENDING, None)
            return self._render(
                form=form,
                error=_(
                    "This card is no longer waiting for its holder: ask at a cash desk."
                ),
            )
        try:
            with request.env.cr.savepoint():
                proof = (
                    request.env["loyalty.club.code"]
                    .sudo()
                    ._consume(
                        partner,
                        "verify_phone",
                        f"card_register:{card.code}",
                        code=(code or "").strip()[:12],
                    )
                )
                summary = (
                    request.env["loyalty.club.service"]
                    .sudo()
                    .register_member(
                        {
                            "name": pending["name"],
                            "phone": pending["phone"],
                            "card_number": card.code,
                            "consents": pending["consents"],
                        },
                        source="portal",
                        program_id=card.program_id.id,
                        partner=partner,
                    )
                )
                partner.write(
                    {"club_phone_verified": proof.phone, "club_signup_started": False}
                )
        except (UserError, ValidationError) as exc:
            return self._render(
                form=form,
                error=exc.args[0],
                code_sent_to=core_cards.mask_phone(partner.club_phone),
            )
        request.session.pop(PENDING, None)
        return self._render(done=summary, card_code=card.code)
