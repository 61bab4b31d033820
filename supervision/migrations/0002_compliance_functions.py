"""The compliance rules (supervision/selectors/compliance.py) as three small SQL functions.

The rules are unchanged. Written as Django expressions, every reference to "next due" or
"status" repeated the expressions under it, and with them the two correlated subqueries
(last confirmed session, first day required): the team page's query held 31 copies,
which PostgreSQL evaluated one by one for every row and Django compiled one by one for
every request (bench/README.md). As functions, each argument is evaluated once per call:
PL/pgSQL functions are never inlined, so the subqueries passed to them are not copied.

- supervision_next_due(last_confirmed, required_since, days): the last counted session
  plus the frequency, or, for someone never supervised that way, the first day the role
  asked for it plus the frequency.
- supervision_status(last_confirmed, next_due, today, due_soon_days): never / overdue /
  due_soon / in_date.
- supervision_status_rank(status): 0 never, 1 overdue, 2 due soon, 3 in date (worst first).
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION supervision_next_due(
    last_confirmed date, required_since date, days integer
) RETURNS date AS $$
BEGIN
    RETURN coalesce(last_confirmed, required_since) + days;
END;
$$ LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION supervision_status(
    last_confirmed date, next_due date, today date, due_soon_days integer
) RETURNS text AS $$
BEGIN
    IF last_confirmed IS NULL AND next_due < today THEN
        RETURN 'never';
    ELSIF next_due < today THEN
        RETURN 'overdue';
    ELSIF next_due <= today + due_soon_days THEN
        RETURN 'due_soon';
    END IF;
    RETURN 'in_date';
END;
$$ LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE;

CREATE OR REPLACE FUNCTION supervision_status_rank(status text) RETURNS integer AS $$
BEGIN
    RETURN CASE status WHEN 'never' THEN 0 WHEN 'overdue' THEN 1
                       WHEN 'due_soon' THEN 2 ELSE 3 END;
END;
$$ LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE;
"""

REVERSE = """
DROP FUNCTION IF EXISTS supervision_status_rank(text);
DROP FUNCTION IF EXISTS supervision_status(date, date, date, integer);
DROP FUNCTION IF EXISTS supervision_next_due(date, date, integer);
"""


class Migration(migrations.Migration):
    dependencies = [("supervision", "0001_initial")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
