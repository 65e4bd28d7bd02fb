from . import loyalty_club_adjust
