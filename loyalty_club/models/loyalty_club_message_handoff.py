"""Messages handed to a gateway or a mail server and not yet answered.

The sending job writes a row here on a cursor of its own, committed before it
hands a chunk over, and removes it once the job's transaction with the answers
has committed. A row still here after a while means the run died in between
(a killed worker, a lost connection): the gateway may have sent those messages,
so the next run marks them "no clear answer" and never sends them again.
"""

from odoo import fields, models


class LoyaltyClubMessageHandoff(models.Model):
    _name = "loyalty.club.message.handoff"
    _description = "Club Message Handed to a Gateway"
    _log_access = False

    # no foreign key: the row is written while the job holds the message's lock
    message_id = fields.Integer(required=True, index=True)
    handed_at = fields.Datetime(required=True)
