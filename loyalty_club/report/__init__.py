from . import loyalty_club_liability_report
from . import loyalty_club_reconciliation_line
from . import loyalty_club_reconciliation_entry
from . import loyalty_club_rollforward_line
from . import loyalty_club_liability_xlsx
