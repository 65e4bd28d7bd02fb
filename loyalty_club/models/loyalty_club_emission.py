import base64
import csv
import io

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..domain import barcode
from ..domain import cards as core_cards
from ..domain import errors as core_errors

BATCH = 20000


class LoyaltyClubEmission(models.Model):
    """A batch of physical cards: unique EAN-13 numbers stored as cards in stock."""

    _name = "loyalty.club.emission"
    _description = "Card Emission Batch"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, default=lambda self: _("New batch"))
    program_id = fields.Many2one(
        "loyalty.club.program", required=True, check_company=True
    )
    company_id = fields.Many2one(related="program_id.company_id", store=True)
    prefix = fields.Char(required=True, default="299", help="1 to 11 leading digits.")
    start = fields.Integer(
        default=1, required=True, help="First sequence number of the range."
    )
    quantity = fields.Integer(default=1000, required=True)
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Emitted")], default="draft", tracking=True
    )
    card_count = fields.Integer(compute="_compute_card_count")
    first_code = fields.Char(readonly=True)
    last_code = fields.Char(readonly=True)
    csv_file = fields.Binary(attachment=True, readonly=True)
    csv_filename = fields.Char(readonly=True)
    pdf_file = fields.Binary(attachment=True, readonly=True)
    pdf_filename = fields.Char(readonly=True)

    @api.onchange("program_id")
    def _onchange_program_id(self):
        if self.program_id.card_prefix:
            self.prefix = self.program_id.card_prefix

    def _compute_card_count(self):
        data = self.env["loyalty.club.card"]._read_group(
            [("emission_id", "in", self.ids)], ["emission_id"], ["__count"]
        )
        counts = {batch.id: count for batch, count in data}
        for batch in self:
            batch.card_count = counts.get(batch.id, 0)

    def action_emit(self):
        """Insert the cards set-based; refuse the whole batch if a number exists."""
        for batch in self:
            if batch.state != "draft":
                raise UserError(
                    _("Batch %(name)s was already emitted.", name=batch.name)
                )
            if not (batch.prefix or "").isdigit():
                raise UserError(_("A card prefix is made of digits."))
            try:
                codes = core_cards.emission_numbers(
                    batch.prefix, batch.start, batch.quantity
                )
            except core_errors.DomainError as exc:
                raise UserError(
                    _("Cannot emit this range: %(reason)s", reason=str(exc))
                ) from exc
            cr = self.env.cr
            self.env.flush_all()
            cr.execute(
                "SELECT count(*) FROM loyalty_club_card WHERE code = ANY(%s)", [codes]
            )
            if cr.fetchone()[0]:
                raise UserError(
                    _(
                        "Some numbers of %(first)s..%(last)s already exist; choose "
                        "another range.",
                        first=codes[0],
                        last=codes[-1],
                    )
                )
            for start in range(0, len(codes), BATCH):
                cr.execute(
                    """
                    INSERT INTO loyalty_club_card
                        (code, kind, state, program_id, company_id, emission_id,
                         create_uid, write_uid, create_date, write_date)
                    SELECT code, 'physical', 'stock', %(program)s, %(company)s,
                           %(batch)s, %(uid)s, %(uid)s,
                           now() at time zone 'UTC', now() at time zone 'UTC'
                      FROM unnest(%(codes)s::varchar[]) AS code
                    """,
                    {
                        "program": batch.program_id.id,
                        "company": batch.company_id.id,
                        "batch": batch.id,
                        "uid": self.env.uid,
                        "codes": codes[start : start + BATCH],
                    },
                )
            batch.write(
                {
                    "state": "done",
                    "first_code": codes[0],
                    "last_code": codes[-1],
                    "csv_file": base64.b64encode(batch._csv(codes)),
                    "csv_filename": f"cards-{batch.id}-{codes[0]}.csv",
                }
            )
            batch.message_post(body=_("%(count)s cards emitted.", count=len(codes)))
        self.env["loyalty.club.card"].invalidate_model()
        return True

    def _csv(self, codes):
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["number", "barcode", "program"])
        name = self.program_id.name
        writer.writerows((code, code, name) for code in codes)
        return out.getvalue().encode()

    def action_print_sheet(self):
        """A printable barcode sheet (A4, 3 x 8 labels), built set-wise with
        reportlab."""
        self.ensure_one()
        if self.state != "done":
            raise UserError(_("Emit the batch first."))
        self.env.cr.execute(
            "SELECT code FROM loyalty_club_card WHERE emission_id = %s ORDER BY code",
            [self.id],
        )
        codes = [row[0] for row in self.env.cr.fetchall()]
        self.write(
            {
                "pdf_file": base64.b64encode(barcode_sheet(codes)),
                "pdf_filename": f"cards-{self.id}-{codes[0]}.pdf",
            }
        )
        return True


def barcode_sheet(codes):
    """A4 pages of 3 x 8 labels: bars drawn as rectangles, the number below."""
    from reportlab.lib.pagesizes import A4  # noqa: PLC0415
    from reportlab.pdfgen import canvas  # noqa: PLC0415

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, pageCompression=1)
    width, height = A4
    cols, rows, module, bar_h = 3, 8, 1.3, 50
    cell_w, cell_h = width / cols, height / rows
    for index, code in enumerate(codes):
        slot = index % (cols * rows)
        if index and not slot:
            pdf.showPage()
        x = (slot % cols) * cell_w + (cell_w - 95 * module) / 2
        y = height - (slot // cols + 1) * cell_h + 30
        path = pdf.beginPath()
        for start, run in barcode.bar_runs(barcode.ean13_modules(code)):
            path.rect(x + start * module, y, run * module, bar_h)
        pdf.drawPath(path, stroke=0, fill=1)
        pdf.setFont("Helvetica", 9)
        pdf.drawCentredString(x + 95 * module / 2, y - 12, code)
    pdf.save()
    return buf.getvalue()
