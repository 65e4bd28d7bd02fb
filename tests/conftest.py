"""Make ``loyalty_club.domain`` importable without running the Odoo addon's __init__."""

import sys
import types
from pathlib import Path

from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent

_package = types.ModuleType("loyalty_club")
_package.__path__ = [str(ROOT / "loyalty_club")]
sys.modules.setdefault("loyalty_club", _package)

# No example database on disk (keeps the tree clean) and no per-example deadline
# (slow CI machines); the suite stays fast through small strategies.
settings.register_profile("domain", database=None, deadline=None)
settings.load_profile("domain")
