from . import loyalty_club_analytics_export
from . import loyalty_club_whatif
from . import loyalty_club_whatif_tier
from . import loyalty_club_whatif_line
from . import loyalty_club_whatif_promotion
from . import loyalty_club_economics_forecast
from . import loyalty_club_economics_forecast_line
from . import loyalty_club_analytics_export_economics
