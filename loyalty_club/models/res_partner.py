from datetime import timedelta

from psycopg2 import IntegrityError

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools.misc import hmac

from odoo.addons.phone_validation.tools import phone_validation

from .. import edge
from ..selections import CONSENT_CHANNELS as CHANNELS

# our markets first; a number valid in none of them is refused
FALLBACK_REGIONS = ("RU", "UA", "KZ", "BY")
# a contact made by the public card registration that never proved its phone is
# deleted after this many days (the person may start again)
UNFINISHED_SIGNUP_DAYS = 2


class ResPartner(models.Model):
    _inherit = "res.partner"

    club_status = fields.Selection(
        [
            ("applicant", "Applicant"),
            ("active", "Active"),
            ("blocked", "Blocked"),
            ("left", "Left"),
        ],
        string="Club Membership",
        index=True,
        copy=False,
        help="Applicant: registered, card not activated yet. Active: earns and "
        "spends bonuses. Blocked: stopped by the club. Left: no longer a member. "
        "Empty: a contact that is not a member.",
    )
    club_join_date = fields.Date(
        "Member Since", copy=False, help="The day the contact joined the club."
    )
    club_store_id = fields.Many2one(
        "loyalty.club.store",
        string="Joined in Store",
        copy=False,
        help="The store where the member joined the club.",
    )
    club_phone = fields.Char(
        "Club Phone (E.164)",
        compute="_compute_club_phone",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Mobile or phone normalised to E.164: every spelling of a number "
        "finds the member.",
    )
    club_phone_verified = fields.Char(
        "Verified Phone",
        copy=False,
        readonly=True,
        help="The phone (E.164) the member proved with a one-time code; a new "
        "number is unverified until it is proved too.",
    )
    club_birthday = fields.Date(
        "Birthday",
        copy=False,
        help="Gives the birthday bonus when the program has one.",
    )
    club_marketing_per_week = fields.Integer(
        "Marketing Messages a Week",
        copy=False,
        help="The member's own choice (portal or staff): at most this many "
        "campaign and reminder messages a week per channel, when it is lower "
        "than the program's cap; 0: as the program caps them.",
    )
    club_preferences = fields.Text(
        "Preferences",
        copy=False,
        help="What the member likes (sizes, brands, colours), noted by the staff; "
        "erased with the personal data.",
    )
    club_erased = fields.Boolean(
        "Personal Data Erased",
        copy=False,
        readonly=True,
        help="The member's personal data were erased on request; the financial "
        "records are kept.",
    )
    club_signup_started = fields.Datetime(
        "Card Registration Started",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="Set on a contact made by the public card registration until its "
        "phone is proven; unfinished ones are deleted after two days.",
    )
    club_wallet_ids = fields.One2many(
        "loyalty.club.wallet",
        "partner_id",
        string="Wallets",
        help="The member's balances, one wallet per program.",
    )
    club_card_ids = fields.One2many(
        "loyalty.club.card",
        "partner_id",
        string="Cards",
        help="Every card the member was given, replaced and lost ones included.",
    )
    club_attribute_value_ids = fields.One2many(
        "loyalty.club.attribute.value",
        "partner_id",
        string="Questionnaire",
        help="The member's answers to the club's questionnaire.",
    )
    club_consent_ids = fields.One2many(
        "loyalty.club.consent",
        "partner_id",
        string="Consent History",
        help="Every change of the member's consents, newest first: the newest row "
        "of a channel is the consent in force.",
    )
    club_consent_sms = fields.Boolean(
        "SMS",
        compute="_compute_club_consents",
        help="The member agrees to receive SMS (newest SMS row of the consent "
        "history).",
    )
    club_consent_email = fields.Boolean(
        "E-mail",
        compute="_compute_club_consents",
        help="The member agrees to receive e-mails (newest e-mail row of the "
        "consent history).",
    )
    club_consent_push = fields.Boolean(
        "Push",
        compute="_compute_club_consents",
        help="The member agrees to receive push notifications in the app (newest "
        "push row of the consent history).",
    )
    club_consent_personal_data = fields.Boolean(
        "Personal data",
        compute="_compute_club_consents",
        help="The member agrees to the processing of personal data (newest such "
        "row of the consent history).",
    )
    club_wallet_id = fields.Many2one(
        "loyalty.club.wallet",
        string="Bonus Wallet",
        compute="_compute_club_summary",
        help="The member's bonus wallet in the first program of the current "
        "companies.",
    )
    club_tier_id = fields.Many2one(
        "loyalty.club.tier",
        string="Tier",
        compute="_compute_club_summary",
        help="The member's tier in that wallet.",
    )
    club_balance = fields.Float(
        "Bonus Balance",
        digits=(16, 2),
        compute="_compute_club_summary",
        help="Bonuses the member can spend now in that wallet.",
    )
    club_unit_name = fields.Char(
        "Unit",
        compute="_compute_club_summary",
        help="What the wallet counts (bonuses, points).",
    )
    club_card_code = fields.Char(
        "Card",
        compute="_compute_club_summary",
        help="The member's active card (or the newest one when none is active).",
    )

    @api.depends("mobile", "phone", "country_id")
    def _compute_club_phone(self):
        for partner in self:
            number = partner.mobile or partner.phone
            partner.club_phone = (
                self._club_normalize_phone(number, partner.country_id, strict=False)
                if number
                else False
            )

    @api.depends("club_consent_ids.granted", "club_consent_ids.date")
    def _compute_club_consents(self):
        for partner in self:
            current = partner._club_current_consents()
            for channel, _label in CHANNELS:
                partner[f"club_consent_{channel}"] = current.get(channel, False)

    @api.depends(
        "club_wallet_ids.tier_id",
        "club_wallet_ids.balance_available",
        "club_card_ids.state",
    )
    @api.depends_context("allowed_company_ids")
    def _compute_club_summary(self):
        """Tier, balance and card of the member, for the kanban card."""
        companies = self.env.companies
        for partner in self:
            wallet = partner.club_wallet_ids.filtered(
                lambda w: w.kind == "bonus" and w.company_id in companies
            ).sorted(lambda w: (w.program_id.sequence, w.program_id.id))[:1]
            cards = partner.club_card_ids.sorted("id", reverse=True)
            card = cards.filtered(lambda c: c.state == "active")[:1] or cards[:1]
            partner.club_wallet_id = wallet
            partner.club_tier_id = wallet.tier_id
            partner.club_balance = wallet.balance_available
            partner.club_unit_name = wallet.unit_name or False
            partner.club_card_code = card.code or False

    def _club_current_consents(self):
        self.ensure_one()
        current = {}
        for consent in self.club_consent_ids.sorted(lambda c: (c.date, c.id)):
            current[consent.channel] = consent.granted
        return current

    @api.model
    def _club_home_country(self):
        """The country of the company's contact: ``res.company.country_id`` is
        computed through the contact's address lookup, 3 ms of every lookup by
        phone at the till."""
        country = edge.company_contact(self.env, "country_id").country_id
        country.fetch(["code"])
        return country

    @api.model
    def _club_normalize_phone(self, number, country=None, strict=True):
        """E.164 form of a typed number, trying the company's country then our
        markets."""
        number = (number or "").strip()
        regions = [c.code for c in (country, self._club_home_country()) if c and c.code]
        regions += [r for r in FALLBACK_REGIONS if r not in regions]
        for region in regions:
            try:
                return phone_validation.phone_format(
                    number, region, None, force_format="E164", raise_exception=True
                )
            except UserError:
                continue
        if strict:
            raise UserError(
                _("%(number)s is not a phone number we can read.", number=number)
            )
        return False

    def club_set_consents(self, consents, source, wording=None):
        """Record consent changes (a dict channel -> bool) as new history rows."""
        rows = []
        for partner in self:
            current = partner._club_current_consents()
            for channel, granted in (consents or {}).items():
                if channel not in dict(CHANNELS):
                    raise UserError(
                        _("Unknown consent channel %(channel)s.", channel=channel)
                    )
                if current.get(channel) is not bool(granted) or channel not in current:
                    rows.append(
                        {
                            "partner_id": partner.id,
                            "channel": channel,
                            "granted": bool(granted),
                            "source": source,
                            "wording": wording,
                        }
                    )
        return self.env["loyalty.club.consent"].sudo().create(rows)

    def _club_unsubscribe_token(self, channel):
        """The secret of this member's unsubscribe link for ``channel``."""
        self.ensure_one()
        return hmac(self.env(su=True), "loyalty_club_unsubscribe", (self.id, channel))

    def action_club_opt_out(self):
        self.club_set_consents(
            {c: False for c, _label in CHANNELS if c != "personal_data"}, "backoffice"
        )

    def action_club_erase(self):
        """Erasure on request: personal data anonymised, financial records kept."""
        self.env["loyalty.club.service"]._check_manager()
        for partner in self.sudo():
            partner.club_set_consents(
                {c: False for c, _label in CHANNELS}, "backoffice"
            )
            partner.club_attribute_value_ids.sudo().unlink()
            partner.club_consent_ids.sudo().write({"wording": False})
            partner.write(
                {
                    "name": _("Erased member #%(id)s", id=partner.id),
                    "email": False,
                    "phone": False,
                    "mobile": False,
                    "street": False,
                    "street2": False,
                    "city": False,
                    "zip": False,
                    "vat": False,
                    "comment": False,
                    "club_preferences": False,
                    "club_birthday": False,
                    "image_1920": False,
                    "club_status": "left",
                    "club_erased": True,
                    "active": False,
                }
            )
            partner.message_post(body=_("Personal data erased on request."))
        return True

    def action_club_erase_confirm(self):
        """The action menu's 'Erase personal data': asks before erasing."""
        self.ensure_one()
        self.env["loyalty.club.service"]._check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": _("Erase personal data"),
            "res_model": "res.partner",
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (
                    self.env.ref("loyalty_club.res_partner_view_form_club_erase").id,
                    "form",
                )
            ],
            "target": "new",
        }

    def action_club_open_ledger(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Ledger"),
            "res_model": "loyalty.club.ledger",
            "view_mode": "list,pivot,form",
            "domain": [("partner_id", "=", self.id)],
        }

    def action_club_register(self):
        """Register this contact in the club from the back office: a wallet,
        the welcome bonus and, when the program issues them, a virtual card."""
        self.ensure_one()
        phone = self.mobile or self.phone
        if not phone:
            raise UserError(_("Give the contact a mobile phone number first."))
        self.env["loyalty.club.service"].register_member(
            {"name": self.name, "phone": phone, "email": self.email},
            source="backoffice",
            partner=self,
        )
        return True

    # ============================================================ membership
    def _club_join(self, name, vals, program):
        """This contact (or a new one when empty) as an active member of the
        program's company, with the registration's details."""
        today = edge.club_today(self)
        partner_vals = {
            "club_status": "active",
            "club_store_id": vals.get("store_id") or False,
        }
        if vals.get("email"):
            partner_vals["email"] = vals["email"]
        if vals.get("birthday"):
            partner_vals["club_birthday"] = vals["birthday"]
        partner = self
        if partner:
            partner.write(partner_vals)
        else:
            partner = self.create(
                dict(
                    partner_vals,
                    name=name,
                    mobile=vals.get("phone"),
                    club_join_date=today,
                    company_id=program.company_id.id,
                )
            )
        if not partner.club_join_date:
            partner.club_join_date = today
        return partner

    def _club_set_attribute(self, code, raw):
        """Answer one questionnaire question (by the attribute's code)."""
        self.ensure_one()
        attribute = (
            self.env["loyalty.club.attribute"]
            .sudo()
            .search([("code", "=", code)], limit=1)
        )
        if not attribute:
            raise UserError(
                self.env._("Unknown questionnaire attribute %(code)s.", code=code)
            )
        Value = self.env["loyalty.club.attribute.value"].sudo()
        vals = Value._set_from_raw(attribute, raw)
        existing = Value.search(
            [("partner_id", "=", self.id), ("attribute_id", "=", attribute.id)]
        )
        if existing:
            existing.write(vals)
        else:
            Value.create(dict(vals, partner_id=self.id))

    @api.autovacuum
    def _gc_club_unfinished_signups(self):
        """Delete the contacts of public card registrations left before the
        phone's code (personal data nobody agreed to keep without the
        membership); one that is used elsewhere by then is only unmarked."""
        limit = fields.Datetime.now() - timedelta(days=UNFINISHED_SIGNUP_DAYS)
        stale = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("club_signup_started", "<", limit),
                    ("club_status", "=", False),
                ],
                limit=1000,
            )
        )
        for partner in stale:
            try:
                with self.env.cr.savepoint():
                    partner.unlink()
            except (IntegrityError, UserError, ValidationError):
                # used by another record by now (an order, a user): kept
                partner.club_signup_started = False
