from . import test_pos_sale_collect
from . import test_pos_sale_settle
