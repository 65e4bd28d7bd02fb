from . import loyalty_club_check_report
