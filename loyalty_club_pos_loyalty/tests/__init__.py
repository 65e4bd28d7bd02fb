from . import test_session_cards
