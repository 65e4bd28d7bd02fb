from . import pos_config
from . import pos_order
from . import sale_order
