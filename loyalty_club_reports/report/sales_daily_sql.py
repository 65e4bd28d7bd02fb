"""SQL shared by the sales by day's two parts: the stored closed days
(``loyalty.club.sales.day``) and the view reading them with the open days live
(``loyalty.club.sales.daily``): the groups, the additive measures and the day."""

GROUPS = """
    company_id, store_id, program_id, is_member, tier_id, kind
"""
MEASURES = """
    SUM(amount) AS amount,
    COUNT(DISTINCT check_id) AS checks,
    COUNT(*) AS lines,
    SUM(qty) AS qty,
    SUM(earned) AS earned,
    SUM(spent) AS spent,
    SUM(discount) AS discount
"""
# the report's day: the local day of the club's time zone (a parameter, UTC
# unless set; a full rebuild after changing it), the same in both parts
DAY = "(s.date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date"
