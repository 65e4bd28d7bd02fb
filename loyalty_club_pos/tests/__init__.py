from . import test_pos_sync
from . import test_pos_gift_card
from . import test_frontend
from . import test_demo
from . import test_pos_accounting
from . import test_pos_session_close
from . import test_pos_limits
from . import test_pos_promotion
