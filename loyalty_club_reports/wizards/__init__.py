from . import loyalty_club_analytics_export
