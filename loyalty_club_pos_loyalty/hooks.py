from .models.loyalty_card import INDEX


def uninstall_hook(env):
    """Odoo's own table goes back to the indexes Odoo gave it."""
    env.cr.execute(f"DROP INDEX IF EXISTS {INDEX}")
