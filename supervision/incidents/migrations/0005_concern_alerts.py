"""Incident notices: "New safeguarding concern", sent to every safeguarding lead at report."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0004_classification_by_correction"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="incidentnotice",
            name="incidentnotice_kind_valid",
        ),
        migrations.AlterField(
            model_name="incidentnotice",
            name="kind",
            field=models.CharField(
                choices=[
                    ("escalated", "New escalation"),
                    ("triage_overdue", "Triage overdue"),
                    ("acknowledge_overdue", "Acknowledgement overdue"),
                    ("action_overdue", "Action overdue"),
                    ("concern", "New safeguarding concern"),
                ],
                max_length=30,
            ),
        ),
        migrations.AddConstraint(
            model_name="incidentnotice",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "kind__in",
                        [
                            "escalated",
                            "triage_overdue",
                            "acknowledge_overdue",
                            "action_overdue",
                            "concern",
                        ],
                    )
                ),
                name="incidentnotice_kind_valid",
            ),
        ),
    ]
