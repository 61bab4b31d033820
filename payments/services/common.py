"""Small helpers the payments services share: who may act, and row locks."""

from __future__ import annotations

from payments.errors import NotAllowed
from payments.models import Claim
from workforce.organisations import access


def require(user, capacities: tuple[str, ...], organisation_id: int, doing: str) -> None:
    if not access.has_capacity(user, *capacities, organisation_id=organisation_id):
        raise NotAllowed(f"You are not allowed to {doing} for this organisation.")


def lock_claim(claim: Claim) -> Claim:
    """The claim's row, locked until the transaction ends: the next writer waits, then
    sees what this one did."""
    return Claim.objects.select_for_update(of=("self",)).select_related("person").get(pk=claim.pk)


def is_own(claim: Claim, user) -> bool:
    return user.pk is not None and user.pk in (claim.claimant_user_id, claim.person.user_id)


def why_not_decider(claim: Claim, user, doing: str = "decide") -> str | None:
    """The one rule for who may never decide a claim, or None if `user` is a second person:
    money is approved only by someone who neither claimed it (their login now or when
    they claimed) nor created it (for a correction, whoever made it). Capacity is checked
    separately; the database refuses the same (migration 0005_claim_second_person)."""
    if user.pk is None or is_own(claim, user):
        return f"You cannot {doing} your own claim. Another co-production lead must do it."
    if user.pk == claim.created_by_id:
        made = "made this correction" if claim.is_adjustment else "created this claim"
        return (
            f"You {made}, so you cannot {doing} it: another co-production lead or "
            "administrator must decide it."
        )
    return None


def display_name(user) -> str:
    person = getattr(user, "person", None)
    return person.full_name if person else user.get_username()
