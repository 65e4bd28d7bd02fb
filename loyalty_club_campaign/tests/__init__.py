from . import test_segment
from . import test_campaign
from . import test_uplift
from . import test_chain
from . import test_stop_reply
from . import test_tour
