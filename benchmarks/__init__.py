"""Benchmarks of the Loyalty Club against plain POS and Odoo's pos_loyalty.

``run.py`` is the command line (``./club bench``); it runs ``driver.main`` inside
an Odoo shell on the dedicated database ``loyalty_club_bench``. ``scales`` and
``report`` are plain Python (tested without Odoo); the other modules take an Odoo
environment as their first argument and never import Odoo at module level, so the
Odoo test ``loyalty_club/tests/test_benchmark_smoke.py`` runs them at tiny scale.
"""
