"""The 6-digit code from an authenticator app: one field for every form that asks for it,
and one check of it against the user's device.

WCAG 2.2's accessible authentication (3.3.8) means nobody has to retype the code: it may
be pasted or filled in by the phone, and apps and password managers often show or copy it
as "123 456". The field therefore takes spaces and hyphens and drops them, and its
maxlength leaves room for them, so a pasted code is never cut short by the browser.
"""

from __future__ import annotations

import re

from django import forms
from django_otp.plugins.otp_totp.models import TOTPDevice

DIGITS = 6
# Room for "123 456", "123-456" or a stray space either side when pasted.
PASTE_ROOM = 12
SEPARATORS = re.compile(r"[\s\-]+")


class CodeField(forms.CharField):
    default_error_messages = {
        "required": "Enter the 6-digit code from your authenticator app.",
        "format": "Enter the 6 digits your authenticator app shows, for example 123 456.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", f"{DIGITS}-digit code")
        super().__init__(
            max_length=PASTE_ROOM,
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
            **kwargs,
        )

    def to_python(self, value):
        return SEPARATORS.sub("", super().to_python(value))

    def validate(self, value):
        super().validate(value)
        if value and not (len(value) == DIGITS and value.isascii() and value.isdigit()):
            raise forms.ValidationError(self.error_messages["format"], code="format")


def check_code(device: TOTPDevice, code: str) -> str:
    """The code if `device` accepts it now; otherwise a ValidationError saying what to do."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        # django-otp doubles the wait after each wrong code, against guessing.
        raise forms.ValidationError(
            "Too many wrong codes in a row. Wait a few seconds, then try the newest code."
        )
    if not device.verify_token(code):
        raise forms.ValidationError(
            "That code did not work. Codes change every 30 seconds and each works once: "
            "wait for a new one and try again."
        )
    return code
