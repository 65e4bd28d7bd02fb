from . import test_check_report
from . import test_rfm
from . import test_summary
from . import test_dashboard
from . import test_dashboard_tour
from . import test_fraud
from . import test_fraud_bench
