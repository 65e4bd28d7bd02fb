"""Members import from an old discount system, and the demo club built with it."""

import csv
import io
import random
from datetime import timedelta
from pathlib import Path

from odoo import _, api, fields, models
from odoo.exceptions import UserError

COLUMNS = {"name", "phone", "card_number", "opening_balance"}


class LoyaltyClubImport(models.AbstractModel):
    _name = "loyalty.club.import"
    _description = "Club Members Import"

    @api.model
    def _import_members_csv(self, content, program_id=None):
        """Register every row (idempotent by phone/card) with its opening balance."""
        service = self.env["loyalty.club.service"]
        program = service._program({"program_id": program_id})
        reader = csv.DictReader(io.StringIO(content))
        missing = COLUMNS - set(reader.fieldnames or [])
        if missing:
            raise UserError(
                _(
                    "The file lacks the columns: %(columns)s",
                    columns=", ".join(sorted(missing)),
                )
            )
        attributes = self.env["loyalty.club.attribute"].sudo().search([]).mapped("code")
        count = 0
        for line_no, row in enumerate(reader, start=2):
            card = (
                self.env["loyalty.club.card"]
                .sudo()
                .search([("code", "=", row["card_number"].strip())], limit=1)
            )
            if card and card.state != "stock":
                continue  # imported before
            try:
                summary = service.register_member(
                    {
                        "name": row["name"],
                        "phone": row["phone"],
                        "email": row.get("email"),
                        "birthday": row.get("birthday"),
                        "card_number": row["card_number"] if card else None,
                        "consents": {"personal_data": True},
                        "attributes": {k: row[k] for k in attributes if row.get(k)},
                    },
                    source="import",
                    program_id=program.id,
                    welcome=False,
                )
            except UserError as exc:
                raise UserError(
                    _("Line %(line)s: %(error)s", line=line_no, error=exc.args[0])
                ) from exc
            wallet = self.env["loyalty.club.wallet"].sudo().browse(summary["wallet_id"])
            if row.get("joined"):
                wallet.partner_id.club_join_date = row["joined"]
            opening = service._amount(
                (row.get("opening_balance") or "0").strip() or "0",
                program.digits,
                _("Opening balance"),
            )
            if opening > 0:
                wallet._gift_once(
                    f"opening:{program.id}:{wallet.partner_id.club_phone}",
                    opening,
                    _("Opening balance from migration"),
                    kind="opening",
                )
                wallet._refresh_balances()
            count += 1
        return count

    @api.model
    def _demo_populate(self, program_id, rel_path):
        """Demo club: members from the repository's sample file, then some purchases."""
        batches = self.env["loyalty.club.emission"].search(
            [("program_id", "=", program_id), ("state", "=", "draft")]
        )
        batches.action_emit()
        service = self.env["loyalty.club.service"]
        path = Path(__file__).resolve().parents[2] / rel_path.strip("/")
        if not path.exists():
            return 0
        self._import_members_csv(path.read_text(encoding="utf-8"), program_id)
        program = self.env["loyalty.club.program"].browse(program_id)
        stores = self.env["loyalty.club.store"].search(
            [("company_id", "=", program.company_id.id)]
        )
        rnd = random.Random(18)
        wallets = self.env["loyalty.club.wallet"].search(
            [("program_id", "=", program_id), ("partner_id", "!=", False)], order="id"
        )
        today = fields.Date.context_today(self)
        for wallet in wallets:
            for n in range(rnd.randint(1, 4)):
                day = today - timedelta(days=rnd.randint(1, 120))
                amount = rnd.randint(5, 400) * 10
                service.confirm(
                    {
                        "program_id": program_id,
                        "wallet_id": wallet.id,
                        "store_id": rnd.choice(stores).id if stores else False,
                        "lines": [{"key": 1, "amount": amount}],
                        "burn": 0,
                        "date": fields.Datetime.to_string(
                            fields.Datetime.to_datetime(day) + timedelta(hours=12)
                        ),
                        "ref": f"DEMO/{wallet.id}/{n}",
                        "channel": "pos",
                    },
                    f"demo:{wallet.id}:{n}",
                )
        wallets._refresh_balances(today)
        return len(wallets)
