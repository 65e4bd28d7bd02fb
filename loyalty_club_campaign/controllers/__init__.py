from . import sms_inbound
from . import unsubscribe
