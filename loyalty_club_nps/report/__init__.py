from . import loyalty_club_nps_report
