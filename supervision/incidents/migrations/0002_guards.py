"""Triggers that keep the incident record honest, even against bulk updates and raw SQL.

- incidents_incident: inserted only as "reported"; never deleted; the original report
  (reporter, worker, time, narrative, who was told, every reported_* column and the triage
  deadline) never changes; each step's record (who, when, the decision, outcome, learning) is
  written once; the state moves only along the workflow's steps; the named safeguarding lead
  may change only before acknowledging.
- incidents_incidentevent, incidents_incidentreferral, incidents_incidentrecurrence:
  append-only (UPDATE and DELETE refused), with workforce's shared refusal function.
- incidents_incidentaction: never deleted; only the move from open to done is allowed, once.

Errors use ERRCODE integrity_constraint_violation, so Django raises IntegrityError.
"""

from django.db import migrations

SQL = """
CREATE OR REPLACE FUNCTION incidents_incident_guard() RETURNS trigger AS $$
DECLARE
    fixed text[] := ARRAY['id', 'organisation_id', 'person_id', 'reported_by_id',
        'reported_at', 'narrative', 'told_someone', 'told_whom', 'reported_occurred_on',
        'reported_occurred_time', 'reported_category', 'reported_exclusion_id',
        'reported_severity', 'reported_safeguarding', 'triage_due_at', 'is_recurrence'];
    once text[] := ARRAY['triaged_at', 'triaged_by_id', 'triage_decision', 'escalated_at',
        'escalated_by_id', 'acknowledged_at', 'acknowledged_by_id', 'reviewed_at',
        'reviewed_by_id', 'closed_at', 'closed_by_id', 'outcome', 'learning',
        'no_referral_reason'];
    col text;
    old_row jsonb;
    new_row jsonb;
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'boundary incident % is never deleted', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.state <> 'reported' THEN
            RAISE EXCEPTION 'a boundary incident starts as reported, not %', NEW.state
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    old_row := to_jsonb(OLD);
    new_row := to_jsonb(NEW);
    FOREACH col IN ARRAY fixed LOOP
        IF old_row -> col IS DISTINCT FROM new_row -> col THEN
            RAISE EXCEPTION 'the original report of boundary incident % cannot change (%): add a correction instead', OLD.id, col
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END LOOP;
    FOREACH col IN ARRAY once LOOP
        IF old_row ->> col IS NOT NULL AND old_row ->> col <> ''
           AND old_row -> col IS DISTINCT FROM new_row -> col THEN
            RAISE EXCEPTION 'boundary incident %: % is recorded once and never changes', OLD.id, col
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END LOOP;
    IF NEW.state <> OLD.state AND (OLD.state, NEW.state) NOT IN (
        ('reported', 'triaged'), ('reported', 'escalated'), ('triaged', 'escalated'),
        ('triaged', 'in_review'), ('escalated', 'acknowledged'),
        ('acknowledged', 'in_review'), ('in_review', 'closed')
    ) THEN
        RAISE EXCEPTION 'boundary incident %: % to % is not a step in the workflow', OLD.id, OLD.state, NEW.state
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.escalated_to_id IS NOT NULL AND NEW.escalated_to_id IS DISTINCT FROM OLD.escalated_to_id
       AND OLD.state <> 'escalated' THEN
        RAISE EXCEPTION 'boundary incident %: the safeguarding lead can change only before acknowledging', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER incidents_incident_guard
    BEFORE INSERT OR UPDATE OR DELETE ON incidents_incident
    FOR EACH ROW EXECUTE FUNCTION incidents_incident_guard();

CREATE TRIGGER incidents_incidentevent_append_only
    BEFORE UPDATE OR DELETE ON incidents_incidentevent
    FOR EACH ROW EXECUTE FUNCTION workforce_refuse_change();
CREATE TRIGGER incidents_incidentreferral_append_only
    BEFORE UPDATE OR DELETE ON incidents_incidentreferral
    FOR EACH ROW EXECUTE FUNCTION workforce_refuse_change();
CREATE TRIGGER incidents_incidentrecurrence_append_only
    BEFORE UPDATE OR DELETE ON incidents_incidentrecurrence
    FOR EACH ROW EXECUTE FUNCTION workforce_refuse_change();

CREATE OR REPLACE FUNCTION incidents_action_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'incident action % is never deleted', OLD.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.done_at IS NULL AND NEW.done_at IS NOT NULL
       AND (to_jsonb(NEW) - ARRAY['done_at', 'done_by_id', 'done_note'])
           = (to_jsonb(OLD) - ARRAY['done_at', 'done_by_id', 'done_note']) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'incident action % can only be marked done, once: % refused', OLD.id, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER incidents_incidentaction_guard
    BEFORE UPDATE OR DELETE ON incidents_incidentaction
    FOR EACH ROW EXECUTE FUNCTION incidents_action_guard();
"""

REVERSE = """
DROP TRIGGER IF EXISTS incidents_incidentaction_guard ON incidents_incidentaction;
DROP FUNCTION IF EXISTS incidents_action_guard();
DROP TRIGGER IF EXISTS incidents_incidentrecurrence_append_only ON incidents_incidentrecurrence;
DROP TRIGGER IF EXISTS incidents_incidentreferral_append_only ON incidents_incidentreferral;
DROP TRIGGER IF EXISTS incidents_incidentevent_append_only ON incidents_incidentevent;
DROP TRIGGER IF EXISTS incidents_incident_guard ON incidents_incident;
DROP FUNCTION IF EXISTS incidents_incident_guard();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0001_initial"),
        # workforce_refuse_change() is defined there.
        ("workforce", "0003_audit_append_only"),
    ]

    operations = [migrations.RunSQL(SQL, REVERSE)]
