"""No one approves money they created, held by the database as well as the services
(payments.services.common.why_not_decider): whoever created a claim never decides it (a
CHECK), the claimant's login at the time of the decision never decides it (a trigger:
claimant_user_id is the login when they claimed, and a person's login can change), and a
correction is always created waiting for a second person's decision.
"""

from django.conf import settings
from django.db import migrations, models

SQL = r"""
CREATE OR REPLACE FUNCTION payments_claim_second_person() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' AND NEW.adjusts_id IS NOT NULL
       AND (NEW.state <> 'submitted' OR NEW.decided_by_id IS NOT NULL) THEN
        RAISE EXCEPTION 'claim %: a correction is created waiting for a second person to decide it', NEW.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.decided_by_id IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.decided_by_id IS DISTINCT FROM OLD.decided_by_id)
       AND EXISTS (SELECT 1 FROM workforce_person
                    WHERE id = NEW.person_id AND user_id = NEW.decided_by_id) THEN
        RAISE EXCEPTION 'claim %: its claimant can never decide it', NEW.id
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER payments_claim_second_person
    BEFORE INSERT OR UPDATE ON payments_claim
    FOR EACH ROW EXECUTE FUNCTION payments_claim_second_person();
"""

REVERSE = """
DROP TRIGGER IF EXISTS payments_claim_second_person ON payments_claim;
DROP FUNCTION IF EXISTS payments_claim_second_person();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0006_refuse_truncate"),
        ("workforce", "0007_figures_versions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("decided_by", None),
                    models.Q(("decided_by", models.F("created_by")), _negated=True),
                    _connector="OR",
                ),
                name="claim_decider_is_not_creator",
            ),
        ),
        migrations.RunSQL(SQL, REVERSE),
    ]
