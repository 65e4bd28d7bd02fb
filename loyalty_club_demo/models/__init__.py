from . import loyalty_club_demo_chain
from . import loyalty_club_demo_members
from . import loyalty_club_demo_history
from . import pos_session
