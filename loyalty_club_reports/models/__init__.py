from . import loyalty_club_rfm
from . import loyalty_club_summary
from . import loyalty_club_crossing
from . import loyalty_club_geo_city
from . import loyalty_club_store
from . import loyalty_club_fraud
