"""The domain core must stay Odoo-free: stdlib and relative imports only."""

import ast
import sys
from pathlib import Path

DOMAIN = Path(__file__).resolve().parent.parent / "loyalty_club" / "domain"


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield 0, alias.name
        elif isinstance(node, ast.ImportFrom):
            yield node.level, node.module or ""


def test_domain_imports_no_odoo_and_only_stdlib():
    files = sorted(DOMAIN.glob("*.py"))
    assert {f.name for f in files} >= {"money.py", "ledger.py", "cards.py", "rules.py"}
    for path in files:
        for level, module in imported_modules(path):
            top = module.split(".")[0]
            assert top != "odoo", f"{path.name} imports {module}"
            assert "odoo" not in module.split("."), f"{path.name} imports {module}"
            if level == 0:
                assert top in sys.stdlib_module_names, f"{path.name} imports {module}"
            else:
                assert level == 1, f"{path.name} imports beyond the package"
        assert "__import__" not in path.read_text(encoding="utf-8")
