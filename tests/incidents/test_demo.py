"""Demo incidents: every state, one overdue escalation, one recurrence, one hidden from the
worker, one with two types of abuse and a DBS referral; made through the services, and
seeding twice changes nothing."""

from django.core.management import call_command

from supervision.incidents import deadlines, selectors
from supervision.incidents.models import Incident, IncidentEvent, IncidentNotice, State
from workforce.models import Organisation


def test_demo_incidents(demo_seeded, settings, mailbox):
    settings.DEBUG = True
    counts = (Incident.objects.count(), IncidentEvent.objects.count())
    call_command("seed_demo")
    assert (Incident.objects.count(), IncidentEvent.objects.count()) == counts

    trust = Organisation.objects.get(kind=Organisation.Kind.NHS_TRUST)
    incidents = Incident.objects.filter(organisation=trust)
    assert set(incidents.values_list("state", flat=True)) == set(State.values)
    overdue_escalations = incidents.filter(
        state=State.ESCALATED, acknowledge_due_at__lt=deadlines.now()
    )
    assert overdue_escalations.count() == 1
    assert incidents.filter(is_recurrence=True).count() == 1
    assert incidents.filter(worker_restricted=True).count() == 1
    # Two types of abuse, the worker removed from regulated activity and referred to the DBS.
    referred = incidents.get(dbs_decision="referred")
    assert referred.abuse_types == ["psychological", "financial"]
    assert referred.removed_from_regulated_activity and referred.state == State.CLOSED
    assert referred.personal_recorded_at is not None
    assert incidents.filter(selectors.overdue_q()).exists()
    # Each has a real chronology, starting with its report.
    for incident in incidents:
        assert incident.events.order_by("at", "pk").first().kind == "reported"
    # Nobody is emailed about demo data.
    assert mailbox == []
    assert not IncidentNotice.objects.filter(sent_at__isnull=True).exists()
