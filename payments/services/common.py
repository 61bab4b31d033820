"""Small helpers the payments services share: who may act, and row locks."""

from __future__ import annotations

from payments.errors import NotAllowed
from payments.models import Claim
from workforce import access
from workforce.models import Capacity as C

APPROVERS = (C.COPRODUCTION_LEAD, C.ADMIN)
FINANCE = (C.FINANCE, C.ADMIN)
SETUP = (C.FINANCE, C.ADMIN)


def require(user, capacities: tuple[str, ...], organisation_id: int, doing: str) -> None:
    if not access.has_capacity(user, *capacities, organisation_id=organisation_id):
        raise NotAllowed(f"You are not allowed to {doing} for this organisation.")


def lock_claim(claim: Claim) -> Claim:
    """The claim's row, locked until the transaction ends: the next writer waits, then
    sees what this one did."""
    return Claim.objects.select_for_update(of=("self",)).select_related("person").get(pk=claim.pk)


def is_own(claim: Claim, user) -> bool:
    return user.pk is not None and user.pk in (claim.claimant_user_id, claim.person.user_id)


def display_name(user) -> str:
    person = getattr(user, "person", None)
    return person.full_name if person else user.get_username()
