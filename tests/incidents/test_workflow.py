"""Every step of the workflow from every state: allowed where the spec says, refused with a
plain-English message everywhere else, and a refusal changes nothing."""

import datetime

import pytest

from supervision.incidents import deadlines, services
from supervision.incidents.models import Incident, IncidentEvent, State
from supervision.incidents.services import IncidentError
from tests import factories
from tests.factories import make_login
from workforce.models import AuditEntry
from workforce.models import Capacity as C

STATES = ["reported", "triaged", "escalated", "acknowledged", "in_review", "closed"]

# Which states each step may be taken from.
ALLOWED = {
    "triage_supervision": {"reported"},
    "triage_escalate": {"reported"},
    "escalate": {"triaged", "escalated"},
    "acknowledge": {"escalated"},
    "referral": {"acknowledged", "in_review"},
    "action": {"triaged", "acknowledged", "in_review"},
    "review": {"triaged", "acknowledged"},
    "close": {"in_review"},
}
# Where each step leaves the incident.
AFTER = {
    "triage_supervision": "triaged",
    "triage_escalate": "escalated",
    "escalate": "escalated",
    "acknowledge": "acknowledged",
    "review": "in_review",
    "close": "closed",
}


@pytest.fixture
def safeguarding2(org):
    return make_login("safeguarding2", org, C.SAFEGUARDING_LEAD)


@pytest.fixture
def steps(supervisor, lead, safeguarding, safeguarding2):
    today = deadlines.today()
    return {
        "triage_supervision": lambda i: services.incident_triage(
            incident=i, by=supervisor, decision="supervision", reason="Supervision will do."
        ),
        "triage_escalate": lambda i: services.incident_triage(
            incident=i,
            by=supervisor,
            decision="escalate",
            reason="Worried.",
            escalate_to=safeguarding,
        ),
        "escalate": lambda i: services.incident_escalate(
            incident=i, by=supervisor, to=safeguarding2, reason="More has come to light."
        ),
        "acknowledge": lambda i: services.incident_acknowledge(incident=i, by=safeguarding),
        "referral": lambda i: services.incident_record_referral(
            incident=i, by=safeguarding, agency="adult_safeguarding", referred_on=today
        ),
        "action": lambda i: services.incident_add_action(
            incident=i, by=lead, description="Refresher", owner=lead, due_on=today
        ),
        "review": lambda i: services.incident_review(incident=i, by=lead, notes="Reviewed."),
        "close": lambda i: services.incident_close(
            incident=i,
            by=lead,
            outcome="training",
            learning="Learned.",
            no_referral_reason="Nobody at risk.",
        ),
    }


def _route(state):
    # Escalated route for the states after escalation, so referrals are possible there.
    return "escalate" if state in ("escalated", "acknowledged", "in_review", "closed") else ""


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("step", sorted(ALLOWED))
def test_every_step_from_every_state(make, steps, state, step):
    incident = make(state, route=_route(state))
    events = IncidentEvent.objects.filter(incident=incident).count()
    if state in ALLOWED[step]:
        steps[step](incident)
        incident.refresh_from_db()
        assert incident.state == AFTER.get(step, state)
        assert IncidentEvent.objects.filter(incident=incident).count() > events
    else:
        with pytest.raises(IncidentError) as refused:
            steps[step](incident)
        assert refused.value.message.startswith(("You cannot", "Triage it first"))
        fresh = Incident.objects.get(pk=incident.pk)
        assert fresh.state == state
        assert IncidentEvent.objects.filter(incident=incident).count() == events


def test_the_full_escalated_route_is_timed_attributed_and_audited(
    make, supervisor, safeguarding, lead
):
    incident = make("reported", severity="high")
    services.incident_triage(
        incident=incident,
        by=supervisor,
        decision="escalate",
        reason="High.",
        escalate_to=safeguarding,
    )
    services.incident_acknowledge(incident=incident, by=safeguarding, note="Seen.")
    services.incident_record_referral(
        incident=incident,
        by=safeguarding,
        agency="lado",
        reference="LADO-1",
        referred_on=deadlines.today(),
    )
    action = services.incident_add_action(
        incident=incident,
        by=safeguarding,
        description="Debrief",
        owner=supervisor,
        due_on=deadlines.today(),
    )
    services.action_complete(action=action, by=supervisor, note="Done.")
    services.incident_review(incident=incident, by=safeguarding, notes="All done.")
    factories.record_personal(incident, safeguarding)
    services.incident_close(incident=incident, by=lead, outcome="external", learning="Learned.")
    incident.refresh_from_db()
    assert incident.state == State.CLOSED
    kinds = list(incident.events.values_list("kind", flat=True))
    assert kinds == [
        "reported",
        "triaged",
        "escalated",
        "acknowledged",
        "referral",
        "action_added",
        "action_done",
        "reviewed",
        "personal",
        "closed",
    ]
    assert all(e.actor_id and e.at for e in incident.events.all())
    actions = list(
        AuditEntry.objects.filter(object_type="incidents.incident", object_id=str(incident.pk))
        .order_by("at", "pk")
        .values_list("action", flat=True)
    )
    assert actions == [f"incident.{kind}" for kind in kinds]
    # A closed escalated incident with a referral needs no "why no referral".
    assert incident.no_referral_reason == ""


def test_supervision_route_without_escalation(make, supervisor, peer):
    incident = make("reported")
    services.incident_triage(incident=incident, by=supervisor, decision="supervision", reason="Ok.")
    services.incident_review(incident=incident, by=supervisor, notes="Talked it through.")
    services.incident_close(
        incident=incident, by=supervisor, outcome="supervision_support", learning="x"
    )
    incident.refresh_from_db()
    assert incident.state == State.CLOSED and incident.escalated_at is None


# --- Mandatory escalation.


@pytest.mark.parametrize(
    ("severity", "safeguarding", "reason"),
    [
        ("high", "none", "it is high severity"),
        ("critical", "none", "it is critical severity"),
        ("low", "adult", "there is a safeguarding concern (Adult at risk)"),
        ("moderate", "child", "there is a safeguarding concern (Child at risk)"),
    ],
)
def test_triage_cannot_choose_supervision_when_escalation_is_mandatory(
    make, supervisor, severity, safeguarding, reason
):
    incident = make("reported", severity=severity, safeguarding=safeguarding)
    with pytest.raises(IncidentError) as refused:
        services.incident_triage(
            incident=incident, by=supervisor, decision="supervision", reason="Can manage it."
        )
    assert refused.value.field == "decision"
    assert f"must be escalated because {reason}" in refused.value.message
    assert Incident.objects.get(pk=incident.pk).state == State.REPORTED


@pytest.mark.parametrize("severity", ["low", "moderate"])
def test_low_and_moderate_without_safeguarding_may_stay_in_supervision(make, supervisor, severity):
    incident = make("reported", severity=severity)
    services.incident_triage(incident=incident, by=supervisor, decision="supervision", reason="Ok.")
    assert Incident.objects.get(pk=incident.pk).state == State.TRIAGED


def test_escalating_needs_a_safeguarding_lead_of_the_organisation(make, supervisor, lead):
    incident = make("reported")
    with pytest.raises(IncidentError, match="Choose the safeguarding lead"):
        services.incident_triage(incident=incident, by=supervisor, decision="escalate", reason="x")
    with pytest.raises(IncidentError, match="Choose a safeguarding lead of Test NHS Trust"):
        services.incident_triage(
            incident=incident, by=supervisor, decision="escalate", reason="x", escalate_to=lead
        )


def test_outsiders_safeguarding_lead_cannot_be_chosen(make, supervisor, other_org):
    elsewhere = make_login("elsewhere", other_org, C.SAFEGUARDING_LEAD)
    incident = make("reported")
    with pytest.raises(IncidentError, match="safeguarding lead of Test NHS Trust"):
        services.incident_triage(
            incident=incident, by=supervisor, decision="escalate", reason="x", escalate_to=elsewhere
        )


def test_triage_needs_a_reason(make, supervisor):
    with pytest.raises(IncidentError, match="why") as refused:
        services.incident_triage(incident=make(), by=supervisor, decision="supervision", reason=" ")
    assert refused.value.field == "reason"


# --- Who may take each step.


def test_the_worker_cannot_triage_their_own_incident(org, lead, peer, make):
    # Even a worker who is also a co-production lead.
    make_login_capacity(peer, org, C.COPRODUCTION_LEAD)
    incident = make("reported", reporter=lead)
    with pytest.raises(IncidentError, match="supervisor or a co-production or safeguarding lead"):
        services.incident_triage(incident=incident, by=peer, decision="supervision", reason="x")


def make_login_capacity(user, org, capacity):
    from workforce.models import Membership

    Membership.objects.create(user=user, organisation=org, capacity=capacity)
    user.__dict__.pop("_workforce_capacities", None)


def test_a_supervisor_triages_only_their_own_supervisees(org, make, peer2, lead):
    other_supervisor = make_login("othersup", org, C.SUPERVISOR)
    incident = make("reported", reporter=lead)
    with pytest.raises(IncidentError):
        services.incident_triage(
            incident=incident, by=other_supervisor, decision="supervision", reason="x"
        )
    with pytest.raises(IncidentError):
        services.incident_triage(incident=incident, by=peer2, decision="supervision", reason="x")


def test_only_the_named_lead_acknowledges(make, org, safeguarding):
    other = make_login("safeguarding3", org, C.SAFEGUARDING_LEAD)
    incident = make("escalated")
    with pytest.raises(IncidentError, match="Only Safeguarding, the safeguarding lead"):
        services.incident_acknowledge(incident=incident, by=other)
    # Passing it to themselves first is the way.
    services.incident_escalate(incident=incident, by=other, to=other, reason="Helen is away.")
    services.incident_acknowledge(incident=incident, by=other)
    assert Incident.objects.get(pk=incident.pk).acknowledged_by == other


def test_passing_an_escalation_on_keeps_its_deadline(make, org, safeguarding):
    other = make_login("safeguarding3", org, C.SAFEGUARDING_LEAD)
    incident = make("escalated")
    due = incident.acknowledge_due_at
    services.incident_escalate(incident=incident, by=safeguarding, to=other, reason="Away.")
    incident.refresh_from_db()
    assert incident.escalated_to == other and incident.acknowledge_due_at == due
    assert incident.events.last().kind == "reassigned"
    with pytest.raises(IncidentError, match="already with"):
        services.incident_escalate(incident=incident, by=safeguarding, to=other, reason="Again.")


def test_once_escalated_the_supervisor_no_longer_manages_it(make, supervisor):
    incident = make("acknowledged")
    with pytest.raises(IncidentError, match="cannot agree actions"):
        services.incident_add_action(
            incident=incident,
            by=supervisor,
            description="x",
            owner=supervisor,
            due_on=deadlines.today(),
        )


def test_referrals_only_by_safeguarding_leads_and_only_when_escalated(make, lead, safeguarding):
    incident = make("acknowledged")
    with pytest.raises(IncidentError, match="Only a safeguarding lead"):
        services.incident_record_referral(
            incident=incident, by=lead, agency="police", referred_on=deadlines.today()
        )
    supervised = make("in_review", route="supervision")
    with pytest.raises(IncidentError, match="Escalate it first"):
        services.incident_record_referral(
            incident=supervised, by=safeguarding, agency="police", referred_on=deadlines.today()
        )


def test_referral_details_are_checked(make, safeguarding):
    incident = make("acknowledged")
    with pytest.raises(IncidentError, match="Name the agency") as refused:
        services.incident_record_referral(
            incident=incident, by=safeguarding, agency="other", referred_on=deadlines.today()
        )
    assert refused.value.field == "agency_name"
    with pytest.raises(IncidentError, match="cannot be in the future"):
        services.incident_record_referral(
            incident=incident,
            by=safeguarding,
            agency="police",
            referred_on=deadlines.today() + datetime.timedelta(days=1),
        )


def test_a_step_too_late_says_who_got_there_first(make, supervisor, lead):
    incident = make("reported")
    services.incident_triage(incident=incident, by=lead, decision="supervision", reason="Mine.")
    with pytest.raises(IncidentError) as refused:
        services.incident_triage(
            incident=incident, by=supervisor, decision="supervision", reason="x"
        )
    message = refused.value.message
    assert message.startswith("You cannot triage it: it was triaged (to be managed through")
    assert "by Lead at" in message and "Nothing you entered was saved" in message
