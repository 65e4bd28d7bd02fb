"""The base of the club's SQL analysis reports: a read-only model over a view."""

from odoo import api, models, tools
from odoo.tools import SQL


class LoyaltyClubSqlReport(models.AbstractModel):
    """A report read from an SQL view, built the way Odoo's ``pos.order.report``
    is: ``init()`` (re)creates the view from ``_query()``, which puts together
    the overridable parts ``_with`` (common table expressions), ``_select``,
    ``_from``, ``_where`` and ``_group_by``. An extension adds a column by
    overriding ``_select`` (and ``_from`` for a join) and declaring its field.

    A report whose query depends on runtime values (the user's companies, a
    system parameter) returns it from a ``_table_query`` property instead, as
    Odoo's ``account.invoice.report`` does, and gets no view."""

    _name = "loyalty.club.sql.report"
    _description = "Club SQL Report"
    _auto = False

    def _with(self):
        """Common table expressions (``name AS (...), ...``), or nothing."""
        return SQL()

    def _select(self):
        """The columns, one per field (and ``id``)."""
        raise NotImplementedError

    def _from(self):
        raise NotImplementedError

    def _where(self):
        return SQL()

    def _group_by(self):
        return SQL()

    @api.model
    def _compose(self, select, from_, where=None, group_by=None, with_=None):
        """``WITH ... SELECT ... FROM ... WHERE ... GROUP BY ...``, the empty
        parts left out."""
        parts = [SQL("WITH %s", with_)] if with_ else []
        parts.append(SQL("SELECT %s FROM %s", select, from_))
        if where:
            parts.append(SQL("WHERE %s", where))
        if group_by:
            parts.append(SQL("GROUP BY %s", group_by))
        return SQL("\n").join(parts)

    def _query(self):
        return self._compose(
            self._select(),
            self._from(),
            self._where(),
            self._group_by(),
            self._with(),
        )

    def init(self):
        if self._abstract or type(self)._table_query is not None:
            return  # no view: the base itself, or a query made at read time
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
