from . import test_member_story
from . import test_concurrency
from . import test_emission
from . import test_bad_input
from . import test_access
from . import test_gift_card
