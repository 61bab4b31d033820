"""Actions, the review and closing: who may, what each needs, and what is refused."""

import datetime

import pytest

from supervision.incidents import deadlines, services
from supervision.incidents.services import IncidentError


def test_an_action_owner_must_be_able_to_see_the_incident(make, supervisor, peer, peer2):
    incident = make("triaged")
    with pytest.raises(IncidentError, match="Choose someone who can see") as refused:
        services.incident_add_action(
            incident=incident, by=supervisor, description="x", owner=peer2, due_on=deadlines.today()
        )
    assert refused.value.field == "owner"
    # The worker can see it once triaged, so may own an action.
    action = services.incident_add_action(
        incident=incident,
        by=supervisor,
        description="Reflect",
        owner=peer,
        due_on=deadlines.today(),
    )
    services.action_complete(action=action, by=peer, note="Done")
    assert action.__class__.objects.get(pk=action.pk).is_done


def test_an_action_cannot_be_due_in_the_past_or_done_twice(make, supervisor):
    incident = make("triaged")
    with pytest.raises(IncidentError, match="cannot be in the past"):
        services.incident_add_action(
            incident=incident,
            by=supervisor,
            description="x",
            owner=supervisor,
            due_on=deadlines.today() - datetime.timedelta(days=1),
        )
    action = services.incident_add_action(
        incident=incident,
        by=supervisor,
        description="x",
        owner=supervisor,
        due_on=deadlines.today(),
    )
    services.action_complete(action=action, by=supervisor)
    with pytest.raises(IncidentError, match="already marked done by Supervisor"):
        services.action_complete(action=action, by=supervisor)


def test_only_the_owner_or_a_manager_completes_an_action(make, supervisor, peer, lead):
    incident = make("triaged")
    action = services.incident_add_action(
        incident=incident, by=supervisor, description="x", owner=lead, due_on=deadlines.today()
    )
    with pytest.raises(IncidentError, match="Only the action's owner"):
        services.action_complete(action=action, by=peer)


def test_closing_needs_every_action_done_an_outcome_and_learning(make, supervisor):
    incident = make("triaged")
    action = services.incident_add_action(
        incident=incident,
        by=supervisor,
        description="x",
        owner=supervisor,
        due_on=deadlines.today(),
    )
    services.incident_review(incident=incident, by=supervisor, notes="Looked.")
    with pytest.raises(IncidentError, match="1 action is still open"):
        services.incident_close(incident=incident, by=supervisor, outcome="training", learning="x")
    services.action_complete(action=action, by=supervisor)
    with pytest.raises(IncidentError, match="Choose the outcome"):
        services.incident_close(incident=incident, by=supervisor, outcome="", learning="x")
    with pytest.raises(IncidentError, match="Say what has been learned"):
        services.incident_close(incident=incident, by=supervisor, outcome="training", learning=" ")
    services.incident_close(incident=incident, by=supervisor, outcome="training", learning="x")


def test_closing_an_escalated_incident_without_a_referral_needs_a_reason(make, safeguarding):
    incident = make("in_review", route="escalate")
    with pytest.raises(IncidentError, match="say why none was made") as refused:
        services.incident_close(
            incident=incident, by=safeguarding, outcome="training", learning="x"
        )
    assert refused.value.field == "no_referral_reason"
    services.incident_close(
        incident=incident,
        by=safeguarding,
        outcome="training",
        learning="x",
        no_referral_reason="Handled internally; nobody at risk.",
    )


def test_review_needs_notes_and_explains_what_comes_first(make, supervisor, safeguarding):
    with pytest.raises(IncidentError, match="must be triaged first"):
        services.incident_review(incident=make("reported"), by=supervisor, notes="x")
    with pytest.raises(IncidentError, match="must acknowledge it first"):
        services.incident_review(incident=make("escalated"), by=safeguarding, notes="x")
    with pytest.raises(IncidentError, match="Say what the review found"):
        services.incident_review(incident=make("triaged"), by=supervisor, notes="")
