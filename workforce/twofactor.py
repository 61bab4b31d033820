"""Two-factor sign-in with time-based codes (TOTP, django-otp).

Required for co-production leads, safeguarding leads, finance, admins and staff (the Django
admin included); optional for everyone else, or required for all with
TWO_FACTOR_FOR_EVERYONE. A user who must use it and has no authenticator yet is taken to
set one up straight after their password; one who has it is asked for a code. Nothing else
opens until then, so a password reset alone never gets past it.

Codes are single-use (django-otp refuses a time step at or before the last one used) and
only one 30-second step either side of the server's clock is accepted.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from workforce import access, audit
from workforce.models import Capacity as C

REQUIRED_FOR = (C.COPRODUCTION_LEAD, C.SAFEGUARDING_LEAD, C.FINANCE, C.ADMIN)
DEVICE_NAME = "Authenticator app"
# Paths a signed-in but not yet verified user may still open.
OPEN_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/static/")


def required_for(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(settings, "TWO_FACTOR_FOR_EVERYONE", False):
        return True
    return bool(user.is_staff or user.is_superuser or access.has_capacity(user, *REQUIRED_FOR))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: holds back users who must verify and have not."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(OPEN_PREFIXES)
            and required_for(user)
        ):
            step = "verify" if confirmed_device(user) else "setup"
            return redirect(f"{reverse(f'two_factor_{step}')}?next={request.get_full_path()}")
        return self.get_response(request)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="6-digit code",
        help_text="Open your authenticator app and type the 6-digit code it shows now.",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*"}
        ),
    )

    def __init__(self, *args, device: TOTPDevice, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        allowed, details = self.device.verify_is_allowed()
        if not allowed:
            # django-otp doubles the wait after each wrong code, against guessing.
            raise forms.ValidationError(
                "Too many wrong codes in a row. Wait a few seconds, then try the newest code."
            )
        if not code.isdigit() or not self.device.verify_token(code):
            raise forms.ValidationError(
                "That code did not work. Codes change every 30 seconds and each works once: "
                "wait for a new one and try again."
            )
        return code


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


@login_required
@require_http_methods(["GET", "POST"])
def setup(request):
    if confirmed_device(request.user):
        return redirect("two_factor_verify")
    # One unconfirmed device per user, reused until confirmed, so the QR code stays the same
    # if the page is reloaded.
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": DEVICE_NAME}
    )
    form = CodeForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit.record(
                actor=request.user,
                action="two_factor.set_up",
                obj=device,
                organisation_id=None,
                summary="Authenticator app set up",
            )
        otp_login(request, device)
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
        otp_login(request, device)
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
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            raise forms.ValidationError("That is not your current password.")
        return self.cleaned_data["password"]


@login_required
@require_http_methods(["GET", "POST"])
def manage(request):
    """See whether two-step sign-in is on; replace the authenticator after re-entering the
    password (ASVS: re-authentication before changing an authentication factor)."""
    device = confirmed_device(request.user)
    form = ResetForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if device is not None:
                audit.record(
                    actor=request.user,
                    action="two_factor.removed",
                    obj=device,
                    organisation_id=None,
                    summary="Authenticator app removed to set up a new one",
                )
            TOTPDevice.objects.filter(user=request.user).delete()
        if required_for(request.user):
            # Still required: the next page is the set-up page, with a new code.
            messages.info(request, "Scan the new code with your authenticator app.")
            return redirect("two_factor_setup")
        messages.success(request, "Two-step sign-in is now off for your account.")
        return redirect("two_factor_manage")
    return render(
        request,
        "registration/two_factor_manage.html",
        {"device": device, "form": form, "required": required_for(request.user)},
    )


@require_http_methods(["POST"])
def cancel(request):
    """Leave the two-step page: sign out rather than leave a half-signed-in session."""
    logout(request)
    return redirect("login")


def _qr_svg(uri: str) -> str:
    import segno

    # Inline SVG markup, no style attributes: allowed by the site's Content Security Policy.
    return segno.make(uri, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title="QR code for your authenticator app"
    )


def _grouped_secret(device: TOTPDevice) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
