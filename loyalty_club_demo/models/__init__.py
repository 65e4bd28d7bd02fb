from . import loyalty_club_demo_chain
from . import pos_session
