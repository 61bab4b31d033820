from django.conf import settings
from django.db import migrations, models

# Where an organisation refuses claims for people with no payee reference, the database
# refuses the batch line too, whatever writes it (the service refuses first, with a message).
FORWARD = r"""
CREATE FUNCTION payments_batchline_needs_reference() RETURNS trigger AS $$
BEGIN
    IF NEW.payee_reference ~ '^\s*$' AND EXISTS (
        SELECT 1 FROM payments_batch b
        JOIN payments_paymentpolicy p ON p.organisation_id = b.organisation_id
        WHERE b.id = NEW.batch_id AND p.missing_payee_reference = 'refuse'
    ) THEN
        RAISE EXCEPTION 'This organisation refuses batch lines without a payee reference'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER payments_batchline_needs_reference
    BEFORE INSERT ON payments_batchline
    FOR EACH ROW EXECUTE FUNCTION payments_batchline_needs_reference();
"""

REVERSE = """
DROP TRIGGER IF EXISTS payments_batchline_needs_reference ON payments_batchline;
DROP FUNCTION IF EXISTS payments_batchline_needs_reference();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0010_claim_duplicates_ignore_spacing"),
        ("workforce", "0011_refuse_truncate"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="paymentpolicy",
            name="missing_payee_reference",
            field=models.CharField(
                choices=[
                    ("warn", "Warn and list them: finance may still include them"),
                    (
                        "refuse",
                        "Refuse them: they wait until the person's payee reference is added",
                    ),
                ],
                default="warn",
                max_length=10,
                verbose_name="claims for people with no payee reference, when a batch is made",
            ),
        ),
        migrations.AddConstraint(
            model_name="paymentpolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(("missing_payee_reference__in", ["warn", "refuse"])),
                name="paymentpolicy_missing_payee_reference_valid",
            ),
        ),
        migrations.RunSQL(FORWARD, REVERSE),
    ]
