"""Moving in from an old discount system: a file read once into rows (the dry run,
which writes nothing to the club), then imported in batches, each all or
nothing, with set-based SQL; a re-run finds every row by its natural key and
changes nothing twice."""

import base64
import hashlib
import io
import json
import mimetypes
import os
import tempfile
import time as systime
import zipfile
from collections import Counter
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import psycopg2
from markupsafe import Markup
from openpyxl import load_workbook

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import formatLang
from odoo.tools.translate import LazyTranslate

from .. import edge
from ..domain import importing, rules

_lt = LazyTranslate(__name__)

STATES = [
    ("draft", "Upload"),
    ("mapped", "Map columns"),
    ("checked", "Checked"),
    ("running", "Importing"),
    ("done", "Done"),
    ("failed", "Stopped"),
]
REQUIRED = {
    "members": ("phone",),
    "cards": ("card_number", "phone"),
    "checks": ("check_number", "date", "amount"),
    "products": (),
}
# the files of one move-in whose rows are compared: members and cards
SESSION_KINDS = ("members", "cards")
FLUSH = 2000
# the short, translated name of each reason; the row keeps the English detail
REASONS = {
    "bad_shape": _lt("Cut or broken line"),
    "bad_phone": _lt("Not a phone number"),
    "missing_phone": _lt("No phone"),
    "bad_email": _lt("Not an e-mail address"),
    "bad_date": _lt("Impossible date"),
    "future_date": _lt("Date in the future"),
    "missing_date": _lt("No date"),
    "bad_check_digit": _lt("Wrong card check digit"),
    "bad_card": _lt("Not a card number"),
    "bad_card_state": _lt("Unknown card state"),
    "bad_number": _lt("Not a number"),
    "bad_precision": _lt("Too many decimals"),
    "negative_balance": _lt("Negative balance"),
    "expired": _lt("Balance already expired"),
    "unknown_discount": _lt("Old discount not mapped to a tier"),
    "unknown_store": _lt("Unknown store"),
    "missing_store": _lt("No store"),
    "bad_flag": _lt("Neither yes nor no"),
    "bad_attribute": _lt("Not a valid answer"),
    "duplicate_phone": _lt("Phone repeated in the file"),
    "duplicate_card": _lt("Card repeated in the file"),
    "duplicate_id": _lt("Old system id repeated in the file"),
    "duplicate_phone_file": _lt("Phone already in another file of the import"),
    "duplicate_card_file": _lt("Card held by another phone in another file"),
    "missing_card": _lt("No card number"),
    "missing_product": _lt("Neither a SKU nor a barcode"),
    "duplicate_product": _lt("Product repeated in the file"),
    "attribute_conflict": _lt("The product has another value"),
    "card_taken": _lt("Card held by another member"),
    "missing_check_number": _lt("No check number"),
    "missing_amount": _lt("No amount"),
    "bad_kind": _lt("Neither a sale nor a return"),
    "unknown_product": _lt("Unknown product"),
    "unknown_member": _lt("No member with this card or phone"),
    "check_rejected": _lt("Another line of this check was rejected"),
}
PARTNER_COLUMNS = (
    "name complete_name type active is_company company_id lang email "
    "email_normalized mobile phone_sanitized club_phone club_status club_join_date "
    "club_store_id club_birthday ref partner_share autopost_bills color "
    "customer_rank supplier_rank create_uid write_uid create_date write_date"
).split()


def _copy_text(value):
    """A value in COPY's text format (most values need no escape: looked for
    first, a million rows hold ten million values)."""
    if value is None:
        return "\\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


class LoyaltyClubImportJob(models.Model):
    """One file from an old system: upload, map the columns, dry run, import."""

    _name = "loyalty.club.import.job"
    _description = "Club Import"
    _order = "id desc"

    name = fields.Char(required=True, default=lambda self: self.env._("New import"))
    kind = fields.Selection(importing.KINDS, required=True, default="members")
    program_id = fields.Many2one(
        "loyalty.club.program",
        required=True,
        ondelete="cascade",
        default=lambda self: self.env["loyalty.club.program"].search([], limit=1),
    )
    company_id = fields.Many2one(
        related="program_id.company_id", store=True, index=True
    )
    template_id = fields.Many2one(
        "loyalty.club.import.template",
        domain="[('kind', '=', kind)]",
        help="The saved column mapping and old discount levels of the source.",
    )
    source = fields.Char(help="The old system the file comes from.")
    file = fields.Binary(required=True, attachment=True)
    filename = fields.Char()
    encoding = fields.Char(readonly=True)
    delimiter = fields.Char(readonly=True)
    import_date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="The day the balances are carried (lots expired by then are " "refused).",
    )
    batch_size = fields.Integer(default=1000, required=True)
    state = fields.Selection(STATES, default="draft", required=True, readonly=True)
    column_ids = fields.One2many("loyalty.club.import.column", "job_id", copy=True)
    row_ids = fields.One2many("loyalty.club.import.row", "job_id", readonly=True)
    rows_total = fields.Integer("Rows", readonly=True)
    rows_ok = fields.Integer("Rows to import", readonly=True)
    rows_rejected = fields.Integer("Rows rejected", readonly=True)
    rows_left = fields.Integer("Rows left", readonly=True)
    rows_done = fields.Integer("Rows imported", readonly=True)
    to_create = fields.Integer("Members to create", readonly=True)
    to_update = fields.Integer("Members to update", readonly=True)
    balances_left = fields.Integer(
        "Balances carried before",
        readonly=True,
        help="Rows whose balance was carried by an earlier import: left as it is.",
    )
    balances_differ = fields.Integer(
        "Carried balances that differ",
        readonly=True,
        help="Members whose balance in the file is not the one carried before: the "
        "import leaves the ledger as it is; correct it with an adjustment (a "
        "reversal), never by importing twice.",
    )
    balance_total = fields.Float("Balances to carry", digits=(16, 2), readonly=True)
    checks_total = fields.Integer("Checks to import", readonly=True)
    batches_total = fields.Integer(readonly=True)
    last_batch = fields.Integer(
        readonly=True, help="The last batch committed: a resume starts after it."
    )
    started_at = fields.Datetime(readonly=True)
    finished_at = fields.Datetime(readonly=True)
    seconds = fields.Float("Import time (s)", readonly=True)
    progress = fields.Float(compute="_compute_progress")
    rate = fields.Float("Rows per second", compute="_compute_progress")
    time_left = fields.Char(compute="_compute_progress")
    report = fields.Html(readonly=True, sanitize=False)
    error_file = fields.Binary(readonly=True, attachment=True)
    error_filename = fields.Char(readonly=True)
    last_error = fields.Text(readonly=True)

    @api.depends("rows_done", "rows_ok", "seconds", "state")
    def _compute_progress(self):
        for job in self:
            todo = job.rows_ok or 0
            job.progress = 100.0 * job.rows_done / todo if todo else 0.0
            job.rate = job.rows_done / job.seconds if job.seconds else 0.0
            left = todo - job.rows_done
            if job.rate and left > 0:
                job.time_left = str(timedelta(seconds=int(left / job.rate)))
            else:
                job.time_left = False

    # ------------------------------------------------------------------ file
    def _file_attachment(self):
        self.ensure_one()
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_field", "=", "file"),
                    ("res_id", "=", self.id),
                ],
                limit=1,
            )
        )

    def _open_file(self):
        """The file as a binary stream, read from the filestore where it lies:
        never held whole (a history export of ten million lines is larger than
        a worker's memory limit)."""
        attachment = self._file_attachment()
        if not attachment.file_size:
            raise UserError(self.env._("Upload a file first."))
        if attachment.store_fname:
            try:
                return open(attachment._full_path(attachment.store_fname), "rb")  # noqa: SIM115
            except OSError as exc:
                raise UserError(
                    self.env._(
                        "The file %(name)s of this import is no longer in the "
                        "server's file store: upload it again.",
                        name=self.filename or self.name,
                    )
                ) from exc
        return io.BytesIO(attachment.raw)

    def _attach_path(self, path):
        """``./club import``: the file on this server becomes the job's file,
        copied into the filestore in chunks instead of passing through memory
        as base64 (Odoo's ``ir.attachment`` takes only bytes)."""
        self.ensure_one()
        Attachment = self.env["ir.attachment"].sudo()
        self._file_attachment().unlink()
        if Attachment._storage() != "file":
            self.file = base64.b64encode(Path(path).read_bytes())
            return
        # one pass: copied into the filestore and hashed as it goes, then named
        # by its checksum as Odoo names a stored file
        root = Attachment._filestore()
        os.makedirs(root, exist_ok=True)
        sha, size = hashlib.sha1(), 0
        part = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed or removed below
            dir=root, prefix=".club-import-", delete=False
        )
        try:
            with open(path, "rb") as stream, part:
                for chunk in iter(lambda: stream.read(importing.CHUNK), b""):
                    sha.update(chunk)
                    size += len(chunk)
                    part.write(chunk)
            checksum = sha.hexdigest()
            fname = f"{checksum[:2]}/{checksum}"
            full_path = Attachment._full_path(fname)
            if os.path.isfile(full_path):
                os.unlink(part.name)
            else:
                os.makedirs(os.path.dirname(full_path), exist_ok=True)
                os.replace(part.name, full_path)
                Attachment._mark_for_gc(fname)  # removed if this transaction fails
        except BaseException:
            if os.path.exists(part.name):
                os.unlink(part.name)
            raise
        attachment = Attachment.create(
            {
                "name": "file",
                "res_model": self._name,
                "res_field": "file",
                "res_id": self.id,
                "type": "binary",
                "mimetype": mimetypes.guess_type(str(path))[0] or "text/csv",
            }
        )
        # what ir.attachment's create computes from the bytes it was given
        self.env.cr.execute(
            "UPDATE ir_attachment SET store_fname = %s, file_size = %s, checksum = %s "
            "WHERE id = %s",
            [fname, size, checksum, attachment.id],
        )
        attachment.invalidate_recordset()
        self.invalidate_recordset(["file"])

    def _text(self, stream):
        """(text stream, encoding, delimiter) of a CSV file's binary stream. The
        encoding of a file is looked for once a transaction (a dry run reads
        the file twice: its rows, then the rejected ones for the error file),
        by the file's checksum."""
        found = self.env.cr.cache.setdefault("loyalty_club_import_encodings", {})
        checksum = self._file_attachment().checksum
        try:
            text, encoding = importing.open_text(stream, decided=found.get(checksum))
            if checksum:
                found[checksum] = (encoding, text.errors)
            delimiter = importing.sniff_delimiter(text.read(importing.SNIFF_CHARS + 1))
            text.seek(0)
        except importing.ImportFormatError as exc:
            stream.close()
            raise UserError(self._file_error(exc)) from exc
        return text, encoding, delimiter

    def _file_error(self, exc):
        messages = {
            "bad_encoding": self.env._(
                "The file is neither UTF-8 nor cp1251 text: save it as CSV again."
            ),
            "empty_file": self.env._("The file is empty."),
            "no_delimiter": self.env._(
                "No column delimiter found in the first line (tried ; , tab |)."
            ),
            "bad_header": self.env._(
                "The first line must name every column once: %(detail)s",
                detail=str(exc),
            ),
        }
        return messages.get(exc.code) or str(exc)

    def _read_table(self):
        """(header, rows, encoding, delimiter) of the CSV or XLSX file."""
        self.ensure_one()
        stream = self._open_file()
        if stream.read(2) == b"PK":
            stream.seek(0)
            return self._read_xlsx(stream)
        text, encoding, delimiter = self._text(stream)
        try:
            header, rows = importing.read_table(text, delimiter)
        except importing.ImportFormatError as exc:
            raise UserError(self._file_error(exc)) from exc
        return header, rows, encoding, delimiter

    def _read_xlsx(self, stream):
        """The first sheet of a workbook (an XLSX export of the old system); its
        error file is a CSV with the same columns."""
        try:
            book = load_workbook(stream, read_only=True, data_only=True)
        except (zipfile.BadZipFile, OSError, ValueError, KeyError) as exc:
            raise UserError(
                self.env._("The file is neither a CSV nor a readable XLSX workbook.")
            ) from exc
        try:
            header, rows = importing.read_sheet(
                book.worksheets[0].iter_rows(values_only=True)
            )
        except importing.ImportFormatError as exc:
            raise UserError(self._file_error(exc)) from exc
        return header, rows, "xlsx", ";"

    def _attributes(self):
        return self.env["loyalty.club.attribute"].sudo().search([])

    def _attribute_by_code(self):
        """The questionnaire by code, read once per dry run."""
        cache = self.env.context.get("club_import_attributes")
        if cache is None:
            cache = {a.code: a for a in self._attributes()}
        return cache

    def action_read_columns(self):
        """Read the file's header: one line per column, mapped as the template
        (or the usual titles of old systems) says."""
        for job in self:
            header, rows, encoding, delimiter = job._read_table()
            first = next(rows, (0, {}))[1]
            mapping = job.template_id._guess(
                header, job._attributes().mapped("code"), job.kind
            )
            job.column_ids.unlink()
            job.write(
                {
                    "encoding": encoding,
                    "delimiter": delimiter,
                    "state": "mapped",
                    "column_ids": [
                        (
                            0,
                            0,
                            {
                                "sequence": i,
                                "name": column,
                                "sample": (first.get(column) or "")[:80],
                                "target": mapping.get(column) or False,
                            },
                        )
                        for i, column in enumerate(header)
                    ],
                }
            )
        return True

    def _mapping(self):
        """{column: target} as mapped; the required targets must be there."""
        self.ensure_one()
        mapping = {c.name: c.target for c in self.column_ids if c.target}
        targets = list(mapping.values())
        twice = sorted({t for t in targets if targets.count(t) > 1})
        if twice:
            raise UserError(
                self.env._(
                    "Each field can be filled from one column only: %(fields)s",
                    fields=", ".join(twice),
                )
            )
        if self.kind == "products" and not {"sku", "barcode"} & set(targets):
            raise UserError(
                self.env._("Map a column to the product's SKU or to its barcode.")
            )
        missing = [t for t in REQUIRED[self.kind] if t not in targets]
        if missing:
            raise UserError(
                self.env._(
                    "Map a column to each of: %(fields)s", fields=", ".join(missing)
                )
            )
        return mapping

    def action_save_template(self):
        """Keep this mapping for the next files of the same source."""
        self.ensure_one()
        mapping = self._mapping()
        source = self.source or self.template_id.source
        if not source:
            raise UserError(self.env._("Name the source system to save a template."))
        if self.template_id:
            self.template_id.write({"mapping": mapping, "source": source})
        else:
            self.template_id = self.env["loyalty.club.import.template"].create(
                {
                    "name": source,
                    "source": source,
                    "kind": self.kind,
                    "program_id": self.program_id.id,
                    "mapping": mapping,
                }
            )
        return True

    # --------------------------------------------------------------- dry run
    def _import_context(self):
        self.ensure_one()
        program = self.program_id
        Store = self.env["loyalty.club.store"].sudo()
        stores = {}
        for store in Store.search([("company_id", "in", [program.company_id.id])]):
            stores[store.name] = store.id
            if store.code:
                stores[store.code] = store.id
        products = {}
        templates = {}
        if self.kind in ("checks", "products"):
            self.env.cr.execute(
                "SELECT p.id, p.default_code, p.barcode, p.product_tmpl_id "
                "FROM product_product p "
                "WHERE p.default_code IS NOT NULL OR p.barcode IS NOT NULL"
            )
            for pid, code, barcode, tmpl_id in self.env.cr.fetchall():
                templates[pid] = tmpl_id
                for key in (code, barcode):
                    if key:
                        products[key] = pid
        ctx = importing.Context(
            self.import_date,
            digits=program.digits,
            money_digits=program.currency_id.decimal_places,
            stores=stores,
            discounts=self.template_id._discounts(program),
            products=products,
            attributes=set(self._attributes().mapped("code")),
            product_values=self._product_values() if self.kind == "products" else None,
        )
        ctx.templates = templates
        return ctx

    def _answers(self, clean, reasons, columns):
        """The questionnaire answers of a row as {attribute id: typed value}."""
        answers = {}
        for code, text in clean.pop("attributes", {}).items():
            attribute = self._attribute_by_code()[code]
            column = columns.get(importing.ATTRIBUTE_PREFIX + code, code)
            try:
                if attribute.value_type == "number":
                    answers[attribute.id] = {"n": str(importing.parse_decimal(text))}
                elif attribute.value_type == "date":
                    day = importing.parse_date(text)
                    answers[attribute.id] = {"d": day.isoformat()}
                elif attribute.value_type == "selection":
                    option = attribute.option_ids.filtered(
                        lambda o, t=text: o.name.strip().lower() == t.lower()
                    )
                    if not option:
                        raise importing.ImportFormatError("bad_attribute", text)
                    answers[attribute.id] = {"o": option[0].id}
                else:
                    answers[attribute.id] = {"t": text}
            except importing.ImportFormatError:
                reasons.append(
                    importing.Reason(
                        column,
                        text,
                        "bad_attribute",
                        f"'{text}' is not an answer to {attribute.name}.",
                    )
                )
        clean["answers"] = answers

    def action_dry_run(self):
        """Read every row, say what would happen to each; write nothing to the
        club (only this job's rows, report and error file)."""
        for job in self:
            if job.state in ("running", "done"):
                raise UserError(self.env._("This file was imported already."))
            if not job.column_ids:
                job.action_read_columns()
            job._dry_run()
        return True

    def _dry_run(self):
        self.ensure_one()
        mapping = self._mapping()
        columns = {t: c for c, t in mapping.items()}
        header, rows, encoding, delimiter = self._read_table()
        ctx = self._import_context()
        # read once, not for each of a million rows
        ctx.kind, ctx.job_id = self.kind, self.id
        self = self.with_context(
            club_import_attributes={a.code: a for a in self._attributes()}
        )
        cr = self.env.cr
        cr.execute("DELETE FROM loyalty_club_import_row WHERE job_id = %s", [self.id])
        pending = []
        # the batch of a row to import, written with it: ``batch_size`` rows,
        # or checks for the purchase history (counted as their lines follow
        # each other in the file; _number_batches joins a check whose lines
        # are apart); a row refused later in SQL leaves its batch smaller
        size, ok, by_row = max(self.batch_size, 1), 0, self.kind != "checks"
        last_key = None
        for number, row in rows:
            vals = self._dry_row(number, row, header, mapping, columns, ctx)
            batch = 0
            if vals[2] == "ok":
                if by_row:
                    batch = ok // size + 1
                    ok += 1
                else:
                    if vals[7] != last_key:
                        last_key = vals[7]
                        ok += 1
                    batch = (ok - 1) // size + 1
            pending.append((*vals, batch))
            if len(pending) >= FLUSH:
                self._insert_rows(pending)
                pending = []
        self._insert_rows(pending)
        # the planner must know the rows' batches (the batches join on them)
        cr.execute("ANALYZE loyalty_club_import_row")
        {
            "members": self._dry_members,
            "cards": self._dry_cards,
            "checks": self._dry_checks,
            "products": self._dry_products,
        }[self.kind](columns)
        self._number_batches()
        self.env["loyalty.club.import.row"].invalidate_model()
        self.invalidate_recordset(["row_ids"])
        self._totals()
        self._write_error_file(header, delimiter)
        self.write(
            {
                "encoding": encoding,
                "delimiter": delimiter,
                "state": "checked",
                "rows_done": 0,
                "last_batch": 0,
                "last_error": False,
                "seconds": 0,
            }
        )
        self._write_report()

    def _dry_row(self, number, row, header, mapping, columns, ctx):
        shape = importing.shape_reason(row, header)
        raw = row[None] if shape else [row.get(h, "") for h in header]
        if shape:
            return self._row_vals(ctx, number, "rejected", [shape], {}, raw, None)
        values = {mapping[c]: v for c, v in row.items() if c in mapping}
        key = None
        kind = ctx.kind
        if kind == "members":
            clean, reasons = importing.validate_member(values, ctx, columns)
            self._answers(clean, reasons, columns)
        elif kind == "cards":
            clean, reasons = importing.validate_card(values, ctx, columns)
        elif kind == "products":
            clean, reasons = importing.validate_product(values, ctx, columns)
            clean["product_key"] = values.get("barcode") or values.get("sku")
            clean["tmpl_id"] = ctx.templates.get(clean["product_id"])
            if not reasons and not clean["attributes"]:
                return self._row_vals(ctx, number, "left", [], clean, raw, None)
        else:
            clean, reasons = importing.validate_check_line(values, ctx, columns)
            key = None
            if clean.get("check_number"):
                store = clean["store_id"] or values.get("store") or 0
                day = (clean["date"] or values.get("date") or "")[:10]
                key = f"{store}:{day}:{clean['check_number']}"
        state = "rejected" if reasons else "ok"
        return self._row_vals(ctx, number, state, reasons, clean, raw, key)

    def _product_values(self):
        """{product id: {attribute target: value}} of the attributes the
        products' templates have already (the variant's own value, else the
        line's single value)."""
        attributes = {
            a.id: target for target, a in self._product_attributes().items() if a
        }
        values = {}
        if not attributes:
            return values
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT pp.id, l.attribute_id, COALESCE(
                (SELECT COALESCE(v.name->>%(lang)s, v.name->>'en_US')
                   FROM product_variant_combination pvc
                   JOIN product_template_attribute_value ptav
                     ON ptav.id = pvc.product_template_attribute_value_id
                   JOIN product_attribute_value v
                     ON v.id = ptav.product_attribute_value_id
                  WHERE pvc.product_product_id = pp.id
                    AND ptav.attribute_line_id = l.id LIMIT 1),
                (SELECT COALESCE(v.name->>%(lang)s, v.name->>'en_US')
                   FROM product_attribute_value_product_template_attribute_line_rel r
                   JOIN product_attribute_value v ON v.id = r.product_attribute_value_id
                  WHERE r.product_template_attribute_line_id = l.id
                  ORDER BY v.sequence, v.id LIMIT 1))
              FROM product_product pp
              JOIN product_template_attribute_line l
                ON l.product_tmpl_id = pp.product_tmpl_id AND l.active
             WHERE l.attribute_id = ANY(%(attributes)s)
            """,
            {"lang": self.env.lang or "en_US", "attributes": list(attributes)},
        )
        for product_id, attribute_id, value in self.env.cr.fetchall():
            if value:
                values.setdefault(product_id, {})[attributes[attribute_id]] = value
        return values

    def _product_attributes(self, create=False):
        """{target: product.attribute} of the colour, size, collection and brand
        (found by their usual names; created with ``create``, one value per
        product as a variant attribute, so the analytics see it)."""
        Attribute = self.env["product.attribute"].sudo()
        found = {}
        for target in importing.PRODUCT_ATTRIBUTES:
            names = importing.PRODUCT_ATTRIBUTE_NAMES[target]
            domain = ["|"] * (len(names) - 1) + [("name", "=ilike", n) for n in names]
            attribute = Attribute.search(domain, order="id", limit=1)
            if not attribute and create:
                labels = {
                    "colour": self.env._("Colour"),
                    "size": self.env._("Size"),
                    "collection": self.env._("Collection"),
                    "brand": self.env._("Brand"),
                }
                attribute = Attribute.create(
                    {"name": labels[target], "create_variant": "always"}
                )
            found[target] = attribute
        return found

    def _row_vals(self, ctx, number, state, reasons, clean, raw, key):
        first = reasons[0] if reasons else None
        return (
            ctx.job_id,
            number,
            state,
            first.column if first else None,
            (first.value or "")[:200] if first else None,
            first.code if first else None,
            self._reason_text(reasons) if reasons else None,
            key,
            json.dumps(clean if state == "ok" else {}, default=str, ensure_ascii=False),
            json.dumps(raw, ensure_ascii=False) if state == "rejected" else None,
        )

    def _label(self, code):
        """The translated name of a reason."""
        label = REASONS.get(code)
        return label._translate(self.env.lang or "en_US") if label else code

    def _reason_text(self, reasons):
        return "; ".join(f"{self._label(r.code)}: {r.message}" for r in reasons)

    def _insert_rows(self, rows):
        """The dry run's rows, by COPY (a million rows of a file)."""
        if not rows:
            return
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(map(_copy_text, row)))
            buffer.write("\n")
        buffer.seek(0)
        self.env.cr.copy_expert(
            'COPY loyalty_club_import_row (job_id, number, state, "column", value, '
            "reason_code, reason, check_key, data, raw, batch) FROM STDIN",
            buffer,
        )

    def _reject(self, code, column, where, params, value_sql="NULL", detail=""):
        """Reject the rows ``where`` selects, with a translated reason."""
        label = self._label(code)
        self.env.cr.execute(
            "UPDATE loyalty_club_import_row r SET state = 'rejected', "
            '"column" = %(column)s, value = ' + value_sql + ", reason_code = %(code)s, "
            "reason = %(label)s || ': ' || %(detail)s "
            "WHERE r.job_id = %(job)s AND r.state = 'ok' AND " + where,
            dict(
                params,
                job=self.id,
                column=column,
                code=code,
                label=label,
                detail=detail,
            ),
        )

    def _dry_members(self, columns):
        self._reject_duplicates(columns)
        self._reject_across_files(columns)
        self._reject_taken_cards(columns)
        self._match_partners()

    def _dry_cards(self, columns):
        """A card file: each card once, held by one phone in all the files of
        the import, and by a member of the club or of its members files."""
        self._reject_duplicates(columns, ("card_number",))
        self._reject_across_files(columns)
        self._reject_taken_cards(columns)
        members = self._session_jobs(("members",), earlier=False)
        self._reject(
            "unknown_member",
            columns.get("phone", "phone"),
            "NOT EXISTS (SELECT 1 FROM res_partner p "
            "WHERE p.club_phone = r.data->>'phone') "
            "AND NOT EXISTS (SELECT 1 FROM loyalty_club_import_row o "
            "WHERE o.job_id = ANY(%(members)s) AND o.state = 'ok' "
            "AND o.data->>'phone' = r.data->>'phone')",
            {"members": members.ids},
            value_sql="r.data->>'phone'",
            detail="the phone is neither a member nor in a members file of this "
            "import",
        )

    def _session_key(self):
        return (self.source or self.template_id.source or "").strip().casefold()

    def _session_jobs(self, kinds, earlier=True):
        """The other files of the same move-in (program and source) whose rows
        wait to be imported: checked, running or stopped; ``earlier``: only
        those uploaded before this one (the first file keeps a phone or card)."""
        key = self._session_key()
        if not key:
            return self.browse()
        domain = [
            ("id", "!=", self.id),
            ("program_id", "=", self.program_id.id),
            ("kind", "in", kinds),
            ("state", "in", ("checked", "running", "failed")),
        ]
        if earlier:
            domain.append(("id", "<", self.id))
        return self.search(domain).filtered(lambda j: j._session_key() == key)

    def _reject_across_files(self, columns):
        """A phone (of a members file) or a card (held by another phone) already
        on a row of an earlier file of the same import: the earlier file keeps
        it. Only the rows still waiting count; what was imported is the club's
        (a re-import updates it)."""
        checks = [("card_number", "duplicate_card_file", SESSION_KINDS, True)]
        if self.kind == "members":
            checks.insert(0, ("phone", "duplicate_phone_file", ("members",), False))
        for key, code, kinds, other_phone in checks:
            others = self._session_jobs(kinds)
            if not others:
                continue
            self.env.cr.execute(
                """
                UPDATE loyalty_club_import_row r
                   SET state = 'rejected', reason_code = %(code)s,
                       "column" = %(column)s, value = d.value,
                       reason = %(label)s || ': ' || replace(replace(replace(
                           %(detail)s, '%%(value)s', d.value),
                           '%%(row)s', d.number::text), '%%(file)s', d.file)
                  FROM (SELECT DISTINCT ON (o.data->>%(key)s)
                               o.data->>%(key)s AS value, o.data->>'phone' AS phone,
                               o.number, COALESCE(j.filename, j.name) AS file
                          FROM loyalty_club_import_row o
                          JOIN loyalty_club_import_job j ON j.id = o.job_id
                         WHERE o.job_id = ANY(%(others)s) AND o.state = 'ok'
                           AND o.data->>%(key)s IS NOT NULL
                         ORDER BY o.data->>%(key)s, o.job_id, o.number) d
                 WHERE r.job_id = %(job)s AND r.state = 'ok'
                   AND r.data->>%(key)s = d.value
                   AND (NOT %(other_phone)s
                        OR d.phone IS DISTINCT FROM r.data->>'phone')
                """,
                {
                    "job": self.id,
                    "others": others.ids,
                    "key": key,
                    "code": code,
                    "column": columns.get(key, key),
                    "label": self._label(code),
                    "detail": (
                        "The phone %(value)s is on row %(row)s of %(file)s"
                        if key == "phone"
                        else "The card %(value)s is held by another phone on row "
                        "%(row)s of %(file)s"
                    ),
                    "other_phone": other_phone,
                },
            )

    def _dry_products(self, columns):
        """A product once per file; the attributes a product's template does not
        have yet are given to all its variants, so the variants of one product
        in the file must agree on them."""
        self._reject_duplicates(columns, ("product_id",))
        self.env.cr.execute(
            """
            UPDATE loyalty_club_import_row r
               SET state = 'rejected', reason_code = 'attribute_conflict',
                   "column" = %(columns)s::jsonb->>d.target, value = d.value,
                   reason = %(label)s || ': ' || d.value || ' <> ' || d.first
                            || ' (row ' || d.first_row || ')'
              FROM (SELECT o.id, a.key AS target, a.value #>> '{}' AS value,
                           first_value(a.value #>> '{}') OVER w AS first,
                           first_value(o.number) OVER w AS first_row
                      FROM loyalty_club_import_row o
                      CROSS JOIN LATERAL jsonb_each(o.data->'attributes') a
                     WHERE o.job_id = %(job)s AND o.state = 'ok'
                    WINDOW w AS (PARTITION BY o.data->>'tmpl_id', a.key
                                 ORDER BY o.number)) d
             WHERE r.id = d.id AND r.state = 'ok'
               AND lower(d.value) <> lower(d.first)
            """,
            {
                "job": self.id,
                "columns": json.dumps(columns),
                "label": self._label("attribute_conflict"),
            },
        )

    def _reject_duplicates(self, columns, keys=("phone", "card_number", "external_id")):
        """A phone, card or old id (a product) already on an earlier row of the
        file: the first row keeps it (in SQL: a file of a million rows stays
        out of memory)."""
        details = {
            "phone": ("duplicate_phone", "The phone %(value)s is already on row "),
            "card_number": (
                "duplicate_card",
                "The card %(value)s is already on row ",
            ),
            "external_id": ("duplicate_id", "The id %(value)s is already on row "),
            "product_id": (
                "duplicate_product",
                "The product %(value)s is already on row ",
            ),
        }
        for key in keys:
            code, detail = details[key]
            shown = "product_key" if key == "product_id" else key
            column = (
                key
                if key != "product_id"
                else ("barcode" if "barcode" in columns else "sku")
            )
            self.env.cr.execute(
                """
                UPDATE loyalty_club_import_row r
                   SET state = 'rejected', reason_code = %(code)s,
                       "column" = %(column)s, value = d.value,
                       reason = %(label)s || ': '
                                || replace(%(detail)s, '%%(value)s', d.value)
                                || d.first
                  FROM (SELECT id, data->>%(shown)s AS value,
                               first_value(number) OVER w AS first,
                               row_number() OVER w AS rank
                          FROM loyalty_club_import_row
                         WHERE job_id = %(job)s AND state = 'ok'
                           AND data->>%(key)s IS NOT NULL
                        WINDOW w AS (PARTITION BY data->>%(key)s ORDER BY number)) d
                 WHERE r.id = d.id AND d.rank > 1
                """,
                {
                    "job": self.id,
                    "key": key,
                    "shown": shown,
                    "code": code,
                    "column": columns.get(column, column),
                    "label": self._label(code),
                    "detail": detail,
                },
            )

    def _reject_taken_cards(self, columns, batch=None):
        """A card the club already knows as another member's (by phone)."""
        self._reject(
            "card_taken",
            columns.get("card_number", "card_number"),
            # look-ups per row with a card, by index and without a join (EXISTS
            # may become a scan of every card, a batch joins by hash only)
            "r.data->>'card_number' IS NOT NULL AND (SELECT p.club_phone "
            "IS DISTINCT FROM r.data->>'phone' FROM res_partner p "
            "WHERE p.id = (SELECT c.partner_id FROM loyalty_club_card c "
            "WHERE c.code = r.data->>'card_number')) "
            "AND (%(batch)s IS NULL OR r.batch = %(batch)s)",
            {"batch": batch},
            value_sql="r.data->>'card_number'",
            detail="the card belongs to another member (another phone)",
        )

    def _match_partners(self, batch=None):
        """Each row's member by phone (the natural key); create or update."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            UPDATE loyalty_club_import_row r
               SET partner_id = m.partner_id,
                   action = CASE WHEN m.partner_id IS NULL THEN 'create'
                                 ELSE 'update' END
              FROM (SELECT r2.id,
                           (SELECT p.id FROM res_partner p
                             WHERE p.club_phone = r2.data->>'phone'
                             ORDER BY p.id LIMIT 1) AS partner_id
                      FROM loyalty_club_import_row r2
                     WHERE r2.job_id = %(job)s AND r2.state = 'ok'
                       AND (%(batch)s IS NULL OR r2.batch = %(batch)s)) m
             WHERE r.id = m.id AND r.job_id = %(job)s AND r.state = 'ok'
               AND (%(batch)s IS NULL OR r.batch = %(batch)s)
            """,
            {"job": self.id, "batch": batch},
        )

    def _dry_checks(self, columns):
        cr = self.env.cr
        self.env.flush_all()
        # read only: each batch finds its lines' members when it is imported
        self._reject(
            "unknown_member",
            columns.get("card_number") or columns.get("phone") or "",
            "(r.data->>'card_number' IS NOT NULL OR r.data->>'phone' IS NOT NULL) "
            "AND NOT EXISTS (SELECT 1 FROM loyalty_club_wallet w "
            "WHERE w.program_id + 0 = %(program)s AND w.partner_id = COALESCE("
            "(SELECT c.partner_id FROM loyalty_club_card c "
            "WHERE c.code = r.data->>'card_number'), "
            "(SELECT p.id FROM res_partner p WHERE p.club_phone = r.data->>'phone' "
            "ORDER BY p.id LIMIT 1)))",
            {"program": self.program_id.id},
            value_sql="COALESCE(r.data->>'card_number', r.data->>'phone')",
            detail="import the members first, or fix the card or phone",
        )
        # a check is all or nothing: one bad line refuses its other lines
        cr.execute(
            """
            UPDATE loyalty_club_import_row r
               SET state = 'rejected', reason_code = 'check_rejected',
                   "column" = %(column)s, value = split_part(r.check_key, ':', 3),
                   reason = %(label)s || ': ' || %(detail)s || b.number
              FROM (SELECT check_key, min(number) AS number
                      FROM loyalty_club_import_row
                     WHERE job_id = %(job)s AND state = 'rejected'
                       AND check_key IS NOT NULL
                     GROUP BY check_key) b
             WHERE r.job_id = %(job)s AND r.state = 'ok' AND r.check_key = b.check_key
            """,
            {
                "job": self.id,
                "column": columns.get("check_number"),
                "label": self._label("check_rejected"),
                "detail": "see row ",
            },
        )
        # checks imported before are left as they are
        cr.execute(
            """
            UPDATE loyalty_club_import_row r SET state = 'left'
             WHERE r.job_id = %(job)s AND r.state = 'ok'
               AND EXISTS (SELECT 1 FROM loyalty_club_transaction t
                            WHERE t.idempotency_key = 'import:check:' || r.check_key)
            """,
            {"job": self.id},
        )

    def _number_batches(self):
        """A check is never split: the lines of a check that are apart in the
        file (numbered in the batch of where they stood) go to the batch of its
        first line; the rows of the other files keep the batch they were
        written with."""
        if self.kind != "checks":
            return
        self.env.cr.execute(
            """
            UPDATE loyalty_club_import_row r SET batch = s.first
              FROM (SELECT check_key, min(batch) AS first
                      FROM loyalty_club_import_row
                     WHERE job_id = %(job)s AND state = 'ok'
                     GROUP BY check_key HAVING min(batch) <> max(batch)) s
             WHERE r.job_id = %(job)s AND r.state = 'ok'
               AND r.check_key = s.check_key AND r.batch <> s.first
            """,
            {"job": self.id},
        )
        if self.env.cr.rowcount > 1000:
            # the planner must know the batches as they are now
            self.env.cr.execute("ANALYZE loyalty_club_import_row")

    def _totals(self):
        cr = self.env.cr
        cr.execute(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE state = 'ok'),
                   count(*) FILTER (WHERE state = 'rejected'),
                   count(*) FILTER (WHERE state = 'left'),
                   count(*) FILTER (WHERE state = 'ok' AND action = 'create'),
                   count(*) FILTER (WHERE state = 'ok' AND action = 'update'),
                   COALESCE(max(batch) FILTER (WHERE state = 'ok'), 0),
                   count(DISTINCT check_key) FILTER (WHERE state = 'ok')
              FROM loyalty_club_import_row WHERE job_id = %s
            """,
            [self.id],
        )
        total, ok, rejected, left, create, update, batches, checks = cr.fetchone()
        carried = balance = differ = 0
        if self.kind == "members":
            cr.execute(
                """
                SELECT count(*) FILTER (WHERE l.id IS NOT NULL),
                       COALESCE(sum((r.data->>'opening_minor')::bigint)
                           FILTER (WHERE l.id IS NULL), 0),
                       count(*) FILTER (WHERE l.amount_minor
                                        <> (r.data->>'opening_minor')::bigint)
                  FROM loyalty_club_import_row r
                  LEFT JOIN loyalty_club_ledger l
                         ON l.idempotency_key = %(prefix)s || (r.data->>'phone')
                 WHERE r.job_id = %(job)s AND r.state = 'ok'
                   AND (r.data->>'opening_minor')::bigint > 0
                """,
                {"job": self.id, "prefix": self._opening_prefix()},
            )
            carried, balance, differ = cr.fetchone()
        self.write(
            {
                "rows_total": total,
                "rows_ok": ok,
                "rows_rejected": rejected,
                "rows_left": left,
                "to_create": create,
                "to_update": update,
                "batches_total": batches,
                "checks_total": checks if self.kind == "checks" else 0,
                "balances_left": carried,
                "balances_differ": differ,
                "balance_total": float(self.program_id.from_minor(int(balance))),
            }
        )

    def _write_error_file(self, header, delimiter):
        """The input's rejected rows, read from the file again (the rows to import
        do not keep their text), with their reasons."""
        self.env.cr.execute(
            "SELECT number, reason FROM loyalty_club_import_row "
            "WHERE job_id = %s AND state = 'rejected'",
            [self.id],
        )
        reasons = dict(self.env.cr.fetchall())
        if not reasons:
            self.write({"error_file": False, "error_filename": False})
            return
        _header, rows, _encoding, _delimiter = self._read_table()
        data = importing.error_file(
            header,
            ((number, row) for number, row in rows if number in reasons),
            reasons,
            delimiter=delimiter,
            reason_title=self.env._("Reason"),
        )
        stem = (self.filename or "import").rsplit(".", 1)[0]
        self.write(
            {
                "error_file": base64.b64encode(data),
                "error_filename": self.env._("%(name)s-errors.csv", name=stem),
            }
        )

    def _write_report(self):
        self.env.cr.execute(
            "SELECT reason_code, count(*) FROM loyalty_club_import_row "
            "WHERE job_id = %s AND state = 'rejected' GROUP BY reason_code "
            "ORDER BY count(*) DESC, reason_code",
            [self.id],
        )
        counts = Counter(dict(self.env.cr.fetchall()))
        lines = [
            Markup("<li>%s: %s</li>") % (self._label(code), count)
            for code, count in counts.items()
        ]
        summary = self.env._(
            "%(total)s rows: %(ok)s to import, %(rejected)s rejected, %(left)s left "
            "as they are.",
            total=self.rows_total,
            ok=self.rows_ok,
            rejected=self.rows_rejected,
            left=self.rows_left,
        )
        if self.kind == "members":
            detail = self.env._(
                "Members to create: %(create)s, to update: %(update)s. Balances to "
                "carry: %(balance)s; balances carried before (left): %(carried)s.",
                create=self.to_create,
                update=self.to_update,
                balance=formatLang(
                    self.env, self.balance_total, digits=self.program_id.digits
                ),
                carried=self.balances_left,
            )
        elif self.kind == "checks":
            detail = self.env._(
                "Checks to import: %(checks)s.", checks=self.checks_total
            )
        else:
            detail = ""
        if self.balances_differ:
            detail = Markup("%s</p><p>%s") % (
                detail,
                self.env._(
                    "%(count)s balances carried before differ from the file: they "
                    "are left as carried; correct them with an adjustment.",
                    count=self.balances_differ,
                ),
            )
        self.report = Markup("<p>%s</p><p>%s</p>") % (summary, detail) + (
            Markup("<ul>%s</ul>") % Markup("").join(lines) if lines else ""
        )

    # ---------------------------------------------------------------- import
    def action_import(self):
        """Import the rows the dry run accepted, batch after batch; a big file
        goes to the background job, which shows its progress here."""
        for job in self:
            if job.state not in ("checked", "failed", "running"):
                raise UserError(self.env._("Run the dry run first."))
            if not job.started_at:
                job.started_at = fields.Datetime.now()
            job.write({"state": "running", "last_error": False})
            if job.rows_ok - job.rows_done <= 20 * job.batch_size:
                job._run()
            else:
                self.env.ref("loyalty_club.ir_cron_import_jobs")._trigger()
        return True

    def _run(self, max_batches=None):
        """Run the next batches (all of them by default); True while some are
        left."""
        self.ensure_one()
        done = 0
        while self.state == "running" and (max_batches is None or done < max_batches):
            if not self._run_batch():
                break
            done += 1
        return self.state == "running"

    def _run_batch(self):
        """The next batch, all or nothing; False when none is left."""
        self.ensure_one()
        batch = self.last_batch + 1
        if batch > self.batches_total:
            self._finish()
            return False
        start = systime.monotonic()
        try:
            with self.env.cr.savepoint():
                # for the batch's statements only (a failed batch's savepoint
                # takes them back): no JIT, the planner prices their look-ups
                # per row high enough to compile (1.7 s of a 3.4 s batch of
                # 15,000 history lines); no nested loop joins, whose inner side
                # is read again for each row when a new file's batch looks like
                # three rows to the statistics of a staging table of millions
                # (9.3 s to mark 15,000 lines done); a look-up by index stays a
                # subquery or a lateral one
                self.env.cr.execute("SET LOCAL jit = off")
                self.env.cr.execute("SET LOCAL enable_nestloop = off")
                count = {
                    "members": self._import_members,
                    "cards": self._import_card_rows,
                    "checks": self._import_checks,
                    "products": self._import_products,
                }[self.kind](batch)
                self.env.flush_all()
                self.env.cr.execute("SET LOCAL jit TO DEFAULT")
                self.env.cr.execute("SET LOCAL enable_nestloop TO DEFAULT")
        except (UserError, ValueError, psycopg2.Error) as exc:
            self.write(
                {
                    "state": "failed",
                    "last_error": self.env._(
                        "Batch %(batch)s was not imported (nothing of it is "
                        "written): %(error)s",
                        batch=batch,
                        error=str(exc),
                    ),
                }
            )
            return False
        self.write(
            {
                "last_batch": batch,
                "rows_done": self.rows_done + count,
                "seconds": self.seconds + systime.monotonic() - start,
            }
        )
        return True

    def _finish(self):
        if self.kind == "checks":
            self._upgrade_tiers()
        self.write({"state": "done", "finished_at": fields.Datetime.now()})

    @api.model
    def _cron_run(self, max_batches=1):
        """Background: the next batch of the running imports (the cron runner
        commits after each call, so each batch is committed, and calls again
        while some are left)."""
        jobs = self.search([("state", "=", "running")], order="id")
        done = 0
        for job in jobs:
            before = job.last_batch
            job._run(max_batches)
            done += job.last_batch - before
            if done >= max_batches:
                break
        remaining = sum(
            max(j.batches_total - j.last_batch, 0) for j in jobs if j.state == "running"
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    def _now(self):
        """When the carried balances enter the ledger: now, or noon of an
        import day in the past."""
        now = fields.Datetime.now()
        if self.import_date < now.date():
            return datetime.combine(self.import_date, time(12))
        return now

    def _opening_prefix(self):
        return f"import:opening:{self.program_id.id}:"

    def _params(self, batch, **extra):
        program = self.program_id
        return dict(
            job=self.id,
            batch=batch,
            uid=self.env.uid,
            now=fields.Datetime.now(),
            today=self.import_date,
            program=program.id,
            company=program.company_id.id,
            **extra,
        )

    def _import_members(self, batch):
        cr = self.env.cr
        columns = {c.target: c.name for c in self.column_ids if c.target}
        self.env.flush_all()
        # a card someone took since the dry run: that row waits for a fix
        self._reject_taken_cards(columns, batch)
        p = self._params(batch)
        self._check_required("res_partner", PARTNER_COLUMNS)
        lang = self.env.lang or "en_US"
        # in one statement, each row written once: its member found by phone
        # (the natural key) now, created, or updated with what the file says
        # (a re-run keeps what the file leaves empty)
        cr.execute(
            """
            WITH src AS MATERIALIZED (
                SELECT r.id AS row_id, r.data,
                       (SELECT p.id FROM res_partner p
                         WHERE p.club_phone = r.data->>'phone'
                         ORDER BY p.id LIMIT 1) AS found
                  FROM loyalty_club_import_row r
                 WHERE r.job_id = %(job)s AND r.batch = %(batch)s AND r.state = 'ok'
            ), new AS MATERIALIZED (
                SELECT row_id, data,
                       nextval(pg_get_serial_sequence('res_partner', 'id')) AS pid
                  FROM src WHERE found IS NULL
            ), ins AS (
                INSERT INTO res_partner (id, commercial_partner_id, name,
                    complete_name, type, active, is_company, company_id, lang, email,
                    email_normalized, mobile, phone_sanitized, club_phone, club_status,
                    club_join_date, club_store_id, club_birthday, ref, partner_share,
                    autopost_bills, color, customer_rank, supplier_rank, create_uid,
                    write_uid, create_date, write_date)
                SELECT pid, pid, data->>'name', data->>'name', 'contact', true, false,
                       %(company)s, %(lang)s, data->>'email', data->>'email',
                       data->>'phone', data->>'phone', data->>'phone', 'active',
                       COALESCE((data->>'joined')::date, %(today)s),
                       (data->>'store_id')::int, (data->>'birthday')::date,
                       data->>'external_id', true, 'ask', 0, 0, 0,
                       %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM new
            ), upd AS (
                UPDATE res_partner p
                   SET name = COALESCE(NULLIF(s.data->>'name', s.data->>'phone'),
                                       p.name),
                       complete_name = COALESCE(
                           NULLIF(s.data->>'name', s.data->>'phone'), p.complete_name),
                       email = COALESCE(s.data->>'email', p.email),
                       email_normalized = COALESCE(s.data->>'email',
                                                   p.email_normalized),
                       club_birthday = COALESCE((s.data->>'birthday')::date,
                                                p.club_birthday),
                       club_join_date = COALESCE((s.data->>'joined')::date,
                                                 p.club_join_date, %(today)s),
                       club_store_id = COALESCE(p.club_store_id,
                                                (s.data->>'store_id')::int),
                       club_status = COALESCE(p.club_status, 'active'),
                       ref = COALESCE(p.ref, s.data->>'external_id'),
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM src s
                 WHERE p.id = s.found
                   -- the batch's members by their ids, never a scan of all
                   AND p.id = ANY(ARRAY(SELECT found FROM src
                                         WHERE found IS NOT NULL))
            )
            UPDATE loyalty_club_import_row r
               SET partner_id = COALESCE(s.found, n.pid),
                   action = CASE WHEN s.found IS NULL THEN 'create'
                                 ELSE 'update' END
              FROM src s LEFT JOIN new n ON n.row_id = s.row_id
             WHERE r.id = s.row_id AND r.job_id = %(job)s
               AND r.batch = %(batch)s AND r.state = 'ok'
            """,
            dict(p, lang=lang),
        )
        self._import_wallets(p)
        self._import_cards(p)
        self._import_consents(p)
        self._import_answers(p)
        self._import_tiers(p)
        self._import_openings(p)
        cr.execute(
            "SELECT array_agg(DISTINCT wallet_id) FROM loyalty_club_import_row "
            "WHERE job_id = %(job)s AND batch = %(batch)s AND state = 'ok'",
            p,
        )
        wallet_ids = [w for w in cr.fetchone()[0] or [] if w]
        self.env["loyalty.club.wallet"]._sql_refresh_balances(
            wallet_ids, self.import_date
        )
        cr.execute(
            "UPDATE loyalty_club_import_row SET state = 'done' "
            "WHERE job_id = %(job)s AND batch = %(batch)s AND state = 'ok'",
            p,
        )
        self.env.invalidate_all()
        return cr.rowcount

    def _import_card_rows(self, batch):
        """A batch of a card file: each card to its holder (found by phone now
        that the members are in), with its state."""
        cr = self.env.cr
        columns = {c.target: c.name for c in self.column_ids if c.target}
        self.env.flush_all()
        self._reject_taken_cards(columns, batch)
        self._match_partners(batch)
        self._reject(
            "unknown_member",
            columns.get("phone", "phone"),
            "r.batch = %(batch)s AND r.partner_id IS NULL",
            {"batch": batch},
            value_sql="r.data->>'phone'",
            detail="import the members first, or fix the phone",
        )
        p = self._params(batch)
        self._import_cards(p)
        cr.execute(
            "UPDATE loyalty_club_import_row SET state = 'done' "
            "WHERE job_id = %(job)s AND batch = %(batch)s AND state = 'ok'",
            p,
        )
        self.env.invalidate_all()
        return cr.rowcount

    def _import_products(self, batch):
        """A batch of a products file: the attributes each product's template
        lacks, as single-value lines (the variants keep their ids, so the
        history's lines stay theirs, and the analytics group by them)."""
        cr = self.env.cr
        p = self._params(batch)
        cr.execute(
            "SELECT (data->>'tmpl_id')::int, data->'attributes' "
            "FROM loyalty_club_import_row "
            "WHERE job_id = %(job)s AND batch = %(batch)s AND state = 'ok' "
            "ORDER BY number",
            p,
        )
        wanted = {}
        for tmpl_id, attributes in cr.fetchall():
            for target, value in attributes.items():
                wanted.setdefault(tmpl_id, {}).setdefault(target, value)
        attributes = self._product_attributes(create=True)
        Value = self.env["product.attribute.value"].sudo()
        known = {
            (v.attribute_id.id, v.name.casefold()): v
            for v in Value.search(
                [("attribute_id", "in", [a.id for a in attributes.values()])]
            )
        }
        templates = self.env["product.template"].sudo().browse(wanted)
        lines = []
        for template in templates:
            has = template.attribute_line_ids.attribute_id
            for target, text in wanted[template.id].items():
                attribute = attributes[target]
                if attribute in has:
                    continue
                value = known.get((attribute.id, text.casefold()))
                if not value:
                    value = Value.create({"attribute_id": attribute.id, "name": text})
                    known[attribute.id, text.casefold()] = value
                lines.append(
                    {
                        "product_tmpl_id": template.id,
                        "attribute_id": attribute.id,
                        "value_ids": [(6, 0, value.ids)],
                    }
                )
        self.env["product.template.attribute.line"].sudo().create(lines)
        self.env.flush_all()
        cr.execute(
            "UPDATE loyalty_club_import_row SET state = 'done' "
            "WHERE job_id = %(job)s AND batch = %(batch)s AND state = 'ok'",
            p,
        )
        self.env.invalidate_all()
        return cr.rowcount

    def _check_required(self, table, columns):
        """Refuse to insert when another addon made a column required that this
        import does not fill (instead of failing in the middle)."""
        self.env.cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND is_nullable = 'NO' AND column_default IS NULL",
            [table],
        )
        missing = sorted({r[0] for r in self.env.cr.fetchall()} - set(columns) - {"id"})
        if missing:
            raise UserError(
                self.env._(
                    "The import cannot fill the required columns %(columns)s of "
                    "%(table)s.",
                    columns=", ".join(missing),
                    table=table,
                )
            )

    def _import_wallets(self, p):
        cr = self.env.cr
        # a new wallet gets the old discount's tier as it is written (a later
        # update of a row of this transaction would check its keys again)
        cr.execute(
            """
            WITH ins AS (
                INSERT INTO loyalty_club_wallet (partner_id, program_id, company_id,
                    wallet_type_id, kind, tier_id, tier_since, available_minor,
                    pending_minor, expiring_soon_minor, balance_available,
                    balance_pending, balance_expiring_soon, balance_date,
                    create_uid, write_uid, create_date, write_date)
                SELECT DISTINCT ON (r.partner_id) r.partner_id, %(program)s,
                       %(company)s, %(wtype)s, 'bonus', (r.data->>'tier_id')::int,
                       %(today)s, 0, 0, 0, 0, 0, 0, %(today)s, %(uid)s, %(uid)s,
                       %(now)s, %(now)s
                  FROM loyalty_club_import_row r
                 WHERE r.job_id = %(job)s AND r.batch = %(batch)s AND r.state = 'ok'
                 ORDER BY r.partner_id, r.number
                ON CONFLICT (partner_id, program_id) DO NOTHING
                RETURNING id, partner_id, company_id, tier_id
            ), history AS (
                INSERT INTO loyalty_club_tier_history (wallet_id, partner_id,
                    company_id, date, old_tier_id, new_tier_id, create_uid,
                    write_uid, create_date, write_date)
                SELECT id, partner_id, company_id, %(now)s, NULL, tier_id, %(uid)s,
                       %(uid)s, %(now)s, %(now)s
                  FROM ins WHERE tier_id IS NOT NULL
            )
            -- each row's wallet: the one just made, else the member's (by the
            -- member's wallets: "program_id + 0" keeps the planner off the
            -- program's index, whose statistics know none of the wallets this
            -- import writes, which scanned all of them for each row)
            UPDATE loyalty_club_import_row r
               SET wallet_id = COALESCE(ins.id, (
                       SELECT w.id FROM loyalty_club_wallet w
                        WHERE w.partner_id = r.partner_id
                          AND w.program_id + 0 = %(program)s))
              FROM loyalty_club_import_row r2
              LEFT JOIN ins ON ins.partner_id = r2.partner_id
             WHERE r.id = r2.id
               AND r2.job_id = %(job)s AND r2.batch = %(batch)s AND r2.state = 'ok'
               -- the rows to write by the batch's index too (else the planner
               -- may scan every row of every import to find them)
               AND r.job_id = %(job)s AND r.batch = %(batch)s AND r.state = 'ok'
            """,
            dict(p, wtype=self.program_id.wallet_type_id.id),
        )

    def _import_cards(self, p):
        cr = self.env.cr
        cr.execute(
            """
            UPDATE loyalty_club_card c
               SET partner_id = r.partner_id, state = r.data->>'card_state',
                   activated_on = COALESCE(c.activated_on,
                                           (r.data->>'joined')::date, %(today)s),
                   activated_channel = COALESCE(c.activated_channel, 'import'),
                   write_uid = %(uid)s, write_date = %(now)s
              FROM loyalty_club_import_row r
             WHERE r.job_id = %(job)s AND r.batch = %(batch)s AND r.state = 'ok'
               -- the batch's cards by their ids (a join on the code may scan
               -- every card of the club for each batch)
               AND c.id = ANY(ARRAY(
                   SELECT (SELECT c2.id FROM loyalty_club_card c2
                            WHERE c2.code = r2.data->>'card_number')
                     FROM loyalty_club_import_row r2
                    WHERE r2.job_id = %(job)s AND r2.batch = %(batch)s
                      AND r2.state = 'ok' AND r2.data->>'card_number' IS NOT NULL))
               AND c.code = r.data->>'card_number'
               AND (c.partner_id IS NULL OR c.partner_id = r.partner_id)
               AND (c.partner_id IS DISTINCT FROM r.partner_id
                    OR c.state != r.data->>'card_state')
            """,
            p,
        )
        cr.execute(
            """
            INSERT INTO loyalty_club_card (code, kind, state, program_id, company_id,
                partner_id, activated_on, activated_channel, create_uid, write_uid,
                create_date, write_date)
            SELECT r.data->>'card_number', 'physical', r.data->>'card_state',
                   %(program)s, %(company)s, r.partner_id,
                   COALESCE((r.data->>'joined')::date, %(today)s), 'import',
                   %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM loyalty_club_import_row r
             WHERE r.job_id = %(job)s AND r.batch = %(batch)s AND r.state = 'ok'
               AND r.data->>'card_number' IS NOT NULL
               -- a look-up per row (NOT EXISTS became a scan of every card)
               AND (SELECT 1 FROM loyalty_club_card c
                     WHERE c.code = r.data->>'card_number') IS NULL
            """,
            p,
        )

    def _import_consents(self, p):
        """The consents with their date and source; one the history already
        has (same channel, answer and date) is not written twice. Members of
        the old club agreed to the processing of their data when they joined."""
        self.env.cr.execute(
            """
            INSERT INTO loyalty_club_consent (partner_id, channel, granted, date,
                source, user_id, wording, create_uid, write_uid, create_date,
                write_date)
            SELECT s.partner_id, s.channel, s.granted, s.date, s.source, %(uid)s,
                   %(wording)s, %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM (
                SELECT r.partner_id, v.channel, v.granted,
                       COALESCE((r.data->>'consent_date')::date,
                                (r.data->>'joined')::date, %(today)s)::timestamp
                           AS date,
                       r.data->>'consent_source' AS source
                  FROM loyalty_club_import_row r
                  CROSS JOIN LATERAL (VALUES
                      ('sms', (r.data->>'consent_sms')::boolean),
                      ('email', (r.data->>'consent_email')::boolean),
                      ('personal_data', true)) AS v(channel, granted)
                 WHERE r.job_id = %(job)s AND r.batch = %(batch)s AND r.state = 'ok'
                   AND v.granted IS NOT NULL
              ) s
             -- a look-up by member per row (NOT EXISTS became a scan of every
             -- consent of the club for each batch)
             WHERE (SELECT 1 FROM loyalty_club_consent c
                     WHERE c.partner_id = s.partner_id
                       AND c.channel = s.channel
                       AND c.granted = s.granted AND c.date = s.date
                     LIMIT 1) IS NULL
            """,
            dict(p, wording=self.env._("Consent carried over from the old system")),
        )

    def _import_answers(self, p):
        self.env.cr.execute(
            """
            INSERT INTO loyalty_club_attribute_value (partner_id, attribute_id,
                value_text, value_number, value_date, option_id, create_uid,
                write_uid, create_date, write_date)
            SELECT r.partner_id, a.key::int, a.value->>'t', (a.value->>'n')::float,
                   (a.value->>'d')::date, (a.value->>'o')::int, %(uid)s, %(uid)s,
                   %(now)s, %(now)s
              FROM loyalty_club_import_row r
              CROSS JOIN LATERAL jsonb_each(r.data->'answers') AS a
             WHERE r.job_id = %(job)s AND r.batch = %(batch)s AND r.state = 'ok'
            ON CONFLICT (partner_id, attribute_id) DO UPDATE
               SET value_text = EXCLUDED.value_text,
                   value_number = EXCLUDED.value_number,
                   value_date = EXCLUDED.value_date,
                   option_id = EXCLUDED.option_id,
                   write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
             WHERE (loyalty_club_attribute_value.value_text,
                    loyalty_club_attribute_value.value_number,
                    loyalty_club_attribute_value.value_date,
                    loyalty_club_attribute_value.option_id)
                   IS DISTINCT FROM (EXCLUDED.value_text, EXCLUDED.value_number,
                                     EXCLUDED.value_date, EXCLUDED.option_id)
            """,
            p,
        )

    def _import_tiers(self, p):
        """The tier of the old discount level (no message: nothing changed for
        the member)."""
        self.env.cr.execute(
            """
            WITH moves AS (
                SELECT w.id AS wallet_id, w.tier_id AS old,
                       (r.data->>'tier_id')::int AS new
                  FROM loyalty_club_import_row r
                  JOIN loyalty_club_wallet w ON w.id = r.wallet_id
                 WHERE r.job_id = %(job)s AND r.batch = %(batch)s AND r.state = 'ok'
                   -- the batch's wallets by their ids, never a scan of all
                   AND w.id = ANY(ARRAY(
                       SELECT wallet_id FROM loyalty_club_import_row
                        WHERE job_id = %(job)s AND batch = %(batch)s
                          AND state = 'ok'))
                   AND r.data->>'tier_id' IS NOT NULL
                   AND w.tier_id IS DISTINCT FROM (r.data->>'tier_id')::int
            )
            , upd AS (
                UPDATE loyalty_club_wallet w SET tier_id = m.new,
                       tier_since = %(today)s
                  FROM moves m WHERE w.id = m.wallet_id
            )
            INSERT INTO loyalty_club_tier_history (wallet_id, partner_id, company_id,
                date, old_tier_id, new_tier_id, create_uid, write_uid, create_date,
                write_date)
            SELECT w.id, w.partner_id, w.company_id, %(now)s, m.old, m.new,
                   %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM moves m JOIN loyalty_club_wallet w ON w.id = m.wallet_id
            """,
            p,
        )

    def _import_openings(self, p):
        """Each balance as a credit of kind opening and its lot, with the old
        system's accrual and expiry dates; once per member (the key), so a
        re-run never carries a balance twice."""
        program = self.program_id
        factor = edge.decimal(program.point_value) * Decimal(10) ** (
            program.currency_id.decimal_places - program.digits
        )
        params = dict(
            p,
            prefix=self._opening_prefix(),
            factor=factor,
            scale=10**program.digits,
            when=self._now(),
            expiry_days=program.expiry_days or 0,
            reason=self.env._(
                "Opening balance from %(system)s",
                system=self.source or self.template_id.source or self.filename or "",
            ),
        )
        cr = self.env.cr
        cr.execute(
            """
            WITH src AS (
                SELECT r.wallet_id, r.partner_id,
                       (r.data->>'opening_minor')::bigint AS amount,
                       %(prefix)s || (r.data->>'phone') AS key,
                       COALESCE((r.data->>'accrued_on')::date, %(today)s) AS accrued,
                       (r.data->>'expires_on')::date AS expires,
                       (r.data->>'store_id')::int AS store_id,
                       nextval(pg_get_serial_sequence('loyalty_club_ledger', 'id'))
                           AS line_id,
                       nextval(pg_get_serial_sequence('loyalty_club_lot', 'id'))
                           AS lot_id
                  FROM loyalty_club_import_row r
                 WHERE r.job_id = %(job)s AND r.batch = %(batch)s AND r.state = 'ok'
                   AND (r.data->>'opening_minor')::bigint > 0
                   -- a look-up of the key per row (NOT EXISTS became a scan of
                   -- every ledger line of the club for each batch)
                   AND (SELECT 1 FROM loyalty_club_ledger l
                         WHERE l.idempotency_key = %(prefix)s || (r.data->>'phone')
                         LIMIT 1) IS NULL
            ), lines AS (
                -- the line and its lot point to each other: one statement, so
                -- that both foreign keys are checked once both rows exist
                INSERT INTO loyalty_club_ledger (id, lot_id, wallet_id, partner_id,
                    program_id, company_id, kind, amount_minor, amount, money_minor,
                    date, store_id, channel, user_id, idempotency_key, reason,
                    create_uid, write_uid, create_date, write_date)
                SELECT line_id, lot_id, wallet_id, partner_id, %(program)s,
                       %(company)s, 'opening', amount, amount::numeric / %(scale)s,
                       round(amount * %(factor)s)::bigint, %(when)s, store_id,
                       'import', %(uid)s, key, %(reason)s, %(uid)s, %(uid)s,
                       %(now)s, %(now)s
                  FROM src
            )
            INSERT INTO loyalty_club_lot (id, wallet_id, company_id, ledger_id,
                initial_minor, remaining_minor, available_from, expires_on,
                create_uid, write_uid, create_date, write_date)
            SELECT lot_id, wallet_id, %(company)s, line_id, amount, amount,
                   LEAST(accrued, %(today)s),
                   COALESCE(expires,
                            CASE WHEN %(expiry_days)s > 0
                                 THEN GREATEST(accrued, %(today)s)
                                      + %(expiry_days)s END),
                   %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM src
            """,
            params,
        )

    # --------------------------------------------------------------- history
    def _import_checks(self, batch):
        """A batch of checks in one statement: each line's member found now (by
        card, else phone), the checks, their lines, the members' last purchase,
        and the rows marked done with their member (each row written once)."""
        cr = self.env.cr
        self.env.flush_all()
        program = self.program_id
        p = self._params(
            batch,
            currency=program.currency_id.id,
            money_scale=10**program.currency_id.decimal_places,
        )
        cr.execute(
            """
            -- materialized: the member of a line is looked up once (inlined, the
            -- wallet's subquery looked the card and the phone up again)
            WITH found AS MATERIALIZED (
                SELECT r.id AS row_id, r.check_key, r.data,
                       (r.data->>'amount_minor')::bigint AS amount,
                       COALESCE(
                           (SELECT c.partner_id FROM loyalty_club_card c
                             WHERE c.code = r.data->>'card_number'),
                           (SELECT p.id FROM res_partner p
                             WHERE p.club_phone = r.data->>'phone'
                             ORDER BY p.id LIMIT 1)) AS partner_id
                  FROM loyalty_club_import_row r
                 WHERE r.job_id = %(job)s AND r.batch = %(batch)s AND r.state = 'ok'
            ), lines AS (
                SELECT f.*, (SELECT w.id FROM loyalty_club_wallet w
                              WHERE w.partner_id = f.partner_id
                                AND w.program_id + 0 = %(program)s) AS wallet_id
                  FROM found f
            ), done AS (
                UPDATE loyalty_club_import_row r
                   SET state = 'done', partner_id = l.partner_id,
                       wallet_id = l.wallet_id
                  FROM lines l
                 WHERE r.job_id = %(job)s AND r.batch = %(batch)s
                   AND r.state = 'ok' AND r.id = l.row_id
            ), checks AS (
                SELECT check_key, min(data->>'check_number') AS ref,
                       min((data->>'store_id')::int) AS store_id,
                       min((data->>'date')::timestamp) AS date,
                       CASE WHEN sum(amount) < 0 THEN 'refund' ELSE 'sale' END
                           AS kind,
                       min(wallet_id) AS wallet_id, min(partner_id) AS partner_id,
                       abs(sum(amount)) AS amount, count(*) AS line_count
                  FROM lines GROUP BY check_key
            ), ins AS (
                INSERT INTO loyalty_club_transaction (ref, idempotency_key, kind,
                    wallet_id, partner_id, program_id, company_id, currency_id,
                    store_id, channel, date, user_id, amount_minor, paid_minor,
                    burn_minor, burn_money_minor, earn_minor, refunded_minor,
                    reversed_earn_minor, reversed_burn_minor, amount, earned, spent,
                    line_count, needs_review, create_uid, write_uid, create_date,
                    write_date)
                SELECT ref, 'import:check:' || check_key, kind, wallet_id, partner_id,
                       %(program)s, %(company)s, %(currency)s, store_id, 'import',
                       date, %(uid)s, amount,
                       CASE WHEN kind = 'refund' THEN -amount ELSE amount END,
                       0, 0, 0, 0, 0, 0,
                       (CASE WHEN kind = 'refund' THEN -amount ELSE amount END)::numeric
                           / %(money_scale)s,
                       0, 0, line_count, false, %(uid)s, %(uid)s, %(now)s, %(now)s
                  FROM checks
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING id, idempotency_key
            ), check_lines AS (
                INSERT INTO loyalty_club_check_line (transaction_id, company_id,
                    product_id, qty, amount_minor, amount, create_uid, write_uid,
                    create_date, write_date)
                SELECT ins.id, %(company)s, (l.data->>'product_id')::int,
                       (l.data->>'qty')::numeric, l.amount,
                       l.amount::numeric / %(money_scale)s, %(uid)s, %(uid)s,
                       %(now)s, %(now)s
                  FROM lines l
                  JOIN ins ON ins.idempotency_key = 'import:check:' || l.check_key
            ), last AS (
                UPDATE loyalty_club_wallet w
                   SET last_purchase_date = GREATEST(w.last_purchase_date, s.last)
                  FROM (SELECT wallet_id, max((data->>'date')::timestamp) AS last
                          FROM lines WHERE wallet_id IS NOT NULL
                         GROUP BY wallet_id) s
                 WHERE w.id = s.wallet_id
                   AND w.id = ANY(ARRAY(SELECT wallet_id FROM lines))
            )
            SELECT count(*) FROM lines
            """,
            p,
        )
        count = cr.fetchone()[0]
        self.env.invalidate_all()
        return count

    def _upgrade_tiers(self):
        """Qualification from the imported spend: members move up (never down)
        to the tier their rolling period's purchases reach."""
        program = self.program_id
        if not program.tier_ids:
            return
        self.env.flush_all()
        since = self.import_date - timedelta(days=program.tier_period_days or 365)
        specs = program._tier_specs()
        thresholds = {
            t.id: program.money_to_minor(t.threshold) for t in program.tier_ids
        }
        cr = self.env.cr
        cr.execute(
            """
            SELECT w.id, w.tier_id, COALESCE(SUM(t.paid_minor), 0)
              FROM loyalty_club_wallet w
              JOIN loyalty_club_transaction t
                ON t.wallet_id = w.id AND t.date >= %(since)s
             WHERE w.id IN (SELECT DISTINCT wallet_id FROM loyalty_club_import_row
                             WHERE job_id = %(job)s AND wallet_id IS NOT NULL)
             GROUP BY w.id
            """,
            {"since": since, "job": self.id},
        )
        moves = []
        for wallet_id, old, paid in cr.fetchall():
            new = rules.qualify(paid, specs)
            if new and (not old or thresholds[new] > thresholds.get(old, 0)):
                moves.append((wallet_id, old, new))
        if not moves:
            return
        wallets, olds, news = (list(col) for col in zip(*moves, strict=True))
        now = fields.Datetime.now()
        cr.execute(
            """
            WITH m AS (
                SELECT * FROM unnest(%(w)s::int[], %(o)s::int[], %(n)s::int[])
                    AS m(wallet, old, new)
            ), upd AS (
                UPDATE loyalty_club_wallet w SET tier_id = m.new,
                       tier_since = %(today)s
                  FROM m WHERE w.id = m.wallet
            )
            INSERT INTO loyalty_club_tier_history (wallet_id, partner_id, company_id,
                date, old_tier_id, new_tier_id, reason, create_uid, write_uid,
                create_date, write_date)
            SELECT w.id, w.partner_id, w.company_id, %(now)s, m.old, m.new,
                   'upgrade', %(uid)s, %(uid)s, %(now)s, %(now)s
              FROM m JOIN loyalty_club_wallet w ON w.id = m.wallet
            """,
            {
                "w": wallets,
                "o": olds,
                "n": news,
                "today": self.import_date,
                "now": now,
                "uid": self.env.uid,
            },
        )
        self.env.invalidate_all()

    # ------------------------------------------------------------ the screen
    def action_download_errors(self):
        self.ensure_one()
        if not self.error_file:
            raise UserError(self.env._("No row was rejected."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/error_file/"
            f"{self.error_filename}?download=true",
            "target": "download",
        }

    def action_open_rows(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Rows of %(name)s", name=self.name),
            "res_model": "loyalty.club.import.row",
            "view_mode": "list,form",
            "domain": [("job_id", "=", self.id)],
            "context": {"search_default_rejected": 1},
        }

    def action_post_opening(self):
        """The accountant books the carried balances to the liability, once:
        Dr clearing / Cr liability, as the posting rules say, an entry per
        store. Only the opening lines the imports wrote are booked; the club's
        other lines wait for the nightly posting."""
        self.ensure_one()
        moves = (
            self.env["loyalty.club.accounting"]
            .with_context(club_import_opening_only=True)
            ._post(self.company_id, self.import_date)
        )
        if not moves:
            raise UserError(self.env._("The carried balances are booked already."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Opening entry"),
            "res_model": "account.move",
            "view_mode": "list,form",
            "domain": [("id", "in", moves.ids)],
        }
