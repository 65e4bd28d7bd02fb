from . import test_sale_order
from . import test_sale_paid
from . import test_sale_race
from . import test_sale_tour
