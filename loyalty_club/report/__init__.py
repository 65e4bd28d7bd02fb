from . import loyalty_club_liability_report
from . import loyalty_club_liability_xlsx
