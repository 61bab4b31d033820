"""The compliance export's rows: every compliance row of an organisation, worst first, as
plain values for workforce.platform.exports to render. Metadata only, like the pages."""

from __future__ import annotations

from collections.abc import Iterator

from supervision.models import SupervisionSession
from supervision.selectors.compliance import Status, organisation_compliance

HEADER = [
    "Person",
    "Team",
    "Role",
    "Supervisor",
    "Type of supervision",
    "At least every (days)",
    "At least (minutes)",
    "Last confirmed session",
    "Next due",
    "Status",
]


def compliance_lines(user, organisation) -> Iterator[list]:
    """The header, then one row per (assignment x supervision requirement)."""
    rows = organisation_compliance(user, organisation)
    kinds = dict(SupervisionSession.Kind.choices)
    yield HEADER
    for row in rows.iterator(chunk_size=500):
        supervisor = getattr(row.supervisor, "person", None)
        yield [
            row.person.full_name,
            row.team.name,
            row.role_version.title,
            supervisor.full_name if supervisor else row.supervisor.username,
            kinds.get(row.requirement_kind, row.requirement_kind),
            row.requirement_days,
            row.requirement_minutes,
            row.last_confirmed,
            row.next_due,
            Status.LABELS[row.status],
        ]
