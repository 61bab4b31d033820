"""Two-factor sign-in with time-based codes (TOTP, django-otp).

Required for co-production leads, safeguarding leads, finance, admins and staff (the Django
admin included); optional for everyone else, or required for all with
TWO_FACTOR_FOR_EVERYONE. A user who must use it and has no authenticator yet is taken to
set one up straight after their password; one who has it is asked for a code. Nothing else
opens until then, so a password reset alone never gets past it.

Codes are single-use (django-otp refuses a time step at or before the last one used) and
only one 30-second step either side of the server's clock is accepted.

Before the code only the code page, set-up (for a login with no authenticator yet), cancel
and sign-out open; a login that turned two-step sign-in on by choice is held back the same
way. Replacing or removing the authenticator needs a verified session, the password and a
current code. The session gets a new key once the code is accepted.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from workforce.accounts import credentials
from workforce.accounts.codes import CodeField, check_code
from workforce.organisations import access
from workforce.organisations import capacities as groups

DEVICE_NAME = "Authenticator app"
# Set at sign-in for a login with an authenticator it was not required to have, so the
# middleware holds it back too without a query on every request of every other login.
HAS_DEVICE = "_wf_two_step_on"
# The unconfirmed authenticator a verified session is replacing the current one with.
REPLACING = "_wf_two_step_replacing"


def required_for(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(settings, "TWO_FACTOR_FOR_EVERYONE", False):
        return True
    return bool(
        user.is_staff or user.is_superuser or access.has_capacity(user, *groups.TWO_STEP_REQUIRED)
    )


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def note_authenticator(sender, request, user, **kwargs):
    """On user_logged_in (connected in apps.py): remember whether this login has one."""
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE] = confirmed_device(user) is not None


def second_step_pending(request) -> bool:
    """Signed in with the password but not yet with a code, and a code is needed."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.is_verified():
        return False
    return bool(request.session.get(HAS_DEVICE)) or required_for(user)


def _open_before_second_step(device) -> set[str]:
    """The one rule for what a user who still owes a code may open: the step they owe (the
    code page, or set-up when they have no authenticator at all), cancel and sign-out."""
    step = reverse("two_factor_verify") if device else reverse("two_factor_setup")
    return {step, reverse("two_factor_cancel"), reverse("logout")}


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: holds back users who must verify and have not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if second_step_pending(request) and not request.path.startswith(settings.STATIC_URL):
            device = confirmed_device(request.user)
            if request.path not in _open_before_second_step(device):
                step = "verify" if device else "setup"
                return redirect(f"{reverse(f'two_factor_{step}')}?next={request.get_full_path()}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = CodeField(
        help_text="Open your authenticator app and type the 6-digit code it shows now.",
    )

    def __init__(self, *args, device: TOTPDevice, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        return check_code(self.device, self.cleaned_data["code"])


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


def _second_step_done(request, device: TOTPDevice) -> None:
    otp_login(request, device)
    # A session id seen before the code (on a shared screen, in a proxy's log) must be
    # worth nothing after it.
    request.session.cycle_key()
    request.session[HAS_DEVICE] = True


@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    replacing = None
    if confirmed_device(request.user):
        # Only a session past the second step, that asked to replace the authenticator
        # with the password and a code, ever sees a new secret.
        pk = request.session.get(REPLACING)
        if pk and request.user.is_verified():
            replacing = TOTPDevice.objects.filter(pk=pk, user=request.user, confirmed=False).first()
        if replacing is None:
            request.session.pop(REPLACING, None)
            return redirect("two_factor_verify")
    # One unconfirmed device per user, reused until confirmed, so the QR code stays the same
    # if the page is reloaded.
    device = (
        replacing
        or TOTPDevice.objects.get_or_create(
            user=request.user, confirmed=False, defaults={"name": DEVICE_NAME}
        )[0]
    )
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        credentials.authenticator_set_up(user=request.user, device=device)
        request.session.pop(REPLACING, None)
        _second_step_done(request, device)
        messages.success(request, "Two-step sign-in is set up. You will need a code each time.")
        return redirect(_next_url(request))
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "secret": _grouped_secret(device),
            "next": _next_url(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request):
    device = confirmed_device(request.user)
    if device is None:
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        _second_step_done(request, device)
        return redirect(_next_url(request))
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
    )


class ResetForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        help_text="To protect your account, confirm your password before changing two-step "
        "sign-in.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = CodeField(
        label="6-digit code from your authenticator app",
        help_text="Open the authenticator app you use now and type the code it shows.",
    )

    def __init__(self, *args, user, device: TOTPDevice, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = device
        self.password_failed = False

    def clean_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            self.password_failed = True
            raise forms.ValidationError("That is not your current password.")
        return self.cleaned_data["password"]

    def clean_code(self):
        if self.password_failed:
            # Do not spend a code (each works once) on an attempt that has already failed.
            raise forms.ValidationError("Type a new code once your password is right.")
        return check_code(self.device, self.cleaned_data["code"])


@login_required
@require_http_methods(["GET", "POST"])
def manage(request):
    """See whether two-step sign-in is on; replace or remove the authenticator with the
    password and a current code, from a session already past the second step (ASVS:
    re-authentication with every factor before changing one)."""
    device = confirmed_device(request.user)
    if device is not None and not request.user.is_verified():
        # The middleware holds such sessions back; this covers an authenticator set up
        # from another session after this one signed in.
        return redirect(f"{reverse('two_factor_verify')}?next={request.path}")
    required = required_for(request.user)
    form = ResetForm(request.POST or None, user=request.user, device=device) if device else None
    if request.method == "POST" and form is not None and form.is_valid():
        if required:
            # The old authenticator keeps working until the new one is confirmed, so the
            # login is never left without one.
            new = credentials.authenticator_replacement_start(user=request.user, name=DEVICE_NAME)
            request.session[REPLACING] = new.pk
            messages.info(request, "Scan the new code with your authenticator app.")
            return redirect("two_factor_setup")
        credentials.authenticator_remove(user=request.user)
        request.session[HAS_DEVICE] = False
        messages.success(request, "Two-step sign-in is now off for your account.")
        return redirect("two_factor_manage")
    return render(
        request,
        "registration/two_factor_manage.html",
        {"device": device, "form": form, "required": required},
    )


@require_http_methods(["POST"])
def cancel(request):
    """Leave the two-step page: sign out rather than leave a half-signed-in session."""
    logout(request)
    return redirect("login")


def _qr_svg(uri: str) -> str:
    # Inline SVG markup, no style attributes: allowed by the site's Content Security Policy.
    return segno.make(uri, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title="QR code for your authenticator app"
    )


def _grouped_secret(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
