from . import loyalty_club_adjust
from . import loyalty_club_promotion_try
from . import loyalty_club_promotion_try_line
from . import loyalty_club_promotion_try_result
from . import loyalty_club_gift_sell
from . import loyalty_club_card_change
