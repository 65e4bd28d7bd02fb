from . import test_nps
