"""Writes about people: register, edit, leave, and invite to sign in."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from workforce.organisations.models import Capacity, Membership, Organisation
from workforce.platform import audit
from workforce.platform.base import WorkforceError, diff, snapshot
from workforce.platform.links import site_link
from workforce.register.models import (
    Assignment,  # the assignments module imports this one
    Person,
)
from workforce.register.services.logins import login_close, memberships_end

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

# What a lead may set on a person's record directly. Status, leaving and logins have their
# own services because each has rules and consequences of its own.
PROFILE_FIELDS = [
    "full_name",
    "preferred_name",
    "pronouns",
    "email",
    "phone",
    "engagement_type",
    "start_date",
    "payee_reference",
]
# A person may be put on a break and back; leaving goes through person_leave.
EDITABLE_STATUSES = {Person.Status.ACTIVE, Person.Status.PAUSED}
INVITABLE_CAPACITIES = {Capacity.PEER_WORKER, Capacity.SUPERVISOR}


def _check_email_free(*, organisation_id: int, email: str, exclude_pk: int | None = None) -> None:
    if not email:
        return
    clash = Person.objects.annotate(email_ci=Lower("email")).filter(
        organisation_id=organisation_id, email_ci=email.lower()
    )
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise WorkforceError(
            f"Someone in this organisation already has the email address {email}.",
            field="email",
        )


def _check_dates(*, start_date: datetime.date | None, end_date: datetime.date | None) -> None:
    if start_date and end_date and end_date < start_date:
        raise WorkforceError(
            f"The last day ({end_date:%d/%m/%Y}) is before the start date ({start_date:%d/%m/%Y}).",
            field="end_date",
        )


@transaction.atomic
def person_create(
    *, organisation: Organisation, by: AbstractBaseUser | None, full_name: str, **fields: Any
) -> Person:
    unknown = set(fields) - set(PROFILE_FIELDS) - {"status"}
    if unknown:
        raise TypeError(f"person_create() got unexpected fields: {sorted(unknown)}")
    if not full_name.strip():
        raise WorkforceError("Enter the person's full name.", field="full_name")
    status = fields.pop("status", Person.Status.ACTIVE)
    if status not in EDITABLE_STATUSES:
        raise WorkforceError("A new person is active or on a break; leaving is recorded later.")
    _check_email_free(organisation_id=organisation.pk, email=fields.get("email", ""))
    person = Person.objects.create(
        organisation=organisation, full_name=full_name.strip(), status=status, **fields
    )
    audit.record(
        actor=by,
        action="person.created",
        obj=person,
        summary=f"Added {person.full_name} to the register",
        changes={
            name: [None, value]
            for name, value in snapshot(person, [*PROFILE_FIELDS, "status"]).items()
            if value not in ("", None)
        },
    )
    return person


@transaction.atomic
def person_update(*, person: Person, by: AbstractBaseUser | None, **fields: Any) -> Person:
    """Change profile fields (and active/on a break); audited with before and after."""
    unknown = set(fields) - set(PROFILE_FIELDS) - {"status"}
    if unknown:
        raise TypeError(f"person_update() got unexpected fields: {sorted(unknown)}")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if "status" in fields and fields["status"] != person.status:
        if person.has_left:
            raise WorkforceError(f"{person.full_name} has left; their status cannot change here.")
        if fields["status"] not in EDITABLE_STATUSES:
            raise WorkforceError("Use “Record leaving” to record that someone has left.")
    if "full_name" in fields and not fields["full_name"].strip():
        raise WorkforceError("Enter the person's full name.", field="full_name")
    if "email" in fields:
        _check_email_free(
            organisation_id=person.organisation_id, email=fields["email"], exclude_pk=person.pk
        )
    _check_dates(start_date=fields.get("start_date", person.start_date), end_date=person.end_date)
    names = [*PROFILE_FIELDS, "status"]
    before = snapshot(person, names)
    for name, value in fields.items():
        setattr(person, name, value)
    changes = diff(before, snapshot(person, names))
    if not changes:
        return person
    person.save(update_fields=list(changes))
    audit.record(
        actor=by,
        action="person.updated",
        obj=person,
        summary=f"Updated {person.full_name}: {', '.join(changes)}",
        changes=changes,
    )
    return person


@transaction.atomic
def person_leave(
    *,
    person: Person,
    by: AbstractBaseUser | None,
    end_date: datetime.date,
    reason: str,
    close_login: bool = True,
) -> Person:
    """Record that someone has left: last day, reason; their assignments end that day.

    With `close_login`, their login's memberships in this organisation end; if it has none
    left anywhere, the login is switched off and its sessions end
    (workforce.register.services.logins).
    Without it, the login keeps working (say, to claim for work already done) and the access
    review report flags it until someone ends it.
    """

    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.has_left:
        raise WorkforceError(f"{person.full_name} is already recorded as having left.")
    if reason not in Person.LeavingReason.values:
        raise WorkforceError("Choose a reason for leaving.", field="reason")
    _check_dates(start_date=person.start_date, end_date=end_date)
    assignments = Assignment.objects.select_for_update().filter(person=person)
    later = assignments.filter(start_date__gt=end_date).first()
    if later is not None:
        raise WorkforceError(
            f"{person.full_name} has an assignment starting on {later.start_date:%d/%m/%Y}, "
            "after their last day. End or correct that assignment first.",
            field="end_date",
        )
    before = snapshot(person, ["status", "end_date", "leaving_reason"])
    person.status = Person.Status.LEFT
    person.end_date = end_date
    person.leaving_reason = reason
    person.save(update_fields=["status", "end_date", "leaving_reason"])
    ended = []
    for assignment in assignments.exclude(end_date__lte=end_date):
        assignment.end_date = end_date
        assignment.save(update_fields=["end_date"])
        ended.append(assignment.pk)
    changes = diff(before, snapshot(person, ["status", "end_date", "leaving_reason"]))
    if ended:
        changes["assignments_ended"] = ended
    if close_login and person.user_id:
        # Their access to this organisation ends; the login itself is switched off (and its
        # sessions ended) only if that was its last membership anywhere.
        result = memberships_end(
            user=person.user,
            memberships=list(
                Membership.objects.filter(
                    user_id=person.user_id, organisation=person.organisation_id
                )
            ),
            by=by,
            reason=f"{person.full_name} left",
        )
        if result["ended"]:
            changes["memberships_ended"] = result["ended"]
        if (
            not result["login_closed"]
            and person.user.is_active
            and not Membership.objects.filter(user_id=person.user_id).exists()
        ):
            # A login with no membership at all gives nothing; switch it off too.
            result["login_closed"] = True
            result["sessions_ended"] = login_close(
                user=person.user,
                by=by,
                organisation_id=person.organisation_id,
                reason=f"{person.full_name} left",
            )
        if result["login_closed"]:
            changes["login_closed"] = True
            changes["sessions_ended"] = result["sessions_ended"]
    audit.record(
        actor=by,
        action="person.left",
        obj=person,
        summary=f"{person.full_name} left on {end_date:%d/%m/%Y} "
        f"({person.get_leaving_reason_display()})",
        changes=changes,
    )
    return person


@transaction.atomic
def person_invite(
    *, person: Person, by: AbstractBaseUser | None, capacity: str
) -> AbstractBaseUser:
    """Give the person a login and email them a link to choose their own password.

    The link is Django's password-reset link (single use, expires after
    PASSWORD_RESET_TIMEOUT). Inviting again before they have set a password sends a new link.
    """
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person.pk)
    if capacity not in INVITABLE_CAPACITIES:
        raise WorkforceError("A login can be for a peer worker or a supervisor.", field="capacity")
    if person.has_left:
        raise WorkforceError(f"{person.full_name} has left, so they cannot be invited.")
    if not person.email:
        raise WorkforceError(
            f"Add an email address for {person.full_name} first: the invitation is emailed."
        )
    User = get_user_model()
    user = person.user
    if user is not None and user.has_usable_password():
        raise WorkforceError(f"{person.full_name} already has a login ({user.get_username()}).")
    if user is None:
        username = person.email.lower()
        if len(username) > 150:
            raise WorkforceError("That email address is too long to be used as a login name.")
        if User.objects.filter(username__iexact=username).exists():
            raise WorkforceError(
                f"There is already a login called {username}. Ask an administrator to link it "
                "to this person instead."
            )
        user = User(username=username, email=person.email)
        user.set_unusable_password()
        user.save()
        person.user = user
        action, summary = "person.invited", f"Invited {person.full_name} to sign in"
    else:
        if not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        action, summary = "person.reinvited", f"Sent {person.full_name} a new invitation"
    Membership.objects.get_or_create(
        user=user, organisation_id=person.organisation_id, capacity=capacity
    )
    person.invited_at = timezone.now()
    person.save(update_fields=["user", "invited_at"])
    audit.record(
        actor=by,
        action=action,
        obj=person,
        summary=summary,
        changes={"username": user.get_username(), "capacity": capacity},
    )
    link = site_link(
        reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )
    context = {
        "person": person,
        "username": user.get_username(),
        "link": link,
        "organisation": person.organisation,
        "invited_by": getattr(getattr(by, "person", None), "display_name", ""),
        "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    subject = render_to_string("workforce/email/invite_subject.txt", context).strip()
    body = render_to_string("workforce/email/invite_body.txt", context)
    recipient = person.email
    # Only once the login exists for sure: a rolled-back invite must not send a live link.
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient])
    )
    return user
