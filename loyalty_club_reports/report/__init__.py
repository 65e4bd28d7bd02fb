from . import loyalty_club_sql_report
from . import loyalty_club_check_report
from . import loyalty_club_sales_report
from . import loyalty_club_analytics_xlsx
from . import loyalty_club_cohort_report
from . import loyalty_club_geo_report
from . import loyalty_club_sales_day
from . import loyalty_club_sales_daily
