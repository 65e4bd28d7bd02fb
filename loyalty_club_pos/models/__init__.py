from . import barcode_rule
from . import loyalty_club_program
from . import pos_payment_method
from . import pos_config
from . import pos_order
from . import res_config_settings
