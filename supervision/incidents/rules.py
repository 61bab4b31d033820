"""The incidents app's entries in the one access layer (workforce/access.py).

Who sees an incident (and so its narrative, chronology and actions), within the incident's
organisation only:
- whoever reported it;
- the worker's supervisor (named on a current assignment);
- co-production leads and safeguarding leads of the organisation;
- the worker it is about, once it has been triaged, unless a safeguarding lead has hidden it
  from them (with a recorded reason).

A safeguarding lead may also restrict an escalated incident to the organisation's safeguarding
leads (Caldicott: need to know; services.incident_restrict). Then only they see what it says.
Everyone above who saw it still sees that it exists (restricted_q: its reference, dates and
state, nothing else) and cannot act on it:
- co-production leads and the worker's supervisor: that it exists and where it is in the
  workflow, no more. Need to know is the point of the restriction: it is used when the people
  around the worker may be part of what happened, or when telling them could harm an
  investigation (police, the LADO), and the supervisor is the one most likely to be close to it;
- the reporter: that, and their own original report (what they wrote and chose when they
  reported it, nothing added since). It tells them nothing they did not know, and they may be
  asked about it by an investigator;
- the worker concerned: that it exists, as they did before, unless it is also hidden from them
  (worker_restricted), when they see nothing at all.
Finance and administrators never do: they hold no incident capacity, so they see no rows, no
counts and no pages (administrators see the audit trail, which carries no narrative). Other
organisations see nothing (404).

Imported from IncidentsConfig.ready(), so the rules are registered before any request.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from supervision.incidents.models import (
    OPTIONAL_SEVERITIES,
    Incident,
    IncidentAction,
    IncidentEvent,
    IncidentReferral,
    Safeguarding,
    State,
    escalation_is_mandatory,
)
from workforce.organisations import access
from workforce.organisations import capacities as groups
from workforce.organisations.models import Capacity as C
from workforce.organisations.models import Organisation
from workforce.register import rules as register_rules
from workforce.register.models import Person

# This app's scopes and rules, read by the access layer (settings.ACCESS_RULES).
RULEBOOK = access.RuleBook()

# Capacities that use the incident pages at all (finance and administrators do not).
# Capacities that see and manage every incident of their organisation.


def visible_q(user, prefix: str = "") -> Q:
    """The incidents `user` may see, what they say included, as a filter (`prefix` to filter
    through a relation). A restricted incident only for its organisation's safeguarding
    leads."""
    p = prefix
    open_to_them = Q(**{f"{p}leads_only_at__isnull": True}) | Q(
        **{f"{p}organisation_id__in": access.organisation_ids(user, C.SAFEGUARDING_LEAD)}
    )
    return _would_see_q(user, p) & open_to_them


def restricted_q(user) -> Q:
    """The restricted incidents `user` may know exist but not read: those visible_q would give
    them but for the restriction."""
    return (
        _would_see_q(user, "")
        & Q(leads_only_at__isnull=False)
        & ~Q(organisation_id__in=access.organisation_ids(user, C.SAFEGUARDING_LEAD))
    )


def _would_see_q(user, p: str) -> Q:
    members = access.organisation_ids(user, *groups.INCIDENT_USERS)
    leads = access.organisation_ids(user, *groups.INCIDENT_LEADS)
    if members <= leads:  # sees every incident there: the other tests only slow the query
        return Q(**{f"{p}organisation_id__in": members})
    worker_sees = (
        Q(**{f"{p}person_id__in": access.own_person_ids(user)})
        & ~Q(**{f"{p}state": State.REPORTED})
        & Q(**{f"{p}worker_restricted": False})
    )
    who = (
        Q(**{f"{p}reported_by_id": user.pk})
        | Q(**{f"{p}organisation_id__in": leads})
        | Q(**{f"{p}person_id__in": register_rules.supervisee_ids(user)})
        | worker_sees
    )
    # Membership (with an incident capacity) first, as everywhere.
    return Q(**{f"{p}organisation_id__in": members}) & who


@RULEBOOK.scope(Incident)
def _incidents(user) -> QuerySet[Incident]:
    return Incident.objects.filter(visible_q(user))


@RULEBOOK.scope(IncidentEvent)
def _events(user) -> QuerySet[IncidentEvent]:
    return IncidentEvent.objects.filter(visible_q(user, "incident__"))


@RULEBOOK.scope(IncidentAction)
def _actions(user) -> QuerySet[IncidentAction]:
    return IncidentAction.objects.filter(visible_q(user, "incident__"))


@RULEBOOK.scope(IncidentReferral)
def _referrals(user) -> QuerySet[IncidentReferral]:
    return IncidentReferral.objects.filter(visible_q(user, "incident__"))


# --- Mandatory escalation: the one rule, used by triage, the forms, the alerts and the
# correction service (the database keeps the same rule: constraint
# incident_escalation_mandatory).


def escalation_mandatory(incident: Incident) -> bool:
    """Whether the incident must go to a safeguarding lead: high or critical severity, or any
    safeguarding concern, in the most serious classification ever recorded for it (the report
    and every correction). A later, milder correction does not lift it; only a safeguarding
    lead's recorded downgrade does (which resets the most serious to the current one)."""
    return escalation_is_mandatory(
        severity=incident.peak_severity, safeguarding=incident.peak_safeguarding
    )


def mandatory_q() -> Q:
    """escalation_mandatory as a filter, for lists and counts."""
    return ~Q(peak_severity__in=OPTIONAL_SEVERITIES, peak_safeguarding=Safeguarding.NONE)


def why_mandatory(incident: Incident) -> str:
    """Why escalation is mandatory, in plain English ("" if it is not)."""
    if not escalation_mandatory(incident):
        return ""
    severity = incident.get_peak_severity_display().lower()
    concern = incident.get_peak_safeguarding_display()
    serious = incident.peak_severity in ("high", "critical")
    at_risk = incident.peak_safeguarding != Safeguarding.NONE
    if (incident.peak_severity, incident.peak_safeguarding) == (
        incident.severity,
        incident.safeguarding,
    ):
        reasons = [f"it is {severity} severity"] if serious else []
        reasons += [f"there is a safeguarding concern ({concern})"] if at_risk else []
        return " and ".join(reasons)
    reasons = [f"{severity} severity"] if serious else []
    reasons += [f"a safeguarding concern ({concern})"] if at_risk else []
    return (
        f"it was recorded as {' and '.join(reasons)} (a later correction does not change that: "
        "only a safeguarding lead can lift it, with a reason)"
    )


# --- What they may do. Each rule re-checks the organisation, so it is safe on its own; the
# services check the same rules again, and the workflow state besides.


def _in_org(user, organisation_id: int, *wanted: str) -> bool:
    return access.has_capacity(user, *wanted, organisation_id=organisation_id)


def is_worker(user, incident: Incident) -> bool:
    return incident.person.user_id is not None and incident.person.user_id == user.pk


def _shut_out(user, incident: Incident) -> bool:
    """Restricted to safeguarding leads and `user` is not one there: they may not act on it."""
    return incident.is_leads_only and not _in_org(
        user, incident.organisation_id, C.SAFEGUARDING_LEAD
    )


def may_view(user, incident: Incident) -> bool:
    return access.scoped(user, Incident).filter(pk=incident.pk).exists()


def may_report_about(user, person: Person) -> bool:
    """Peer workers report about their own work; supervisors about themselves and the people
    they supervise; co-production and safeguarding leads about anyone in their organisation."""
    org = person.organisation_id
    if not _in_org(user, org, *groups.INCIDENT_USERS):
        return False
    return (
        (person.user_id is not None and person.user_id == user.pk)
        or register_rules.is_supervisor_of(user, person)
        or _in_org(user, org, *groups.INCIDENT_LEADS)
    )


def may_triage(user, incident: Incident) -> bool:
    """The worker's supervisor, or a lead of the organisation; never the worker themselves."""
    if is_worker(user, incident) or not _in_org(user, incident.organisation_id, *groups.TRIAGERS):
        return False
    if _shut_out(user, incident):
        return False
    return register_rules.is_supervisor_of(user, incident.person) or _in_org(
        user, incident.organisation_id, *groups.INCIDENT_LEADS
    )


def may_manage(user, incident: Incident) -> bool:
    """Agree actions, review and close. Once escalated the incident belongs to the leads; until
    then the worker's supervisor manages it too."""
    if is_worker(user, incident) or _shut_out(user, incident):
        return False
    if _in_org(user, incident.organisation_id, *groups.INCIDENT_LEADS):
        return True
    return not incident.is_escalated and may_triage(user, incident)


def may_acknowledge(user, incident: Incident) -> bool:
    return incident.escalated_to_id == user.pk and _in_org(
        user, incident.organisation_id, C.SAFEGUARDING_LEAD
    )


def may_safeguard(user, incident: Incident) -> bool:
    """Safeguarding leads: record referrals, hide or show the incident to the worker."""
    return not is_worker(user, incident) and _in_org(
        user, incident.organisation_id, C.SAFEGUARDING_LEAD
    )


def may_restrict_to_leads(user, incident: Incident) -> bool:
    """Restrict an escalated incident to safeguarding leads, or lift that: a safeguarding lead
    of its organisation (never the worker it is about). The service checks the state too."""
    return incident.is_escalated and may_safeguard(user, incident)


def may_lift_escalation(user, incident: Incident) -> bool:
    """Downgrading an incident out of mandatory escalation: a safeguarding lead of its
    organisation only (with a reason, in the chronology: services.incident_correct)."""
    return may_safeguard(user, incident)


def may_correct(user, incident: Incident) -> bool:
    return may_view(user, incident) and (
        incident.reported_by_id == user.pk or may_manage(user, incident)
    )


def may_complete_action(user, action: IncidentAction) -> bool:
    return (
        not action.is_done
        and may_view(user, action.incident)
        and (action.owner_id == user.pk or may_manage(user, action.incident))
    )


def may_view_person_incidents(user, person: Person) -> bool:
    org = person.organisation_id
    if not _in_org(user, org, *groups.INCIDENT_USERS):
        return False
    return (
        (person.user_id is not None and person.user_id == user.pk)
        or register_rules.is_supervisor_of(user, person)
        or _in_org(user, org, *groups.INCIDENT_LEADS)
    )


def may_configure(user, organisation: Organisation) -> bool:
    return _in_org(user, organisation.pk, *groups.INCIDENT_LEADS)


# --- The safeguarding record (services/safeguarding.py). The worker it is about never sees
# it (the types of abuse, the person's views, consent, capacity, the DBS decision), whatever
# else of the incident they may see.


def may_view_safeguarding_record(user, incident: Incident) -> bool:
    """Everyone who may see the incident except the worker it is about."""
    return not is_worker(user, incident) and may_view(user, incident)


def may_record_abuse_types(user, incident: Incident) -> bool:
    """The person who reported it (unless it is about them) or a safeguarding lead."""
    return may_safeguard(user, incident) or (
        incident.reported_by_id == user.pk
        and incident.is_open
        and may_view_safeguarding_record(user, incident)
    )


RULEBOOK.rule(Incident, "view_safeguarding_record")(may_view_safeguarding_record)
RULEBOOK.rule(Incident, "record_abuse_types")(may_record_abuse_types)
RULEBOOK.rule(Incident, "safeguard")(may_safeguard)


for _action, _rule in {
    "view": may_view,
    "triage": may_triage,
    "escalate": may_triage,
    "acknowledge": may_acknowledge,
    "refer": may_safeguard,
    "restrict": may_safeguard,
    "restrict_to_leads": may_restrict_to_leads,
    "manage": may_manage,
    "correct": may_correct,
    "lift_escalation": may_lift_escalation,
}.items():
    RULEBOOK.rule(Incident, _action)(_rule)
RULEBOOK.rule(IncidentAction, "complete")(may_complete_action)
RULEBOOK.rule(Person, "report_incident")(may_report_about)
RULEBOOK.rule(Person, "view_incidents")(may_view_person_incidents)
RULEBOOK.rule(Organisation, "configure_incidents")(may_configure)
