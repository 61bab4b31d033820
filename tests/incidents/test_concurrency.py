"""Two people triaging the same incident at the same moment: one wins, the other is told
plainly what happened, and the incident is triaged exactly once. Real threads, real
transactions, real row locks."""

import threading
import time

import pytest
from django.db import connection
from django.urls import reverse

from supervision.incidents import services
from supervision.incidents.models import Incident, IncidentEvent
from supervision.incidents.services import base


def _at_once(*calls):
    """Run each call in its own thread (own database connection), all released together."""
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            results[index] = ("ok", call())
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread got
            results[index] = ("error", error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_triagers_at_once_one_wins_the_other_is_told(make, supervisor, lead, monkeypatch):
    incident = make("reported")
    original_lock = base.lock

    def slow_lock(incident):
        # Hold the row a little after locking it, so the other thread is certainly waiting
        # on the lock (not arriving after the winner committed).
        locked = original_lock(incident)
        time.sleep(0.3)
        return locked

    monkeypatch.setattr("supervision.incidents.services.workflow.lock", slow_lock)
    results = _at_once(
        lambda: services.incident_triage(
            incident=incident, by=supervisor, decision="supervision", reason="Supervisor says."
        ),
        lambda: services.incident_triage(
            incident=incident, by=lead, decision="supervision", reason="Lead says."
        ),
    )
    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, services.IncidentError)
    assert error.message.startswith("You cannot triage it: it was triaged")
    assert "Nothing you entered was saved" in error.message
    assert IncidentEvent.objects.filter(incident=incident, kind="triaged").count() == 1
    assert Incident.objects.get(pk=incident.pk).state == "triaged"


@pytest.mark.django_db(transaction=True)
def test_two_acknowledging_and_reassigning_at_once(make, safeguarding, org):
    from tests.factories import make_login
    from workforce.models import Capacity as C

    other = make_login("safeguarding3", org, C.SAFEGUARDING_LEAD)
    incident = make("escalated", severity="high")
    results = _at_once(
        lambda: services.incident_acknowledge(incident=incident, by=safeguarding),
        lambda: services.incident_escalate(
            incident=incident, by=other, to=other, reason="Taking it."
        ),
    )
    incident.refresh_from_db()
    # Either may win; the loser is told why, and the incident is consistent either way.
    assert sorted(kind for kind, _ in results) == ["error", "ok"], results
    if results[0][0] == "ok":
        assert incident.state == "acknowledged" and incident.acknowledged_by == safeguarding
        assert "it was acknowledged by the safeguarding lead" in results[1][1].message
    else:
        assert incident.state == "escalated" and incident.escalated_to == other
        assert results[0][1].message.startswith("Only Safeguarding3, the safeguarding lead")


@pytest.mark.django_db(transaction=True)
def test_the_loser_of_a_race_on_the_page_sees_a_clear_message(client, make, supervisor, lead):
    incident = make("reported")
    client.force_login(supervisor)
    url = reverse("incidents:triage", args=[incident.pk])
    assert client.get(url).status_code == 200  # the form, as the supervisor opened it
    services.incident_triage(incident=incident, by=lead, decision="supervision", reason="Mine.")
    response = client.post(
        url, {"decision": "supervision", "reason": "I think so too."}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("incidents:detail", args=[incident.pk])
    html = response.content.decode()
    assert "it was triaged (to be managed through supervision) by Lead at" in html
    assert "Nothing you entered was saved" in html
    assert IncidentEvent.objects.filter(incident=incident, kind="triaged").count() == 1
