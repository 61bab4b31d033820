"""Two-step sign-in for the demo logins that must use it, with one published demo key, so
someone trying the app locally can sign in as a lead without setting up a phone first.

Local use only: seed_demo and demo_code refuse to run with DJANGO_DEBUG off.
"""

import hashlib
import time
from base64 import b32encode
from binascii import unhexlify

from django.contrib.auth import get_user_model
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from workforce.accounts import twofactor

# 20 bytes derived from the published demo password: a demo secret, never a real one.
DEMO_KEY_HEX = hashlib.sha1(b"demo-pass-2026 two-step").hexdigest()  # noqa: S324


def demo_key_base32() -> str:
    return b32encode(unhexlify(DEMO_KEY_HEX)).decode().rstrip("=")


def current_code() -> str:
    totp = TOTP(unhexlify(DEMO_KEY_HEX), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def seed(usernames) -> int:
    """Give each demo login that must use two-step sign-in the demo authenticator."""
    created = 0
    for user in get_user_model().objects.filter(username__in=usernames):
        if not twofactor.required_for(user) or TOTPDevice.objects.filter(user=user).exists():
            continue
        TOTPDevice.objects.create(
            user=user, name="Demo authenticator", key=DEMO_KEY_HEX, confirmed=True
        )
        created += 1
    return created
