"""Boundary incidents' rows of the access matrix (merged into tests/test_access_matrix.py).

The incidents are about `peer`, supervised by `supervisor` (who reports them); `safeguarding`
is the organisation's safeguarding lead. Finance and administrators hold no incident capacity:
403 on every incident page, whatever the id. Everyone else who may not take a step on a
particular incident gets 404, exactly as if it did not exist; the outsider (a lead in
another organisation) always gets 404 for this organisation's incidents.
"""

from tests.factories import incident_in, supervise
from tests.matrix import row


def _incident_row(default, **overrides):
    """Finance and administrators hold no incident capacity: 403 unless a row says so."""
    return row(default, **{"finance": 403, "admin": 403, **overrides})


def _incident(state: str, **fields):
    def make(f):
        get = f["fixture"]
        supervise(f["org"], get("lead"), get("peer"), get("supervisor"))
        incident = incident_in(
            state,
            reporter=get("supervisor"),
            worker=get("peer"),
            manager=get("supervisor"),
            safeguarding_lead=get("safeguarding"),
            **fields,
        )
        return {"pk": incident.pk}

    return make


def _action(f):
    from supervision.incidents import deadlines, services

    kwargs = _incident("triaged")(f)
    from supervision.incidents.models import Incident

    action = services.incident_add_action(
        incident=Incident.objects.get(pk=kwargs["pk"]),
        by=f["fixture"]("supervisor"),
        description="Boundaries refresher",
        owner=f["fixture"]("supervisor"),
        due_on=deadlines.today(),
    )
    return {"pk": kwargs["pk"], "action_pk": action.pk}


def _peer(f):
    get = f["fixture"]
    supervise(f["org"], get("lead"), get("peer"), get("supervisor"))
    return {"pk": get("peer").person.pk}


# Lists: everyone with an incident capacity (each sees only what they may).
_LIST = _incident_row(200)
# Steps the worker's supervisor and the organisation's leads may take.
_MANAGERS = _incident_row(404, lead=200, supervisor=200, safeguarding=200)
_SAFEGUARDING_ONLY = _incident_row(404, safeguarding=200)

INCIDENTS_MATRIX = {
    "incidents:list": (_LIST, None),
    "incidents:report": (_LIST, None),
    "incidents:mine": (_LIST, None),
    "incidents:triage_queue": (
        _incident_row(403, lead=200, supervisor=200, safeguarding=200, outsider=200),
        None,
    ),
    "incidents:escalations": (_incident_row(403, safeguarding=200), None),
    # The worker sees their own chronology; peer2 and the outsider find nobody there.
    "incidents:person": (
        _incident_row(404, lead=200, supervisor=200, safeguarding=200, peer=200),
        _peer,
    ),
    "incidents:policy": (
        _incident_row(404, lead=200, safeguarding=200),
        lambda f: {"pk": f["org"].pk},
    ),
    # Not yet triaged: the worker does not see it yet.
    "incidents:detail": (_MANAGERS, _incident("reported")),
    "incidents:triage": (_MANAGERS, _incident("reported")),
    "incidents:correct": (_MANAGERS, _incident("reported")),
    "incidents:escalate": (_MANAGERS, _incident("triaged")),
    "incidents:action_add": (_MANAGERS, _incident("triaged")),
    "incidents:review": (_MANAGERS, _incident("triaged")),
    "incidents:close": (_MANAGERS, _incident("in_review")),
    # The owner (supervisor) or a manager; the worker sees the incident but cannot tick it off.
    "incidents:action_complete": (_MANAGERS, _action),
    # Only the safeguarding lead it was escalated to.
    "incidents:acknowledge": (_SAFEGUARDING_ONLY, _incident("escalated")),
    "incidents:referral": (_SAFEGUARDING_ONLY, _incident("acknowledged")),
    "incidents:visibility": (_SAFEGUARDING_ONLY, _incident("reported")),
    # Restricting to safeguarding leads (Caldicott): only they, and only once escalated.
    "incidents:leads_only": (_SAFEGUARDING_ONLY, _incident("escalated")),
    # The safeguarding record: the reporter (supervisor) or a safeguarding lead records the
    # types of abuse; the rest is a safeguarding lead's alone. Never the worker.
    "incidents:abuse_types": (
        _incident_row(404, supervisor=200, safeguarding=200),
        _incident("reported", safeguarding="adult"),
    ),
    "incidents:personal": (_SAFEGUARDING_ONLY, _incident("acknowledged")),
    "incidents:dbs": (_SAFEGUARDING_ONLY, _incident("acknowledged")),
}
