from . import api_members
from . import api_cards
from . import api_orders
from . import api_holds
from . import api_docs
from . import portal
from . import sms_gateway
from . import card_register
