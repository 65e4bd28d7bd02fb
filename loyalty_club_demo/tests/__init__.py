from . import test_demo_chain
