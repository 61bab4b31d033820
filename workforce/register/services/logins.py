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
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from workforce.organisations.models import Membership
from workforce.platform import audit, mail, sessions
from workforce.platform.base import WorkforceError
from workforce.register.models import Person

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
    # Capacities cached on the caller's object (workforce.organisations.access) are no longer true.
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


@transaction.atomic
def login_email_change(*, user: AbstractBaseUser, new_email: str) -> AbstractBaseUser:
    """Change a login's email address (the caller has re-authenticated the person).

    A login named after its email address (as invitations make them) is renamed too, so the
    person signs in with the new address; their register entry's email follows if it was
    the old one. A notice goes to the OLD address once the change is committed, so someone
    who took over a session cannot quietly move the account to themselves.
    """
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    new_email = User.objects.normalize_email(new_email.strip())
    old_email = user.email
    if not new_email:
        raise WorkforceError("Enter your new email address.", field="new_email")
    if new_email.lower() == (old_email or "").lower():
        raise WorkforceError("That is already your email address.", field="new_email")
    clash = User.objects.exclude(pk=user.pk).filter(
        Q(email__iexact=new_email) | Q(username__iexact=new_email)
    )
    if clash.exists():
        raise WorkforceError(
            "Another login already uses that email address. Ask your co-production lead or "
            "an administrator if you need them joined.",
            field="new_email",
        )
    changes = {"email": [old_email, new_email]}
    if old_email and user.get_username().lower() == old_email.lower():
        if len(new_email) > 150:
            raise WorkforceError(
                "That email address is too long to sign in with.", field="new_email"
            )
        changes["username"] = [user.get_username(), new_email.lower()]
        user.username = new_email.lower()
    user.email = new_email
    user.save(update_fields=["email", "username"])
    person = Person.objects.select_for_update().filter(user=user).first()
    organisation_id = person.organisation_id if person else None
    if person is not None and old_email and person.email.lower() == old_email.lower():
        taken = (
            Person.objects.filter(organisation_id=person.organisation_id, email__iexact=new_email)
            .exclude(pk=person.pk)
            .exists()
        )
        if not taken:
            person.email = new_email
            person.save(update_fields=["email"])
            changes["register_email_updated"] = True
    # A login belongs to no one organisation: each organisation it works in (its register
    # entry's and its memberships') sees the change on its own audit page.
    organisations = {organisation_id} | set(
        Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
    )
    for each in sorted(organisations - {None}) or [None]:
        audit.record(
            actor=user,
            action="login.email_changed",
            obj=user,
            organisation_id=each,
            summary=f"{user.get_username()} changed their email address",
            changes=changes,
        )
    if old_email:
        context = {
            "username": user.get_username(),
            "old_email": old_email,
            "new_email": new_email,
            "when": timezone.localtime(),
        }
        subject = render_to_string("registration/email_changed_subject.txt", context).strip()
        body = render_to_string("registration/email_changed_body.txt", context)
        # To the old address: the owner learns of a change made by someone else.
        mail.queue_email(to=old_email, subject=subject, body=body)
    return user


def _not_yourself(*, user, by) -> None:
    if by is not None and by.pk == user.pk:
        raise WorkforceError(
            "You cannot change your own capacities: ask another administrator of the "
            "organisation, so that two people agree to it."
        )


@transaction.atomic
def membership_grant(
    *, user: AbstractBaseUser, organisation, capacity: str, by: AbstractBaseUser
) -> Membership:
    """Give a login one capacity in one organisation, audited there.

    Only someone already on that organisation (a member, or on its register) can be given
    a capacity in it, never by themselves: an administrator cannot make themselves a
    safeguarding lead, nor reach into another organisation.
    """
    User = get_user_model()
    _not_yourself(user=user, by=by)
    if capacity not in Membership.Capacity.values:
        raise WorkforceError("Choose what they will do here.", field="capacity")
    user = User.objects.select_for_update().get(pk=user.pk)
    person = Person.objects.filter(user=user).first()
    belongs = (person is not None and person.organisation_id == organisation.pk) or (
        Membership.objects.filter(user=user, organisation=organisation).exists()
    )
    if not belongs:
        raise WorkforceError(
            f"{user.get_username()} is not part of {organisation.name}: add them to its "
            "register and invite them first.",
            field="user",
        )
    if person is not None and person.has_left:
        raise WorkforceError(f"{person.full_name} has left, so they cannot be given a capacity.")
    if not user.is_active:
        raise WorkforceError(
            f"The login {user.get_username()} is switched off: invite them again first.",
            field="user",
        )
    membership, new = Membership.objects.get_or_create(
        user=user, organisation=organisation, capacity=capacity
    )
    if not new:
        raise WorkforceError(
            f"{user.get_username()} is already {membership.get_capacity_display().lower()} here.",
            field="capacity",
        )
    audit.record(
        actor=by,
        action="membership.granted",
        obj=membership,
        summary=f"{user.get_username()} is now "
        f"{membership.get_capacity_display().lower()} at {organisation.name}",
        changes={"user": user.pk, "capacity": capacity},
    )
    user.__dict__.pop("_workforce_capacities", None)
    return membership


@transaction.atomic
def membership_revoke(*, membership: Membership, by: AbstractBaseUser) -> bool:
    """End one capacity on the organisation's page: as membership_end, never your own."""
    _not_yourself(user=membership.user, by=by)
    return membership_end(membership=membership, by=by, reason="ended by an administrator")


@transaction.atomic
def organisation_first_administrator(*, user: AbstractBaseUser, organisation) -> Membership:
    """Give a new organisation its first administrator (`manage.py first_administrator`).

    The installation operator's only way to give a capacity, and only while the
    organisation has no administrator: from then on its administrators give capacities on
    its own page, so the operator's shell is not a way round the two-person rule.
    """
    Organisation = type(organisation)
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    if Membership.objects.filter(
        organisation=organisation, capacity=Membership.Capacity.ADMIN
    ).exists():
        raise WorkforceError(
            f"{organisation.name} already has an administrator: capacities are given on its "
            "own page, by its administrators."
        )
    if not user.is_active:
        raise WorkforceError(f"The login {user.get_username()} is switched off.")
    membership = Membership.objects.create(
        user=user, organisation=organisation, capacity=Membership.Capacity.ADMIN
    )
    audit.record(
        actor=None,
        action="membership.granted",
        obj=membership,
        summary=f"{user.get_username()} is now the first administrator of {organisation.name} "
        "(given by the installation operator)",
        changes={"user": user.pk, "capacity": Membership.Capacity.ADMIN},
    )
    return membership
