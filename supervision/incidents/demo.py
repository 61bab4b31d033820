"""Demo incidents, written through the services (so each has a real chronology and audit
trail), dated in the past with the incidents clock.

In the trust: an incident in every state, one escalation overdue for acknowledgement, one
recurrence (a second gifts incident for Sam within 12 months), one incident hidden from the
worker, and one with two types of abuse whose worker was referred to the DBS. Idempotent: an
incident whose narrative is already on file is not made again.
Called from workforce.demo.seed(), after the people and their assignments exist.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from supervision.incidents import deadlines, rules, selectors, services
from supervision.incidents.models import Incident, IncidentNotice, State
from workforce.organisations.models import Organisation

TRUST = "Northshire Mental Health NHS Foundation Trust"
DAY = datetime.timedelta(days=1)
HOUR = datetime.timedelta(hours=1)


@dataclass
class DemoIncident:
    worker: str  # username of the worker concerned
    ago: datetime.timedelta  # how long ago it was reported
    category: str
    severity: str
    safeguarding: str
    narrative: str
    # Steps after reporting: (offset after the report, step name, arguments).
    steps: list[tuple[datetime.timedelta, str, dict]] = field(default_factory=list)
    self_report: bool = False
    abuse_types: tuple[str, ...] = ()


DEMO = [
    DemoIncident(
        worker="peer",
        ago=150 * DAY,
        category="gifts_or_money",
        severity="high",
        safeguarding="none",
        narrative="A person Sam supports on the ward gave Sam £40 in an envelope as a thank "
        "you at discharge. Sam took it home and mentioned it at the next team meeting.",
        steps=[
            (4 * HOUR, "triage_escalate", {"reason": "Money accepted: high severity."}),
            (6 * HOUR, "acknowledge", {"note": "Spoke to Sam and the ward manager today."}),
            (
                2 * DAY,
                "action",
                {
                    "description": "Return the money through the ward manager with a card",
                    "owner": "supervisor",
                    "due": 7,
                },
            ),
            (5 * DAY, "complete", {"note": "Returned, with a card from Sam."}),
            (6 * DAY, "review", {"notes": "Money returned; Sam understood why."}),
            (
                6 * DAY,
                "personal",
                {
                    "views": "The person who gave the money wanted Sam thanked, and was happy "
                    "for it to be returned with a card.",
                    "consent": "no_referral",
                    "capacity_considered": False,
                    "capacity_note": "Nothing suggested they could not decide about their "
                    "own money.",
                },
            ),
            (
                7 * DAY,
                "close",
                {
                    "outcome": "training",
                    "learning": "Gifts policy added to "
                    "peer induction; a gifts and hospitality refresher for the team.",
                    "no_referral_reason": "No one was at risk; handled internally.",
                },
            ),
        ],
    ),
    DemoIncident(
        worker="peer2",
        ago=40 * DAY,
        category="disclosure",
        severity="moderate",
        safeguarding="none",
        narrative="In a group session Joe shared detail of his own crisis history that went "
        "beyond what helped the group; one member left upset.",
        steps=[
            (1 * DAY, "triage_supervision", {"reason": "Reflect on purposeful disclosure."}),
            (
                1 * DAY,
                "action",
                {
                    "description": "Talk through purposeful disclosure in supervision",
                    "owner": "supervisor",
                    "due": 14,
                },
            ),
            (10 * DAY, "complete", {"note": "Done; Joe wrote a short reflection."}),
            (12 * DAY, "review", {"notes": "Joe is confident about what to share and why."}),
        ],
    ),
    DemoIncident(
        worker="peer",
        ago=20 * DAY,
        category="gifts_or_money",
        severity="moderate",
        safeguarding="none",
        narrative="A carer gave Sam a box of chocolates and a £10 voucher after a recovery "
        "college course. Sam said no to the voucher and shared the chocolates with the team.",
        steps=[
            (
                1 * DAY,
                "triage_supervision",
                {"reason": "Handled well; a recurrence, so talk it through in supervision."},
            ),
            (
                2 * DAY,
                "action",
                {
                    "description": "Boundaries refresher in next supervision",
                    "owner": "supervisor",
                    "due": 40,
                },
            ),
        ],
    ),
    DemoIncident(
        worker="peer",
        ago=6 * DAY,
        category="crisis_intervention",
        severity="critical",
        safeguarding="child",
        narrative="Late on Friday a person Sam supports messaged to say they could not keep "
        "their child safe tonight. Sam went to the house alone instead of calling the crisis "
        "line.",
        steps=[
            (1 * HOUR, "triage_escalate", {"reason": "Child at risk: escalate now."}),
            (3 * HOUR, "acknowledge", {"note": "Called children's services straight away."}),
            (
                3 * HOUR,
                "referral",
                {
                    "agency": "childrens_services",
                    "reference": "CS-2231-77",
                    "agency_name": "Northshire Children's Services",
                },
            ),
            (
                1 * DAY,
                "restrict",
                {
                    "reason": "Children's services asked that the family's "
                    "details are not discussed until their enquiry ends."
                },
            ),
            (
                1 * DAY,
                "action",
                {
                    "description": "Debrief and wellbeing check with Sam",
                    "owner": "supervisor",
                    "due": 3,
                },
            ),
        ],
    ),
    DemoIncident(
        worker="peer2",
        ago=3 * DAY,
        category="social_media",
        severity="high",
        safeguarding="adult",
        narrative="Joe accepted a friend request from a person he supports who has since "
        "posted about feeling unsafe at home.",
        steps=[(1 * DAY, "triage_escalate", {"reason": "Adult at risk: escalate."})],
    ),
    # Two types of abuse, a worker removed from regulated activity and referred to the DBS.
    DemoIncident(
        worker="peer2",
        ago=60 * DAY,
        category="gifts_or_money",
        severity="critical",
        safeguarding="adult",
        abuse_types=("financial", "psychological"),
        narrative="A person Joe supports told the ward manager Joe had borrowed £200 from them "
        "over three weeks and said he would stop visiting if they told anyone.",
        steps=[
            (1 * HOUR, "triage_escalate", {"reason": "Financial abuse alleged: escalate now."}),
            (3 * HOUR, "acknowledge", {"note": "Joe stood down from patient contact today."}),
            (
                1 * DAY,
                "referral",
                {
                    "agency": "adult_safeguarding",
                    "reference": "AS-5120-09",
                    "agency_name": "Northshire County Council Adult Social Care",
                },
            ),
            (
                1 * DAY,
                "personal",
                {
                    "views": "They want their money back and do not want to see Joe again, "
                    "but want to keep coming to the ward's groups.",
                    "consent": "given",
                    "capacity_considered": True,
                    "capacity_note": "Assessed by the ward's consultant: has capacity to "
                    "decide about the referral.",
                },
            ),
            (
                20 * DAY,
                "dbs",
                {"removed": True, "decision": "referred"},
            ),
            (30 * DAY, "review", {"notes": "Enquiry complete; the money was repaid."}),
            (
                31 * DAY,
                "close",
                {
                    "outcome": "formal_process",
                    "learning": "Money and lending added to the boundaries training; people "
                    "we support are told how to raise a concern about staff.",
                },
            ),
        ],
    ),
    DemoIncident(
        worker="peer2",
        ago=2 * HOUR,
        category="informal_contact",
        severity="low",
        safeguarding="none",
        narrative="I met a person I support at the supermarket and we chatted for ten minutes "
        "about their week.",
        self_report=True,
    ),
]


def _users() -> dict:
    User = get_user_model()
    names = ["lead", "supervisor", "peer", "peer2", "safeguarding"]
    return {user.username: user for user in User.objects.filter(username__in=names)}


def _runner(users: dict) -> dict[str, Callable]:
    def manager(incident):
        return (
            users["supervisor"]
            if rules.may_manage(users["supervisor"], incident)
            else (users["lead"])
        )

    def triager(incident):
        return (
            users["supervisor"]
            if rules.may_triage(users["supervisor"], incident)
            else (users["lead"])
        )

    def owner(incident, name):
        user = users[name]
        return user if rules.may_view(user, incident) else users["lead"]

    return {
        "triage_escalate": lambda i, a: services.incident_triage(
            incident=i,
            by=triager(i),
            decision="escalate",
            reason=a["reason"],
            escalate_to=users["safeguarding"],
        ),
        "triage_supervision": lambda i, a: services.incident_triage(
            incident=i, by=triager(i), decision="supervision", reason=a["reason"]
        ),
        "acknowledge": lambda i, a: services.incident_acknowledge(
            incident=i, by=users["safeguarding"], note=a["note"]
        ),
        "referral": lambda i, a: services.incident_record_referral(
            incident=i,
            by=users["safeguarding"],
            agency=a["agency"],
            agency_name=a["agency_name"],
            reference=a["reference"],
            referred_on=deadlines.today(),
        ),
        "restrict": lambda i, a: services.incident_restrict_visibility(
            incident=i, by=users["safeguarding"], restricted=True, reason=a["reason"]
        ),
        "action": lambda i, a: services.incident_add_action(
            incident=i,
            by=manager(i),
            description=a["description"],
            owner=owner(i, a["owner"]),
            due_on=deadlines.today() + a["due"] * DAY,
        ),
        "complete": lambda i, a: services.action_complete(
            action=i.actions.filter(done_at__isnull=True).order_by("pk").first(),
            by=manager(i),
            note=a["note"],
        ),
        "review": lambda i, a: services.incident_review(
            incident=i, by=manager(i), notes=a["notes"]
        ),
        "close": lambda i, a: services.incident_close(incident=i, by=manager(i), **a),
        "personal": lambda i, a: services.incident_record_personal(
            incident=i, by=users["safeguarding"], **a
        ),
        "dbs": lambda i, a: services.incident_record_dbs(
            incident=i, by=users["safeguarding"], referred_on=deadlines.today(), **a
        ),
    }


@transaction.atomic
def seed(*, organisations: dict[str, Organisation]) -> int:
    """Create the demo incidents that are not there yet; return how many were new."""
    trust = organisations.get(TRUST)
    users = _users()
    if trust is None or len(users) < 5:
        return 0
    run = _runner(users)
    now = deadlines.now()
    made = []
    for spec in DEMO:
        if Incident.objects.filter(organisation=trust, narrative=spec.narrative).exists():
            continue
        worker = users[spec.worker].person
        reporter = users[spec.worker] if spec.self_report else users["supervisor"]
        if not rules.may_report_about(reporter, worker):
            reporter = users["lead"]
        reported_at = now - spec.ago
        with deadlines.frozen(reported_at):
            exclusion = selectors.current_exclusions(worker).first()
            incident = services.incident_report(
                by=reporter,
                person=worker,
                occurred_on=deadlines.today() - DAY,
                category=spec.category,
                severity=spec.severity,
                safeguarding=spec.safeguarding,
                narrative=spec.narrative,
                exclusion=exclusion if spec.category != "informal_contact" else None,
                told_someone=not spec.self_report,
                told_whom="Helen Marsh, safeguarding lead" if not spec.self_report else "",
                abuse_types=spec.abuse_types,
            )
        for offset, name, arguments in spec.steps:
            with deadlines.frozen(reported_at + offset):
                run[name](Incident.objects.get(pk=incident.pk), arguments)
        made.append(incident.pk)
    # Demo escalations are not emailed to anyone.
    IncidentNotice.objects.filter(incident_id__in=made, sent_at__isnull=True).update(
        sent_at=now, failure="demo data: not emailed"
    )
    return len(made)


def states_present(organisation: Organisation) -> set[str]:
    return set(
        Incident.objects.filter(organisation=organisation).values_list("state", flat=True)
    ) & set(State.values)
