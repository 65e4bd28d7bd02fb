def uninstall_hook(env):
    """The sales by day, the ledger's money per day and the flows per month keep
    their refresh state in system parameters, the member value its horizon: they
    go with the addon (the stored tables and the views are dropped by Odoo)."""
    for pattern in (
        "loyalty_club_reports.sales_daily_%",
        "loyalty_club_reports.economics_day_%",
        "loyalty_club_reports.cohort_flow_%",
        "loyalty_club_reports.clv_months",
    ):
        env.cr.execute(
            "DELETE FROM ir_config_parameter WHERE key LIKE %s",
            [pattern],
        )
    # the economics' index of the messages sent (the table is the club's)
    env.cr.execute("DROP INDEX IF EXISTS loyalty_club_message_economics_sent_idx")
