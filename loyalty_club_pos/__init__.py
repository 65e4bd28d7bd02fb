from . import models


def uninstall_hook(env):
    """Remove the club card barcode rules: they were made per prefix, not as data."""
    env["barcode.rule"].sudo().with_context(active_test=False).search(
        [("type", "=", "club_card")]
    ).unlink()
