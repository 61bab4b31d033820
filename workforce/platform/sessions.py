"""Session lifetime: signed out after 30 minutes idle, and 12 hours after signing in
whatever happens (OWASP ASVS 7.3). Deactivated users lose every session at once."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.sessions.models import Session
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

STARTED = "_wf_started"
LAST_SEEN = "_wf_last_seen"
# Writing the session on every request would cost a database write per page; a minute's
# precision on the idle timer is plenty.
TOUCH_EVERY = 60


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault(STARTED, now)
            last_seen = session.get(LAST_SEEN, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT
            expired = now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            if idle or expired:
                logout(request)
                messages.info(
                    request,
                    "You were signed out because you had not used the service for a while. "
                    "Please sign in again."
                    if idle
                    else "For your security you are signed out after 12 hours. "
                    "Please sign in again.",
                )
                return redirect(f"{reverse('login')}?next={request.path}")
            if now - last_seen >= TOUCH_EVERY or LAST_SEEN not in session:
                session[LAST_SEEN] = now
        return self.get_response(request)


def end_sessions_of(user) -> int:
    """Delete every session belonging to `user` (a leaver, a deactivated login)."""
    ended = 0
    user_id = str(user.pk)
    # Sessions are signed blobs: decode each one that is still live. Fine for the volumes
    # of an organisation's staff; a session-per-user index would be the next step.
    for session in Session.objects.filter(expire_date__gt=_now()).iterator():
        if session.get_decoded().get("_auth_user_id") == user_id:
            session.delete()
            ended += 1
    return ended


def _now():
    return timezone.now()


def end_sessions_when_deactivated(sender, instance, created, update_fields=None, **kwargs):
    if created or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    end_sessions_of(instance)
