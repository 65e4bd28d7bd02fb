from . import test_check_report
