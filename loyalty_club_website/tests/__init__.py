from . import test_web_order
from . import test_web_shop
