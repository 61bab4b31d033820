"""Answers per attendee, and withdrawn sessions (issue 19).

Each attendee of a group session confirms or disputes their own presence, so the answer
moves to the supervisee link; the session's status is what the answers add up to, checked
at commit by a constraint trigger (an answer and the status change in one transaction, in
either order). A withdrawn session stays on the record but counts for nobody and no longer
blocks logging the session again: the link copies `withdrawn` through the composite
foreign key, and the duplicate rule skips withdrawn links. The due-date refresh counts a
link's own answer, or the session's status where the link has none (logs made before).
"""

import importlib

from django.conf import settings
from django.db import migrations, models

_DUE = importlib.import_module("supervision.migrations.0004_supervision_due")
_REFRESH_OLD = _DUE.SQL.split("CREATE FUNCTION supervision_due_guard")[0].replace(
    "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"
)
_COUNTED_OLD = "AND ss.status = 'confirmed' AND ss.minutes >= r.min_minutes"
_COUNTED_NEW = (
    "AND NOT s.withdrawn AND ss.minutes >= r.min_minutes\n"
    "               AND (s.answer = 'confirmed' OR (s.answer = '' AND ss.status = 'confirmed'))"
)
if _COUNTED_OLD not in _REFRESH_OLD:
    raise RuntimeError("migration 0004's due-date refresh is not the one this replaces")
_REFRESH_NEW = _REFRESH_OLD.replace(_COUNTED_OLD, _COUNTED_NEW)

DROP_LINK_KEY = """
ALTER TABLE supervision_sessionsupervisee DROP CONSTRAINT sessionsupervisee_matches_session;
"""
ADD_LINK_KEY_OLD = """
ALTER TABLE supervision_sessionsupervisee
  ADD CONSTRAINT sessionsupervisee_matches_session
  FOREIGN KEY (session_id, supervisor_id, date, kind)
  REFERENCES supervision_supervisionsession (id, supervisor_id, date, kind)
  ON UPDATE CASCADE ON DELETE CASCADE;
"""
ADD_LINK_KEY = """
ALTER TABLE supervision_sessionsupervisee
  ADD CONSTRAINT sessionsupervisee_matches_session
  FOREIGN KEY (session_id, supervisor_id, date, kind, withdrawn)
  REFERENCES supervision_supervisionsession (id, supervisor_id, date, kind, withdrawn)
  ON UPDATE CASCADE ON DELETE CASCADE;
"""

# The status a session's answers add up to: disputed if anyone disputes, confirmed once
# everyone has confirmed, otherwise waiting. A withdrawn session is exempt.
ANSWERS_AGREE = """
CREATE FUNCTION supervision_answers_agree() RETURNS trigger AS $$
DECLARE
    sid bigint;
    current text;
    added_up text;
BEGIN
    IF TG_TABLE_NAME = 'supervision_supervisionsession' THEN
        sid := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        sid := OLD.session_id;
    ELSE
        sid := NEW.session_id;
    END IF;
    SELECT status INTO current FROM supervision_supervisionsession WHERE id = sid;
    IF current IS NULL OR current = 'withdrawn' THEN
        RETURN NULL;
    END IF;
    SELECT CASE WHEN count(*) = 0 THEN current
                WHEN bool_or(a = 'disputed') THEN 'disputed'
                WHEN bool_and(a = 'confirmed') THEN 'confirmed'
                ELSE 'awaiting' END
      INTO added_up
      FROM (SELECT CASE WHEN answer = '' THEN current ELSE answer END AS a
              FROM supervision_sessionsupervisee WHERE session_id = sid) answers;
    IF added_up <> current THEN
        RAISE EXCEPTION 'supervision: session % is %, but its attendees'' answers make it %',
            sid, current, added_up
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER supervisionsession_answers_agree
    AFTER UPDATE OF status ON supervision_supervisionsession
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION supervision_answers_agree();
CREATE CONSTRAINT TRIGGER sessionsupervisee_answers_agree
    AFTER INSERT OR UPDATE OF answer ON supervision_sessionsupervisee
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.answer <> '') EXECUTE FUNCTION supervision_answers_agree();
CREATE CONSTRAINT TRIGGER sessionsupervisee_leaves_answers_agree
    AFTER DELETE ON supervision_sessionsupervisee
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION supervision_answers_agree();
"""
ANSWERS_AGREE_REVERSE = """
DROP TRIGGER IF EXISTS supervisionsession_answers_agree ON supervision_supervisionsession;
DROP TRIGGER IF EXISTS sessionsupervisee_answers_agree ON supervision_sessionsupervisee;
DROP TRIGGER IF EXISTS sessionsupervisee_leaves_answers_agree ON supervision_sessionsupervisee;
DROP FUNCTION IF EXISTS supervision_answers_agree();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0004_supervision_due"),
        ("workforce", "0014_figures_versions_per_organisation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(DROP_LINK_KEY, ADD_LINK_KEY_OLD),
        migrations.RemoveConstraint(
            model_name="sessionsupervisee",
            name="supervision_session_not_duplicated",
        ),
        migrations.RemoveConstraint(
            model_name="supervisionsession",
            name="supervisionsession_status_valid",
        ),
        migrations.RemoveConstraint(
            model_name="supervisionsession",
            name="supervisionsession_status_consistent",
        ),
        migrations.RemoveConstraint(
            model_name="supervisionsession",
            name="supervisionsession_link_key",
        ),
        migrations.AddField(
            model_name="sessionaction",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="sessionsupervisee",
            name="answer",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "As the session"),
                    ("awaiting", "Waiting for an answer"),
                    ("confirmed", "Confirmed"),
                    ("disputed", "Disputed"),
                ],
                db_default="",
                default="",
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="sessionsupervisee",
            name="answered_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="sessionsupervisee",
            name="dispute_reason",
            field=models.TextField(blank=True, db_default="", default=""),
        ),
        migrations.AddField(
            model_name="sessionsupervisee",
            name="withdrawn",
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.AddField(
            model_name="supervisionsession",
            name="withdrawn",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Q(("status", "withdrawn")),
                output_field=models.BooleanField(),
            ),
        ),
        migrations.AddField(
            model_name="supervisionsession",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="supervisionsession",
            name="status",
            field=models.CharField(
                choices=[
                    ("awaiting", "Waiting for confirmation"),
                    ("confirmed", "Confirmed"),
                    ("disputed", "Disputed"),
                    ("withdrawn", "Withdrawn"),
                ],
                default="awaiting",
                max_length=20,
            ),
        ),
        migrations.AddConstraint(
            model_name="sessionaction",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("done_at__isnull", True), ("withdrawn_at__isnull", True), _connector="OR"
                ),
                name="sessionaction_done_or_withdrawn",
            ),
        ),
        migrations.AddConstraint(
            model_name="sessionsupervisee",
            constraint=models.UniqueConstraint(
                condition=models.Q(("withdrawn", False)),
                fields=("person", "supervisor", "date", "kind"),
                name="supervision_session_not_duplicated",
                violation_error_message="This session is already logged.",
            ),
        ),
        migrations.AddConstraint(
            model_name="sessionsupervisee",
            constraint=models.CheckConstraint(
                condition=models.Q(("answer__in", ["", "awaiting", "confirmed", "disputed"])),
                name="sessionsupervisee_answer_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="sessionsupervisee",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("answer__in", ["", "awaiting"]), ("answered_at__isnull", True)),
                    models.Q(("answer", "confirmed"), ("answered_at__isnull", False)),
                    models.Q(
                        ("answer", "disputed"),
                        ("answered_at__isnull", False),
                        models.Q(("dispute_reason", ""), _negated=True),
                    ),
                    _connector="OR",
                ),
                name="sessionsupervisee_answer_consistent",
            ),
        ),
        migrations.AddConstraint(
            model_name="supervisionsession",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status__in", ["awaiting", "confirmed", "disputed", "withdrawn"])
                ),
                name="supervisionsession_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="supervisionsession",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("status", "awaiting"),
                        ("confirmed_at__isnull", True),
                        ("confirmed_by__isnull", True),
                        models.Q(
                            models.Q(
                                ("dispute_reason", ""),
                                ("disputed_at__isnull", True),
                                ("disputed_by__isnull", True),
                            ),
                            models.Q(
                                ("disputed_at__isnull", False),
                                ("disputed_by__isnull", False),
                                models.Q(("dispute_reason", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        ("withdrawn_at__isnull", True),
                    ),
                    models.Q(
                        ("status", "disputed"),
                        ("confirmed_at__isnull", True),
                        ("confirmed_by__isnull", True),
                        ("disputed_at__isnull", False),
                        ("disputed_by__isnull", False),
                        models.Q(("dispute_reason", ""), _negated=True),
                        ("withdrawn_at__isnull", True),
                    ),
                    models.Q(
                        ("status", "confirmed"),
                        ("confirmed_at__isnull", False),
                        ("confirmed_by__isnull", False),
                        models.Q(
                            models.Q(
                                ("dispute_reason", ""),
                                ("disputed_at__isnull", True),
                                ("disputed_by__isnull", True),
                            ),
                            models.Q(
                                ("disputed_at__isnull", False),
                                ("disputed_by__isnull", False),
                                models.Q(("dispute_reason", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        ("withdrawn_at__isnull", True),
                    ),
                    models.Q(
                        ("status", "withdrawn"),
                        ("withdrawn_at__isnull", False),
                        ("confirmed_at__isnull", True),
                        ("confirmed_by__isnull", True),
                        models.Q(
                            models.Q(
                                ("dispute_reason", ""),
                                ("disputed_at__isnull", True),
                                ("disputed_by__isnull", True),
                            ),
                            models.Q(
                                ("disputed_at__isnull", False),
                                ("disputed_by__isnull", False),
                                models.Q(("dispute_reason", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                    ),
                    _connector="OR",
                ),
                name="supervisionsession_status_consistent",
            ),
        ),
        migrations.AddConstraint(
            model_name="supervisionsession",
            constraint=models.UniqueConstraint(
                fields=("id", "supervisor", "date", "kind", "withdrawn"),
                name="supervisionsession_link_key",
            ),
        ),
        migrations.RunSQL(ADD_LINK_KEY, DROP_LINK_KEY),
        migrations.RunSQL(_REFRESH_NEW, _REFRESH_OLD),
        migrations.RunSQL(ANSWERS_AGREE, ANSWERS_AGREE_REVERSE),
    ]
