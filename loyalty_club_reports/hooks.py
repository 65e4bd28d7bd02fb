def uninstall_hook(env):
    """The sales by day keep their refresh state in system parameters: they go
    with the addon (the stored table and the view are dropped by Odoo)."""
    env.cr.execute(
        "DELETE FROM ir_config_parameter WHERE key LIKE %s",
        ["loyalty_club_reports.sales_daily_%"],
    )
