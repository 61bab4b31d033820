"""Writes about how a login proves who it is: its password and its authenticator app.

Every change is audited once for each organisation the login belongs to, so it shows on
each of those organisations' audit pages, and the login's email address is told once the
change is committed, so someone who took over an account cannot change it quietly. No
entry or email ever holds a password, a hash or an authenticator's secret.

Password-reset emails are limited per address and per client, counted in the database.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice

from workforce.organisations.models import Membership
from workforce.platform import audit, mail
from workforce.platform.models import PasswordResetRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

RESET_EMAILS_PER_ADDRESS = 3
RESET_EMAILS_PER_CLIENT = 10
RESET_WINDOW = timedelta(hours=1)
# Any fixed number: the transaction-level advisory lock that serialises reset requests, so
# two at once cannot both see room for one more.
_RESET_LOCK = 0x52455345

_SUMMARIES = {
    "two_factor.set_up": "{name} set up an authenticator app for two-step sign-in",
    "two_factor.removed": "{name} removed their authenticator app",
    "login.password_changed": "{name} changed their password",
    "login.password_reset": "{name} reset their password by email link",
}


def _organisation_ids(user) -> list[int | None]:
    ids = sorted(
        Membership.objects.filter(user=user).values_list("organisation_id", flat=True).distinct()
    )
    # A login in no organisation still leaves a trace, on the installation's own record.
    return ids or [None]


def _record_everywhere(*, user, action: str, obj, changes: dict | None = None) -> None:
    summary = _SUMMARIES[action].format(name=user.get_username())
    for organisation_id in _organisation_ids(user):
        audit.record(
            actor=user,
            action=action,
            obj=obj,
            organisation_id=organisation_id,
            summary=summary,
            changes=changes,
        )


def _notify(user, change: str) -> None:
    """Tell the login's email address what changed (no secrets): queued with the change,
    sent by the worker once it commits."""
    if not user.email:
        return
    context = {"username": user.get_username(), "change": change, "when": timezone.localtime()}
    subject = render_to_string("registration/security_notice_subject.txt", context).strip()
    body = render_to_string("registration/security_notice_body.txt", context)
    mail.queue_email(to=user.email, subject=subject, body=body)


@transaction.atomic
def authenticator_set_up(*, user: AbstractBaseUser, device: TOTPDevice) -> TOTPDevice:
    """Confirm `device` (its code has just been checked). Any other authenticator the login
    had is removed in the same transaction: a replacement is never half done."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    replaced = list(TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk))
    for old in replaced:
        _record_everywhere(user=user, action="two_factor.removed", obj=old)
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _record_everywhere(
        user=user, action="two_factor.set_up", obj=device, changes={"replaced": len(replaced)}
    )
    _notify(user, "replaced" if replaced else "set_up")
    return device


@transaction.atomic
def authenticator_replacement_start(*, user: AbstractBaseUser, name: str) -> TOTPDevice:
    """A new, unconfirmed authenticator for `user` (the caller has checked their password
    and a current code). It counts for nothing until authenticator_set_up confirms it; until
    then the current one keeps working. Any earlier unfinished replacement is dropped."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=name, confirmed=False)


@transaction.atomic
def authenticator_remove(*, user: AbstractBaseUser) -> int:
    """Turn two-step sign-in off for `user` (the caller has checked their password and a
    current code). Returns how many confirmed authenticators were removed."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    removed = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    for device in removed:
        _record_everywhere(user=user, action="two_factor.removed", obj=device)
    TOTPDevice.objects.filter(user=user).delete()
    if removed:
        _notify(user, "removed")
    return len(removed)


@transaction.atomic
def password_changed(*, user: AbstractBaseUser, how: str) -> None:
    """Record and announce a new password; `how` is "changed" (signed in, old password
    given) or "reset" (by an emailed link). Called in the transaction that saved it."""
    if how not in ("changed", "reset"):
        raise ValueError(f"unknown way of setting a password: {how!r}")
    _record_everywhere(user=user, action=f"login.password_{how}", obj=user)
    _notify(user, f"password_{how}")


def _address_hash(email: str) -> str:
    normalised = (email or "").strip().lower()
    return salted_hmac("workforce.password-reset-request", normalised).hexdigest()


@transaction.atomic
def password_reset_allowed(*, email: str, client: str | None) -> bool:
    """Whether a reset email may go to `email` for `client` now; if so, it is counted.

    Only sent requests are counted, so a flood that is refused does not keep an address
    locked out beyond the window. Unknown addresses count like known ones: the limit must
    not say which addresses have accounts.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_RESET_LOCK])
    now = timezone.now()
    since = now - RESET_WINDOW
    PasswordResetRequest.objects.filter(at__lt=since).delete()
    address_hash = _address_hash(email)
    client = (client or "unknown")[:64]
    recent = PasswordResetRequest.objects.filter(at__gte=since)
    if recent.filter(address_hash=address_hash).count() >= RESET_EMAILS_PER_ADDRESS:
        return False
    if recent.filter(client=client).count() >= RESET_EMAILS_PER_CLIENT:
        return False
    PasswordResetRequest.objects.create(address_hash=address_hash, client=client, at=now)
    return True
