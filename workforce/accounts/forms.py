"""Forms for a signed-in person's own account settings."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django import forms
from django.contrib.auth import forms as auth_forms
from django.db import transaction

from workforce.accounts import credentials
from workforce.accounts.codes import CodeField, check_code
from workforce.platform.forms import helper
from workforce.platform.links import site_link

# Wrong passwords in a row (per session) before the page signs the person out: a stolen
# session must not become a way to guess the password without django-axes noticing.
MAX_REAUTH_FAILURES = 5


class EmailChangeForm(forms.Form):
    """New email address, confirmed by the current password (and a 6-digit code from the
    authenticator app, for those who have one): OWASP ASVS re-authentication before
    changing an account's recovery address."""

    new_email = forms.EmailField(
        label="New email address",
        max_length=150,
        help_text="Emails about your account, including password resets, will go here.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Your current password",
        help_text="To protect your account, confirm it is you.",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = CodeField(
        label="6-digit code from your authenticator app",
        help_text="Open your authenticator app and type the code it shows now.",
    )

    def __init__(self, *args, user, device=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = device
        self.password_failed = False
        self.helper = helper()
        if device is None:
            del self.fields["code"]

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            self.password_failed = True
            raise forms.ValidationError("That is not your current password.")
        return password

    def clean_code(self):
        if self.password_failed:
            # Do not spend a code (each works once) on an attempt that has already failed.
            raise forms.ValidationError("Type a new code once your password is right.")
        return check_code(self.device, self.cleaned_data["code"])


class _AnnouncesPassword:
    """Saving the new password records and announces it (workforce/services/credentials.py)
    in the same transaction, whichever of Django's views set it."""

    how = ""

    def save(self, commit=True):
        with transaction.atomic():
            user = super().save(commit)
            if commit:
                credentials.password_changed(user=user, how=self.how)
        return user


class PasswordChangeForm(_AnnouncesPassword, auth_forms.PasswordChangeForm):
    how = "changed"


class SetPasswordForm(_AnnouncesPassword, auth_forms.SetPasswordForm):
    """The new password chosen from a reset link."""

    how = "reset"


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Sends the reset link only within the limits per address and per client; past them
    the requester sees the same page and nothing is sent, so the limit reveals nothing about
    which addresses have accounts."""

    def save(self, *args, request=None, **kwargs):
        allowed = credentials.password_reset_allowed(
            email=self.cleaned_data["email"],
            client=get_client_ip_address(request) if request is not None else None,
        )
        if allowed:
            super().save(*args, request=request, **kwargs)

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        # The link is on the site's own address, not the Host header of the request.
        context["site_url"] = site_link("")
        super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
