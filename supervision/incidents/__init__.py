"""Boundary incidents and their safeguarding escalation (issue 6).

A separate Django app nested in supervision/ (label "incidents") so that its migrations never
clash with the supervision sessions app's.
"""
