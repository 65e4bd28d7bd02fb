from . import loyalty_club_check_report
from . import loyalty_club_sales_report
