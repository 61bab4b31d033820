"""Row history (django-pghistory event models) and the read log.

Every event model lives here, in the `history` app, so no other app gets migrations for it.
Each is filled by database triggers on its tracked table (insert, update, delete), so bulk
updates and raw SQL are recorded as surely as the services' writes. The triggers are
installed by django-pgtrigger after every `migrate` (PGTRIGGER_INSTALL_ON_MIGRATE; see
settings), and every event table is append-only (migration 0002 here).

What a snapshot never holds: free text (every TextField: narratives, notes, plan text,
reasons) and the few short fields that can carry something private (listed per model
below), nor any diversity answer. A history row says who changed which record and when.

Each event model names `organisation_path`: the lookup from an event row to the tracked
record's organisation, which scopes the audit page.
"""

from __future__ import annotations

import pghistory
from django.apps import apps
from django.db import models

from payments.models import Batch, BatchLine, Claim, ExpenseLine
from roles.models import (
    EscalationStep,
    ProgressionRoute,
    Role,
    RoleDuty,
    RoleExclusion,
    RoleVersion,
    SupervisionRequirement,
    TrainingRequirement,
)
from supervision.incidents.models import (
    Incident,
    IncidentAction,
    IncidentEvent,
    IncidentRecurrence,
    IncidentReferral,
)
from supervision.models import SessionAction, SessionNote, SessionSupervisee, SupervisionSession
from workforce.organisations.models import Membership
from workforce.platform.models import ReadLogEntry  # noqa: F401 - registered here too
from workforce.register.models import (
    Assignment,
    DiversityProfile,
    Person,
    TrainingRecord,
    WellbeingPlan,
)


def _free_text(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.local_fields if isinstance(f, models.TextField)]


def tracked(model: type[models.Model], *, exclude: tuple[str, ...] = (), fields=None):
    """The abstract event model for `model`: every column but free text and `exclude`."""
    return pghistory.create_event_model(
        model,
        app_label="history",
        fields=fields,
        exclude=None if fields else [*_free_text(model), *exclude],
        # No reverse accessor on the tracked model (Incident already has `events`).
        obj_field=pghistory.ObjForeignKey(related_name="+", related_query_name="+"),
    )


# --- Roles: the stable identity, its versions and each version's lists.
class RoleEvent(tracked(Role)):
    organisation_path = "organisation_id"


class RoleVersionEvent(tracked(RoleVersion)):
    organisation_path = "role__organisation_id"


class RoleDutyEvent(tracked(RoleDuty)):
    organisation_path = "version__role__organisation_id"


class RoleExclusionEvent(tracked(RoleExclusion)):
    organisation_path = "version__role__organisation_id"


class SupervisionRequirementEvent(tracked(SupervisionRequirement)):
    organisation_path = "version__role__organisation_id"


class EscalationStepEvent(tracked(EscalationStep)):
    organisation_path = "version__role__organisation_id"


class TrainingRequirementEvent(tracked(TrainingRequirement)):
    organisation_path = "version__role__organisation_id"


class ProgressionRouteEvent(tracked(ProgressionRoute)):
    organisation_path = "version__role__organisation_id"


# --- People and their records. Diversity: that the answers changed, never what they are.
# Names and contact details stay out: retention anonymises a leaver's register entry
# (workforce/retention.py) and append-only history must not keep the old details. A change
# to them is still recorded, as a change, with who made it and when.
PERSON_DETAILS = ("full_name", "preferred_name", "pronouns", "email", "phone", "payee_reference")


class PersonEvent(tracked(Person, exclude=PERSON_DETAILS)):
    organisation_path = "organisation_id"


class MembershipEvent(tracked(Membership)):
    organisation_path = "organisation_id"


class AssignmentEvent(tracked(Assignment)):
    organisation_path = "person__organisation_id"


class TrainingRecordEvent(tracked(TrainingRecord, exclude=("note",))):
    organisation_path = "person__organisation_id"


class WellbeingPlanEvent(tracked(WellbeingPlan)):
    organisation_path = "person__organisation_id"


class DiversityProfileEvent(tracked(DiversityProfile, fields=["id", "person", "updated_at"])):
    organisation_path = "person__organisation_id"


# --- Supervision: sessions, who was in them, and (never their words) notes and actions.
# `withdrawn` is generated from the status, which the event already holds.
class SupervisionSessionEvent(tracked(SupervisionSession, exclude=("withdrawn",))):
    organisation_path = "organisation_id"


class SessionSuperviseeEvent(tracked(SessionSupervisee)):
    organisation_path = "session__organisation_id"


class SessionNoteEvent(tracked(SessionNote, exclude=("topics",))):
    organisation_path = "session__organisation_id"


class SessionActionEvent(tracked(SessionAction, exclude=("text",))):
    organisation_path = "session__organisation_id"


# --- Incidents: the incident, its chronology, actions, referrals and recurrence links.
class IncidentEventHistory(tracked(Incident, exclude=("told_whom",))):
    organisation_path = "organisation_id"


class IncidentChronologyEvent(tracked(IncidentEvent, exclude=("summary",))):
    organisation_path = "incident__organisation_id"


class IncidentActionEvent(tracked(IncidentAction, exclude=("description",))):
    organisation_path = "incident__organisation_id"


class IncidentReferralEvent(tracked(IncidentReferral)):
    organisation_path = "incident__organisation_id"


class IncidentRecurrenceEvent(tracked(IncidentRecurrence)):
    organisation_path = "incident__organisation_id"


# --- Payments: claims with their expense lines, batches with their lines.
class ClaimEvent(tracked(Claim)):
    organisation_path = "organisation_id"


class ExpenseLineEvent(tracked(ExpenseLine)):
    organisation_path = "claim__organisation_id"


class BatchEvent(tracked(Batch)):
    organisation_path = "organisation_id"


class BatchLineEvent(tracked(BatchLine)):
    organisation_path = "batch__organisation_id"


def event_models() -> list[type[models.Model]]:
    """Every row-history model, in the order above."""
    return [
        m for m in apps.get_app_config("history").get_models() if hasattr(m, "pgh_tracked_model")
    ]
