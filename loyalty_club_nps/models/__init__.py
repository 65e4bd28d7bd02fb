from . import loyalty_club_program
from . import loyalty_club_store
from . import loyalty_club_message
from . import survey_user_input
