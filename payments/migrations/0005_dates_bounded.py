"""Dates that must be true of what happened, held by the database as well as the services:

- a claim is paid on or after the day it was approved (UK time), never before: a payment
  dated earlier made the time to pay negative, for good (paid claims never change);
- a payment discussion is dated no later than the day it was recorded: one dated in the
  future unlocked vouchers before it had happened.

Raw SQL because both read a time in UK time, which a model constraint cannot state
portably; payments/services refuse the same with a message."""

from django.db import migrations

SQL = """
ALTER TABLE payments_claim ADD CONSTRAINT claim_paid_not_before_approved
    CHECK (paid_on IS NULL OR paid_on >= (decided_at AT TIME ZONE 'Europe/London')::date);
ALTER TABLE payments_paymentdiscussion ADD CONSTRAINT discussion_not_in_the_future
    CHECK (held_on <= (recorded_at AT TIME ZONE 'Europe/London')::date);
"""
REVERSE = """
ALTER TABLE payments_claim DROP CONSTRAINT IF EXISTS claim_paid_not_before_approved;
ALTER TABLE payments_paymentdiscussion DROP CONSTRAINT IF EXISTS discussion_not_in_the_future;
"""


class Migration(migrations.Migration):
    dependencies = [("payments", "0004_claim_exported_idx")]

    operations = [migrations.RunSQL(SQL, REVERSE)]
