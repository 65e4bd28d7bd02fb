from . import loyalty_club_campaign_uplift
