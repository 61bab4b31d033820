"""Dashboards and reports for leads, boards and commissioners: presence, supervision,
incidents, payments and diversity. Each report is a list of tables computed by the database
and scoped by the access layer; pages, charts and CSV downloads draw from the same rows."""
