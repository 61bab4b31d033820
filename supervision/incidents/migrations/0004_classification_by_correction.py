"""An incident's classification changes only through a correction row, and mandatory
escalation follows the most serious classification ever recorded.

- `peak_severity` and `peak_safeguarding`: the most serious severity and safeguarding concern
  recorded for the incident (the report and every correction), filled here for existing
  incidents from their report, their current values and their corrections.
- An AFTER INSERT trigger on incidents_incidentevent applies a "corrected" row to the incident
  (and raises the most serious recorded, never lowers it) and a "downgraded" row (lifting
  mandatory escalation) only when its actor is a safeguarding lead of the incident's
  organisation, it has a reason, and the classification no longer needs escalation.
- The incident guard (migration 0002's function, replaced) also refuses any change to the
  classification columns not made by that trigger (pg_trigger_depth() < 2), and an insert
  whose classification is not the one reported. Its other rules are unchanged.

Errors use ERRCODE integrity_constraint_violation, so Django raises IntegrityError.
"""

from django.conf import settings
from django.db import migrations, models

BACKFILL = """
UPDATE incidents_incident AS i SET
    peak_severity = (ARRAY['low', 'moderate', 'high', 'critical'])[(
        SELECT max(array_position(ARRAY['low', 'moderate', 'high', 'critical'], v)) FROM (
            SELECT i.reported_severity AS v UNION ALL SELECT i.severity
            UNION ALL SELECT e.after ->> 'severity' FROM incidents_incidentevent AS e
                WHERE e.incident_id = i.id AND e.kind = 'corrected' AND e.after ? 'severity'
        ) AS recorded)],
    peak_safeguarding = (ARRAY['none', 'adult', 'child'])[(
        SELECT max(array_position(ARRAY['none', 'adult', 'child'], v)) FROM (
            SELECT i.reported_safeguarding AS v UNION ALL SELECT i.safeguarding
            UNION ALL SELECT e.after ->> 'safeguarding' FROM incidents_incidentevent AS e
                WHERE e.incident_id = i.id AND e.kind = 'corrected' AND e.after ? 'safeguarding'
        ) AS recorded)];
-- Managed through supervision after a milder correction, under the earlier rule: they cannot
-- be un-triaged, so they keep their current classification as the most serious.
UPDATE incidents_incident SET peak_severity = severity, peak_safeguarding = safeguarding
    WHERE state <> 'reported' AND escalated_to_id IS NULL
      AND (peak_severity IN ('high', 'critical') OR peak_safeguarding <> 'none');
"""

SQL = """
CREATE OR REPLACE FUNCTION incidents_severity_rank(value text) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT array_position(ARRAY['low', 'moderate', 'high', 'critical'], value) $$;
CREATE OR REPLACE FUNCTION incidents_safeguarding_rank(value text) RETURNS integer
    LANGUAGE sql IMMUTABLE AS $$ SELECT array_position(ARRAY['none', 'adult', 'child'], value) $$;

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
    -- Changed only by incidents_apply_correction(), from a row in the chronology.
    classified text[] := ARRAY['occurred_on', 'occurred_time', 'category', 'exclusion_id',
        'severity', 'safeguarding', 'peak_severity', 'peak_safeguarding'];
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
        IF (NEW.occurred_on, NEW.occurred_time, NEW.category, NEW.exclusion_id, NEW.severity,
            NEW.safeguarding, NEW.peak_severity, NEW.peak_safeguarding)
           IS DISTINCT FROM (NEW.reported_occurred_on, NEW.reported_occurred_time,
            NEW.reported_category, NEW.reported_exclusion_id, NEW.reported_severity,
            NEW.reported_safeguarding, NEW.reported_severity, NEW.reported_safeguarding) THEN
            RAISE EXCEPTION 'a boundary incident starts with its classification as reported'
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
    -- Depth 1 is a statement run directly; the correction trigger's own UPDATE runs at 2.
    IF pg_trigger_depth() < 2 THEN
        FOREACH col IN ARRAY classified LOOP
            IF old_row -> col IS DISTINCT FROM new_row -> col THEN
                RAISE EXCEPTION 'boundary incident %: % changes only through a correction in its chronology', OLD.id, col
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
        END LOOP;
    END IF;
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

CREATE OR REPLACE FUNCTION incidents_apply_correction() RETURNS trigger AS $$
DECLARE
    inc incidents_incident%ROWTYPE;
    change jsonb := NEW.after;
    key text;
    new_severity text;
    new_safeguarding text;
BEGIN
    SELECT * INTO inc FROM incidents_incident WHERE id = NEW.incident_id FOR UPDATE;
    IF NEW.kind = 'corrected' THEN
        FOR key IN SELECT jsonb_object_keys(change) LOOP
            IF key <> ALL (ARRAY['occurred_on', 'occurred_time', 'category', 'exclusion',
                    'exclusion_text', 'severity', 'safeguarding', 'acknowledge_due_at']) THEN
                RAISE EXCEPTION 'boundary incident %: a correction cannot change %', inc.id, key
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
        END LOOP;
        new_severity := COALESCE(change ->> 'severity', inc.severity);
        new_safeguarding := COALESCE(change ->> 'safeguarding', inc.safeguarding);
        UPDATE incidents_incident SET
            occurred_on = CASE WHEN change ? 'occurred_on'
                THEN (change ->> 'occurred_on')::date ELSE occurred_on END,
            occurred_time = CASE WHEN change ? 'occurred_time'
                THEN (change ->> 'occurred_time')::time ELSE occurred_time END,
            category = COALESCE(change ->> 'category', category),
            exclusion_id = CASE WHEN change ? 'exclusion'
                THEN (change ->> 'exclusion')::bigint ELSE exclusion_id END,
            severity = new_severity,
            safeguarding = new_safeguarding,
            -- The most serious recorded only ever rises through a correction.
            peak_severity = CASE
                WHEN incidents_severity_rank(new_severity) > incidents_severity_rank(peak_severity)
                THEN new_severity ELSE peak_severity END,
            peak_safeguarding = CASE
                WHEN incidents_safeguarding_rank(new_safeguarding)
                     > incidents_safeguarding_rank(peak_safeguarding)
                THEN new_safeguarding ELSE peak_safeguarding END
        WHERE id = inc.id;
    ELSE
        IF btrim(NEW.detail) = '' THEN
            RAISE EXCEPTION 'boundary incident %: lifting mandatory escalation needs a reason', inc.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NOT EXISTS (
            SELECT 1 FROM workforce_membership AS m
            WHERE m.user_id = NEW.actor_id AND m.organisation_id = inc.organisation_id
              AND m.capacity = 'safeguarding_lead'
        ) THEN
            RAISE EXCEPTION 'boundary incident %: only a safeguarding lead of its organisation can lift mandatory escalation', inc.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF inc.severity IN ('high', 'critical') OR inc.safeguarding <> 'none' THEN
            RAISE EXCEPTION 'boundary incident %: mandatory escalation cannot be lifted while it is classified as needing it', inc.id
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        UPDATE incidents_incident
            SET peak_severity = inc.severity, peak_safeguarding = inc.safeguarding
            WHERE id = inc.id;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER incidents_incidentevent_applies_correction
    AFTER INSERT ON incidents_incidentevent
    FOR EACH ROW WHEN (NEW.kind IN ('corrected', 'downgraded'))
    EXECUTE FUNCTION incidents_apply_correction();
"""

REVERSE = """
DROP TRIGGER IF EXISTS incidents_incidentevent_applies_correction ON incidents_incidentevent;
DROP FUNCTION IF EXISTS incidents_apply_correction();
DROP FUNCTION IF EXISTS incidents_severity_rank(text);
DROP FUNCTION IF EXISTS incidents_safeguarding_rank(text);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0003_incident_org_newest_idx"),
        ("roles", "0002_published_versions_immutable"),
        ("workforce", "0007_figures_versions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="incident",
            name="incident_escalation_mandatory",
        ),
        migrations.RemoveConstraint(
            model_name="incidentevent",
            name="incidentevent_kind_valid",
        ),
        migrations.AddField(
            model_name="incident",
            name="peak_safeguarding",
            field=models.CharField(
                choices=[
                    ("none", "No safeguarding concern"),
                    ("adult", "Adult at risk"),
                    ("child", "Child at risk"),
                ],
                default="none",
                max_length=10,
                verbose_name="most serious safeguarding concern recorded",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="incident",
            name="peak_severity",
            field=models.CharField(
                choices=[
                    ("low", "Low"),
                    ("moderate", "Moderate"),
                    ("high", "High"),
                    ("critical", "Critical"),
                ],
                default="low",
                max_length=10,
                verbose_name="most serious severity recorded",
            ),
            preserve_default=False,
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="incidentevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("reported", "Reported"),
                    ("triaged", "Triaged"),
                    ("escalated", "Escalated"),
                    ("reassigned", "Passed to another safeguarding lead"),
                    ("acknowledged", "Acknowledged"),
                    ("referral", "External referral recorded"),
                    ("action_added", "Action agreed"),
                    ("action_done", "Action completed"),
                    ("reviewed", "Reviewed"),
                    ("closed", "Closed"),
                    ("corrected", "Correction added"),
                    ("restricted", "Hidden from the worker"),
                    ("unrestricted", "Shown to the worker again"),
                    ("policy", "Deadlines changed"),
                    ("downgraded", "Mandatory escalation lifted"),
                ],
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="incident",
            constraint=models.CheckConstraint(
                condition=models.Q(("peak_severity__in", ["low", "moderate", "high", "critical"])),
                name="incident_peak_severity_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="incident",
            constraint=models.CheckConstraint(
                condition=models.Q(("peak_safeguarding__in", ["none", "adult", "child"])),
                name="incident_peak_safeguarding_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="incident",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("peak_safeguarding", "none"), ("peak_severity__in", ("low", "moderate"))
                    ),
                    ("state", "reported"),
                    ("escalated_to__isnull", False),
                    _connector="OR",
                ),
                name="incident_escalation_mandatory",
                violation_error_message="High or critical severity, or any safeguarding concern, must be escalated to a safeguarding lead.",
            ),
        ),
        migrations.AddConstraint(
            model_name="incident",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("safeguarding", "none"), ("severity__in", ("low", "moderate"))),
                    models.Q(
                        ("peak_safeguarding", "none"),
                        ("peak_severity__in", ("low", "moderate")),
                        _negated=True,
                    ),
                    _connector="OR",
                ),
                name="incident_peak_at_least_current",
            ),
        ),
        migrations.AddConstraint(
            model_name="incidentevent",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "kind__in",
                        [
                            "reported",
                            "triaged",
                            "escalated",
                            "reassigned",
                            "acknowledged",
                            "referral",
                            "action_added",
                            "action_done",
                            "reviewed",
                            "closed",
                            "corrected",
                            "restricted",
                            "unrestricted",
                            "policy",
                            "downgraded",
                        ],
                    )
                ),
                name="incidentevent_kind_valid",
            ),
        ),
        migrations.RunSQL(SQL, REVERSE),
    ]
