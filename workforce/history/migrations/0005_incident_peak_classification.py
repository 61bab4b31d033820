"""Row history of incidents keeps the most serious classification recorded (migration
incidents 0004), and knows the chronology's "mandatory escalation lifted" entries."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("history", "0004_read_log_session_actions"),
        ("incidents", "0004_classification_by_correction"),
    ]

    operations = [
        migrations.AddField(
            model_name="incidenteventhistory",
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
            model_name="incidenteventhistory",
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
        migrations.AlterField(
            model_name="incidentchronologyevent",
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
    ]
