from odoo import fields, models

ROW_STATES = [
    ("ok", "To import"),
    ("rejected", "Rejected"),
    ("left", "Left as it is"),
    ("done", "Imported"),
]


class LoyaltyClubImportRow(models.Model):
    """One row of an uploaded file as the dry run read it: its clean values to
    import, or the reasons it is refused. Written and read in bulk by the job."""

    _name = "loyalty.club.import.row"
    _description = "Club Import Row"
    _order = "job_id, number"
    _rec_name = "number"
    # a batch updates its rows several times in its transaction, and each
    # update of a row written in the same transaction checks every foreign key
    # again: the rows keep the member and wallet as plain ids, and no author
    _log_access = False

    job_id = fields.Many2one(
        "loyalty.club.import.job", required=True, ondelete="cascade", readonly=True
    )
    number = fields.Integer("Row", readonly=True, help="Row number in the file.")
    batch = fields.Integer(readonly=True)
    state = fields.Selection(ROW_STATES, required=True, readonly=True, index=True)
    action = fields.Selection(
        [("create", "Create"), ("update", "Update")],
        readonly=True,
        help="What the import does with the member of this row.",
    )
    column = fields.Char(readonly=True, help="The column of the first reason.")
    value = fields.Char(readonly=True, help="The value of the first reason.")
    reason_code = fields.Char(readonly=True)
    reason = fields.Text(readonly=True)
    check_key = fields.Char(readonly=True, help="Number, store and day of the check.")
    data = fields.Json(readonly=True)
    raw = fields.Json(readonly=True, help="The row's fields as read.")
    partner_id = fields.Integer("Member id", readonly=True)
    wallet_id = fields.Integer("Wallet id", readonly=True)
    member_id = fields.Many2one(
        "res.partner", compute="_compute_member_id", readonly=True
    )

    def _compute_member_id(self):
        partners = self.env["res.partner"].browse(self.mapped("partner_id")).exists()
        for row in self:
            row.member_id = partners.browse(row.partner_id) & partners

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS loyalty_club_import_row_job_batch_idx "
            "ON loyalty_club_import_row (job_id, batch, state)"
        )
        # the keys of the rows' former many2one and author columns
        self.env.cr.execute(
            "ALTER TABLE loyalty_club_import_row "
            "DROP CONSTRAINT IF EXISTS loyalty_club_import_row_partner_id_fkey, "
            "DROP CONSTRAINT IF EXISTS loyalty_club_import_row_wallet_id_fkey, "
            "DROP CONSTRAINT IF EXISTS loyalty_club_import_row_create_uid_fkey, "
            "DROP CONSTRAINT IF EXISTS loyalty_club_import_row_write_uid_fkey"
        )
