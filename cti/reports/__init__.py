"""Reports for managers: intervals, service level, abandons, peaks and Erlang C staffing.

They read the durable call records (`cti.records`), which live calls and imported
Asterisk queue_log files fill alike, so one report can mix both.
"""
