from . import loyalty_club_rfm
from . import loyalty_club_summary
from . import loyalty_club_fraud
