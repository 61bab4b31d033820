"""Writes about logins: ending a membership, and what happens when a login's last one ends.

A membership (one capacity in one organisation) ends by being removed: access is read only
from the memberships that exist, so a removed one gives nothing, everywhere, at once. The
audit entry keeps what it was and when it began. When a login's last membership ends the
login is switched off and every session it has ends, in the same transaction, so a leaver
who is still signed in on another device is signed out there too (OWASP ASVS 7.4.2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction

from workforce import audit, sessions
from workforce.models import Membership

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def membership_end(
    *, membership: Membership, by: AbstractBaseUser | None, reason: str = ""
) -> bool:
    """End one membership. Returns True if that was the login's last and it was switched off."""
    return memberships_end(user=membership.user, memberships=[membership], by=by, reason=reason)[
        "login_closed"
    ]


@transaction.atomic
def memberships_end(
    *,
    user: AbstractBaseUser,
    memberships,
    by: AbstractBaseUser | None,
    reason: str = "",
) -> dict:
    """End the given memberships of `user`; switch the login off if none remain.

    Returns {"ended": [membership ids], "login_closed": bool, "sessions_ended": int}.
    """
    User = get_user_model()
    caller_user = user
    # Lock the login first: two memberships ending at once must not both see "one left".
    user = User.objects.select_for_update().get(pk=user.pk)
    ids = [m.pk for m in memberships]
    ended = []
    for membership in (
        Membership.objects.select_for_update()
        .filter(user=user, pk__in=ids)
        .select_related("organisation")
        .order_by("pk")
    ):
        audit.record(
            actor=by,
            action="membership.ended",
            obj=membership,
            summary=f"{user.get_username()} is no longer "
            f"{membership.get_capacity_display().lower()} at {membership.organisation.name}"
            + (f" ({reason})" if reason else ""),
            changes={
                "user": user.pk,
                "capacity": membership.capacity,
                "since": membership.created_at.isoformat(),
            },
        )
        ended.append((membership.pk, membership.organisation_id))
        membership.delete()
    result = {"ended": [pk for pk, _ in ended], "login_closed": False, "sessions_ended": 0}
    if ended and not Membership.objects.filter(user=user).exists() and user.is_active:
        result["sessions_ended"] = login_close(
            user=user, by=by, organisation_id=ended[-1][1], reason="their last membership ended"
        )
        result["login_closed"] = True
    # Capacities cached on the caller's object (workforce.access) are no longer true.
    caller_user.__dict__.pop("_workforce_capacities", None)
    caller_user.__dict__.pop("_workforce_supervisees", None)
    if result["login_closed"]:
        caller_user.is_active = False
    return result


@transaction.atomic
def login_close(
    *, user: AbstractBaseUser, by: AbstractBaseUser | None, organisation_id: int | None, reason: str
) -> int:
    """Switch a login off and end every session it has. Returns how many sessions ended."""
    User = get_user_model()
    # update(), not save(): the session ending is done (and counted) here, not by the signal.
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    ended = sessions.end_sessions_of(user)
    audit.record(
        actor=by,
        action="login.closed",
        obj=user,
        organisation_id=organisation_id,
        summary=f"Login {user.get_username()} switched off: {reason}",
        changes={"is_active": [True, False], "sessions_ended": ended},
    )
    return ended
